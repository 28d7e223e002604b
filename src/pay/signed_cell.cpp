#include "pay/signed_cell.h"

#include <algorithm>

#include "ton/cell_builder.h"
#include "ton/cell_slice.h"

namespace cocoon::pay {

crypto::Ed25519Signature SignCell(const ton::CellRef& payload,
                                  const crypto::Ed25519PrivateKey& key) {
  return key.Sign(payload->hash());
}

bool VerifyCellSignature(const ton::CellRef& payload, const crypto::Ed25519Signature& signature,
                         const crypto::Ed25519PublicKey& key) {
  return payload != nullptr && key.Verify(payload->hash(), signature);
}

Result<ton::CellRef> BuildSignedBody(uint32_t op, uint64_t query_id,
                                     const crypto::Ed25519Signature& signature,
                                     const ton::CellRef& payload) {
  ton::CellBuilder b;
  b.StoreUint(op, 32).StoreUint(query_id, 64).StoreBytes(signature).StoreRef(payload);
  return b.Finalize();
}

Result<SignedBody> ParseSignedBody(const ton::CellRef& body) {
  if (body == nullptr || body->exotic()) {
    return InvalidArgument("the message body is not an ordinary cell");
  }
  ton::CellSlice s(body);
  if (s.remaining_bits() != 32 + 64 + 512 || s.remaining_refs() != 1) {
    return InvalidArgument("the message body has " + std::to_string(s.remaining_bits()) +
                           " bits and " + std::to_string(s.remaining_refs()) +
                           " references (a signed message has 608 and 1)");
  }
  SignedBody out;
  COCOON_ASSIGN_OR_RETURN(uint64_t op, s.LoadUint(32));
  COCOON_ASSIGN_OR_RETURN(out.query_id, s.LoadUint(64));
  COCOON_ASSIGN_OR_RETURN(Bytes signature, s.LoadBytes(64));
  COCOON_ASSIGN_OR_RETURN(out.payload, s.LoadRef());
  out.op = static_cast<uint32_t>(op);
  std::copy(signature.begin(), signature.end(), out.signature.begin());
  return out;
}

}  // namespace cocoon::pay
