// `cocoon ton ...`: operator commands for TON addresses, wallets and BoCs.
//
//   ton address ADDRESS                 every form of an address
//   ton wallet-address --public-key HEX --wallet v4r2|v5r1 [--testnet]
//                      [--workchain N]  the standard wallet's address
//   ton boc-decode FILE|-               the cell tree of a BoC (binary, hex or
//                                       base64), with hashes
// Each takes --json for machine-readable output. On bad input a command
// prints "cocoon ton: <reason>" to the error stream and throws
// CLI::RuntimeError(1), which CLI11 turns into exit code 1.
#pragma once

#include <iosfwd>

namespace CLI {
class App;
}  // namespace CLI

namespace cocoon::cli {

// Prints to std::cout / std::cerr.
void AddTonCommands(CLI::App& app);
// Prints to `out` / `err`, which must outlive `app`. For tests.
void AddTonCommands(CLI::App& app, std::ostream& out, std::ostream& err);

}  // namespace cocoon::cli
