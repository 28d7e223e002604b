// Checksums of TON's formats: CRC16-XMODEM (user-friendly addresses) and
// CRC32C (bag-of-cells trailer).
#pragma once

#include <cstdint>

#include "util/bytes.h"

namespace cocoon::ton {

// CRC-16/XMODEM: polynomial 0x1021, initial value 0, no reflection.
uint16_t Crc16(ByteSpan data);
// CRC-32C (Castagnoli), as written little-endian at the end of a BoC.
uint32_t Crc32c(ByteSpan data);

}  // namespace cocoon::ton
