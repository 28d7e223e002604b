// `cocoon attest ...`: DCAP quotes from the command line.
//
//   cocoon attest parse QUOTE_FILE [--json]
//       prints the quote's fields without verifying anything;
//   cocoon attest verify QUOTE_FILE --collateral FILE [--at UNIX_TIME] [--json]
//       verifies the quote (TDX or SGX) with the collateral at the given time
//       (default: now) and prints the measurements, image hash, TCB status and
//       advisories; on failure prints the reason (its dcap.* tag first) to
//       stderr (and, with --json, {"verified": false, "error": ...} to stdout)
//       and exits non-zero.
//
// A failing command throws CLI::RuntimeError(1), which the binary's
// CLI11_PARSE/app.exit turns into the exit status.
#pragma once

#include <CLI/CLI.hpp>

namespace cocoon::cli {

void AddAttestCommands(CLI::App& app);

}  // namespace cocoon::cli
