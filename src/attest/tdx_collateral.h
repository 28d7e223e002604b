// Where a TDX verifier gets collateral for a quote.
//
// FileCollateralSource reads one collateral file (collateral.h's JSON shape)
// for offline verification; it is re-read on each call, so an operator can
// replace the file (atomically) while the node runs. A PCCS-backed source with
// an on-disk cache would implement the same interface.
//
// Thread-safety: Get may be called from any thread.
#pragma once

#include <filesystem>

#include "attest/dcap/collateral.h"
#include "attest/dcap/quote.h"

namespace cocoon::attest {

class TdxCollateralSource {
 public:
  virtual ~TdxCollateralSource() = default;
  // Collateral for this (parsed, not yet verified) quote's platform.
  virtual Result<dcap::Collateral> Get(const dcap::Quote& quote) const = 0;
};

class FileCollateralSource final : public TdxCollateralSource {
 public:
  explicit FileCollateralSource(std::filesystem::path path) : path_(std::move(path)) {}
  Result<dcap::Collateral> Get(const dcap::Quote& quote) const override;

 private:
  std::filesystem::path path_;
};

// Collateral held in memory (tests, or collateral shipped with evidence).
class StaticCollateralSource final : public TdxCollateralSource {
 public:
  explicit StaticCollateralSource(dcap::Collateral c) : collateral_(std::move(c)) {}
  Result<dcap::Collateral> Get(const dcap::Quote&) const override { return collateral_; }

 private:
  dcap::Collateral collateral_;
};

}  // namespace cocoon::attest
