// `cocoon wallet`: the operator's command for a node wallet, a standard TON
// wallet (v4r2 by default, v5r1 on request) whose Ed25519 key is a key file
// as `cocoon key generate` writes it (a daemon's key_file or a separate one).
//
//   cocoon wallet address --key FILE [--version v4r2|v5r1] [--workchain 0] [--testnet] [--json]
//   cocoon wallet balance --key FILE --api URL [--api-key-file F] [--json]
//   cocoon wallet send --key FILE --api URL --to ADDRESS --amount TON [--comment TEXT]
//                      [--bounce auto|yes|no] [--wait SECONDS] [--json]
//
// v4r2 is the default because its address does not depend on the network: the
// address printed offline is the one on mainnet, testnet and the local chain
// alike (a v5r1 address mixes in the network id, so `--testnet` must match the
// chain). The chain bindings' tests use v4r2 as well.
//
// The private key never leaves this process: only the public key and
// addresses are printed, and errors name files, never their content (the API
// key from --api-key-file included). Amounts are decimal TON parsed exactly
// into nanoTON, without floating point. Exit codes: 0 done, 1 error, 2 sent
// but not confirmed within --wait.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cli/chain_access.h"
#include "cli/commands.h"
#include "cli/report.h"
#include "crypto/ed25519.h"
#include "ton/api_client.h"
#include "ton/wallet.h"
#include "ton/wallet_sender.h"

namespace cocoon::cli {
namespace {

using nlohmann::json;

constexpr ton::Uint128 kNanoPerTon = 1'000'000'000;
// Kept free for the wallet's own fees: a transfer (with deploy) costs a few
// thousandths of a TON; with too little left the wallet bumps its seqno,
// pays the fee and sends nothing.
constexpr ton::Uint128 kFeeReserve = 10'000'000;  // 0.01 TON
// How long a signed transfer stays valid on chain, past the chain's clock.
constexpr uint32_t kValidForSeconds = 120;
constexpr int kExitNotConfirmed = 2;

[[noreturn]] void Die(const std::string& message, int code = 1) {
  throw CommandFailed("wallet: " + message, code);
}

// ---------------------------------------------------------------------------
// Amounts.

// "1.5" -> 1500000000. Digits, at most one '.', at most 9 decimals.
Result<ton::Uint128> ParseTonAmount(std::string_view text) {
  const std::string shown = "'" + std::string(text.substr(0, 64)) + "'";
  if (text.empty()) return InvalidArgument("--amount is empty; give TON as a decimal, e.g. 1.5");
  if (text.front() == '-') return InvalidArgument("--amount " + shown + " is negative");
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  const bool digits_only =
      std::all_of(whole.begin(), whole.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
      std::all_of(frac.begin(), frac.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits_only || whole.empty() || (dot != std::string_view::npos && frac.empty())) {
    return InvalidArgument("--amount " + shown +
                           " is not a decimal TON amount; write it like 1, 0.25 or 0.000000001");
  }
  if (frac.size() > 9) {
    return InvalidArgument(
        "--amount " + shown +
        " has more than 9 decimals; 1 nanoTON (0.000000001) is the smallest unit");
  }
  Result<ton::Uint128> units = ton::ParseUint128(whole);
  const ton::Uint128 max_whole = ton::kMaxCoins / kNanoPerTon;
  if (!units.ok() || *units > max_whole) {
    return InvalidArgument("--amount " + shown + " is too large (at most " +
                           ton::Uint128ToString(max_whole) + " TON)");
  }
  std::string frac9(frac);
  frac9.resize(9, '0');
  const ton::Uint128 nano = *units * kNanoPerTon + *ton::ParseUint128(frac9);
  if (nano > ton::kMaxCoins) return InvalidArgument("--amount " + shown + " is too large");
  if (nano == 0) return InvalidArgument("--amount must be more than 0");
  return nano;
}

// 1500000000 -> "1.5".
using ton::FormatTon;

// ---------------------------------------------------------------------------
// The wallet's account (the key file and the API client: chain_access.h).

std::string StateName(ton::AccountStatus s) {
  switch (s) {
    case ton::AccountStatus::kActive:
      return "active";
    case ton::AccountStatus::kFrozen:
      return "frozen";
    default:
      return "uninit";
  }
}

// The wallet's seqno; 0 while it is not deployed.
uint32_t ReadSeqno(const ton::TonApiClient& api, const ton::Address& address) {
  Result<ton::GetMethodResult> r = api.RunGetMethod(address, "seqno");
  if (!r.ok()) DieApi("wallet", api, "cannot read the wallet's seqno", r.status());
  if (r->exit_code != 0 || r->stack.empty()) return 0;  // -13: no active account
  Result<int64_t> n = r->stack[0].kind == ton::StackEntry::Kind::kNumber
                          ? r->stack[0].number.ToInt64()
                          : Result<int64_t>(ProtocolError("not a number"));
  if (!n.ok() || *n < 0 || *n > UINT32_MAX) Die("the TON API returned a malformed seqno");
  return static_cast<uint32_t>(*n);
}

ton::AccountInfo ReadAccount(const ton::TonApiClient& api, const ton::Address& address) {
  Result<ton::AccountInfo> info = api.GetAddressInformation(address);
  if (!info.ok()) DieApi("wallet", api, "cannot read the wallet's account", info.status());
  return *std::move(info);
}

// The friendly form wallet apps show: non-bounceable for wallets.
std::string Shown(const LoadedWallet& w) {
  return w.wallet.address().ToFriendly(false, w.testnet, true);
}

// ---------------------------------------------------------------------------
// Subcommands.

void RunAddress(const WalletFlags& f) {
  const LoadedWallet w = LoadWallet("wallet", f, f.testnet);
  const ton::Address& a = w.wallet.address();
  const std::string version(ton::WalletVersionName(w.wallet.version()));
  if (f.json) {
    std::cout << json{{"version", version},
                      {"workchain", f.workchain},
                      {"network", f.testnet ? "testnet" : "mainnet"},
                      {"public_key", w.key.public_key().Hex()},
                      {"wallet_id", w.wallet.wallet_id()},
                      {"raw", a.ToRaw()},
                      {"non_bounceable", a.ToFriendly(false, f.testnet, true)},
                      {"bounceable", a.ToFriendly(true, f.testnet, true)}}
                     .dump(2)
              << "\n";
    return;
  }
  std::cout << "wallet:          " << version << ", workchain " << f.workchain
            << (f.testnet ? ", testnet" : ", mainnet") << "\n"
            << "public key:      " << w.key.public_key().Hex() << "\n"
            << "address:         " << a.ToFriendly(false, f.testnet, true)
            << "  (non-bounceable: give this one to fund the wallet)\n"
            << "bounceable:      " << a.ToFriendly(true, f.testnet, true) << "\n"
            << "raw:             " << a.ToRaw() << "\n";
}

void RunBalance(const WalletFlags& f, const ApiFlags& af) {
  const LoadedWallet w = LoadWallet("wallet", f, f.testnet || af.api == "testnet");
  const std::shared_ptr<const ton::TonApiClient> api = MakeApi("wallet", af);
  const ton::AccountInfo info = ReadAccount(*api, w.wallet.address());
  const uint32_t seqno =
      info.status == ton::AccountStatus::kActive ? ReadSeqno(*api, w.wallet.address()) : 0;
  if (f.json) {
    std::cout << json{{"address", Shown(w)},
                      {"raw", w.wallet.address().ToRaw()},
                      {"version", std::string(ton::WalletVersionName(w.wallet.version()))},
                      {"state", StateName(info.status)},
                      {"balance_ton", FormatTon(info.balance)},
                      {"balance_nanoton", ton::Uint128ToString(info.balance)},
                      {"seqno", seqno}}
                     .dump(2)
              << "\n";
    return;
  }
  std::cout << "address:         " << Shown(w) << "\n"
            << "state:           " << StateName(info.status)
            << (info.status == ton::AccountStatus::kActive ? "" : "  (deployed by its first send)")
            << "\n"
            << "balance:         " << TonText(info.balance) << "\n"
            << "seqno:           " << seqno << "\n";
}

struct SendFlags {
  std::string to;
  std::string amount;
  std::optional<std::string> comment;
  std::string bounce = "auto";
  int wait = 0;
};

struct Destination {
  ton::Address address;
  bool bounce = false;
};

Destination ResolveDestination(const ton::TonApiClient& api, const SendFlags& s, bool testnet) {
  Result<ton::ParsedAddress> p = ton::ParseAddress(s.to);
  if (!p.ok()) {
    Die("--to '" + s.to.substr(0, 100) + "' is not a TON address (" + p.status().message() +
        "); give a raw address (0:<64 hex>) or a 48-character user-friendly one (EQ.../UQ...)");
  }
  if (p->friendly && p->testnet && !testnet) {
    Die("--to is a testnet address; pass --testnet (or --api testnet) to send on testnet");
  }
  Destination d{p->address, false};
  if (s.bounce == "yes") {
    d.bounce = true;
  } else if (s.bounce == "no") {
    d.bounce = false;
  } else if (s.bounce != "auto") {
    Die("--bounce must be auto, yes or no");
  } else if (p->friendly) {
    d.bounce = p->bounceable;  // the address says how it wants to be paid
  } else {
    // A raw address says nothing: bounce only to a deployed contract, so
    // TON sent to a fresh wallet stays there instead of coming back.
    Result<ton::AccountStatus> st = api.GetState(d.address);
    if (!st.ok()) DieApi("wallet", api, "cannot read the state of --to", st.status());
    d.bounce = *st == ton::AccountStatus::kActive;
  }
  return d;
}

// The wallet's transaction for the external message whose body is `body`.
std::optional<ton::Transaction> FindTransaction(const ton::TonApiClient& api,
                                                const ton::Address& wallet,
                                                const ton::CellRef& body) {
  Result<std::vector<ton::Transaction>> txs = api.GetTransactions(wallet, 16);
  if (!txs.ok()) return std::nullopt;
  const std::string want = Base64Encode(body->hash());
  for (const ton::Transaction& t : *txs) {
    if (t.in_msg && t.in_msg->source.empty() && t.in_msg->body_hash == want) return t;
  }
  return std::nullopt;
}

void RunSend(const WalletFlags& f, const ApiFlags& af, const SendFlags& s) {
  Result<ton::Uint128> amount = ParseTonAmount(s.amount);
  if (!amount.ok()) Die(amount.status().message());
  if (s.wait < 0) Die("--wait must be 0 or more seconds");
  const bool testnet = f.testnet || af.api == "testnet";
  const LoadedWallet w = LoadWallet("wallet", f, testnet);
  const std::shared_ptr<const ton::TonApiClient> api = MakeApi("wallet", af);
  const Destination to = ResolveDestination(*api, s, testnet);
  const ton::Address& self = w.wallet.address();

  ton::InternalMessage m;
  m.destination = to.address;
  m.value = *amount;
  m.bounce = to.bounce;
  if (s.comment) {
    Result<ton::CellRef> body = ton::CommentBody(*s.comment);
    if (!body.ok()) Die("--comment: " + body.status().message());
    m.body = *body;
  }

  // The sender refuses a frozen wallet, an account with other code and a
  // balance below the amount plus kFeeReserve, deploys the wallet on its
  // first send, and takes valid_until from the chain's clock.
  ton::WalletSenderOptions options;
  options.confirm_timeout = std::chrono::seconds(s.wait);
  options.valid_for = std::chrono::seconds(kValidForSeconds);
  options.fee_reserve = kFeeReserve;
  options.testnet = testnet;
  ton::WalletSender sender(api, w.wallet, w.key, options);
  Result<ton::SentTransfer> sent = sender.Submit({m}, std::chrono::seconds(s.wait));
  if (!sent.ok()) DieApi("wallet", *api, "cannot send", sent.status());
  const uint32_t seqno = sent->seqno;
  const bool deploy = sent->deployed_wallet;

  if (!f.json) {
    std::cout << "wallet:          " << Shown(w) << "  (" << StateName(sent->state_before)
              << ", seqno " << seqno << (deploy ? ", deployed by this send" : "") << ")\n"
              << "to:              " << to.address.ToFriendly(to.bounce, testnet, true)
              << "  (bounce: " << (to.bounce ? "yes" : "no") << ")\n"
              << "amount:          " << TonText(*amount) << "\n";
    if (s.comment) std::cout << "comment:         " << *s.comment << "\n";
  }
  json out = {{"wallet", Shown(w)},
              {"to", to.address.ToFriendly(to.bounce, testnet, true)},
              {"bounce", to.bounce},
              {"amount_ton", FormatTon(*amount)},
              {"amount_nanoton", ton::Uint128ToString(*amount)},
              {"deploy", deploy},
              {"seqno", seqno},
              {"message_hash", HexEncode(sent->message_hash)}};
  if (s.comment) out["comment"] = *s.comment;
  if (!f.json) std::cout << "sent:            message " << HexEncode(sent->message_hash) << "\n";
  if (s.wait == 0) {
    if (f.json) std::cout << out.dump(2) << "\n";
    return;
  }

  if (!f.json) std::cerr << "waiting up to " << s.wait << " s for seqno " << seqno + 1 << "...\n";
  Result<uint32_t> seen = sender.AwaitConfirmation(seqno, std::chrono::seconds(s.wait));
  if (!seen.ok() && seen.status().code() != ErrorCode::kDeadlineExceeded) {
    DieApi("wallet", *api, "cannot read the wallet's seqno", seen.status());
  }
  if (!seen.ok()) {
    const Result<uint32_t> still = sender.ReadSeqno();
    out["confirmed"] = false;
    if (f.json) std::cout << out.dump(2) << "\n";
    Die("not confirmed within " + std::to_string(s.wait) + " s (seqno still " +
            std::to_string(still.ok() ? *still : seqno) +
            "); it may still land until it expires at unix time " +
            std::to_string(sent->valid_until) + "; check with `cocoon wallet balance`",
        kExitNotConfirmed);
  }
  const uint32_t now_seqno = *seen;
  out["confirmed"] = true;
  out["new_seqno"] = now_seqno;
  const std::optional<ton::Transaction> tx = FindTransaction(*api, self, sent->signed_body);
  if (tx) {
    out["transaction"] = {{"lt", std::to_string(tx->id.lt)},
                          {"hash", HexEncode(tx->id.hash)},
                          {"fee_nanoton", ton::Uint128ToString(tx->fee)},
                          {"out_messages", tx->out_msgs.size()}};
  }
  const ton::AccountInfo after = ReadAccount(*api, self);
  out["balance_ton"] = FormatTon(after.balance);
  out["balance_nanoton"] = ton::Uint128ToString(after.balance);
  const bool nothing_sent = tx && tx->out_msgs.empty();
  if (f.json) {
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << "confirmed:       seqno " << now_seqno;
    if (tx) std::cout << ", transaction lt " << tx->id.lt << ", fee " << TonText(tx->fee);
    std::cout << "\nbalance:         " << TonText(after.balance) << "\n";
  }
  if (nothing_sent) {
    Die("the wallet processed the transfer but sent nothing (the balance did not cover the "
        "amount plus fees?); check with `cocoon wallet balance`");
  }
}

}  // namespace

void AddWalletCommand(CLI::App& app) {
  CLI::App* wallet =
      app.add_subcommand("wallet", "A node's TON wallet (v4r2/v5r1): address, balance, send TON");
  wallet->require_subcommand(1);

  auto af = std::make_shared<WalletFlags>();
  CLI::App* address = wallet->add_subcommand("address", "Print the wallet address of a key file");
  AddWalletFlags(address, *af);
  address->callback([af] { RunAddress(*af); });

  auto bf = std::make_shared<WalletFlags>();
  auto bapi = std::make_shared<ApiFlags>();
  CLI::App* balance =
      wallet->add_subcommand("balance", "Print the wallet's state, balance and seqno");
  AddWalletFlags(balance, *bf);
  AddApiFlags(balance, *bapi);
  balance->callback([bf, bapi] { RunBalance(*bf, *bapi); });

  auto sf = std::make_shared<WalletFlags>();
  auto sapi = std::make_shared<ApiFlags>();
  auto ss = std::make_shared<SendFlags>();
  CLI::App* send =
      wallet->add_subcommand("send", "Send TON from the wallet (deploys it on its first send)");
  AddWalletFlags(send, *sf);
  AddApiFlags(send, *sapi);
  send->add_option("--to", ss->to, "destination address (raw or user-friendly)")->required();
  send->add_option("--amount", ss->amount, "TON as a decimal, at most 9 decimals (e.g. 1.5)")
      ->required();
  send->add_option("--comment", ss->comment, "text comment");
  send->add_option("--bounce", ss->bounce,
                   "auto (default: the address's flag; raw: only to active contracts), yes, no");
  send->add_option("--wait", ss->wait,
                   "seconds to wait for the wallet's seqno to increase (default 0: no wait)");
  send->callback([sf, sapi, ss] { RunSend(*sf, *sapi, *ss); });
}

}  // namespace cocoon::cli
