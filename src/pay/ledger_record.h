// LedgerRecord: one settled request in the proxy's ledger, its canonical
// encoding, its place in the hash chain and its signature.
//
// Canonical encoding (big-endian integers; strings as u16 length + bytes):
//
//   "cocoon.ledger.v1" (16 bytes, domain separation)
//   seqno:u64  prev_session_hash:32  time:i64
//   request_id  client_id  client_address(wc:i8 hash:32)
//   worker_id   worker_address(wc:i8 hash:32)
//   adjusted_tokens:u64  client_total:u64  worker_total:u64
//
//   session_hash_n = SHA-256(session_hash_{n-1} || encoding_n), session_hash_0 = 32 zero bytes
//   signature_n    = Ed25519(proxy key, encoding_n)
//
// The encoding covers the seqno and the previous session hash, so a record
// cannot be moved, dropped or reordered without breaking the chain, and the
// head (seqno, session_hash) that the proxy anchors on chain commits to
// every record before it.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "crypto/ed25519.h"
#include "crypto/sha.h"
#include "ton/address.h"
#include "util/bytes.h"
#include "util/status.h"

namespace cocoon::pay {

// Longest request, client or worker id the ledger stores.
inline constexpr size_t kMaxLedgerIdBytes = 256;

// What the proxy settles after a request.
struct Settlement {
  std::string request_id;       // unique per request: the idempotency key (1..256 bytes)
  std::string client_id;        // who the client is to the proxy (e.g. its key), ≤ 256 bytes
  ton::Address client_address;  // the client contract its charge vouchers target
  std::string worker_id;
  ton::Address worker_address;  // the worker contract its payout vouchers target
  uint64_t adjusted_tokens = 0;

  friend bool operator==(const Settlement&, const Settlement&) = default;
};

struct LedgerRecord {
  uint64_t seqno = 0;  // 1, 2, 3, … without gaps
  int64_t time = 0;    // Unix seconds when committed
  Settlement settlement;
  uint64_t client_total = 0;  // the client contract's cumulative tokens after this record
  uint64_t worker_total = 0;  // the worker contract's cumulative tokens after this record
  crypto::Sha256Digest prev_session_hash{};
  crypto::Sha256Digest session_hash{};
  crypto::Ed25519Signature signature{};
};

// REQUIRES: ValidateSettlement(record.settlement) is OK.
Bytes EncodeRecord(const LedgerRecord& record);

// Ids present and within kMaxLedgerIdBytes; kInvalidArgument otherwise.
Status ValidateSettlement(const Settlement& settlement);

// Fills session_hash and signature from the other fields.
void SealRecord(LedgerRecord& record, const crypto::Ed25519PrivateKey& key);

// OK when session_hash and signature match the other fields; otherwise a
// description of what does not (the caller adds the tag and seqno).
Status CheckRecordSeal(const LedgerRecord& record, const crypto::Ed25519PublicKey& key);

}  // namespace cocoon::pay
