// FakeWalletChain: an HttpTransport playing the TON HTTP API for one node
// wallet (v4r2) and any scripted contract get-methods, with state: it parses
// the external messages the wallet sends (seqno, valid_until, StateInit,
// internal messages), refuses a wrong seqno as a real wallet would (HTTP 500),
// and applies a transfer after a scripted number of seqno polls (or never),
// so WalletSender and the chain accounts can be tested without a chain.
//
// Thread-safety: Send() and the accessors lock an internal mutex.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ton/api_client.h"
#include "ton/wallet.h"
#include "util/clock.h"

namespace cocoon::testing {

class FakeWalletChain final : public ton::HttpTransport {
 public:
  struct Message {  // an internal message the wallet was asked to send
    ton::Address destination;
    ton::Uint128 value = 0;
    bool bounce = false;
    bool has_init = false;
    ton::CellRef body;
  };
  struct Transfer {  // an external message the fake accepted
    uint32_t seqno = 0;
    uint32_t valid_until = 0;
    bool deploy = false;
    std::vector<Message> messages;
  };

  explicit FakeWalletChain(const ton::Wallet& wallet) : wallet_(wallet) {}

  // The wallet account. `state`: "uninitialized", "active", "frozen".
  void SetWallet(const std::string& state, ton::Uint128 balance, uint32_t seqno);
  // The wallet answers with other code (not a wallet of its version).
  void SetWalletCode(ton::CellRef code);
  void SetChainTime(int64_t unix_time);
  int64_t chain_time() const;
  // Polls of the wallet's seqno before an accepted transfer is applied: 0
  // applies it when sent (as the local chain does); -1 never.
  void SetApplyAfterPolls(int polls);
  // Called (without the lock) for each transfer applied.
  void OnApply(std::function<void(const Transfer&)> hook);

  // Another account (a contract): getAddressInformation answers.
  void SetAccount(const ton::Address& address, const std::string& state, ton::CellRef code,
                  ton::CellRef data, ton::Uint128 balance = 1'000'000'000);
  // A runGetMethod answer for `method` on any address but the wallet's.
  void SetGetMethod(const std::string& method, const nlohmann::json& stack, int exit_code = 0);
  // The next calls of an API method ("getAddressInformation", "sendBocReturnHash")
  // answer with this HTTP status and error text, `times` times.
  void FailNext(const std::string& api_method, int http_status, const std::string& error,
                int times = 1);

  Result<ton::HttpResponse> Send(const ton::HttpRequest& request) override;

  std::vector<Transfer> applied() const;
  std::vector<Transfer> accepted() const;  // applied or waiting
  int calls(const std::string& api_method) const;
  uint32_t seqno() const;

 private:
  struct Account {
    std::string state;
    ton::Uint128 balance = 0;
    ton::CellRef code;
    ton::CellRef data;
  };
  struct Failure {
    int status = 500;
    std::string error;
    int times = 0;
  };

  ton::HttpResponse Ok(const nlohmann::json& result) const;
  ton::HttpResponse Error(int status, const std::string& error) const;
  ton::HttpResponse AccountAnswer(const ton::Address& address) const;
  ton::HttpResponse SendBoc(const std::string& body, std::vector<Transfer>* to_apply);
  void ApplyLocked(std::vector<Transfer>* to_apply);

  const ton::Wallet wallet_;
  mutable std::mutex mu_;
  std::string wallet_state_ = "uninitialized";
  ton::Uint128 wallet_balance_ = 0;
  uint32_t seqno_ = 0;
  ton::CellRef wallet_code_;
  int64_t chain_time_ = 1'700'000'000;
  int apply_after_polls_ = 0;
  int polls_since_send_ = 0;
  std::vector<Transfer> waiting_;
  std::vector<Transfer> applied_;
  std::vector<Transfer> accepted_;
  std::function<void(const Transfer&)> on_apply_;
  std::map<std::string, Account> accounts_;
  std::map<std::string, std::pair<nlohmann::json, int>> methods_;
  std::map<std::string, Failure> failures_;
  std::map<std::string, int> calls_;
};

// A Sleeper that moves a ManualClock instead of sleeping (whole seconds; the
// rest is carried). Thread-safe.
class ClockSleeper final : public ton::Sleeper {
 public:
  explicit ClockSleeper(ManualClock& clock) : clock_(clock) {}
  void SleepFor(std::chrono::milliseconds d) override {
    ++sleeps_;
    const int64_t ms = carried_ms_.fetch_add(d.count()) + d.count();
    const int64_t whole = ms / 1000;
    carried_ms_.fetch_sub(whole * 1000);
    clock_.Advance(whole);
  }
  int sleeps() const { return sleeps_.load(); }

 private:
  ManualClock& clock_;
  std::atomic<int64_t> carried_ms_{0};
  std::atomic<int> sleeps_{0};
};

// Stack entries in the API's JSON form.
nlohmann::json NumEntry(ton::Uint128 value);
nlohmann::json AddressEntry(const ton::Address& address);
nlohmann::json Uint256Entry(const std::array<uint8_t, 32>& value);

}  // namespace cocoon::testing
