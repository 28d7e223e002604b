#include "ratls/claims.h"

#include "ratls/claims.pb.h"

namespace cocoon::ratls {

Bytes Claims::Serialize() const {
  pb::Claims msg;
  msg.set_public_key(public_key.bytes().data(), public_key.bytes().size());
  msg.set_role(static_cast<uint32_t>(role));
  msg.set_not_after(not_after);
  for (const auto& [k, v] : extra) (*msg.mutable_extra())[k] = v;
  std::string out;
  msg.SerializeToString(&out);
  return ToBytes(out);
}

Result<Claims> Claims::Parse(ByteSpan bytes) {
  pb::Claims msg;
  if (!msg.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return InvalidArgument("claims are not a valid protobuf message");
  }
  Claims c;
  auto key = crypto::Ed25519PublicKey::FromBytes(AsBytes(msg.public_key()));
  if (!key.ok()) return key.status().WithContext("claims public key");
  c.public_key = *key;
  switch (msg.role()) {
    case 1:
      c.role = attest::Role::kWorker;
      break;
    case 2:
      c.role = attest::Role::kProxy;
      break;
    case 3:
      c.role = attest::Role::kClient;
      break;
    default:
      return InvalidArgument("claims name an unknown role " + std::to_string(msg.role()));
  }
  c.not_after = msg.not_after();
  for (const auto& [k, v] : msg.extra()) c.extra[k] = v;
  return c;
}

attest::ReportData ReportDataFor(ByteSpan serialized_claims) {
  return crypto::Sha512(serialized_claims);
}

}  // namespace cocoon::ratls
