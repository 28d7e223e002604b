// WalletSender: sends transfers from a node's own standard wallet (wallet.h,
// v4r2 by default) through the TON HTTP API, one at a time, and waits until
// the chain has applied them. It is how a daemon acts on chain: every
// contract message (stake, deposit, voucher, anchor) leaves from its wallet.
//
// A transfer is up to 4 internal messages (the v4r2 limit; v5r1 gets the
// same cap). Send():
//   1. reads the wallet account (getAddressInformation): a frozen wallet, an
//      account with other code than this wallet's, or a balance below the
//      messages' value plus `fee_reserve` is refused before anything is
//      signed;
//   2. reads the seqno (get-method "seqno"; 0 while the wallet is not
//      deployed, and then the transfer carries the wallet's StateInit, so the
//      first send deploys it);
//   3. signs with valid_until = the chain's clock (AccountInfo.sync_utime,
//      the local clock only when the API gives none) + max(valid_for,
//      confirm timeout), and sends it (sendBocReturnHash);
//   4. polls the seqno every `poll_interval` until it is past the one used,
//      up to the timeout.
//
// A seqno is never used twice while its transfer may still land: after a
// send whose outcome is unknown (not confirmed in time, or the API failed
// while sending), the next Send first waits until the chain's seqno has
// moved past it or the chain's clock has passed its valid_until, within that
// send's own timeout.
//
// Errors (Status codes; messages name the wallet's address):
//   kInvalidArgument     no messages, more than 4, or a message that cannot
//                        be built; the API refused the external message
//   kFailedPrecondition  "wallet frozen: ...", "insufficient balance: ..."
//                        (what the wallet has, what the transfer needs and how
//                        much to add to which address), "not a <version>
//                        wallet: ..." (the account has other code)
//   kDeadlineExceeded    sent but the seqno did not move within the timeout
//                        (it may still land until valid_until), or a previous
//                        transfer is still pending
//   API errors (kUnavailable, kResourceExhausted, kPermissionDenied, kProtocol,
//   ...) are passed through with what was being done as context.
//
// Blocking: every call does HTTP requests (libcurl) and Send() sleeps while
// it waits, for up to the timeout. Daemons call it from a thread pool, never
// from an event loop.
//
// Thread-safety: Send() and Submit() are serialized by an internal mutex (one
// transfer at a time per sender; a second caller blocks until the first has
// finished). AwaitConfirmation() and the accessors are safe from any thread.
// Use one WalletSender per wallet in a process: two senders (or processes)
// with the same key would race for the same seqno.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "crypto/ed25519.h"
#include "ton/api_client.h"
#include "ton/wallet.h"
#include "util/clock.h"

namespace cocoon::ton {

struct WalletSenderOptions {
  // How long Send() waits for the seqno to move (also the wait for a
  // previous transfer whose outcome is unknown).
  std::chrono::seconds confirm_timeout{60};
  std::chrono::milliseconds poll_interval{1000};
  // valid_until = chain time + max(valid_for, the confirm timeout).
  std::chrono::seconds valid_for{120};
  // Kept in the wallet for its own fees: with less left the wallet would bump
  // its seqno, pay the fee and send nothing (send mode +2 ignores errors).
  Uint128 fee_reserve = 10'000'000;  // 0.01 TON
  // Only how addresses are written in messages (testnet flag of the
  // user-friendly form); the wallet's own network is in the Wallet.
  bool testnet = false;
};

// What Submit()/Send() sent.
struct SentTransfer {
  uint32_t seqno = 0;            // the seqno the transfer used
  uint32_t valid_until = 0;      // unix time (chain clock) after which it cannot land
  bool deployed_wallet = false;  // it carried the wallet's StateInit (first send)
  AccountStatus state_before = AccountStatus::kNonexistent;
  Uint128 balance_before = 0;
  Bytes message_hash;  // of the external message, as the API reported it (32 bytes)
  // The signed body of the external message: its hash is the body_hash of the
  // wallet's transaction for it in getTransactions.
  CellRef signed_body;
  // Send(): the wallet's seqno seen afterwards (> seqno). Submit(): 0.
  uint32_t confirmed_seqno = 0;
};

// "1.5" for 1500000000 nanoTON: decimal TON, trailing zeros dropped, exact.
std::string FormatTon(Uint128 nano);

class WalletSender {
 public:
  // REQUIRES: api is not null; `key` is the wallet's key; sleeper and clock
  // outlive the sender.
  WalletSender(std::shared_ptr<const TonApiClient> api, Wallet wallet,
               crypto::Ed25519PrivateKey key, WalletSenderOptions options = {},
               Sleeper& sleeper = RealSleeper(), const Clock& clock = SystemClockInstance());
  WalletSender(const WalletSender&) = delete;
  WalletSender& operator=(const WalletSender&) = delete;

  // Sends one transfer of `messages` (1..4) and waits until the wallet's seqno
  // is past the one used, up to options().confirm_timeout.
  Result<SentTransfer> Send(const std::vector<InternalMessage>& messages);
  Result<SentTransfer> Send(const std::vector<InternalMessage>& messages,
                            std::chrono::seconds timeout);

  // Steps 1-3 only: returns once the API has accepted the message
  // (confirmed_seqno 0). For callers that report the send before waiting
  // (the CLI); wait with AwaitConfirmation(). `timeout` bounds the wait for a
  // previous transfer and sets valid_until as in Send().
  Result<SentTransfer> Submit(const std::vector<InternalMessage>& messages,
                              std::chrono::seconds timeout);

  // Polls the seqno until it is above `seqno`; returns the seqno seen.
  // kDeadlineExceeded after `timeout`. Transient API errors while polling
  // (kUnavailable, kResourceExhausted, kDeadlineExceeded) are retried until
  // the deadline; others are returned.
  Result<uint32_t> AwaitConfirmation(uint32_t seqno, std::chrono::seconds timeout) const;

  // The wallet's seqno now (0 while it is not deployed).
  Result<uint32_t> ReadSeqno() const;

  const Address& address() const { return wallet_.address(); }
  // The non-bounceable user-friendly address (what to fund).
  std::string ShownAddress() const;
  const Wallet& wallet() const { return wallet_; }
  const TonApiClient& api() const { return *api_; }
  const WalletSenderOptions& options() const { return options_; }
  Sleeper& sleeper() const { return *sleeper_; }
  const Clock& clock() const { return *clock_; }

 private:
  static const Clock& SystemClockInstance();

  // REQUIRES: mu_ held.
  Result<SentTransfer> SubmitLocked(const std::vector<InternalMessage>& messages,
                                    std::chrono::seconds timeout);
  // Waits out a previous transfer whose outcome is unknown. REQUIRES: mu_ held.
  Status SettlePending(int64_t deadline);

  std::shared_ptr<const TonApiClient> api_;
  Wallet wallet_;
  crypto::Ed25519PrivateKey key_;
  WalletSenderOptions options_;
  Sleeper* sleeper_;
  const Clock* clock_;

  std::mutex mu_;
  // The last transfer sent whose application was not seen (guarded by mu_).
  struct Pending {
    uint32_t seqno = 0;
    uint32_t valid_until = 0;
  };
  std::optional<Pending> pending_;
};

}  // namespace cocoon::ton
