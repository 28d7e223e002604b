#include "pay/ledger_record.h"

#include <string_view>

namespace cocoon::pay {
namespace {

constexpr std::string_view kDomain = "cocoon.ledger.v1";

void PutU64(Bytes& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

void PutString(Bytes& out, std::string_view s) {
  out.push_back(static_cast<uint8_t>(s.size() >> 8));
  out.push_back(static_cast<uint8_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

void PutAddress(Bytes& out, const ton::Address& a) {
  out.push_back(static_cast<uint8_t>(a.workchain));
  out.insert(out.end(), a.hash.begin(), a.hash.end());
}

Status CheckId(std::string_view name, std::string_view id) {
  if (id.empty() || id.size() > kMaxLedgerIdBytes) {
    return InvalidArgument(std::string(name) + " must be 1 to 256 bytes, not " +
                           std::to_string(id.size()));
  }
  return Status::Ok();
}

}  // namespace

Status ValidateSettlement(const Settlement& s) {
  COCOON_RETURN_IF_ERROR(CheckId("request_id", s.request_id));
  COCOON_RETURN_IF_ERROR(CheckId("client_id", s.client_id));
  COCOON_RETURN_IF_ERROR(CheckId("worker_id", s.worker_id));
  return Status::Ok();
}

Bytes EncodeRecord(const LedgerRecord& r) {
  Bytes out;
  out.reserve(256);
  out.insert(out.end(), kDomain.begin(), kDomain.end());
  PutU64(out, r.seqno);
  out.insert(out.end(), r.prev_session_hash.begin(), r.prev_session_hash.end());
  PutU64(out, static_cast<uint64_t>(r.time));
  PutString(out, r.settlement.request_id);
  PutString(out, r.settlement.client_id);
  PutAddress(out, r.settlement.client_address);
  PutString(out, r.settlement.worker_id);
  PutAddress(out, r.settlement.worker_address);
  PutU64(out, r.settlement.adjusted_tokens);
  PutU64(out, r.client_total);
  PutU64(out, r.worker_total);
  return out;
}

namespace {

crypto::Sha256Digest ChainHash(const LedgerRecord& r, const Bytes& encoding) {
  Bytes input(r.prev_session_hash.begin(), r.prev_session_hash.end());
  input.insert(input.end(), encoding.begin(), encoding.end());
  return crypto::Sha256(input);
}

}  // namespace

void SealRecord(LedgerRecord& r, const crypto::Ed25519PrivateKey& key) {
  Bytes encoding = EncodeRecord(r);
  r.session_hash = ChainHash(r, encoding);
  r.signature = key.Sign(encoding);
}

Status CheckRecordSeal(const LedgerRecord& r, const crypto::Ed25519PublicKey& key) {
  Bytes encoding = EncodeRecord(r);
  if (ChainHash(r, encoding) != r.session_hash) {
    return InvalidArgument("its session hash does not match its content");
  }
  if (!key.Verify(encoding, r.signature)) {
    return InvalidArgument("its signature does not verify with proxy key " + key.Hex());
  }
  return Status::Ok();
}

}  // namespace cocoon::pay
