#include "crypto/random.h"

#include <openssl/rand.h>

#include <stdexcept>

namespace cocoon::crypto {

Bytes RandomBytes(size_t n) {
  Bytes out(n);
  if (n > 0 && RAND_bytes(out.data(), static_cast<int>(n)) != 1) {
    throw std::runtime_error("OpenSSL's random generator failed");
  }
  return out;
}

}  // namespace cocoon::crypto
