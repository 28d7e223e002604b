#include "attest/dcap/tcb_status.h"

#include <array>
#include <utility>

namespace cocoon::attest::dcap {
namespace {

constexpr std::array<std::pair<TcbStatus, std::string_view>, 7> kNames = {{
    {TcbStatus::kUpToDate, "UpToDate"},
    {TcbStatus::kSWHardeningNeeded, "SWHardeningNeeded"},
    {TcbStatus::kConfigurationNeeded, "ConfigurationNeeded"},
    {TcbStatus::kConfigurationAndSWHardeningNeeded, "ConfigurationAndSWHardeningNeeded"},
    {TcbStatus::kOutOfDate, "OutOfDate"},
    {TcbStatus::kOutOfDateConfigurationNeeded, "OutOfDateConfigurationNeeded"},
    {TcbStatus::kRevoked, "Revoked"},
}};

}  // namespace

std::string_view TcbStatusName(TcbStatus status) {
  for (const auto& [s, name] : kNames) {
    if (s == status) return name;
  }
  return "Unknown";
}

std::optional<TcbStatus> ParseTcbStatus(std::string_view name) {
  for (const auto& [s, n] : kNames) {
    if (n == name) return s;
  }
  return std::nullopt;
}

TcbStatus Converge(TcbStatus platform, TcbStatus component) {
  if (component == TcbStatus::kRevoked || platform == TcbStatus::kRevoked) {
    return TcbStatus::kRevoked;
  }
  if (component != TcbStatus::kOutOfDate) return platform;
  switch (platform) {
    case TcbStatus::kUpToDate:
    case TcbStatus::kSWHardeningNeeded:
      return TcbStatus::kOutOfDate;
    case TcbStatus::kConfigurationNeeded:
    case TcbStatus::kConfigurationAndSWHardeningNeeded:
      return TcbStatus::kOutOfDateConfigurationNeeded;
    default:
      return platform;
  }
}

}  // namespace cocoon::attest::dcap
