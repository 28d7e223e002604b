// ApiKeys: optional bearer keys for the client's OpenAI-compatible API, each
// with its own limits (requests in flight, requests per minute).
//
// Keys are configured by their SHA-256 (hex), never in clear, so the config
// file and /stats cannot leak them; a presented key is hashed and compared in
// constant time. With no key configured the API is open (bind it to
// loopback then). The rate limit is a token bucket: a burst of up to
// requests_per_minute, refilled evenly over the minute.
//
// Threading: not thread-safe; owned by the API server's executor.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace cocoon::client {

struct ApiKeyConfig {
  std::string name;  // for logs and /stats
  std::array<uint8_t, 32> sha256{};
  uint32_t max_concurrent = 0;       // 0: no limit
  uint32_t requests_per_minute = 0;  // 0: no limit
};

class ApiKeys {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  struct KeyState {
    ApiKeyConfig config;
    uint32_t in_flight = 0;
    double tokens = 0;  // rate-limit bucket
    TimePoint refilled{};
    uint64_t requests = 0;
    uint64_t refused = 0;
  };

  // Releases the key's in-flight slot when destroyed.
  class Lease {
   public:
    Lease() = default;
    explicit Lease(KeyState* key) : key_(key) {}
    Lease(Lease&& other) noexcept : key_(std::exchange(other.key_, nullptr)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (key_) --key_->in_flight;
    }
    const KeyState* key() const { return key_; }

   private:
    KeyState* key_ = nullptr;
  };

  explicit ApiKeys(std::vector<ApiKeyConfig> keys);

  bool required() const { return !keys_.empty(); }

  // Checks an Authorization header ("Bearer <key>"). Without configured keys
  // every request passes (nullptr). Unauthenticated for a missing, malformed
  // or unknown key; the message never repeats the key.
  Result<KeyState*> Authenticate(std::optional<std::string_view> authorization);

  // Admits a request for `key` (nullptr: no key, always admitted) or refuses
  // with ResourceExhausted naming the limit.
  Result<Lease> Admit(KeyState* key, TimePoint now);

  const std::vector<KeyState>& keys() const { return keys_; }

 private:
  std::vector<KeyState> keys_;
};

// Parses a key's hex SHA-256 ("sha256sum" of the key).
Result<std::array<uint8_t, 32>> ParseKeyHash(std::string_view hex);

}  // namespace cocoon::client
