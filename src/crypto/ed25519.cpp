#include "crypto/ed25519.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <stdexcept>

#include "util/file.h"

namespace cocoon::crypto {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

Result<Ed25519PublicKey> Ed25519PublicKey::FromBytes(ByteSpan raw) {
  if (raw.size() != kSize) {
    return InvalidArgument("an Ed25519 public key is 32 bytes, got " + std::to_string(raw.size()));
  }
  std::array<uint8_t, kSize> a;
  std::copy(raw.begin(), raw.end(), a.begin());
  return Ed25519PublicKey(a);
}

bool Ed25519PublicKey::Verify(ByteSpan message, ByteSpan signature) const {
  if (signature.size() != 64) return false;
  EVP_PKEY* pkey =
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes_.data(), bytes_.size());
  if (!pkey) return false;
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey) == 1 &&
            EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                             message.size()) == 1;
  EVP_PKEY_free(pkey);
  return ok;
}

Result<Ed25519PublicKey> Ed25519PublicKeyOf(const EVP_PKEY* pkey) {
  if (!pkey || EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
    return InvalidArgument("key is not Ed25519");
  }
  std::array<uint8_t, 32> raw;
  size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(pkey, raw.data(), &len) != 1 || len != raw.size()) {
    return InvalidArgument("cannot read the Ed25519 public key");
  }
  return Ed25519PublicKey(raw);
}

Ed25519PrivateKey::Ed25519PrivateKey(EVP_PKEY* pkey) : pkey_(pkey) {
  public_key_ = *Ed25519PublicKeyOf(pkey_);
}

Ed25519PrivateKey Ed25519PrivateKey::Generate() {
  EVP_PKEY* pkey = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
  if (!ctx || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_keygen(ctx, &pkey) != 1) {
    EVP_PKEY_CTX_free(ctx);
    throw std::runtime_error("OpenSSL cannot generate an Ed25519 key");
  }
  EVP_PKEY_CTX_free(ctx);
  return Ed25519PrivateKey(pkey);
}

Result<Ed25519PrivateKey> Ed25519PrivateKey::FromSeed(ByteSpan seed) {
  if (seed.size() != 32) return InvalidArgument("an Ed25519 seed is 32 bytes");
  EVP_PKEY* pkey =
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size());
  if (!pkey) return InvalidArgument("OpenSSL rejected the Ed25519 seed");
  return Ed25519PrivateKey(pkey);
}

Result<Ed25519PrivateKey> Ed25519PrivateKey::FromPem(std::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (!pkey) return InvalidArgument("not a PEM private key");
  if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(pkey);
    return InvalidArgument("the PEM private key is not Ed25519");
  }
  return Ed25519PrivateKey(pkey);
}

Result<Ed25519PrivateKey> Ed25519PrivateKey::LoadFile(const std::filesystem::path& path) {
  COCOON_ASSIGN_OR_RETURN(std::string pem, ReadFile(path, 1 << 16));
  auto key = FromPem(pem);
  if (!key.ok()) return key.status().WithContext(path.string());
  return key;
}

Ed25519PrivateKey::Ed25519PrivateKey(const Ed25519PrivateKey& other)
    : pkey_(other.pkey_), public_key_(other.public_key_) {
  EVP_PKEY_up_ref(pkey_);
}

Ed25519PrivateKey& Ed25519PrivateKey::operator=(const Ed25519PrivateKey& other) {
  if (this != &other) {
    EVP_PKEY_up_ref(other.pkey_);
    EVP_PKEY_free(pkey_);
    pkey_ = other.pkey_;
    public_key_ = other.public_key_;
  }
  return *this;
}

Ed25519PrivateKey::Ed25519PrivateKey(Ed25519PrivateKey&& other) noexcept
    : pkey_(other.pkey_), public_key_(other.public_key_) {
  other.pkey_ = nullptr;
}

Ed25519PrivateKey& Ed25519PrivateKey::operator=(Ed25519PrivateKey&& other) noexcept {
  if (this != &other) {
    EVP_PKEY_free(pkey_);
    pkey_ = other.pkey_;
    public_key_ = other.public_key_;
    other.pkey_ = nullptr;
  }
  return *this;
}

Ed25519PrivateKey::~Ed25519PrivateKey() { EVP_PKEY_free(pkey_); }

Ed25519Signature Ed25519PrivateKey::Sign(ByteSpan message) const {
  Ed25519Signature sig;
  size_t len = sig.size();
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey_) != 1 ||
      EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()) != 1) {
    throw std::runtime_error("OpenSSL failed to sign with Ed25519");
  }
  return sig;
}

std::string Ed25519PrivateKey::ToPem() const {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), pkey_, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

Status Ed25519PrivateKey::SaveFile(const std::filesystem::path& path) const {
  return WriteFileAtomic(path, ToPem(), 0600);
}

}  // namespace cocoon::crypto
