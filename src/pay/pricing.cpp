#include "pay/pricing.h"

#include <algorithm>
#include <limits>
#include <string>

#include "pay/errors.h"

namespace cocoon::pay {
namespace {

using ton::Uint128;

constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();
constexpr Uint128 kScale = static_cast<Uint128>(kCoefficientUnit) * kMultiplierUnit;  // 10^7

Status OverflowError(std::string_view what) {
  return PayError(ErrorCode::kResourceExhausted, kOverflow,
                  std::string(what) + " does not fit 64 bits of adjusted tokens");
}

Result<uint64_t> AddChecked(uint64_t a, uint64_t b, std::string_view what) {
  if (a > kU64Max - b) return OverflowError(what);
  return a + b;
}

}  // namespace

Status ValidatePrices(const Prices& p) {
  if (p.price_per_token == 0) {
    return PayError(ErrorCode::kInvalidArgument, kBadPrices, "price_per_token must be above 0");
  }
  if (p.worker_fee_per_token > p.price_per_token) {
    return PayError(ErrorCode::kInvalidArgument, kBadPrices,
                    "worker_fee_per_token must not exceed price_per_token");
  }
  for (uint32_t m : {p.prompt_multiplier, p.cached_multiplier, p.completion_multiplier,
                     p.reasoning_multiplier}) {
    if (m < 1 || m > kMaxMultiplier) {
      return PayError(
          ErrorCode::kInvalidArgument, kBadPrices,
          "each multiplier must be in [1, 1000000] (units of 1/10000), got " + std::to_string(m));
    }
  }
  return Status::Ok();
}

Result<Usage> MakeUsage(int64_t prompt, int64_t cached, int64_t completion, int64_t reasoning) {
  if (prompt < 0 || cached < 0 || completion < 0 || reasoning < 0) {
    return PayError(ErrorCode::kInvalidArgument, kBadUsage, "negative token count");
  }
  Usage u{static_cast<uint64_t>(prompt), static_cast<uint64_t>(cached),
          static_cast<uint64_t>(completion), static_cast<uint64_t>(reasoning)};
  if (u.cached_tokens > u.prompt_tokens) {
    return PayError(ErrorCode::kInvalidArgument, kBadUsage,
                    "cached_tokens (" + std::to_string(cached) + ") exceed prompt_tokens (" +
                        std::to_string(prompt) + ")");
  }
  if (u.reasoning_tokens > u.completion_tokens) {
    return PayError(ErrorCode::kInvalidArgument, kBadUsage,
                    "reasoning_tokens (" + std::to_string(reasoning) +
                        ") exceed completion_tokens (" + std::to_string(completion) + ")");
  }
  return u;
}

Result<uint64_t> AdjustTokens(uint64_t tokens, uint32_t coefficient, uint32_t multiplier) {
  // (2^64 − 1)(2^32 − 1)^2 < 2^128: the product cannot overflow.
  Uint128 product = static_cast<Uint128>(tokens) * coefficient * multiplier;
  Uint128 adjusted = product / kScale;
  if (adjusted > kU64Max) return OverflowError(std::to_string(tokens) + " tokens adjusted");
  return static_cast<uint64_t>(adjusted);
}

Result<AdjustedUsage> Adjust(const Usage& usage, uint32_t coefficient, const Prices& prices) {
  if (usage.cached_tokens > usage.prompt_tokens) {
    return PayError(ErrorCode::kInvalidArgument, kBadUsage, "cached_tokens exceed prompt_tokens");
  }
  if (usage.reasoning_tokens > usage.completion_tokens) {
    return PayError(ErrorCode::kInvalidArgument, kBadUsage,
                    "reasoning_tokens exceed completion_tokens");
  }
  AdjustedUsage a;
  COCOON_ASSIGN_OR_RETURN(a.prompt, AdjustTokens(usage.prompt_tokens - usage.cached_tokens,
                                                 coefficient, prices.prompt_multiplier));
  COCOON_ASSIGN_OR_RETURN(a.cached,
                          AdjustTokens(usage.cached_tokens, coefficient, prices.cached_multiplier));
  COCOON_ASSIGN_OR_RETURN(
      a.completion, AdjustTokens(usage.completion_tokens - usage.reasoning_tokens, coefficient,
                                 prices.completion_multiplier));
  COCOON_ASSIGN_OR_RETURN(
      a.reasoning, AdjustTokens(usage.reasoning_tokens, coefficient, prices.reasoning_multiplier));
  COCOON_ASSIGN_OR_RETURN(uint64_t t, AddChecked(a.prompt, a.cached, "the adjusted total"));
  COCOON_ASSIGN_OR_RETURN(t, AddChecked(t, a.completion, "the adjusted total"));
  COCOON_ASSIGN_OR_RETURN(a.total, AddChecked(t, a.reasoning, "the adjusted total"));
  return a;
}

Result<Charge> PriceTokens(uint64_t adjusted_tokens, const Prices& prices) {
  if (prices.worker_fee_per_token > prices.price_per_token) {
    return PayError(ErrorCode::kInvalidArgument, kBadPrices,
                    "worker_fee_per_token must not exceed price_per_token");
  }
  Charge c;
  c.adjusted_tokens = adjusted_tokens;
  // 64 × 64 bits fit 128 bits.
  c.client_cost = static_cast<Uint128>(adjusted_tokens) * prices.price_per_token;
  c.worker_earning = static_cast<Uint128>(adjusted_tokens) * prices.worker_fee_per_token;
  c.commission = c.client_cost - c.worker_earning;
  return c;
}

Result<Charge> PriceUsage(const Usage& usage, uint32_t coefficient, const Prices& prices) {
  COCOON_ASSIGN_OR_RETURN(AdjustedUsage a, Adjust(usage, coefficient, prices));
  return PriceTokens(a.total, prices);
}

Result<Charge> WorstCase(uint64_t prompt_estimate, uint64_t max_tokens, uint32_t max_coefficient,
                         const Prices& prices) {
  if (max_coefficient == 0) {
    return PayError(ErrorCode::kInvalidArgument, kBadPrices,
                    "a reservation needs the client's highest accepted coefficient (got 0)");
  }
  uint32_t prompt_mult = std::max(prices.prompt_multiplier, prices.cached_multiplier);
  uint32_t completion_mult = std::max(prices.completion_multiplier, prices.reasoning_multiplier);
  COCOON_ASSIGN_OR_RETURN(uint64_t prompt,
                          AdjustTokens(prompt_estimate, max_coefficient, prompt_mult));
  COCOON_ASSIGN_OR_RETURN(uint64_t completion,
                          AdjustTokens(max_tokens, max_coefficient, completion_mult));
  COCOON_ASSIGN_OR_RETURN(uint64_t total, AddChecked(prompt, completion, "the reservation"));
  return PriceTokens(total, prices);
}

}  // namespace cocoon::pay
