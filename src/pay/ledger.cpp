#include "pay/ledger.h"

#include <algorithm>
#include <limits>
#include <string>

#include "pay/errors.h"
#include "pay/signed_cell.h"
#include "pay/sqlite_db.h"

namespace cocoon::pay {
namespace {

constexpr std::string_view kFormatVersion = "1";

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS records(
  seqno INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  request_id BLOB NOT NULL UNIQUE,
  client_id BLOB NOT NULL,
  client_address TEXT NOT NULL,
  worker_id BLOB NOT NULL,
  worker_address TEXT NOT NULL,
  adjusted_tokens INTEGER NOT NULL,
  client_total INTEGER NOT NULL,
  worker_total INTEGER NOT NULL,
  prev_session_hash BLOB NOT NULL,
  session_hash BLOB NOT NULL,
  signature BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS anchors(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  seqno INTEGER NOT NULL,
  session_hash BLOB NOT NULL,
  sent_at INTEGER NOT NULL
);
)sql";

constexpr std::string_view kRecordColumns =
    "seqno, time, request_id, client_id, client_address, worker_id, worker_address, "
    "adjusted_tokens, client_total, worker_total, prev_session_hash, session_hash, signature";

Status Corrupt(std::string_view detail) {
  return PayError(ErrorCode::kFailedPrecondition, kLedgerCorrupt,
                  std::string(detail) +
                      " (the ledger file was altered or damaged: restore it from a backup and "
                      "check it against the last on-chain anchor)");
}

Status Io(const Status& s) { return PayError(s.code(), kLedgerIo, s.message()); }

// SQLite integers are signed 64-bit: unsigned values are stored bit for bit.
int64_t ToSql(uint64_t v) { return static_cast<int64_t>(v); }
uint64_t FromSql(int64_t v) { return static_cast<uint64_t>(v); }

template <size_t N>
bool CopyExact(const Bytes& from, std::array<uint8_t, N>& to) {
  if (from.size() != N) return false;
  std::copy(from.begin(), from.end(), to.begin());
  return true;
}

// Reads the row (kRecordColumns order); a description of the first bad field.
Result<LedgerRecord> ReadRecord(const SqliteStatement& s) {
  LedgerRecord r;
  r.seqno = FromSql(s.Int(0));
  r.time = s.Int(1);
  r.settlement.request_id = ToString(s.Blob(2));
  r.settlement.client_id = ToString(s.Blob(3));
  auto client = ton::ParseRawAddress(s.Text(4));
  if (!client.ok()) return InvalidArgument("bad client address: " + client.status().message());
  r.settlement.client_address = *client;
  r.settlement.worker_id = ToString(s.Blob(5));
  auto worker = ton::ParseRawAddress(s.Text(6));
  if (!worker.ok()) return InvalidArgument("bad worker address: " + worker.status().message());
  r.settlement.worker_address = *worker;
  r.settlement.adjusted_tokens = FromSql(s.Int(7));
  r.client_total = FromSql(s.Int(8));
  r.worker_total = FromSql(s.Int(9));
  if (!CopyExact(s.Blob(10), r.prev_session_hash)) {
    return InvalidArgument("bad previous session hash");
  }
  if (!CopyExact(s.Blob(11), r.session_hash)) return InvalidArgument("bad session hash");
  if (!CopyExact(s.Blob(12), r.signature)) return InvalidArgument("bad signature length");
  return r;
}

}  // namespace

Ledger::Ledger(std::unique_ptr<SqliteDb> db, const crypto::Ed25519PrivateKey& key,
               std::shared_ptr<const Clock> clock)
    : db_(std::move(db)), key_(key), clock_(std::move(clock)) {}

Ledger::~Ledger() = default;

Result<std::unique_ptr<Ledger>> Ledger::Open(const std::filesystem::path& path,
                                             const crypto::Ed25519PrivateKey& key,
                                             std::shared_ptr<const Clock> clock) {
  auto db = SqliteDb::Open(path);
  if (!db.ok()) return Io(db.status());
  std::unique_ptr<Ledger> ledger(new Ledger(std::move(*db), key, std::move(clock)));
  // The path goes last so that messages keep starting with their reason tag.
  auto with_path = [&](const Status& s) {
    return Status(s.code(), s.message() + " [" + path.string() + "]");
  };
  Status initialised = ledger->Initialise();
  if (!initialised.ok()) return with_path(initialised);
  Status verified;
  {
    std::lock_guard lock(ledger->mu_);
    verified = ledger->VerifyAll();
  }
  if (!verified.ok()) return with_path(verified);
  return ledger;
}

Status Ledger::Initialise() {
  sqlite3_busy_timeout(db_->raw(), 0);
  auto busy = [](const Status& s) {
    if (s.code() == ErrorCode::kUnavailable) {
      return PayError(ErrorCode::kUnavailable, kLedgerBusy,
                      "the ledger is open in another process (" + s.message() + ")");
    }
    return Io(s);
  };
  // Exclusive: the file lock is taken at the first write below and kept
  // until close, so no other connection can open the ledger meanwhile.
  Status s = db_->Exec("PRAGMA locking_mode=EXCLUSIVE");
  if (!s.ok()) return busy(s);
  auto mode = db_->PragmaText("journal_mode=WAL");
  if (!mode.ok()) return busy(mode.status());
  if (*mode != "wal") {
    return PayError(ErrorCode::kIo, kLedgerIo,
                    "the file system does not support WAL (journal mode " + *mode + ")");
  }
  s = db_->Exec("PRAGMA synchronous=FULL");
  if (!s.ok()) return Io(s);
  s = db_->Exec("BEGIN IMMEDIATE");
  if (!s.ok()) return busy(s);
  s = db_->Exec(kSchema);
  if (s.ok()) {
    auto read = db_->Prepare("SELECT value FROM meta WHERE key = ?1");
    if (!read.ok()) {
      s = read.status();
    } else {
      auto get = [&](std::string_view k) -> Result<std::optional<std::string>> {
        read->Reset();
        read->Bind(1, k);
        COCOON_ASSIGN_OR_RETURN(bool row, read->Step());
        if (!row) return std::optional<std::string>();
        return std::optional<std::string>(read->Text(0));
      };
      auto put = [&](std::string_view k, std::string_view v) -> Status {
        COCOON_ASSIGN_OR_RETURN(SqliteStatement w,
                                db_->Prepare("INSERT INTO meta(key, value) VALUES(?1, ?2)"));
        w.Bind(1, k).Bind(2, v);
        return w.Run();
      };
      auto format = get("format");
      auto stored_key = get("proxy_public_key");
      if (!format.ok()) {
        s = format.status();
      } else if (!stored_key.ok()) {
        s = stored_key.status();
      } else if (!format->has_value()) {
        s = put("format", kFormatVersion);
        if (s.ok()) s = put("proxy_public_key", key_.public_key().Hex());
      } else if (**format != kFormatVersion) {
        db_->Exec("ROLLBACK").ok();
        return Corrupt("unknown ledger format " + **format);
      } else if (!stored_key->has_value() || **stored_key != key_.public_key().Hex()) {
        db_->Exec("ROLLBACK").ok();
        return PayError(ErrorCode::kPermissionDenied, kLedgerWrongKey,
                        "the ledger belongs to proxy key " +
                            stored_key->value_or(std::string("(none)")) + ", not to " +
                            key_.public_key().Hex());
      }
    }
  }
  if (!s.ok()) {
    db_->Exec("ROLLBACK").ok();
    return Io(s);
  }
  s = db_->Exec("COMMIT");
  if (!s.ok()) return Io(s);
  return Status::Ok();
}

Status Ledger::VerifyAll() {
  auto stmt =
      db_->Prepare("SELECT " + std::string(kRecordColumns) + " FROM records ORDER BY seqno");
  if (!stmt.ok()) return Io(stmt.status());
  LedgerHead head;
  for (;;) {
    auto row = stmt->Step();
    if (!row.ok()) return Io(row.status());
    if (!*row) break;
    uint64_t expected = head.seqno + 1;
    uint64_t seqno = FromSql(stmt->Int(0));
    std::string where = "record " + std::to_string(expected);
    if (seqno != expected) {
      return Corrupt(where + " is missing (the next record is " + std::to_string(seqno) + ")");
    }
    auto record = ReadRecord(*stmt);
    if (!record.ok()) return Corrupt(where + ": " + record.status().message());
    const LedgerRecord& r = *record;
    if (r.prev_session_hash != head.session_hash) {
      return Corrupt(where + ": its previous hash is not the session hash of record " +
                     std::to_string(head.seqno));
    }
    Status seal = CheckRecordSeal(r, key_.public_key());
    if (!seal.ok()) return Corrupt(where + ": " + seal.message());
    uint64_t& client = client_totals_[r.settlement.client_address];
    uint64_t& worker = worker_totals_[r.settlement.worker_address];
    uint64_t tokens = r.settlement.adjusted_tokens;
    if (client > std::numeric_limits<uint64_t>::max() - tokens ||
        r.client_total != client + tokens) {
      return Corrupt(where + ": the client total does not follow from the records before");
    }
    if (worker > std::numeric_limits<uint64_t>::max() - tokens ||
        r.worker_total != worker + tokens) {
      return Corrupt(where + ": the worker total does not follow from the records before");
    }
    client = r.client_total;
    worker = r.worker_total;
    head = {r.seqno, r.session_hash};
  }
  head_ = head;

  auto anchor =
      db_->Prepare("SELECT seqno, session_hash, sent_at FROM anchors ORDER BY id DESC LIMIT 1");
  if (!anchor.ok()) return Io(anchor.status());
  auto row = anchor->Step();
  if (!row.ok()) return Io(row.status());
  if (*row) {
    AnchorSent a;
    a.seqno = FromSql(anchor->Int(0));
    a.sent_at = anchor->Int(2);
    if (!CopyExact(anchor->Blob(1), a.session_hash)) return Corrupt("the last anchor: bad hash");
    if (a.seqno > head_.seqno) {
      return Corrupt("the last anchor sent is for record " + std::to_string(a.seqno) +
                     " but the ledger ends at " + std::to_string(head_.seqno));
    }
    if (a.seqno > 0) {
      auto at = RecordAtLocked(a.seqno);
      if (!at.ok()) return Io(at.status());
      if (at->session_hash != a.session_hash) {
        return Corrupt("the last anchor sent does not match record " + std::to_string(a.seqno));
      }
    }
    last_anchor_ = a;
  }
  return Status::Ok();
}

Result<std::optional<LedgerRecord>> Ledger::FindRequestLocked(std::string_view request_id) const {
  auto stmt =
      db_->Prepare("SELECT " + std::string(kRecordColumns) + " FROM records WHERE request_id = ?1");
  if (!stmt.ok()) return Io(stmt.status());
  stmt->BindBlob(1, AsBytes(request_id));
  auto row = stmt->Step();
  if (!row.ok()) return Io(row.status());
  if (!*row) return std::optional<LedgerRecord>();
  auto record = ReadRecord(*stmt);
  if (!record.ok())
    return Corrupt("request " + std::string(request_id) + ": " + record.status().message());
  return std::optional<LedgerRecord>(std::move(*record));
}

Result<LedgerRecord> Ledger::RecordAtLocked(uint64_t seqno) const {
  auto stmt =
      db_->Prepare("SELECT " + std::string(kRecordColumns) + " FROM records WHERE seqno = ?1");
  if (!stmt.ok()) return Io(stmt.status());
  stmt->Bind(1, ToSql(seqno));
  auto row = stmt->Step();
  if (!row.ok()) return Io(row.status());
  if (!*row) return NotFound("the ledger has no record " + std::to_string(seqno));
  auto record = ReadRecord(*stmt);
  if (!record.ok()) {
    return Corrupt("record " + std::to_string(seqno) + ": " + record.status().message());
  }
  return record;
}

Status Ledger::Append(const LedgerRecord& r) {
  COCOON_RETURN_IF_ERROR(db_->Exec("BEGIN IMMEDIATE"));
  auto insert = db_->Prepare("INSERT INTO records(" + std::string(kRecordColumns) +
                             ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
  Status s = insert.status();
  if (s.ok()) {
    const Settlement& st = r.settlement;
    insert->Bind(1, ToSql(r.seqno))
        .Bind(2, r.time)
        .BindBlob(3, AsBytes(st.request_id))
        .BindBlob(4, AsBytes(st.client_id))
        .Bind(5, st.client_address.ToRaw())
        .BindBlob(6, AsBytes(st.worker_id))
        .Bind(7, st.worker_address.ToRaw())
        .Bind(8, ToSql(st.adjusted_tokens))
        .Bind(9, ToSql(r.client_total))
        .Bind(10, ToSql(r.worker_total))
        .BindBlob(11, r.prev_session_hash)
        .BindBlob(12, r.session_hash)
        .BindBlob(13, r.signature);
    s = insert->Run();
  }
  if (s.ok()) s = db_->Exec("COMMIT");
  if (!s.ok()) {
    db_->Exec("ROLLBACK").ok();
    return s;
  }
  return Status::Ok();
}

Result<CommitResult> Ledger::Commit(const Settlement& settlement) {
  Status valid = ValidateSettlement(settlement);
  if (!valid.ok()) return PayError(ErrorCode::kInvalidArgument, kBadSettlement, valid.message());
  std::lock_guard lock(mu_);
  if (failed_) {
    return PayError(ErrorCode::kFailedPrecondition, kLedgerIo,
                    "an earlier write failed; reopen the ledger before committing");
  }
  COCOON_ASSIGN_OR_RETURN(std::optional<LedgerRecord> existing,
                          FindRequestLocked(settlement.request_id));
  if (existing) {
    if (existing->settlement != settlement) {
      return PayError(ErrorCode::kFailedPrecondition, kLedgerConflict,
                      "request " + settlement.request_id +
                          " was settled with different content (record " +
                          std::to_string(existing->seqno) + ")");
    }
    return CommitResult{std::move(*existing), true};
  }
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  const uint64_t tokens = settlement.adjusted_tokens;
  uint64_t client = TotalLocked(Party::kClient, settlement.client_address);
  uint64_t worker = TotalLocked(Party::kWorker, settlement.worker_address);
  if (client > max - tokens || worker > max - tokens) {
    return PayError(ErrorCode::kResourceExhausted, kOverflow,
                    "a cumulative total would pass 2^64 - 1 tokens");
  }
  LedgerRecord r;
  r.seqno = head_.seqno + 1;
  r.time = clock_->NowUnix();
  r.settlement = settlement;
  r.client_total = client + tokens;
  r.worker_total = worker + tokens;
  r.prev_session_hash = head_.session_hash;
  SealRecord(r, key_);
  Status appended = Append(r);
  if (!appended.ok()) {
    failed_ = true;
    return Io(appended);
  }
  client_totals_[settlement.client_address] = r.client_total;
  worker_totals_[settlement.worker_address] = r.worker_total;
  head_ = {r.seqno, r.session_hash};
  return CommitResult{std::move(r), false};
}

uint64_t Ledger::TotalLocked(Party party, const ton::Address& address) const {
  const auto& totals = party == Party::kClient ? client_totals_ : worker_totals_;
  auto it = totals.find(address);
  return it == totals.end() ? 0 : it->second;
}

uint64_t Ledger::Total(Party party, const ton::Address& address) const {
  std::lock_guard lock(mu_);
  return TotalLocked(party, address);
}

std::vector<std::pair<ton::Address, uint64_t>> Ledger::Totals(Party party) const {
  std::lock_guard lock(mu_);
  const auto& totals = party == Party::kClient ? client_totals_ : worker_totals_;
  return {totals.begin(), totals.end()};
}

LedgerHead Ledger::Head() const {
  std::lock_guard lock(mu_);
  return head_;
}

Result<std::optional<LedgerRecord>> Ledger::FindRequest(std::string_view request_id) const {
  std::lock_guard lock(mu_);
  return FindRequestLocked(request_id);
}

Result<LedgerRecord> Ledger::RecordAt(uint64_t seqno) const {
  std::lock_guard lock(mu_);
  return RecordAtLocked(seqno);
}

Status Ledger::CheckPeerTotal(Party party, const ton::Address& address, uint64_t peer_total) const {
  uint64_t ours = Total(party, address);
  if (peer_total <= ours) return Status::Ok();
  return PayError(ErrorCode::kFailedPrecondition, kLedgerBehindPeer,
                  std::string(party == Party::kClient ? "client" : "worker") + " contract " +
                      address.ToRaw() + " holds a voucher for " + std::to_string(peer_total) +
                      " tokens signed by this proxy, but the ledger has only " +
                      std::to_string(ours) +
                      ": the ledger was restored from an older copy or rolled back; stop "
                      "signing vouchers and reconcile it with the chain");
}

Status Ledger::CheckPeerVoucher(const SignedVoucher& voucher) const {
  auto cell = BuildVoucherPayloadCell(voucher.payload);
  if (!cell.ok() || !VerifyCellSignature(*cell, voucher.signature, key_.public_key())) {
    return PayError(ErrorCode::kUnauthenticated, kVoucherBadSignature,
                    "the peer's voucher is not signed by this proxy's key");
  }
  switch (voucher.payload.kind) {
    case VoucherKind::kCharge:
    case VoucherKind::kFinalRefund:
      return CheckPeerTotal(Party::kClient, voucher.payload.target, voucher.payload.total_tokens);
    case VoucherKind::kWorkerPayout:
    case VoucherKind::kWorkerLastPayout:
      return CheckPeerTotal(Party::kWorker, voucher.payload.target, voucher.payload.total_tokens);
    case VoucherKind::kProxyClose:
      break;
  }
  return PayError(ErrorCode::kInvalidArgument, kVoucherWrongKind,
                  "a proxy close voucher carries no total");
}

Status Ledger::RecordAnchor(uint64_t seqno, const crypto::Sha256Digest& session_hash) {
  std::lock_guard lock(mu_);
  if (failed_) {
    return PayError(ErrorCode::kFailedPrecondition, kLedgerIo,
                    "an earlier write failed; reopen the ledger");
  }
  if (last_anchor_ && seqno <= last_anchor_->seqno) {
    return FailedPrecondition("anchor seqno " + std::to_string(seqno) +
                              " is not above the last one sent (" +
                              std::to_string(last_anchor_->seqno) + ")");
  }
  if (seqno > head_.seqno) {
    return FailedPrecondition("anchor seqno " + std::to_string(seqno) + " is beyond the ledger (" +
                              std::to_string(head_.seqno) + ")");
  }
  if (seqno > 0) {
    COCOON_ASSIGN_OR_RETURN(LedgerRecord r, RecordAtLocked(seqno));
    if (r.session_hash != session_hash) {
      return FailedPrecondition("the anchor's hash is not the session hash of record " +
                                std::to_string(seqno));
    }
  } else if (session_hash != crypto::Sha256Digest{}) {
    return FailedPrecondition("an anchor at seqno 0 has the zero hash");
  }
  AnchorSent a{seqno, session_hash, clock_->NowUnix()};
  auto insert =
      db_->Prepare("INSERT INTO anchors(seqno, session_hash, sent_at) VALUES(?1, ?2, ?3)");
  if (!insert.ok()) return Io(insert.status());
  insert->Bind(1, ToSql(a.seqno)).BindBlob(2, a.session_hash).Bind(3, a.sent_at);
  Status s = insert->Run();
  if (!s.ok()) {
    failed_ = true;
    return Io(s);
  }
  last_anchor_ = a;
  return Status::Ok();
}

std::optional<AnchorSent> Ledger::LastAnchor() const {
  std::lock_guard lock(mu_);
  return last_anchor_;
}

}  // namespace cocoon::pay
