// Test helpers: the real DCAP quotes and collateral in ../shared/testdata/tdx/.
//
// Tests find the folder through COCOON_SHARED_DIR (set by CTest), falling back
// to ../shared next to the source tree, and skip with a message where it is
// absent (TDX_DATA_OR_SKIP).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "attest/dcap/collateral.h"
#include "util/bytes.h"
#include "util/file.h"

namespace cocoon::attest::testdata {

inline std::filesystem::path TdxDir() {
  const char* env = std::getenv("COCOON_SHARED_DIR");
  std::filesystem::path shared =
      env ? std::filesystem::path(env) : std::filesystem::path(COCOON_SOURCE_DIR) / ".." / "shared";
  return shared / "testdata" / "tdx";
}

inline std::optional<Bytes> ReadBytes(const std::string& name) {
  auto text = ReadFile(TdxDir() / name);
  if (!text.ok()) return std::nullopt;
  return ToBytes(*text);
}

inline std::optional<dcap::Collateral> ReadCollateral(const std::string& name) {
  auto c = dcap::ReadCollateralFile(TdxDir() / name);
  if (!c.ok()) return std::nullopt;
  return std::move(*c);
}

// Times inside each collateral's validity (every CRL, TCB info, QE identity).
inline constexpr int64_t kTdxQuoteTime = 1750377600;       // 2025-06-20T00:00:00Z
inline constexpr int64_t kOutdatedQuoteTime = 1771459200;  // 2026-02-19T00:00:00Z
inline constexpr int64_t kSgxQuoteTime = 1750377600;       // 2025-06-20T00:00:00Z

}  // namespace cocoon::attest::testdata

// Declares `var` (Bytes) with the file's content, or skips the test.
#define TDX_DATA_OR_SKIP(var, name)                                                     \
  auto var##_opt = ::cocoon::attest::testdata::ReadBytes(name);                         \
  if (!var##_opt) {                                                                     \
    GTEST_SKIP() << "test data " << name << " not found under "                         \
                 << ::cocoon::attest::testdata::TdxDir() << " (set COCOON_SHARED_DIR)"; \
  }                                                                                     \
  ::cocoon::Bytes var = std::move(*var##_opt)

#define TDX_COLLATERAL_OR_SKIP(var, name)                                               \
  auto var##_opt = ::cocoon::attest::testdata::ReadCollateral(name);                    \
  if (!var##_opt) {                                                                     \
    GTEST_SKIP() << "collateral " << name << " not found under "                        \
                 << ::cocoon::attest::testdata::TdxDir() << " (set COCOON_SHARED_DIR)"; \
  }                                                                                     \
  ::cocoon::attest::dcap::Collateral var = std::move(*var##_opt)
