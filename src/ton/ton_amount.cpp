#include "ton/ton_amount.h"

#include <algorithm>

namespace cocoon::ton {

Result<Uint128> ParseTonAmount(std::string_view text, std::string_view what) {
  const std::string name(what);
  const std::string shown = "'" + std::string(text.substr(0, 64)) + "'";
  if (text.empty()) return InvalidArgument(name + " is empty; give TON as a decimal, e.g. 1.5");
  if (text.front() == '-') return InvalidArgument(name + " " + shown + " is negative");
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(whole) || !digits(frac) || whole.empty() ||
      (dot != std::string_view::npos && frac.empty())) {
    return InvalidArgument(name + " " + shown +
                           " is not a decimal TON amount; write it like 1, 0.25 or 0.000000001");
  }
  if (frac.size() > 9) {
    return InvalidArgument(name + " " + shown +
                           " has more than 9 decimals; 1 nanoTON (0.000000001) is the smallest "
                           "unit");
  }
  Result<Uint128> units = ParseUint128(whole);
  const Uint128 max_whole = kMaxCoins / kNanoPerTon;
  if (!units.ok() || *units > max_whole) {
    return InvalidArgument(name + " " + shown + " is too large (at most " +
                           Uint128ToString(max_whole) + " TON)");
  }
  std::string frac9(frac);
  frac9.resize(9, '0');
  const Uint128 nano = *units * kNanoPerTon + *ParseUint128(frac9);
  if (nano > kMaxCoins) return InvalidArgument(name + " " + shown + " is too large");
  return nano;
}

}  // namespace cocoon::ton
