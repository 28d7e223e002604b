// Decimal TON amounts as operators write them ("1.5") to exact nanoTON, and
// back. No floating point anywhere.
#pragma once

#include <string>
#include <string_view>

#include "ton/uint128.h"
#include "util/status.h"

namespace cocoon::ton {

inline constexpr Uint128 kNanoPerTon = 1'000'000'000;

// "1.5" -> 1500000000: digits, at most one '.', at most 9 decimals, at most
// kMaxCoins. `what` names the value in errors (e.g. "--amount",
// "[payments] stake_ton"). Zero is allowed; callers that need more say so.
Result<Uint128> ParseTonAmount(std::string_view text, std::string_view what);

}  // namespace cocoon::ton
