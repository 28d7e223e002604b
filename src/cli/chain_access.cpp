#include "cli/chain_access.h"

#include <algorithm>

#include "cli/report.h"
#include "ton/wallet_sender.h"
#include "util/file.h"

namespace cocoon::cli {
namespace {

[[noreturn]] void Die(std::string_view command, const std::string& message) {
  throw CommandFailed(std::string(command) + ": " + message, 1);
}

}  // namespace

void AddWalletFlags(CLI::App* cmd, WalletFlags& f) {
  cmd->add_option("--key", f.key_file,
                  "Ed25519 private key file (`cocoon key generate`, or a daemon's key_file)")
      ->required();
  cmd->add_option("--version", f.version, "wallet contract: v4r2 (default) or v5r1");
  cmd->add_option("--workchain", f.workchain, "workchain (default 0)");
  cmd->add_flag("--testnet", f.testnet,
                "testnet: address text flags, and the v5r1 wallet id (implied by --api testnet)");
  cmd->add_flag("--json", f.json, "machine-readable output");
}

void AddApiFlags(CLI::App* cmd, ApiFlags& f) {
  cmd->add_option("--api", f.api,
                  "TON API v2: mainnet, testnet or a URL (http://127.0.0.1:8081/api/v2)")
      ->required();
  cmd->add_option("--api-key-file", f.api_key_file, "file holding a toncenter API key");
}

LoadedWallet LoadWallet(std::string_view command, const WalletFlags& f, bool testnet) {
  Result<crypto::Ed25519PrivateKey> key = crypto::Ed25519PrivateKey::LoadFile(f.key_file);
  if (!key.ok()) {
    Die(command, "cannot load the wallet key: " + key.status().message() +
                     " (create one with `cocoon key generate --out " + f.key_file +
                     "`, or pass a daemon's key_file with --key)");
  }
  Result<ton::WalletVersion> version = ton::ParseWalletVersion(f.version);
  if (!version.ok()) Die(command, "--version must be v4r2 or v5r1, not '" + f.version + "'");
  if (f.workchain < -128 || f.workchain > 127) {
    Die(command, "--workchain must be -128..127 (0 normally)");
  }
  ton::Wallet::Options options;
  options.workchain = static_cast<int8_t>(f.workchain);
  options.testnet = testnet;
  Result<ton::Wallet> wallet = ton::Wallet::Create(*version, key->public_key(), options);
  if (!wallet.ok()) Die(command, "cannot derive the wallet: " + wallet.status().message());
  return LoadedWallet{*std::move(key), *std::move(wallet), testnet};
}

std::string ShownEndpoint(const std::string& endpoint) {
  std::string e = endpoint.substr(0, endpoint.find_first_of("?#"));
  const size_t scheme = e.find("://");
  const size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  const size_t at = e.find('@', start);
  if (at != std::string::npos && at < e.find('/', start)) e.erase(start, at + 1 - start);
  return e;
}

std::shared_ptr<const ton::TonApiClient> MakeApi(std::string_view command, const ApiFlags& f) {
  if (f.api.empty()) {
    Die(command, "--api is required: mainnet, testnet or an http(s) URL of a TON API v2");
  }
  Result<ton::ApiConfig> config = ton::ApiConfig::ForNetwork(f.api);
  if (!config.ok()) {
    Die(command,
        "--api must be mainnet, testnet or an http(s) URL such as "
        "http://127.0.0.1:8081/api/v2");
  }
  if (!f.api_key_file.empty()) {
    Result<std::string> key = ReadFile(f.api_key_file, 4096);
    if (!key.ok()) Die(command, "cannot read --api-key-file: " + key.status().message());
    std::string k = *std::move(key);
    k.erase(std::remove_if(k.begin(), k.end(), [](char c) { return c == '\n' || c == '\r'; }),
            k.end());
    k.erase(0, k.find_first_not_of(" \t"));
    k.erase(k.find_last_not_of(" \t") + 1);
    if (k.empty()) Die(command, "--api-key-file " + f.api_key_file + " is empty");
    config->api_key = std::move(k);
  }
  config->max_attempts = 3;
  return std::make_shared<const ton::TonApiClient>(*std::move(config), ton::MakeCurlTransport());
}

void DieApi(std::string_view command, const ton::TonApiClient& api, const std::string& what,
            const Status& s) {
  const std::string where = " (" + ShownEndpoint(api.config().endpoint) + ")";
  switch (s.code()) {
    case ErrorCode::kUnavailable:
    case ErrorCode::kDeadlineExceeded:
      Die(command, what + ": the TON API" + where + " failed: " + s.message() +
                       "; check --api and that the server is reachable");
    case ErrorCode::kResourceExhausted:
      Die(command, what + ": the TON API" + where + " is rate-limiting: " + s.message() +
                       "; pass an API key with --api-key-file or retry later");
    case ErrorCode::kPermissionDenied:
      Die(command, what + ": the TON API" + where + " refused the API key: " + s.message() +
                       "; check --api-key-file");
    default:
      Die(command, what + ": " + s.message());
  }
}

std::string TonText(ton::Uint128 nano) {
  return ton::FormatTon(nano) + " TON (" + ton::Uint128ToString(nano) + " nanoTON)";
}

}  // namespace cocoon::cli
