#include "ton/wallet_sender.h"

#include <algorithm>
#include <utility>

#include "ton/boc.h"

namespace cocoon::ton {
namespace {

constexpr Uint128 kNanoPerTon = 1'000'000'000;
constexpr size_t kMaxMessages = 4;  // v4r2's limit; v5r1 is held to it too
constexpr int kExitNoAccount = -13;

std::string TonText(Uint128 nano) {
  return FormatTon(nano) + " TON (" + Uint128ToString(nano) + " nanoTON)";
}

// Errors worth another poll: the API is slow, down for a moment or rate-limiting.
bool Transient(const Status& s) {
  return s.code() == ErrorCode::kUnavailable || s.code() == ErrorCode::kResourceExhausted ||
         s.code() == ErrorCode::kDeadlineExceeded;
}

}  // namespace

std::string FormatTon(Uint128 nano) {
  std::string out = Uint128ToString(nano / kNanoPerTon);
  std::string frac = Uint128ToString(nano % kNanoPerTon);
  frac.insert(0, 9 - frac.size(), '0');
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  if (!frac.empty()) out += "." + frac;
  return out;
}

const Clock& WalletSender::SystemClockInstance() {
  static const SystemClock clock;
  return clock;
}

WalletSender::WalletSender(std::shared_ptr<const TonApiClient> api, Wallet wallet,
                           crypto::Ed25519PrivateKey key, WalletSenderOptions options,
                           Sleeper& sleeper, const Clock& clock)
    : api_(std::move(api)),
      wallet_(std::move(wallet)),
      key_(std::move(key)),
      options_(options),
      sleeper_(&sleeper),
      clock_(&clock) {}

std::string WalletSender::ShownAddress() const {
  return wallet_.address().ToFriendly(/*bounceable=*/false, options_.testnet);
}

Result<uint32_t> WalletSender::ReadSeqno() const {
  Result<GetMethodResult> r = api_->RunGetMethod(wallet_.address(), "seqno");
  if (!r.ok()) return r.status().WithContext("reading the seqno of the wallet " + ShownAddress());
  if (r->exit_code == kExitNoAccount) return 0u;  // not deployed yet
  if (r->exit_code != 0) {
    return FailedPrecondition("the seqno get-method of the wallet " + ShownAddress() +
                              " failed with exit code " + std::to_string(r->exit_code));
  }
  if (r->stack.empty() || r->stack[0].kind != StackEntry::Kind::kNumber) {
    return ProtocolError("the seqno of the wallet " + ShownAddress() + " is not a number");
  }
  Result<int64_t> n = r->stack[0].number.ToInt64();
  if (!n.ok() || *n < 0 || *n > UINT32_MAX) {
    return ProtocolError("the seqno of the wallet " + ShownAddress() + " is out of range");
  }
  return static_cast<uint32_t>(*n);
}

Result<uint32_t> WalletSender::AwaitConfirmation(uint32_t seqno,
                                                 std::chrono::seconds timeout) const {
  const int64_t deadline = clock_->NowUnix() + timeout.count();
  Status last;
  while (true) {
    Result<uint32_t> now = ReadSeqno();
    if (now.ok() && *now > seqno) return *now;
    if (!now.ok() && !Transient(now.status())) return now.status();
    if (!now.ok()) last = now.status();
    if (clock_->NowUnix() >= deadline) break;
    sleeper_->SleepFor(options_.poll_interval);
  }
  return DeadlineExceeded("the transfer from the wallet " + ShownAddress() + " with seqno " +
                          std::to_string(seqno) + " was not applied within " +
                          std::to_string(timeout.count()) + " s" +
                          (last.ok() ? "" : " (last error: " + last.message() + ")"));
}

Status WalletSender::SettlePending(int64_t deadline) {
  while (pending_) {
    Result<AccountInfo> info = api_->GetAddressInformation(wallet_.address());
    if (!info.ok()) return info.status().WithContext("reading the wallet " + ShownAddress());
    uint32_t seqno = 0;
    if (info->status == AccountStatus::kActive) {
      COCOON_ASSIGN_OR_RETURN(seqno, ReadSeqno());
    }
    const int64_t chain_now = info->sync_utime > 0 ? info->sync_utime : clock_->NowUnix();
    if (seqno > pending_->seqno || chain_now > pending_->valid_until) {
      pending_.reset();  // applied, or can no longer be
      break;
    }
    if (clock_->NowUnix() >= deadline) {
      return DeadlineExceeded("an earlier transfer from the wallet " + ShownAddress() + " (seqno " +
                              std::to_string(pending_->seqno) +
                              ") is neither applied nor expired (valid until unix time " +
                              std::to_string(pending_->valid_until) + ", chain time " +
                              std::to_string(chain_now) + "); try again later");
    }
    sleeper_->SleepFor(options_.poll_interval);
  }
  return Status::Ok();
}

Result<SentTransfer> WalletSender::SubmitLocked(const std::vector<InternalMessage>& messages,
                                                std::chrono::seconds timeout) {
  if (messages.empty()) return InvalidArgument("a transfer needs at least one message");
  if (messages.size() > kMaxMessages) {
    return InvalidArgument("a transfer carries at most " + std::to_string(kMaxMessages) +
                           " messages, not " + std::to_string(messages.size()));
  }
  COCOON_RETURN_IF_ERROR(SettlePending(clock_->NowUnix() + timeout.count()));

  Result<AccountInfo> info = api_->GetAddressInformation(wallet_.address());
  if (!info.ok()) return info.status().WithContext("reading the wallet " + ShownAddress());
  if (info->status == AccountStatus::kFrozen) {
    return FailedPrecondition("wallet frozen: the wallet " + ShownAddress() +
                              " is frozen (storage debt); unfreeze it before sending");
  }
  const bool deploy = info->status != AccountStatus::kActive;
  if (!deploy && info->code && info->code->hash() != wallet_.state_init().code->hash()) {
    return FailedPrecondition("not a " + std::string(WalletVersionName(wallet_.version())) +
                              " wallet: the account " + ShownAddress() +
                              " has other code; check the wallet version");
  }
  Uint128 value = 0;
  for (const InternalMessage& m : messages) value += m.value;  // each < 2^120: no overflow
  const Uint128 need = value + options_.fee_reserve;
  if (info->balance < need) {
    return FailedPrecondition("insufficient balance: the wallet " + ShownAddress() + " has " +
                              TonText(info->balance) + "; this transfer needs " + FormatTon(need) +
                              " TON (" + FormatTon(value) + " TON to send + " +
                              FormatTon(options_.fee_reserve) +
                              " TON kept for fees): fund the wallet or send less (add at least " +
                              FormatTon(need - info->balance) + " TON to " + ShownAddress() + ")");
  }
  uint32_t seqno = 0;
  if (!deploy) {
    COCOON_ASSIGN_OR_RETURN(seqno, ReadSeqno());
  }

  const int64_t chain_now = info->sync_utime > 0 ? info->sync_utime : clock_->NowUnix();
  const int64_t valid_for = std::max(options_.valid_for.count(), timeout.count());
  WalletTransfer t;
  t.seqno = seqno;
  t.valid_until = static_cast<uint32_t>(std::clamp<int64_t>(chain_now + valid_for, 0, UINT32_MAX));
  t.messages = messages;
  Result<CellRef> body = wallet_.SignedBody(t, key_);
  if (!body.ok()) return body.status().WithContext("building the transfer");
  COCOON_ASSIGN_OR_RETURN(CellRef ext, wallet_.ExternalTransfer(t, key_, deploy));
  COCOON_ASSIGN_OR_RETURN(Bytes boc, SerializeBoc(ext));

  Result<Bytes> hash = api_->SendBocReturnHash(boc);
  if (!hash.ok()) {
    // Unless the API said no, the message may have reached the network.
    if (hash.status().code() != ErrorCode::kInvalidArgument) {
      pending_ = Pending{seqno, t.valid_until};
    }
    return hash.status().WithContext("sending the transfer from the wallet " + ShownAddress() +
                                     " (seqno " + std::to_string(seqno) + ")");
  }
  pending_ = Pending{seqno, t.valid_until};

  SentTransfer sent;
  sent.seqno = seqno;
  sent.valid_until = t.valid_until;
  sent.deployed_wallet = deploy;
  sent.state_before = info->status;
  sent.balance_before = info->balance;
  sent.message_hash = *std::move(hash);
  sent.signed_body = *std::move(body);
  return sent;
}

Result<SentTransfer> WalletSender::Submit(const std::vector<InternalMessage>& messages,
                                          std::chrono::seconds timeout) {
  std::lock_guard<std::mutex> lock(mu_);
  return SubmitLocked(messages, timeout);
}

Result<SentTransfer> WalletSender::Send(const std::vector<InternalMessage>& messages) {
  return Send(messages, options_.confirm_timeout);
}

Result<SentTransfer> WalletSender::Send(const std::vector<InternalMessage>& messages,
                                        std::chrono::seconds timeout) {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t start = clock_->NowUnix();
  COCOON_ASSIGN_OR_RETURN(SentTransfer sent, SubmitLocked(messages, timeout));
  const auto left =
      std::chrono::seconds(std::max<int64_t>(0, start + timeout.count() - clock_->NowUnix()));
  Result<uint32_t> seen = AwaitConfirmation(sent.seqno, left);
  if (!seen.ok()) {
    if (seen.status().code() != ErrorCode::kDeadlineExceeded) return seen.status();
    return DeadlineExceeded(
        "the transfer from the wallet " + ShownAddress() + " (seqno " + std::to_string(sent.seqno) +
        ", message " + HexEncode(sent.message_hash) + ") was sent but not applied within " +
        std::to_string(timeout.count()) + " s; it may still land until unix time " +
        std::to_string(sent.valid_until));
  }
  pending_.reset();
  sent.confirmed_seqno = *seen;
  return sent;
}

}  // namespace cocoon::ton
