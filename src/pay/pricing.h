// Pricing: from the tokens a request used to the adjusted tokens that
// vouchers count and the nanoTON the client pays, the worker earns and the
// proxy keeps (DESIGN.md §5, contracts/README.md "Parameters").
//
// Per category: adjusted = ⌊n × coefficient/1000 × multiplier/10000⌋,
// computed exactly as ⌊n × coefficient × multiplier / 10^7⌋ in 128-bit
// integers (the product of a 64-bit and two 32-bit numbers always fits), with
// no floating point. The categories of a request are floored separately and
// then summed.
//
// Categories. OpenAI usage reports cached tokens as a part of prompt_tokens
// and reasoning tokens as a part of completion_tokens. So nothing is charged
// twice, a request is split into four disjoint categories:
//   prompt     = prompt_tokens − cached_tokens      at prompt_multiplier
//   cached     = cached_tokens                      at cached_multiplier
//   completion = completion_tokens − reasoning_tokens at completion_multiplier
//   reasoning  = reasoning_tokens                   at reasoning_multiplier
// Usage whose part exceeds its whole (cached > prompt, reasoning >
// completion) is refused as malformed.
//
// Overflow is an error (pay.overflow), never a silent wrap or a saturated
// undercharge: an adjusted count must fit the 64-bit total_tokens of a
// voucher.
//
// Thread-safety: pure functions over plain values.
#pragma once

#include <cstdint>

#include "ton/uint128.h"
#include "util/status.h"

namespace cocoon::pay {

// Multipliers are in units of 1/10000 (10000 = ×1); coefficients in 1/1000.
inline constexpr uint32_t kMultiplierUnit = 10000;
inline constexpr uint32_t kCoefficientUnit = 1000;
// The root's bounds for a multiplier (contracts/README.md, error 103).
inline constexpr uint32_t kMaxMultiplier = 1000000;

// The root parameters that price a token. Mirrors the first fields of the
// contracts' Params cell.
struct Prices {
  uint64_t price_per_token = 0;       // nanoTON per adjusted token, paid by the client
  uint64_t worker_fee_per_token = 0;  // nanoTON per adjusted token, earned by the worker
  uint32_t prompt_multiplier = kMultiplierUnit;
  uint32_t cached_multiplier = kMultiplierUnit;
  uint32_t completion_multiplier = kMultiplierUnit;
  uint32_t reasoning_multiplier = kMultiplierUnit;

  friend bool operator==(const Prices&, const Prices&) = default;
};

// The root's rules: 0 < price, worker fee ≤ price, each multiplier in
// [1, 1000000]. (The 1 TON price cap is the root's business.)
Status ValidatePrices(const Prices& prices);

// Token counts as a backend reports them (OpenAI usage).
struct Usage {
  uint64_t prompt_tokens = 0;      // including cached_tokens
  uint64_t cached_tokens = 0;      // prompt_tokens_details.cached_tokens
  uint64_t completion_tokens = 0;  // including reasoning_tokens
  uint64_t reasoning_tokens = 0;   // completion_tokens_details.reasoning_tokens

  friend bool operator==(const Usage&, const Usage&) = default;
};

// Usage from the signed counters of the wire and HTTP layers; negative
// counts or a part larger than its whole are pay.bad_usage errors.
Result<Usage> MakeUsage(int64_t prompt, int64_t cached, int64_t completion, int64_t reasoning);

// Adjusted tokens per category and their sum.
struct AdjustedUsage {
  uint64_t prompt = 0;  // uncached prompt tokens
  uint64_t cached = 0;
  uint64_t completion = 0;  // non-reasoning completion tokens
  uint64_t reasoning = 0;
  uint64_t total = 0;

  friend bool operator==(const AdjustedUsage&, const AdjustedUsage&) = default;
};

// What a number of adjusted tokens costs. client_cost = worker_earning +
// commission.
struct Charge {
  uint64_t adjusted_tokens = 0;
  ton::Uint128 client_cost = 0;     // adjusted × price_per_token
  ton::Uint128 worker_earning = 0;  // adjusted × worker_fee_per_token
  ton::Uint128 commission = 0;      // the difference, the proxy's

  friend bool operator==(const Charge&, const Charge&) = default;
};

// ⌊tokens × coefficient/1000 × multiplier/10000⌋; pay.overflow when the
// result does not fit 64 bits.
Result<uint64_t> AdjustTokens(uint64_t tokens, uint32_t coefficient, uint32_t multiplier);

// The four categories of `usage` adjusted at the worker's `coefficient`.
Result<AdjustedUsage> Adjust(const Usage& usage, uint32_t coefficient, const Prices& prices);

// The cost of `adjusted_tokens`. REQUIRES: worker_fee_per_token ≤
// price_per_token (ValidatePrices); otherwise pay.bad_prices.
Result<Charge> PriceTokens(uint64_t adjusted_tokens, const Prices& prices);

// Adjust, then PriceTokens on the total.
Result<Charge> PriceUsage(const Usage& usage, uint32_t coefficient, const Prices& prices);

// The most a request can cost, reserved before it is routed: the prompt
// estimate at the larger of the prompt and cached multipliers plus
// max_tokens at the larger of the completion and reasoning multipliers, all
// at the client's highest accepted coefficient. For any usage with
// prompt_tokens ≤ prompt_estimate and completion_tokens ≤ max_tokens, served
// at a coefficient ≤ max_coefficient, PriceUsage(...).client_cost ≤ this.
// REQUIRES: max_coefficient > 0 (a client that accepts any coefficient is
// reserved at the highest coefficient among the eligible workers).
Result<Charge> WorstCase(uint64_t prompt_estimate, uint64_t max_tokens, uint32_t max_coefficient,
                         const Prices& prices);

}  // namespace cocoon::pay
