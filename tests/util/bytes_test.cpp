#include "util/bytes.h"

#include <gtest/gtest.h>

namespace cocoon {
namespace {

TEST(HexTest, RoundTripsAndRejectsBadInput) {
  Bytes b = {0x00, 0xab, 0xff, 0x10};
  EXPECT_EQ(HexEncode(b), "00abff10");
  EXPECT_EQ(*HexDecode("00ABff10"), b);
  EXPECT_FALSE(HexDecode("abc").ok());
  EXPECT_FALSE(HexDecode("zz").ok());
}

TEST(Base64Test, MatchesRfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(AsBytes(plain)), encoded);
    EXPECT_EQ(ToString(*Base64Decode(encoded)), plain);
  }
}

TEST(Base64Test, UrlAlphabetAndErrors) {
  Bytes b = {0xfb, 0xff, 0xbf};
  EXPECT_EQ(Base64Encode(b), "+/+/");
  EXPECT_EQ(Base64Encode(b, Base64Alphabet::kUrl), "-_-_");
  EXPECT_EQ(*Base64Decode("-_-_", Base64Alphabet::kUrl), b);
  EXPECT_FALSE(Base64Decode("-_-_").ok());
  EXPECT_FALSE(Base64Decode("Zg=x").ok());
  EXPECT_FALSE(Base64Decode("Z").ok());
  EXPECT_FALSE(Base64Decode("Zh==").ok());  // non-zero trailing bits
}

TEST(ConstantTimeEqualsTest, ComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals(AsBytes("abc"), AsBytes("abc")));
  EXPECT_FALSE(ConstantTimeEquals(AsBytes("abc"), AsBytes("abd")));
  EXPECT_FALSE(ConstantTimeEquals(AsBytes("abc"), AsBytes("ab")));
}

}  // namespace
}  // namespace cocoon
