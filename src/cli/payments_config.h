// The [payments] section of a daemon's file: how it reaches the chain, its
// node wallet, and what it keeps on disk (docs/payments.md "Operating").
//
//   [payments]
//   ton_api = "http://127.0.0.1:8081/api/v2"  # mainnet, testnet or a TON HTTP API v2 URL
//   api_key_file = "toncenter.key"            # optional
//   wallet_key_file = "wallet.key"            # optional: default the node key (key_file)
//   # proxy
//   root = "0:<hex>"                          # the root contract
//   ledger = "ledger.sqlite"
//   stake_ton = "10"                          # default: the root's minimum proxy stake
//   anchor_interval_s = 60
//   default_max_tokens = 4096                 # reserved when a request names none
//   # client and worker
//   vouchers = "vouchers.json"
//   submit_threshold_ton = "1"                # client default 1, worker default 10
//   # client
//   secret_file = "client.secret"             # created on first start (0600)
//   stake_ton = "1"                           # default: the proxy's minimum client stake
//   min_balance_ton = "5"                     # topped up to this at start
//
// Without the section a daemon runs without payments: a proxy serves for
// free, a client or worker works only with proxies that do not charge.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "attest/role.h"
#include "crypto/ed25519.h"
#include "ton/api_client.h"
#include "ton/uint128.h"
#include "ton/wallet_sender.h"

namespace toml {
inline namespace v3 {
class table;
}
}  // namespace toml

namespace cocoon::cli {

struct PaymentsConfig {
  std::string ton_api;
  std::filesystem::path api_key_file;
  std::filesystem::path wallet_key_file;  // empty: the node key
  // proxy
  std::string root;
  std::filesystem::path ledger_file;
  std::optional<ton::Uint128> stake;  // proxy and client; nullopt: the minimum
  std::chrono::seconds anchor_interval{60};
  uint64_t default_max_tokens = 4096;
  std::chrono::seconds client_refresh{
      5};  // proxy: re-read a client out of credit at most this often
  // client and worker
  std::filesystem::path vouchers_file;
  ton::Uint128 submit_threshold = 0;
  std::chrono::seconds submit_interval{10};
  // client
  std::filesystem::path secret_file;
  ton::Uint128 min_balance = 0;
};

// nullopt when the file has no [payments]; throws CommandFailed naming the
// key on a bad value. Paths are resolved against `base_dir`.
std::optional<PaymentsConfig> ReadPaymentsConfig(const toml::table& root, attest::Role role,
                                                 const std::filesystem::path& base_dir);

// The TON API client and the node wallet of a daemon with payments.
struct ChainClient {
  std::shared_ptr<const ton::TonApiClient> api;
  std::shared_ptr<ton::WalletSender> wallet;
};

// Throws CommandFailed when the API config or the wallet key is unusable.
ChainClient OpenChainClient(const PaymentsConfig& config,
                            const crypto::Ed25519PrivateKey& node_key);

// The client's secret: read from secret_file, or 32 random bytes written
// there (0600) on first start.
std::string LoadOrCreateSecret(const std::filesystem::path& path);

}  // namespace cocoon::cli
