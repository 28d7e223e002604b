// Params: the network parameters the root owns and every proxy, client and
// worker contract carries a copy of (contracts/README.md "Parameters"):
//
//   pricePerToken:coins workerFeePerToken:coins
//   promptMult:uint32 cachedMult:uint32 completionMult:uint32 reasoningMult:uint32
//   proxyCloseDelay:uint32 clientCloseDelay:uint32
//   minProxyStake:coins minClientStake:coins
//
// The same field order is the stack order of every `get_params`.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>

#include "ton/cell.h"
#include "ton/cell_slice.h"
#include "ton/uint128.h"

namespace cocoon::ton::contracts {

struct Params {
  Uint128 price_per_token = 0;       // nanoTON per adjusted token, charged to clients
  Uint128 worker_fee_per_token = 0;  // nanoTON per adjusted token, paid to workers
  uint32_t prompt_mult = 10000;      // 1/10000 units
  uint32_t cached_mult = 10000;
  uint32_t completion_mult = 10000;
  uint32_t reasoning_mult = 10000;
  uint32_t proxy_close_delay = 0;  // seconds
  uint32_t client_close_delay = 0;
  Uint128 min_proxy_stake = 0;  // nanoTON
  Uint128 min_client_stake = 0;

  friend bool operator==(const Params&, const Params&) = default;
};

// Limits the root checks on set_params (error 103 otherwise).
inline constexpr Uint128 kMaxPricePerToken = 1'000'000'000;  // 1 TON
inline constexpr uint32_t kMaxMultiplier = 1'000'000;
inline constexpr uint32_t kMinDelay = 60;
inline constexpr uint32_t kMaxDelay = 30 * 24 * 3600;
inline constexpr Uint128 kMinStake = 10'000'000;                                       // 0.01 TON
inline constexpr Uint128 kMaxStake = static_cast<Uint128>(1'000'000) * 1'000'000'000;  // 1e6 TON

// OK when the root would accept `params` in set_params; otherwise
// kInvalidArgument naming the first field out of range. (A root deployed with
// unchecked initial params may still hold values outside these limits.)
Status ValidateParams(const Params& params);

// The Params cell. Fails only for coins above 2^120 - 1.
Result<CellRef> ParamsCell(const Params& params);
// Reads the Params layout from `slice`.
Result<Params> LoadParams(CellSlice& slice);
// Reads a whole Params cell; trailing bits or references are an error.
Result<Params> ParseParamsCell(const CellRef& cell);

}  // namespace cocoon::ton::contracts
