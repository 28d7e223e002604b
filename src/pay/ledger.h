// Ledger: the proxy's durable, signed, hash-chained record of every settled
// request, and the source of the cumulative totals its vouchers sign
// (DESIGN.md §5).
//
// Storage is one SQLite file: WAL journal, synchronous=FULL (Commit returns
// only after the record is on disk), exclusive locking (a second process, or
// a second Ledger in this process, cannot open the same file: pay.ledger_busy).
// Each record (ledger_record.h) is signed with the proxy key and chained to
// the one before by its session hash; Head() is what the proxy anchors on
// chain (anchor.h).
//
// Open() checks every record: contiguous seqnos from 1, each previous hash,
// session hash and signature, and each running total; the last recorded
// anchor must match its record. Anything else is pay.ledger_corrupt with the
// first bad seqno, never a crash. (Cost: one Ed25519 verification per record,
// roughly 20k records per second and core.)
//
// Totals are per contract address and role: a client contract's cumulative
// adjusted tokens (its charge vouchers) and a worker contract's (its payout
// vouchers). A peer presenting a voucher with a total above the ledger's
// proves the ledger lost records (restored from an older copy, cloned):
// CheckPeerTotal/CheckPeerVoucher say so (pay.ledger_behind_peer) so the
// proxy stops signing before it signs a total it already signed for less.
//
// Thread-safety: thread-safe; calls are serialised by an internal mutex.
// Commit blocks on fsync: call it off latency-critical threads.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "crypto/ed25519.h"
#include "crypto/sha.h"
#include "pay/address_order.h"
#include "pay/ledger_record.h"
#include "pay/voucher.h"
#include "util/clock.h"
#include "util/status.h"

namespace cocoon::pay {

class SqliteDb;
class SqliteStatement;

enum class Party { kClient, kWorker };

struct LedgerHead {
  uint64_t seqno = 0;                   // 0 for an empty ledger
  crypto::Sha256Digest session_hash{};  // zeros for an empty ledger

  friend bool operator==(const LedgerHead&, const LedgerHead&) = default;
};

struct AnchorSent {
  uint64_t seqno = 0;
  crypto::Sha256Digest session_hash{};
  int64_t sent_at = 0;  // Unix seconds
};

struct CommitResult {
  LedgerRecord record;
  bool already_committed = false;  // the request id was committed before; nothing changed
};

class Ledger {
 public:
  // Opens or creates the ledger at `path` for the proxy with `key`, and
  // checks every record. Errors: pay.ledger_busy (in use), pay.ledger_wrong_key
  // (made by another proxy key), pay.ledger_corrupt, pay.ledger_io.
  static Result<std::unique_ptr<Ledger>> Open(const std::filesystem::path& path,
                                              const crypto::Ed25519PrivateKey& key,
                                              std::shared_ptr<const Clock> clock);
  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // Appends the settlement as record Head().seqno + 1 with the new totals;
  // durable when it returns OK. The same request id again returns the
  // existing record with already_committed = true and charges nothing; the
  // same id with different content is pay.ledger_conflict; empty or overlong
  // ids are pay.bad_settlement. A total that would
  // pass 2^64 − 1 is pay.overflow. After an I/O failure the ledger refuses
  // further commits (pay.ledger_io): reopen it.
  Result<CommitResult> Commit(const Settlement& settlement);

  // Cumulative adjusted tokens of a contract (0 if never settled).
  uint64_t Total(Party party, const ton::Address& address) const;
  // Every contract of the role with its total, in address order.
  std::vector<std::pair<ton::Address, uint64_t>> Totals(Party party) const;

  LedgerHead Head() const;

  // The record of a request id, if committed.
  Result<std::optional<LedgerRecord>> FindRequest(std::string_view request_id) const;
  // Record `seqno` (1..Head().seqno); kNotFound otherwise.
  Result<LedgerRecord> RecordAt(uint64_t seqno) const;

  // OK when the ledger's total for the contract is at least `peer_total`, the
  // total of a voucher this proxy signed that the peer holds; otherwise
  // pay.ledger_behind_peer. REQUIRES: the voucher was verified as signed by
  // this proxy's key (else use CheckPeerVoucher).
  Status CheckPeerTotal(Party party, const ton::Address& address, uint64_t peer_total) const;
  // Verifies that this proxy signed the voucher (pay.voucher_bad_signature
  // otherwise), takes its role from its kind, then CheckPeerTotal.
  Status CheckPeerVoucher(const SignedVoucher& voucher) const;

  // Records that an anchor of (seqno, session_hash) was sent now. The pair
  // must be this ledger's at that seqno and the seqno must be above the last
  // anchor's (kFailedPrecondition otherwise).
  Status RecordAnchor(uint64_t seqno, const crypto::Sha256Digest& session_hash);
  std::optional<AnchorSent> LastAnchor() const;

  const crypto::Ed25519PublicKey& public_key() const { return key_.public_key(); }

 private:
  Ledger(std::unique_ptr<SqliteDb> db, const crypto::Ed25519PrivateKey& key,
         std::shared_ptr<const Clock> clock);

  Status Initialise();
  Status VerifyAll();
  Result<std::optional<LedgerRecord>> FindRequestLocked(std::string_view request_id) const;
  Result<LedgerRecord> RecordAtLocked(uint64_t seqno) const;
  Status Append(const LedgerRecord& record);
  uint64_t TotalLocked(Party party, const ton::Address& address) const;

  mutable std::mutex mu_;
  std::unique_ptr<SqliteDb> db_;
  crypto::Ed25519PrivateKey key_;
  std::shared_ptr<const Clock> clock_;
  LedgerHead head_;
  std::optional<AnchorSent> last_anchor_;
  std::map<ton::Address, uint64_t, AddressLess> client_totals_;
  std::map<ton::Address, uint64_t, AddressLess> worker_totals_;
  bool failed_ = false;  // an I/O error left the file state unknown
};

}  // namespace cocoon::pay
