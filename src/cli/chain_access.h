// What the operator commands that act on chain share (`cocoon wallet`,
// `cocoon root`): the node wallet of a key file, the TON API client of the
// --api flags, and API errors turned into a message that says what to do.
//
// Failures throw CommandFailed (report.h) with exit code 1 and the message
// "<command>: ...", where `command` is the group the user typed ("wallet",
// "root"). Messages name files and the endpoint without its query string or
// credentials, never a key or the API key.
//
// Thread-safety: the functions hold no state; the returned TonApiClient is as
// thread-safe as its curl transport.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "crypto/ed25519.h"
#include "ton/api_client.h"
#include "ton/wallet.h"
#include "util/status.h"

namespace cocoon::cli {

// --key FILE [--version v4r2|v5r1] [--workchain N] [--testnet] [--json]
struct WalletFlags {
  std::string key_file;
  std::string version = "v4r2";
  int workchain = 0;
  bool testnet = false;
  bool json = false;
};

// --api mainnet|testnet|URL [--api-key-file FILE]
struct ApiFlags {
  std::string api;
  std::string api_key_file;
};

struct LoadedWallet {
  crypto::Ed25519PrivateKey key;
  ton::Wallet wallet;
  bool testnet;
};

// Registers the flags above on `cmd` (--key and --api required).
void AddWalletFlags(CLI::App* cmd, WalletFlags& flags);
void AddApiFlags(CLI::App* cmd, ApiFlags& flags);

// The key file's wallet; `testnet` sets the v5r1 wallet id and text flags.
LoadedWallet LoadWallet(std::string_view command, const WalletFlags& flags, bool testnet);

// The API client of --api / --api-key-file (3 attempts per request).
std::shared_ptr<const ton::TonApiClient> MakeApi(std::string_view command, const ApiFlags& flags);

// Fails with "<what>: <why>", and for transport, rate-limit and API-key
// errors with the endpoint and what to check.
[[noreturn]] void DieApi(std::string_view command, const ton::TonApiClient& api,
                         const std::string& what, const Status& status);

// The endpoint as it may be shown: no query string, no user:password@.
std::string ShownEndpoint(const std::string& endpoint);

// "1.5 TON (1500000000 nanoTON)".
std::string TonText(ton::Uint128 nano);

}  // namespace cocoon::cli
