#include "crypto/sha.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

namespace cocoon::crypto {

Sha256Digest Sha256(ByteSpan data) {
  Sha256Digest d;
  SHA256(data.data(), data.size(), d.data());
  return d;
}

Sha512Digest Sha512(ByteSpan data) {
  Sha512Digest d;
  SHA512(data.data(), data.size(), d.data());
  return d;
}

Sha256Hasher::Sha256Hasher() : ctx_(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr);
}

Sha256Hasher::~Sha256Hasher() { EVP_MD_CTX_free(ctx_); }

void Sha256Hasher::Update(ByteSpan data) { EVP_DigestUpdate(ctx_, data.data(), data.size()); }

Sha256Digest Sha256Hasher::Finish() {
  Sha256Digest d;
  unsigned len = 0;
  EVP_DigestFinal_ex(ctx_, d.data(), &len);
  return d;
}

}  // namespace cocoon::crypto
