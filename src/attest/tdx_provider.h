// TdxProvider: real TDX quotes from the Linux kernel's configfs-tsm interface
// (Documentation/ABI/testing/configfs-tsm): make a report directory under
// /sys/kernel/config/tsm/report, write the 64 bytes of report data to its
// `inblob`, read the quote from `outblob`, remove the directory.
//
// Outside a TD (no configfs-tsm, no TDX provider, no quote service), Produce
// returns a clear kUnavailable error; it never crashes. Reading `outblob`
// blocks while the host's quote service answers, so it runs on a helper
// thread and Produce gives up with kDeadlineExceeded after `timeout` (the
// helper then finishes or stays blocked in the kernel on its own; it touches
// nothing of the caller's).
//
// Thread-safety: Produce may be called from any thread; calls are serialized.
#pragma once

#include <chrono>
#include <filesystem>
#include <mutex>

#include "attest/evidence.h"

namespace cocoon::attest {

inline constexpr const char* kConfigfsTsmReportDir = "/sys/kernel/config/tsm/report";

class TdxProvider final : public EvidenceProvider {
 public:
  explicit TdxProvider(std::filesystem::path report_dir = kConfigfsTsmReportDir,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30));

  EvidenceKind kind() const override { return EvidenceKind::kTdx; }
  // Errors: kUnavailable (not in a TD, no TDX quote provider, I/O failure),
  // kDeadlineExceeded (no quote within the timeout), kInternal (the kernel
  // reported a concurrent change of the report).
  Result<Evidence> Produce(const ReportData& report_data) const override;

 private:
  std::filesystem::path report_dir_;
  std::chrono::milliseconds timeout_;
  mutable std::mutex mu_;
};

}  // namespace cocoon::attest
