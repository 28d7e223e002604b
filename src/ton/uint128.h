// Uint128: the unsigned integer type for TON amounts (Coins, VarUInteger 16,
// at most 2^120 - 1 nanotons) and its decimal text form.
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace cocoon::ton {

__extension__ typedef unsigned __int128 Uint128;

// Largest value a Coins field can hold: 2^120 - 1.
inline constexpr Uint128 kMaxCoins = (static_cast<Uint128>(1) << 120) - 1;

std::string Uint128ToString(Uint128 value);
// Decimal digits only (no sign, no spaces); fails on overflow or empty input.
Result<Uint128> ParseUint128(std::string_view text);

}  // namespace cocoon::ton
