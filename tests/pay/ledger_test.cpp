// Ledger: durability across reopen, totals, idempotency, tamper detection,
// keys and locking, anchors, and a ledger restored from an older copy.
#include "pay/ledger.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "pay/errors.h"
#include "pay/ledger_test_util.h"
#include "pay/voucher.h"

namespace cocoon::pay {
namespace {

using testing::TempDir;
using testing::TestAddress;
using testing::TestKey;
using testing::TestSettlement;

class LedgerTest : public ::testing::Test {
 protected:
  std::unique_ptr<Ledger> Open() {
    auto l = Ledger::Open(path_, key_, clock_);
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    return l.ok() ? std::move(*l) : nullptr;
  }
  Status OpenError() {
    auto l = Ledger::Open(path_, key_, clock_);
    return l.ok() ? Status::Ok() : l.status();
  }
  void Sql(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
  }
  void CommitSome(Ledger& l, int n) {
    for (int i = 1; i <= n; ++i) {
      auto r = l.Commit(TestSettlement("req-" + std::to_string(i), 1 + i % 2, 10, 100 * i));
      ASSERT_TRUE(r.ok()) << r.status().ToString();
    }
  }

  TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "ledger.db";
  crypto::Ed25519PrivateKey key_ = TestKey(3);
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>(1700000000);
};

TEST_F(LedgerTest, EmptyLedgerHead) {
  auto l = Open();
  ASSERT_TRUE(l);
  EXPECT_EQ(l->Head(), LedgerHead{});
  EXPECT_EQ(l->Total(Party::kClient, TestAddress(1)), 0u);
  EXPECT_FALSE(l->LastAnchor().has_value());
}

TEST_F(LedgerTest, CommitAssignsSeqnosAndTotals) {
  auto l = Open();
  ASSERT_TRUE(l);
  auto a = l->Commit(TestSettlement("a", 1, 10, 100));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_FALSE(a->already_committed);
  EXPECT_EQ(a->record.seqno, 1u);
  EXPECT_EQ(a->record.client_total, 100u);
  EXPECT_EQ(a->record.worker_total, 100u);
  EXPECT_EQ(a->record.time, 1700000000);
  EXPECT_EQ(a->record.prev_session_hash, crypto::Sha256Digest{});

  auto b = l->Commit(TestSettlement("b", 2, 10, 50));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->record.seqno, 2u);
  EXPECT_EQ(b->record.client_total, 50u);
  EXPECT_EQ(b->record.worker_total, 150u);
  EXPECT_EQ(b->record.prev_session_hash, a->record.session_hash);

  auto c = l->Commit(TestSettlement("c", 1, 11, 7));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->record.client_total, 107u);
  EXPECT_EQ(c->record.worker_total, 7u);

  EXPECT_EQ(l->Total(Party::kClient, TestAddress(1)), 107u);
  EXPECT_EQ(l->Total(Party::kClient, TestAddress(2)), 50u);
  EXPECT_EQ(l->Total(Party::kWorker, TestAddress(10)), 150u);
  EXPECT_EQ(l->Total(Party::kWorker, TestAddress(11)), 7u);
  EXPECT_EQ(l->Total(Party::kWorker, TestAddress(1)), 0u);  // roles are apart
  EXPECT_EQ(l->Head(), (LedgerHead{3, c->record.session_hash}));
  EXPECT_EQ(l->Totals(Party::kClient).size(), 2u);
}

TEST_F(LedgerTest, DurableAcrossReopen) {
  LedgerHead head;
  {
    auto l = Open();
    ASSERT_TRUE(l);
    CommitSome(*l, 20);
    head = l->Head();
  }
  auto l = Open();
  ASSERT_TRUE(l);
  EXPECT_EQ(l->Head(), head);
  EXPECT_EQ(head.seqno, 20u);
  // Odd requests went to client 2, even ones to client 1 (100 × i tokens).
  EXPECT_EQ(l->Total(Party::kClient, TestAddress(1)),
            100u * (2 + 4 + 6 + 8 + 10 + 12 + 14 + 16 + 18 + 20));
  EXPECT_EQ(l->Total(Party::kClient, TestAddress(2)),
            100u * (1 + 3 + 5 + 7 + 9 + 11 + 13 + 15 + 17 + 19));
  EXPECT_EQ(l->Total(Party::kWorker, TestAddress(10)), 100u * 210);
  auto next = l->Commit(TestSettlement("after", 1, 10, 1));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->record.seqno, 21u);
  EXPECT_EQ(next->record.prev_session_hash, head.session_hash);
  auto found = l->FindRequest("req-5");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->seqno, 5u);
  auto at = l->RecordAt(7);
  ASSERT_TRUE(at.ok());
  EXPECT_EQ(at->settlement.request_id, "req-7");
  EXPECT_EQ(l->RecordAt(22).status().code(), ErrorCode::kNotFound);
}

TEST_F(LedgerTest, SameRequestIdIsNotChargedTwice) {
  auto l = Open();
  ASSERT_TRUE(l);
  auto first = l->Commit(TestSettlement("req", 1, 10, 100));
  ASSERT_TRUE(first.ok());
  clock_->Advance(60);
  auto again = l->Commit(TestSettlement("req", 1, 10, 100));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->already_committed);
  EXPECT_EQ(again->record.seqno, 1u);
  EXPECT_EQ(again->record.session_hash, first->record.session_hash);
  EXPECT_EQ(l->Head().seqno, 1u);
  EXPECT_EQ(l->Total(Party::kClient, TestAddress(1)), 100u);

  auto conflict = l->Commit(TestSettlement("req", 1, 10, 999));
  ASSERT_FALSE(conflict.ok());
  EXPECT_TRUE(HasReason(conflict.status(), kLedgerConflict)) << conflict.status().ToString();
  EXPECT_EQ(l->Total(Party::kClient, TestAddress(1)), 100u);

  // Still idempotent after a restart.
  l.reset();
  l = Open();
  ASSERT_TRUE(l);
  auto after = l->Commit(TestSettlement("req", 1, 10, 100));
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->already_committed);
  EXPECT_EQ(l->Head().seqno, 1u);
}

TEST_F(LedgerTest, BadSettlementsAreRefused) {
  auto l = Open();
  ASSERT_TRUE(l);
  EXPECT_TRUE(HasReason(l->Commit(TestSettlement("", 1, 10, 1)).status(), kBadSettlement));
  EXPECT_FALSE(l->Commit(TestSettlement(std::string(257, 'x'), 1, 10, 1)).ok());
  Settlement s = TestSettlement("x", 1, 10, 1);
  s.client_id.clear();
  EXPECT_FALSE(l->Commit(s).ok());
  ASSERT_TRUE(l->Commit(TestSettlement("big", 1, 10, ~uint64_t{0})).ok());
  auto overflow = l->Commit(TestSettlement("more", 1, 11, 1));
  ASSERT_FALSE(overflow.ok());
  EXPECT_TRUE(HasReason(overflow.status(), kOverflow)) << overflow.status().ToString();
  EXPECT_EQ(l->Head().seqno, 1u);
  // Values above 2^63 survive SQLite's signed integers.
  l.reset();
  l = Open();
  ASSERT_TRUE(l);
  EXPECT_EQ(l->Total(Party::kClient, TestAddress(1)), ~uint64_t{0});
}

struct TamperCase {
  const char* name;
  const char* sql;
  const char* expect_in_message;
};

TEST_F(LedgerTest, TamperingIsDetectedOnOpen) {
  const TamperCase cases[] = {
      {"tokens", "UPDATE records SET adjusted_tokens = adjusted_tokens + 1 WHERE seqno = 3",
       "record 3"},
      {"totals", "UPDATE records SET client_total = 1 WHERE seqno = 4", "record 4"},
      {"request id", "UPDATE records SET request_id = X'41' WHERE seqno = 2", "record 2"},
      {"address",
       "UPDATE records SET worker_address = "
       "'0:0000000000000000000000000000000000000000000000000000000000000000' WHERE seqno = 5",
       "record 5"},
      {"signature", "UPDATE records SET signature = zeroblob(64) WHERE seqno = 1", "signature"},
      {"bad blob", "UPDATE records SET session_hash = X'00' WHERE seqno = 2", "record 2"},
      {"time", "UPDATE records SET time = time + 1 WHERE seqno = 6", "record 6"},
      {"gap", "DELETE FROM records WHERE seqno = 4", "record 4 is missing"},
      {"seqno", "UPDATE records SET seqno = 100 WHERE seqno = 6", "record 6 is missing"},
      {"reorder",
       "UPDATE records SET seqno = 0 WHERE seqno = 2; UPDATE records SET seqno = 2 WHERE seqno = "
       "3; UPDATE records SET seqno = 3 WHERE seqno = 0",
       "record 2"},
      {"format", "UPDATE meta SET value = '9' WHERE key = 'format'", "format"},
  };
  for (const TamperCase& c : cases) {
    SCOPED_TRACE(c.name);
    std::filesystem::remove(path_);
    {
      auto l = Open();
      ASSERT_TRUE(l);
      CommitSome(*l, 6);
    }
    Sql(c.sql);
    Status s = OpenError();
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(HasReason(s, kLedgerCorrupt)) << s.ToString();
    EXPECT_NE(s.message().find(c.expect_in_message), std::string::npos) << s.ToString();
  }
}

TEST_F(LedgerTest, ARecordSignedByAnotherKeyIsDetected) {
  // A whole record re-sealed, chain and all, with a key that is not the
  // proxy's: only the signature can tell.
  {
    auto l = Open();
    ASSERT_TRUE(l);
    CommitSome(*l, 1);
  }
  TempDir other_dir;
  std::filesystem::path other_path = other_dir.path() / "other.db";
  {
    auto other = Ledger::Open(other_path, TestKey(9), clock_);
    ASSERT_TRUE(other.ok());
    ASSERT_TRUE((*other)->Commit(TestSettlement("req-1", 2, 10, 100)).ok());
  }
  Sql("ATTACH '" + other_path.string() +
      "' AS o; DELETE FROM records; INSERT INTO records SELECT * FROM o.records");
  Status s = OpenError();
  EXPECT_TRUE(HasReason(s, kLedgerCorrupt)) << s.ToString();
  EXPECT_NE(s.message().find("signature"), std::string::npos) << s.ToString();
}

TEST_F(LedgerTest, AnotherProxysKeyIsRefused) {
  { ASSERT_TRUE(Open()); }
  auto l = Ledger::Open(path_, TestKey(4), clock_);
  ASSERT_FALSE(l.ok());
  EXPECT_TRUE(HasReason(l.status(), kLedgerWrongKey)) << l.status().ToString();
}

TEST_F(LedgerTest, OneOpenerAtATime) {
  auto l = Open();
  ASSERT_TRUE(l);
  Status s = OpenError();
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(HasReason(s, kLedgerBusy)) << s.ToString();
  l.reset();
  EXPECT_TRUE(OpenError().ok());
}

TEST_F(LedgerTest, GarbageFileIsAClearError) {
  {
    FILE* f = fopen(path_.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::string junk(4096, 'j');
    fwrite(junk.data(), 1, junk.size(), f);
    fclose(f);
  }
  Status s = OpenError();
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(HasReason(s, kLedgerIo)) << s.ToString();
}

TEST_F(LedgerTest, AnchorsAreRecordedAndChecked) {
  auto l = Open();
  ASSERT_TRUE(l);
  CommitSome(*l, 3);
  LedgerHead head = l->Head();
  clock_->Advance(100);
  ASSERT_TRUE(l->RecordAnchor(head.seqno, head.session_hash).ok());
  auto last = l->LastAnchor();
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->seqno, 3u);
  EXPECT_EQ(last->session_hash, head.session_hash);
  EXPECT_EQ(last->sent_at, 1700000100);
  // Not growing, beyond the head, or a hash that is not the record's.
  EXPECT_FALSE(l->RecordAnchor(3, head.session_hash).ok());
  ASSERT_TRUE(l->Commit(TestSettlement("x", 1, 10, 1)).ok());
  EXPECT_FALSE(l->RecordAnchor(5, head.session_hash).ok());
  EXPECT_FALSE(l->RecordAnchor(4, head.session_hash).ok());
  ASSERT_TRUE(l->RecordAnchor(4, l->Head().session_hash).ok());
  l.reset();
  l = Open();
  ASSERT_TRUE(l);
  ASSERT_TRUE(l->LastAnchor().has_value());
  EXPECT_EQ(l->LastAnchor()->seqno, 4u);
}

TEST_F(LedgerTest, TruncationBelowTheLastAnchorIsDetected) {
  {
    auto l = Open();
    ASSERT_TRUE(l);
    CommitSome(*l, 5);
    ASSERT_TRUE(l->RecordAnchor(5, l->Head().session_hash).ok());
  }
  // Dropping the tail leaves a valid chain; only the anchor shows the loss.
  Sql("DELETE FROM records WHERE seqno >= 4");
  Status s = OpenError();
  EXPECT_TRUE(HasReason(s, kLedgerCorrupt)) << s.ToString();
  EXPECT_NE(s.message().find("anchor"), std::string::npos) << s.ToString();
}

TEST_F(LedgerTest, ARestoredOlderCopyIsBehindAPeersVoucher) {
  {
    auto l = Open();
    ASSERT_TRUE(l);
    CommitSome(*l, 4);
  }
  // The operator's "backup": a copy taken now.
  std::filesystem::path copy = dir_.path() / "backup.db";
  std::filesystem::copy_file(path_, copy);
  SignedVoucher voucher;
  {
    auto l = Open();
    ASSERT_TRUE(l);
    ASSERT_TRUE(l->Commit(TestSettlement("later", 1, 10, 500)).ok());
    uint64_t total = l->Total(Party::kClient, TestAddress(1));
    auto v = SignVoucher({VoucherKind::kCharge, 0, total, TestAddress(1)}, key_);
    ASSERT_TRUE(v.ok());
    voucher = *v;
    EXPECT_TRUE(l->CheckPeerVoucher(voucher).ok());
  }
  auto old = Ledger::Open(copy, key_, clock_);
  ASSERT_TRUE(old.ok()) << old.status().ToString();  // a valid chain, just shorter
  Status behind = (*old)->CheckPeerVoucher(voucher);
  ASSERT_FALSE(behind.ok());
  EXPECT_TRUE(HasReason(behind, kLedgerBehindPeer)) << behind.ToString();
  EXPECT_TRUE(HasReason(
      (*old)->CheckPeerTotal(Party::kClient, TestAddress(1), voucher.payload.total_tokens),
      kLedgerBehindPeer));
  // Equal or lower totals are fine; a voucher not signed by this proxy proves nothing.
  EXPECT_TRUE((*old)->CheckPeerTotal(Party::kClient, TestAddress(1), 600).ok());
  auto forged = SignVoucher({VoucherKind::kCharge, 0, 1000000, TestAddress(1)}, TestKey(9));
  ASSERT_TRUE(forged.ok());
  EXPECT_TRUE(HasReason((*old)->CheckPeerVoucher(*forged), kVoucherBadSignature));
}

}  // namespace
}  // namespace cocoon::pay
