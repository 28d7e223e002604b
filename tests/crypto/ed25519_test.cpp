#include "crypto/ed25519.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "crypto/sha.h"

namespace cocoon::crypto {
namespace {

TEST(Ed25519Test, MatchesRfc8032TestVector1) {
  auto seed = *HexDecode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  auto key = *Ed25519PrivateKey::FromSeed(seed);
  EXPECT_EQ(key.public_key().Hex(),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  auto sig = key.Sign({});
  EXPECT_EQ(HexEncode(sig),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e3"
            "9701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  EXPECT_TRUE(key.public_key().Verify({}, sig));
  sig[0] ^= 1;
  EXPECT_FALSE(key.public_key().Verify({}, sig));
}

TEST(Ed25519Test, PemFileRoundTripKeepsKeyAndIsPrivate) {
  auto key = Ed25519PrivateKey::Generate();
  auto path = std::filesystem::temp_directory_path() / "cocoon_ed25519_test.pem";
  ASSERT_TRUE(key.SaveFile(path).ok());
  auto perms = std::filesystem::status(path).permissions();
  EXPECT_EQ(perms & std::filesystem::perms::group_read, std::filesystem::perms::none);
  auto loaded = Ed25519PrivateKey::LoadFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->public_key(), key.public_key());
  std::filesystem::remove(path);
  EXPECT_FALSE(Ed25519PrivateKey::FromPem("garbage").ok());
}

TEST(ShaTest, KnownDigests) {
  EXPECT_EQ(HexEncode(Sha256(AsBytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256Hasher h;
  h.Update(AsBytes("a"));
  h.Update(AsBytes("bc"));
  EXPECT_EQ(h.Finish(), Sha256(AsBytes("abc")));
  EXPECT_EQ(HexEncode(Sha512(AsBytes("abc"))).substr(0, 16), "ddaf35a193617aba");
}

}  // namespace
}  // namespace cocoon::crypto
