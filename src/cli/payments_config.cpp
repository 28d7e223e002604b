#include "cli/payments_config.h"

#include <spdlog/spdlog.h>
#include <toml++/toml.h>

#include "cli/node_config.h"
#include "cli/report.h"
#include "crypto/random.h"
#include "node/config_values.h"
#include "node/ton_api.h"
#include "ton/ton_amount.h"
#include "ton/wallet.h"
#include "util/file.h"

namespace cocoon::cli {

namespace {

std::optional<ton::Uint128> Ton(const SectionReader& s, std::string_view key) {
  std::string text = s.String(key, "");
  if (text.empty()) return std::nullopt;
  Result<ton::Uint128> v = ton::ParseTonAmount(text, "[payments] " + std::string(key));
  if (!v.ok()) Fail(v.status());
  return *v;
}

}  // namespace

std::optional<PaymentsConfig> ReadPaymentsConfig(const toml::table& root, attest::Role role,
                                                 const std::filesystem::path& base_dir) {
  SectionReader s(root, "payments");
  if (!s.table()) return std::nullopt;
  PaymentsConfig c;
  c.ton_api = s.String("ton_api", "");
  if (c.ton_api.empty())
    Fail(InvalidArgument("[payments] ton_api is not set (mainnet, testnet or a URL)"));
  c.api_key_file = node::ResolvePath(base_dir, s.String("api_key_file", ""));
  c.wallet_key_file = node::ResolvePath(base_dir, s.String("wallet_key_file", ""));
  c.stake = Ton(s, "stake_ton");
  switch (role) {
    case attest::Role::kProxy:
      c.root = s.String("root", "");
      if (c.root.empty()) Fail(InvalidArgument("[payments] root (the root contract) is not set"));
      c.ledger_file = node::ResolvePath(base_dir, s.String("ledger", "ledger.sqlite"));
      c.anchor_interval = std::chrono::seconds(s.Uint("anchor_interval_s", 60, 7 * 24 * 3600));
      c.default_max_tokens = s.Uint("default_max_tokens", 4096, 1 << 24);
      if (c.default_max_tokens == 0)
        Fail(InvalidArgument("[payments] default_max_tokens must be > 0"));
      c.client_refresh = std::chrono::seconds(s.Uint("client_refresh_s", 5, 3600));
      break;
    case attest::Role::kClient:
    case attest::Role::kWorker: {
      const bool client = role == attest::Role::kClient;
      c.vouchers_file = node::ResolvePath(base_dir, s.String("vouchers", "vouchers.json"));
      c.submit_threshold =
          Ton(s, "submit_threshold_ton").value_or((client ? 1 : 10) * ton::kNanoPerTon);
      c.submit_interval = std::chrono::seconds(s.Uint("submit_interval_s", 10, 24 * 3600));
      if (client) {
        c.secret_file = node::ResolvePath(base_dir, s.String("secret_file", "client.secret"));
        c.min_balance = Ton(s, "min_balance_ton").value_or(0);
      }
      break;
    }
  }
  return c;
}

ChainClient OpenChainClient(const PaymentsConfig& config,
                            const crypto::Ed25519PrivateKey& node_key) {
  auto made = node::MakeTonApi(config.ton_api, config.api_key_file);
  if (!made.ok()) Fail(made.status().WithContext("[payments]"));
  std::shared_ptr<const ton::TonApiClient> api = *made;
  crypto::Ed25519PrivateKey wallet_key = node_key;
  if (!config.wallet_key_file.empty()) {
    Result<crypto::Ed25519PrivateKey> loaded =
        crypto::Ed25519PrivateKey::LoadFile(config.wallet_key_file);
    if (!loaded.ok()) {
      Fail(loaded.status().WithContext("[payments] wallet_key_file " +
                                       config.wallet_key_file.string()));
    }
    wallet_key = *loaded;
  }
  ton::Wallet::Options options;
  options.testnet = config.ton_api == "testnet";
  Result<ton::Wallet> wallet =
      ton::Wallet::Create(ton::WalletVersion::kV4R2, wallet_key.public_key(), options);
  if (!wallet.ok()) Fail(wallet.status().WithContext("the node wallet"));
  ton::WalletSenderOptions sender_options;
  sender_options.testnet = options.testnet;
  auto sender = std::make_shared<ton::WalletSender>(api, *wallet, wallet_key, sender_options);
  spdlog::info("node wallet {} (fund it to pay fees and stakes)", sender->ShownAddress());
  return ChainClient{api, sender};
}

std::string LoadOrCreateSecret(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    Result<std::string> secret = ReadFile(path, 4096);
    if (!secret.ok()) Fail(secret.status().WithContext("[payments] secret_file"));
    if (secret->size() < 16) {
      Fail(InvalidArgument("[payments] secret_file " + path.string() +
                           " holds fewer than 16 bytes; delete it to make a new one"));
    }
    return *secret;
  }
  const Bytes random = crypto::RandomBytes(32);
  std::string secret = HexEncode(random);
  if (Status s = WriteFileAtomic(path, secret, 0600); !s.ok()) {
    Fail(s.WithContext("[payments] secret_file"));
  }
  spdlog::info("created the client secret {}", path.string());
  return secret;
}

}  // namespace cocoon::cli
