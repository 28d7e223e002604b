#include "client/api_keys.h"

#include <openssl/crypto.h>

#include "crypto/sha.h"
#include "util/bytes.h"

namespace cocoon::client {

ApiKeys::ApiKeys(std::vector<ApiKeyConfig> keys) {
  for (auto& config : keys) {
    KeyState state;
    state.tokens = config.requests_per_minute;
    state.config = std::move(config);
    keys_.push_back(std::move(state));
  }
}

Result<ApiKeys::KeyState*> ApiKeys::Authenticate(std::optional<std::string_view> authorization) {
  if (keys_.empty()) return static_cast<KeyState*>(nullptr);
  if (!authorization)
    return Unauthenticated("this API needs a key: send Authorization: Bearer <key>");
  constexpr std::string_view kBearer = "Bearer ";
  std::string_view value = *authorization;
  if (value.size() <= kBearer.size() ||
      !std::equal(kBearer.begin(), kBearer.end(), value.begin(),
                  [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
    return Unauthenticated("the Authorization header must be \"Bearer <key>\"");
  std::string_view key = value.substr(kBearer.size());
  auto digest = crypto::Sha256(AsBytes(key));
  for (auto& state : keys_) {
    if (CRYPTO_memcmp(digest.data(), state.config.sha256.data(), digest.size()) == 0) return &state;
  }
  return Unauthenticated("the API key is not valid");
}

Result<ApiKeys::Lease> ApiKeys::Admit(KeyState* key, TimePoint now) {
  if (!key) return Lease();
  const ApiKeyConfig& config = key->config;
  if (config.requests_per_minute > 0) {
    if (key->refilled != TimePoint{}) {
      double elapsed = std::chrono::duration<double>(now - key->refilled).count();
      key->tokens = std::min<double>(config.requests_per_minute,
                                     key->tokens + elapsed * config.requests_per_minute / 60.0);
    }
    key->refilled = now;
  }
  if (config.max_concurrent > 0 && key->in_flight >= config.max_concurrent) {
    ++key->refused;
    return ResourceExhausted("API key \"" + config.name + "\" already has " +
                             std::to_string(key->in_flight) + " requests in flight (its limit)");
  }
  if (config.requests_per_minute > 0 && key->tokens < 1.0) {
    ++key->refused;
    return ResourceExhausted("API key \"" + config.name + "\" is over its limit of " +
                             std::to_string(config.requests_per_minute) + " requests per minute");
  }
  if (config.requests_per_minute > 0) key->tokens -= 1.0;
  ++key->in_flight;
  ++key->requests;
  return Lease(key);
}

Result<std::array<uint8_t, 32>> ParseKeyHash(std::string_view hex) {
  auto bytes = HexDecode(hex);
  if (!bytes.ok() || bytes->size() != 32)
    return InvalidArgument("an API key's sha256 must be 64 hex digits (sha256sum of the key)");
  std::array<uint8_t, 32> out{};
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

}  // namespace cocoon::client
