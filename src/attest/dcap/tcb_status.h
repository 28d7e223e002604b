// TCB status: how current a platform's trusted computing base is, as Intel's
// TCB info and QE identity grade it, and how statuses combine.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <optional>
#include <string_view>

namespace cocoon::attest::dcap {

enum class TcbStatus {
  kUpToDate,
  kSWHardeningNeeded,
  kConfigurationNeeded,
  kConfigurationAndSWHardeningNeeded,
  kOutOfDate,
  kOutOfDateConfigurationNeeded,
  kRevoked,
};

// Intel's spelling, e.g. "SWHardeningNeeded".
std::string_view TcbStatusName(TcbStatus status);
// Accepts exactly Intel's spelling; nullopt otherwise.
std::optional<TcbStatus> ParseTcbStatus(std::string_view name);

// The platform status after taking into account a component graded
// separately (the QE, or the TDX module), following Intel's QVL:
// component OutOfDate turns UpToDate/SWHardeningNeeded into OutOfDate and
// ConfigurationNeeded/ConfigurationAndSWHardeningNeeded into
// OutOfDateConfigurationNeeded; component Revoked makes Revoked; otherwise the
// platform status stands.
TcbStatus Converge(TcbStatus platform, TcbStatus component);

}  // namespace cocoon::attest::dcap
