// Cryptographically secure random bytes (OpenSSL's DRBG).
#pragma once

#include "util/bytes.h"

namespace cocoon::crypto {

// REQUIRES: OpenSSL's generator is seeded (always true on Linux).
Bytes RandomBytes(size_t n);

}  // namespace cocoon::crypto
