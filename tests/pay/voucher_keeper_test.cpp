// VoucherKeeper: vouchers checked as the contract checks them, kept across
// restarts, submitted parts, and files that are not what they should be.
#include "pay/voucher_keeper.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "pay/errors.h"
#include "pay/ledger_test_util.h"
#include "pay/voucher.h"
#include "util/file.h"

namespace cocoon::pay {
namespace {

using testing::TempDir;
using testing::TestAddress;
using testing::TestKey;

class VoucherKeeperTest : public ::testing::Test {
 protected:
  std::unique_ptr<VoucherKeeper> Open() {
    auto k = VoucherKeeper::Open(path_);
    EXPECT_TRUE(k.ok()) << k.status().ToString();
    return k.ok() ? std::move(*k) : nullptr;
  }
  Status OpenError() {
    auto k = VoucherKeeper::Open(path_);
    return k.ok() ? Status::Ok() : k.status();
  }
  // A charge voucher in wire form.
  Bytes Voucher(uint64_t total, const ton::Address& target, uint64_t query_id = 0,
                VoucherKind kind = VoucherKind::kCharge,
                const crypto::Ed25519PrivateKey* key = nullptr) const {
    auto v =
        SignVoucher({kind, query_id == 0 ? total : query_id, total, target}, key ? *key : proxy_);
    EXPECT_TRUE(v.ok());
    auto boc = SerializeVoucher(*v);
    EXPECT_TRUE(boc.ok());
    return *boc;
  }
  VoucherExpectation ClientExpects(const ton::Address& me) const {
    return {proxy_.public_key(), me, {VoucherKind::kCharge}, 0};
  }
  std::string FileText() const {
    auto text = ReadFile(path_);
    EXPECT_TRUE(text.ok()) << text.status().ToString();
    return text.ok() ? *text : "";
  }
  void WriteText(const std::string& text) const {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out << text;
  }

  TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "vouchers.json";
  crypto::Ed25519PrivateKey proxy_ = TestKey(7);
  crypto::Ed25519PrivateKey other_ = TestKey(8);
  ton::Address me_ = TestAddress(0x11);
  ton::Address other_contract_ = TestAddress(0x22);
};

TEST_F(VoucherKeeperTest, AMissingFileIsAnEmptyKeeper) {
  auto k = Open();
  ASSERT_TRUE(k);
  EXPECT_TRUE(k->All().empty());
  EXPECT_FALSE(k->Held(me_).has_value());
  EXPECT_EQ(k->Unsubmitted(me_), 0u);
  EXPECT_FALSE(std::filesystem::exists(path_));  // nothing written until something is held
}

TEST_F(VoucherKeeperTest, AcceptedVoucherIsHeldAndSurvivesARestart) {
  const Bytes v = Voucher(100, me_);
  {
    auto k = Open();
    ASSERT_TRUE(k);
    auto total = k->Accept(v, ClientExpects(me_));
    ASSERT_TRUE(total.ok()) << total.status().ToString();
    EXPECT_EQ(*total, 100u);
    auto held = k->Held(me_);
    ASSERT_TRUE(held);
    EXPECT_EQ(held->voucher, v);
    EXPECT_EQ(held->total, 100u);
    EXPECT_EQ(held->submitted, 0u);
  }
  auto k = Open();
  ASSERT_TRUE(k);
  auto held = k->Held(me_);
  ASSERT_TRUE(held);
  EXPECT_EQ(held->voucher, v);
  EXPECT_EQ(held->total, 100u);
  EXPECT_EQ(k->Unsubmitted(me_), 100u);
  // The restored voucher still counts as the last accepted total.
  auto same_total = k->Accept(Voucher(100, me_, /*query_id=*/5), ClientExpects(me_));
  EXPECT_TRUE(HasReason(same_total.status(), kVoucherNotNewer)) << same_total.status().ToString();
}

TEST_F(VoucherKeeperTest, TheFileHoldsNoSecretAndOnlyItsOwnerReadsIt) {
  auto k = Open();
  ASSERT_TRUE(k);
  ASSERT_TRUE(k->Accept(Voucher(100, me_), ClientExpects(me_)).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string text = FileText();
  EXPECT_NE(text.find(me_.ToRaw()), std::string::npos);
  EXPECT_NE(text.find(HexEncode(Voucher(100, me_))), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(path_.string() + ".tmp"));
}

TEST_F(VoucherKeeperTest, TotalsMustGrowLikeOnTheContract) {
  auto k = Open();
  ASSERT_TRUE(k);
  ASSERT_TRUE(k->Accept(Voucher(100, me_), ClientExpects(me_)).ok());
  // Same total, other bytes (another query id): the contract refuses it (107).
  auto equal = k->Accept(Voucher(100, me_, /*query_id=*/9), ClientExpects(me_));
  EXPECT_TRUE(HasReason(equal.status(), kVoucherNotNewer)) << equal.status().ToString();
  auto lower = k->Accept(Voucher(50, me_), ClientExpects(me_));
  EXPECT_TRUE(HasReason(lower.status(), kVoucherNotNewer)) << lower.status().ToString();
  EXPECT_EQ(k->Held(me_)->total, 100u);
  // A caller's stale last_accepted_total does not let an old voucher back in.
  VoucherExpectation stale = ClientExpects(me_);
  stale.last_accepted_total = 0;
  EXPECT_FALSE(k->Accept(Voucher(60, me_), stale).ok());
  auto higher = k->Accept(Voucher(150, me_), ClientExpects(me_));
  ASSERT_TRUE(higher.ok()) << higher.status().ToString();
  EXPECT_EQ(*higher, 150u);
  EXPECT_EQ(k->Held(me_)->total, 150u);
}

TEST_F(VoucherKeeperTest, TheSameVoucherAgainIsANoOp) {
  auto k = Open();
  ASSERT_TRUE(k);
  const Bytes v = Voucher(100, me_);
  ASSERT_TRUE(k->Accept(v, ClientExpects(me_)).ok());
  ASSERT_TRUE(k->MarkSubmitted(me_, 40).ok());
  const std::string before = FileText();
  auto again = k->Accept(v, ClientExpects(me_));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, 100u);
  EXPECT_EQ(FileText(), before);
  EXPECT_EQ(k->Held(me_)->submitted, 40u);  // what was submitted is not forgotten
}

TEST_F(VoucherKeeperTest, AForgedVoucherIsRefusedAndTheHeldOneIsUnchangedOnDisk) {
  auto k = Open();
  ASSERT_TRUE(k);
  const Bytes good = Voucher(100, me_);
  ASSERT_TRUE(k->Accept(good, ClientExpects(me_)).ok());
  const std::string before = FileText();

  auto forged =
      k->Accept(Voucher(1000000, me_, 0, VoucherKind::kCharge, &other_), ClientExpects(me_));
  EXPECT_TRUE(HasReason(forged.status(), kVoucherBadSignature)) << forged.status().ToString();

  // A valid signature with one bit of the payload flipped.
  Bytes tampered = Voucher(200, me_);
  auto parsed = DeserializeVoucher(tampered);
  ASSERT_TRUE(parsed.ok());
  parsed->payload.total_tokens = 300;
  auto reserialized = SerializeVoucher(*parsed);
  ASSERT_TRUE(reserialized.ok());
  auto bad = k->Accept(*reserialized, ClientExpects(me_));
  EXPECT_TRUE(HasReason(bad.status(), kVoucherBadSignature)) << bad.status().ToString();

  EXPECT_EQ(FileText(), before);
  EXPECT_EQ(k->Held(me_)->voucher, good);
  k.reset();
  auto reopened = Open();
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->Held(me_)->voucher, good);
  EXPECT_EQ(reopened->Held(me_)->total, 100u);
}

TEST_F(VoucherKeeperTest, WrongTargetKindAndMalformedBytesAreRefused) {
  auto k = Open();
  ASSERT_TRUE(k);
  auto target = k->Accept(Voucher(100, other_contract_), ClientExpects(me_));
  EXPECT_TRUE(HasReason(target.status(), kVoucherWrongTarget)) << target.status().ToString();
  auto kind = k->Accept(Voucher(100, me_, 0, VoucherKind::kWorkerPayout), ClientExpects(me_));
  EXPECT_TRUE(HasReason(kind.status(), kVoucherWrongKind)) << kind.status().ToString();
  const Bytes garbage = {1, 2, 3, 4, 5};
  auto malformed = k->Accept(garbage, ClientExpects(me_));
  EXPECT_TRUE(HasReason(malformed.status(), kVoucherMalformed)) << malformed.status().ToString();
  EXPECT_TRUE(k->All().empty());
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(VoucherKeeperTest, ContractsAreKeptApart) {
  auto k = Open();
  ASSERT_TRUE(k);
  ASSERT_TRUE(k->Accept(Voucher(100, me_), ClientExpects(me_)).ok());
  ASSERT_TRUE(k->Accept(Voucher(30, other_contract_), ClientExpects(other_contract_)).ok());
  auto all = k->All();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all.at(me_).total, 100u);
  EXPECT_EQ(all.at(other_contract_).total, 30u);
  k.reset();
  auto reopened = Open();
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->All().size(), 2u);
  EXPECT_EQ(reopened->Held(other_contract_)->total, 30u);
}

TEST_F(VoucherKeeperTest, SubmittedPartNeverMovesBackwardsAndSurvivesARestart) {
  auto k = Open();
  ASSERT_TRUE(k);
  ASSERT_TRUE(k->Accept(Voucher(100, me_), ClientExpects(me_)).ok());
  EXPECT_EQ(k->Unsubmitted(me_), 100u);
  ASSERT_TRUE(k->MarkSubmitted(me_, 40).ok());
  EXPECT_EQ(k->Unsubmitted(me_), 60u);
  ASSERT_TRUE(k->MarkSubmitted(me_, 30).ok());  // older: ignored
  EXPECT_EQ(k->Unsubmitted(me_), 60u);
  ASSERT_TRUE(k->MarkSubmitted(other_contract_, 30).ok());  // nothing held: ignored
  EXPECT_FALSE(k->Held(other_contract_).has_value());
  ASSERT_TRUE(k->Accept(Voucher(150, me_), ClientExpects(me_)).ok());
  EXPECT_EQ(k->Unsubmitted(me_), 110u);
  ASSERT_TRUE(k->MarkSubmitted(me_, 1000).ok());  // never above what is held
  EXPECT_EQ(k->Held(me_)->submitted, 150u);
  EXPECT_EQ(k->Unsubmitted(me_), 0u);
  ASSERT_TRUE(k->Accept(Voucher(170, me_), ClientExpects(me_)).ok());
  k.reset();
  auto reopened = Open();
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->Held(me_)->submitted, 150u);
  EXPECT_EQ(reopened->Unsubmitted(me_), 20u);
}

TEST_F(VoucherKeeperTest, CorruptFilesAreRefusedWithAnErrorNamingThem) {
  {
    auto k = Open();
    ASSERT_TRUE(k);
    ASSERT_TRUE(k->Accept(Voucher(100, me_), ClientExpects(me_)).ok());
  }
  const std::string good = FileText();
  const std::string voucher_hex = HexEncode(Voucher(100, me_));
  const std::string entry_key = "\"" + me_.ToRaw() + "\"";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"truncated", good.substr(0, good.size() / 2)},
      {"garbage", "\x7f\x45\x4c\x46 not json at all"},
      {"empty", ""},
      {"an array", "[1, 2]"},
      {"another format", "{\"format\": 2, \"contracts\": {}}"},
      {"no contracts", "{\"format\": 1}"},
      {"a key that is no address", "{\"format\": 1, \"contracts\": {\"nope\": {\"voucher\": \"" +
                                       voucher_hex + "\", \"total\": 100, \"submitted\": 0}}}"},
      {"a voucher that is not hex",
       "{\"format\": 1, \"contracts\": {" + entry_key +
           ": {\"voucher\": \"zz\", \"total\": 1, \"submitted\": 0}}}"},
      {"a voucher that does not parse",
       "{\"format\": 1, \"contracts\": {" + entry_key +
           ": {\"voucher\": \"00ff\", \"total\": 1, \"submitted\": 0}}}"},
      {"an empty voucher", "{\"format\": 1, \"contracts\": {" + entry_key +
                               ": {\"voucher\": \"\", \"total\": 0, \"submitted\": 0}}}"},
      {"a negative total", "{\"format\": 1, \"contracts\": {" + entry_key + ": {\"voucher\": \"" +
                               voucher_hex + "\", \"total\": -1, \"submitted\": 0}}}"},
      {"a voucher filed under another contract",
       "{\"format\": 1, \"contracts\": {\"" + other_contract_.ToRaw() + "\": {\"voucher\": \"" +
           voucher_hex + "\", \"total\": 100, \"submitted\": 0}}}"},
  };
  for (const auto& [what, text] : cases) {
    SCOPED_TRACE(what);
    WriteText(text);
    Status error = OpenError();
    EXPECT_FALSE(error.ok());
    EXPECT_NE(error.message().find(path_.string()), std::string::npos) << error.ToString();
  }
  // And the good file still opens.
  WriteText(good);
  auto k = Open();
  ASSERT_TRUE(k);
  EXPECT_EQ(k->Held(me_)->total, 100u);
}

// Regression: the format was read with json::value("format", 0), which throws
// (an uncaught exception at start-up) when the format is not a number.
TEST_F(VoucherKeeperTest, AFormatOfAnotherTypeIsAnErrorNotAnException) {
  for (const std::string format : {"\"1\"", "null", "{}", "[1]"}) {
    SCOPED_TRACE(format);
    WriteText("{\"format\": " + format + ", \"contracts\": {}}");
    Status error = Status::Ok();
    EXPECT_NO_THROW(error = OpenError());
    EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument) << error.ToString();
    EXPECT_NE(error.message().find(path_.string()), std::string::npos) << error.ToString();
  }
}

TEST_F(VoucherKeeperTest, SubmittedAboveTheTotalInTheFileIsClamped) {
  WriteText("{\"format\": 1, \"contracts\": {\"" + me_.ToRaw() + "\": {\"voucher\": \"" +
            HexEncode(Voucher(100, me_)) + "\", \"total\": 100, \"submitted\": 500}}}");
  auto k = Open();
  ASSERT_TRUE(k);
  EXPECT_EQ(k->Held(me_)->submitted, 100u);
  EXPECT_EQ(k->Unsubmitted(me_), 0u);
}

// A save that fails leaves the keeper as it was: the voucher is not
// acknowledged (the proxy resends it), and nothing half-made is written later.
TEST_F(VoucherKeeperTest, AFailedSaveLeavesNoTrace) {
  auto k = Open();
  ASSERT_TRUE(k);
  // WriteFileAtomic writes `<path>.tmp` first; a directory there makes it fail.
  const std::filesystem::path blocker = path_.string() + ".tmp";
  ASSERT_TRUE(std::filesystem::create_directory(blocker));
  auto failed = k->Accept(Voucher(100, me_), ClientExpects(me_));
  EXPECT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find(path_.string()), std::string::npos)
      << failed.status().ToString();
  EXPECT_FALSE(k->Held(me_).has_value());
  EXPECT_TRUE(k->All().empty());
  EXPECT_EQ(k->Unsubmitted(me_), 0u);

  std::filesystem::remove(blocker);
  ASSERT_TRUE(k->Accept(Voucher(30, other_contract_), ClientExpects(other_contract_)).ok());
  k.reset();
  auto reopened = Open();  // the file written after the failure must open
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->All().size(), 1u);
  EXPECT_FALSE(reopened->Held(me_).has_value());
  // The voucher that failed to save is taken when it comes again.
  auto retried = reopened->Accept(Voucher(100, me_), ClientExpects(me_));
  EXPECT_TRUE(retried.ok()) << retried.status().ToString();
}

TEST_F(VoucherKeeperTest, AFailedSaveOfANewerVoucherKeepsTheOldOne) {
  auto k = Open();
  ASSERT_TRUE(k);
  const Bytes first = Voucher(100, me_);
  ASSERT_TRUE(k->Accept(first, ClientExpects(me_)).ok());
  const std::filesystem::path blocker = path_.string() + ".tmp";
  ASSERT_TRUE(std::filesystem::create_directory(blocker));
  EXPECT_FALSE(k->Accept(Voucher(200, me_), ClientExpects(me_)).ok());
  EXPECT_EQ(k->Held(me_)->voucher, first);
  EXPECT_EQ(k->Held(me_)->total, 100u);
  std::filesystem::remove(blocker);
  auto retried = k->Accept(Voucher(200, me_), ClientExpects(me_));
  ASSERT_TRUE(retried.ok()) << retried.status().ToString();
  EXPECT_EQ(*retried, 200u);
}

}  // namespace
}  // namespace cocoon::pay
