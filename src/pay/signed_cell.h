// The signed-message frame shared by vouchers and anchors:
//
//   op:uint32 query_id:uint64 signature:bits512 payload:^Cell
//
// where signature = Ed25519(proxy key, payload.hash()), the 32-byte
// representation hash, as the contracts check it with CHKSIGNU.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>

#include "crypto/ed25519.h"
#include "ton/cell.h"
#include "util/status.h"

namespace cocoon::pay {

crypto::Ed25519Signature SignCell(const ton::CellRef& payload,
                                  const crypto::Ed25519PrivateKey& key);
bool VerifyCellSignature(const ton::CellRef& payload, const crypto::Ed25519Signature& signature,
                         const crypto::Ed25519PublicKey& key);

struct SignedBody {
  uint32_t op = 0;
  uint64_t query_id = 0;
  crypto::Ed25519Signature signature{};
  ton::CellRef payload;
};

Result<ton::CellRef> BuildSignedBody(uint32_t op, uint64_t query_id,
                                     const crypto::Ed25519Signature& signature,
                                     const ton::CellRef& payload);
// Strict: exactly 608 bits and one reference, ordinary cells. Errors are
// kInvalidArgument with a plain description (callers add their tag).
Result<SignedBody> ParseSignedBody(const ton::CellRef& body);

}  // namespace cocoon::pay
