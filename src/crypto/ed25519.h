// Ed25519 keys, signatures and their files (OpenSSL 3).
//
// Private keys are stored as PKCS#8 PEM (`openssl pkey -in FILE -text` reads
// them), written with mode 0600. A private key never appears in logs or
// error messages.
//
// Thread-safety: const methods are safe from several threads.
#pragma once

#include <array>
#include <filesystem>
#include <memory>

#include "util/bytes.h"
#include "util/status.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace cocoon::crypto {

using Ed25519Signature = std::array<uint8_t, 64>;

class Ed25519PublicKey {
 public:
  static constexpr size_t kSize = 32;
  Ed25519PublicKey() { bytes_.fill(0); }
  explicit Ed25519PublicKey(const std::array<uint8_t, kSize>& raw) : bytes_(raw) {}
  // Fails unless `raw` is exactly 32 bytes.
  static Result<Ed25519PublicKey> FromBytes(ByteSpan raw);

  const std::array<uint8_t, kSize>& bytes() const { return bytes_; }
  std::string Hex() const { return HexEncode(bytes_); }

  // True only for a valid signature of `message` by this key.
  bool Verify(ByteSpan message, ByteSpan signature) const;

  friend bool operator==(const Ed25519PublicKey&, const Ed25519PublicKey&) = default;

 private:
  std::array<uint8_t, kSize> bytes_;
};

class Ed25519PrivateKey {
 public:
  static Ed25519PrivateKey Generate();
  // Deterministic key from a 32-byte seed (RFC 8032 private key).
  static Result<Ed25519PrivateKey> FromSeed(ByteSpan seed);
  static Result<Ed25519PrivateKey> FromPem(std::string_view pem);
  static Result<Ed25519PrivateKey> LoadFile(const std::filesystem::path& path);

  Ed25519PrivateKey(const Ed25519PrivateKey& other);
  Ed25519PrivateKey& operator=(const Ed25519PrivateKey& other);
  Ed25519PrivateKey(Ed25519PrivateKey&&) noexcept;
  Ed25519PrivateKey& operator=(Ed25519PrivateKey&&) noexcept;
  ~Ed25519PrivateKey();

  const Ed25519PublicKey& public_key() const { return public_key_; }
  Ed25519Signature Sign(ByteSpan message) const;
  std::string ToPem() const;
  // Writes the PEM with mode 0600.
  Status SaveFile(const std::filesystem::path& path) const;

  // The OpenSSL key, owned by this object. For TLS and X.509 code.
  EVP_PKEY* evp() const { return pkey_; }

 private:
  explicit Ed25519PrivateKey(EVP_PKEY* pkey);
  EVP_PKEY* pkey_;
  Ed25519PublicKey public_key_;
};

// The raw public key of an OpenSSL key, or an error if it is not Ed25519.
Result<Ed25519PublicKey> Ed25519PublicKeyOf(const EVP_PKEY* pkey);

}  // namespace cocoon::crypto
