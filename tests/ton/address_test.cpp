// Address text forms: errors and flags (the forms themselves are checked
// against @ton/core in the vector tests).
#include "ton/address.h"

#include <gtest/gtest.h>

#include "ton/checksum.h"

namespace cocoon::ton {
namespace {

TEST(AddressTest, KnownAddressForms) {
  // The TON Foundation's well-known elector-style example from the docs:
  // -1:3333... is Ef8zMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM0vF.
  Result<ParsedAddress> a = ParseAddress("Ef8zMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM0vF");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->address.ToRaw(),
            "-1:3333333333333333333333333333333333333333333333333333333333333333");
  EXPECT_TRUE(a->bounceable);
  EXPECT_FALSE(a->testnet);
}

TEST(AddressTest, RejectsMalformedText) {
  const char* bad[] = {
      "",
      "0:",
      "0:abc",
      "x:"
      "0000000000000000000000000000000000000000000000000000000000000000",
      "128:0000000000000000000000000000000000000000000000000000000000000000",
      "0:000000000000000000000000000000000000000000000000000000000000000g",
      "Ef8zMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM0vG",  // checksum
      "Ef8zMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM0v",   // length
      "Ef8zMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM0v!",  // alphabet
  };
  for (const char* text : bad) EXPECT_FALSE(ParseAddress(text).ok()) << text;
}

TEST(AddressTest, FriendlyRoundTripKeepsFlags) {
  Address a = *ParseRawAddress("0:" + std::string(64, 'f'));
  for (bool b : {false, true}) {
    for (bool t : {false, true}) {
      for (bool u : {false, true}) {
        Result<ParsedAddress> p = ParseAddress(a.ToFriendly(b, t, u));
        ASSERT_TRUE(p.ok());
        EXPECT_EQ(p->address, a);
        EXPECT_EQ(p->bounceable, b);
        EXPECT_EQ(p->testnet, t);
      }
    }
  }
}

TEST(ChecksumTest, KnownValues) {
  EXPECT_EQ(Crc16(AsBytes("123456789")), 0x31c3);        // CRC-16/XMODEM check value
  EXPECT_EQ(Crc32c(AsBytes("123456789")), 0xe3069283u);  // CRC-32C check value
}

}  // namespace
}  // namespace cocoon::ton
