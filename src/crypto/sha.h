// SHA-2 digests (OpenSSL 3).
#pragma once

#include <array>
#include <memory>

#include "util/bytes.h"

typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace cocoon::crypto {

using Sha256Digest = std::array<uint8_t, 32>;
using Sha512Digest = std::array<uint8_t, 64>;

Sha256Digest Sha256(ByteSpan data);
Sha512Digest Sha512(ByteSpan data);

// Incremental SHA-256 for inputs read in pieces (e.g. an executable file).
// Not thread-safe.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(ByteSpan data);
  // REQUIRES: called once; the hasher is spent afterwards.
  Sha256Digest Finish();

 private:
  EVP_MD_CTX* ctx_;
};

}  // namespace cocoon::crypto
