// TonApiClient: a client of the TON HTTP API v2 (toncenter's /api/v2, and the
// same API in front of the local @ton/sandbox chain), one code path for
// mainnet, testnet and local.
//
// Every call is one logical request: it is retried on HTTP 429 and 5xx and on
// transport failures (timeout, connection refused) with exponential backoff
// (initial_backoff, doubling, capped by max_backoff; a Retry-After header of
// a 429 is honoured up to that cap), at most max_attempts times. Other errors
// are returned at once. Errors: kDeadlineExceeded / kUnavailable (transport),
// kResourceExhausted (still rate-limited), kNotFound, kInvalidArgument (the
// API refused the request; the API's message is kept), kProtocol (malformed
// or unexpected JSON).
//
// Time and sleeping are injected (Sleeper) so tests do not wait.
//
// Thread-safety: const methods are safe from several threads when the
// transport and sleeper are.
#pragma once

#include <chrono>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "ton/address.h"
#include "ton/api_types.h"
#include "ton/http_transport.h"
#include "util/bytes.h"

namespace cocoon::ton {

struct ApiConfig {
  std::string endpoint = "https://toncenter.com/api/v2";  // no trailing slash
  std::string api_key;                                    // sent as X-API-Key when not empty
  std::chrono::milliseconds timeout{10000};               // per attempt
  int max_attempts = 4;
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{8000};

  // "mainnet", "testnet", or an http(s) URL of an API v2 endpoint (the
  // local chain's, for instance). Anything else is kInvalidArgument.
  static Result<ApiConfig> ForNetwork(std::string_view network_or_url);
};

class Sleeper {
 public:
  virtual ~Sleeper() = default;
  virtual void SleepFor(std::chrono::milliseconds duration) = 0;
};
// Blocks the calling thread.
Sleeper& RealSleeper();

class TonApiClient {
 public:
  // REQUIRES: transport is not null; sleeper outlives the client.
  TonApiClient(ApiConfig config, HttpTransportPtr transport, Sleeper& sleeper = RealSleeper());

  Result<AccountInfo> GetAddressInformation(const Address& address) const;
  Result<Uint128> GetBalance(const Address& address) const;
  Result<AccountStatus> GetState(const Address& address) const;
  Result<GetMethodResult> RunGetMethod(const Address& address, const std::string& method,
                                       const std::vector<StackEntry>& stack = {}) const;
  // Sends a serialized external message.
  Status SendBoc(ByteSpan boc) const;
  // Same, returning the message hash the API reports.
  Result<Bytes> SendBocReturnHash(ByteSpan boc) const;
  // Newest first, at most `limit` (1..100); `from` continues an earlier page.
  Result<std::vector<Transaction>> GetTransactions(
      const Address& address, int limit = 10,
      const std::optional<TransactionId>& from = std::nullopt, bool archival = false) const;

  const ApiConfig& config() const { return config_; }

 private:
  // The "result" member of a successful answer, after retries.
  Result<nlohmann::json> Call(const std::string& method, const std::string& query,
                              const std::string* post_body) const;

  ApiConfig config_;
  HttpTransportPtr transport_;
  Sleeper* sleeper_;
};

}  // namespace cocoon::ton
