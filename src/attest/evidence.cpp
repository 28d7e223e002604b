#include "attest/evidence.h"

#include "attest/evidence.pb.h"

namespace cocoon::attest {

std::string_view EvidenceKindName(EvidenceKind kind) {
  switch (kind) {
    case EvidenceKind::kNone:
      return "none";
    case EvidenceKind::kSim:
      return "sim";
    case EvidenceKind::kTdx:
      return "tdx";
  }
  return "unknown";
}

Bytes Evidence::Serialize() const {
  pb::Evidence msg;
  msg.set_kind(static_cast<pb::EvidenceKind>(kind));
  msg.set_quote(quote.data(), quote.size());
  return ToBytes(msg.SerializeAsString());
}

Result<Evidence> Evidence::Parse(ByteSpan bytes) {
  pb::Evidence msg;
  if (!msg.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return InvalidArgument("evidence is not a valid protobuf message");
  }
  Evidence out;
  switch (msg.kind()) {
    case pb::EVIDENCE_NONE:
      out.kind = EvidenceKind::kNone;
      break;
    case pb::EVIDENCE_SIM:
      out.kind = EvidenceKind::kSim;
      break;
    case pb::EVIDENCE_TDX:
      out.kind = EvidenceKind::kTdx;
      break;
    default:
      return InvalidArgument("evidence has an unknown kind " + std::to_string(msg.kind()));
  }
  out.quote = ToBytes(msg.quote());
  return out;
}

}  // namespace cocoon::attest
