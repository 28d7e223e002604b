#include "ton/contracts/params.h"

#include "ton/cell_builder.h"

namespace cocoon::ton::contracts {
namespace {

Status OutOfRange(const char* field, const char* range) {
  return InvalidArgument(std::string("params.") + field + " must be " + range);
}

}  // namespace

Status ValidateParams(const Params& p) {
  if (p.price_per_token == 0 || p.price_per_token > kMaxPricePerToken)
    return OutOfRange("price_per_token", "in (0, 1 TON]");
  if (p.worker_fee_per_token > p.price_per_token)
    return OutOfRange("worker_fee_per_token", "at most price_per_token");
  const std::pair<const char*, uint32_t> mults[] = {{"prompt_mult", p.prompt_mult},
                                                    {"cached_mult", p.cached_mult},
                                                    {"completion_mult", p.completion_mult},
                                                    {"reasoning_mult", p.reasoning_mult}};
  for (auto [name, v] : mults) {
    if (v == 0 || v > kMaxMultiplier) return OutOfRange(name, "in [1, 1000000]");
  }
  const std::pair<const char*, uint32_t> delays[] = {{"proxy_close_delay", p.proxy_close_delay},
                                                     {"client_close_delay", p.client_close_delay}};
  for (auto [name, v] : delays) {
    if (v < kMinDelay || v > kMaxDelay) return OutOfRange(name, "in [60 s, 30 days]");
  }
  const std::pair<const char*, Uint128> stakes[] = {{"min_proxy_stake", p.min_proxy_stake},
                                                    {"min_client_stake", p.min_client_stake}};
  for (auto [name, v] : stakes) {
    if (v < kMinStake || v > kMaxStake) return OutOfRange(name, "in [0.01 TON, 1000000 TON]");
  }
  return Status::Ok();
}

Result<CellRef> ParamsCell(const Params& p) {
  CellBuilder b;
  b.StoreCoins(p.price_per_token)
      .StoreCoins(p.worker_fee_per_token)
      .StoreUint(p.prompt_mult, 32)
      .StoreUint(p.cached_mult, 32)
      .StoreUint(p.completion_mult, 32)
      .StoreUint(p.reasoning_mult, 32)
      .StoreUint(p.proxy_close_delay, 32)
      .StoreUint(p.client_close_delay, 32)
      .StoreCoins(p.min_proxy_stake)
      .StoreCoins(p.min_client_stake);
  return b.Finalize();
}

Result<Params> LoadParams(CellSlice& s) {
  Params p;
  COCOON_ASSIGN_OR_RETURN(p.price_per_token, s.LoadCoins());
  COCOON_ASSIGN_OR_RETURN(p.worker_fee_per_token, s.LoadCoins());
  uint32_t* u32[] = {&p.prompt_mult,    &p.cached_mult,       &p.completion_mult,
                     &p.reasoning_mult, &p.proxy_close_delay, &p.client_close_delay};
  for (uint32_t* field : u32) {
    COCOON_ASSIGN_OR_RETURN(uint64_t v, s.LoadUint(32));
    *field = static_cast<uint32_t>(v);
  }
  COCOON_ASSIGN_OR_RETURN(p.min_proxy_stake, s.LoadCoins());
  COCOON_ASSIGN_OR_RETURN(p.min_client_stake, s.LoadCoins());
  return p;
}

Result<Params> ParseParamsCell(const CellRef& cell) {
  if (!cell) return InvalidArgument("params cell is missing");
  CellSlice s(cell);
  Result<Params> p = LoadParams(s);
  if (!p.ok()) return p.status().WithContext("params cell");
  if (!s.empty()) return InvalidArgument("params cell has trailing data");
  return p;
}

}  // namespace cocoon::ton::contracts
