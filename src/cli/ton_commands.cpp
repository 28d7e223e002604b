#include "cli/ton_commands.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_set>

#include "crypto/ed25519.h"
#include "ton/address.h"
#include "ton/boc.h"
#include "ton/wallet.h"
#include "util/file.h"

namespace cocoon::cli {
namespace {

using nlohmann::json;

struct TonContext {
  std::ostream* out;
  std::ostream* err;
};

[[noreturn]] void Fail(const TonContext& ctx, const std::string& message) {
  *ctx.err << "cocoon ton: " << message << "\n";
  throw CLI::RuntimeError(1);
}

template <typename T>
T Check(const TonContext& ctx, Result<T> r, const std::string& what) {
  if (!r.ok()) Fail(ctx, what + ": " + r.status().message());
  return std::move(r).value();
}

json FriendlyForms(const ton::Address& a) {
  json forms = json::object();
  for (bool bounceable : {true, false}) {
    json by_net = json::object();
    for (bool testnet : {false, true}) {
      by_net[testnet ? "testnet" : "mainnet"] = {
          {"url_safe", a.ToFriendly(bounceable, testnet, true)},
          {"base64", a.ToFriendly(bounceable, testnet, false)}};
    }
    forms[bounceable ? "bounceable" : "non_bounceable"] = by_net;
  }
  return forms;
}

void PrintForms(std::ostream& out, const ton::Address& a) {
  out << "raw:                     " << a.ToRaw() << "\n";
  for (bool bounceable : {true, false}) {
    for (bool testnet : {false, true}) {
      std::string label = std::string(bounceable ? "bounceable" : "non-bounceable") +
                          (testnet ? " testnet" : " mainnet");
      label += ":";
      label.resize(25, ' ');
      out << label << a.ToFriendly(bounceable, testnet, true)
          << "  (base64: " << a.ToFriendly(bounceable, testnet, false) << ")\n";
    }
  }
}

void RunAddress(const TonContext& ctx, const std::string& text, bool as_json) {
  ton::ParsedAddress p = Check(ctx, ton::ParseAddress(text), "cannot parse address '" + text + "'");
  const ton::Address& a = p.address;
  if (as_json) {
    json input = {{"form", p.friendly ? "user_friendly" : "raw"}};
    if (p.friendly) {
      input["bounceable"] = p.bounceable;
      input["testnet"] = p.testnet;
      input["url_safe"] = p.url_safe;
    }
    *ctx.out << json{{"raw", a.ToRaw()},
                     {"workchain", a.workchain},
                     {"hash", HexEncode(a.hash)},
                     {"input", input},
                     {"user_friendly", FriendlyForms(a)}}
                    .dump(2)
             << "\n";
    return;
  }
  *ctx.out << "input:                   "
           << (p.friendly
                   ? std::string("user-friendly, ") +
                         (p.bounceable ? "bounceable" : "non-bounceable") +
                         (p.testnet ? ", testnet" : ", mainnet") + (p.url_safe ? ", url-safe" : "")
                   : std::string("raw"))
           << "\n";
  *ctx.out << "workchain:               " << static_cast<int>(a.workchain) << "\n";
  *ctx.out << "account id:              " << HexEncode(a.hash) << "\n";
  PrintForms(*ctx.out, a);
}

void RunWalletAddress(const TonContext& ctx, const std::string& key_hex,
                      const std::string& version_name, bool testnet, int workchain, bool as_json) {
  Bytes key_bytes = Check(ctx, HexDecode(key_hex), "--public-key is not hex");
  crypto::Ed25519PublicKey key =
      Check(ctx, crypto::Ed25519PublicKey::FromBytes(key_bytes), "--public-key");
  ton::WalletVersion version = Check(ctx, ton::ParseWalletVersion(version_name), "--wallet");
  if (workchain < -128 || workchain > 127) Fail(ctx, "--workchain must fit in int8");
  ton::Wallet::Options options;
  options.workchain = static_cast<int8_t>(workchain);
  options.testnet = testnet;
  ton::Wallet wallet =
      Check(ctx, ton::Wallet::Create(version, key, options), "cannot derive the wallet");
  const ton::Address& a = wallet.address();
  if (as_json) {
    *ctx.out << json{{"wallet", std::string(ton::WalletVersionName(version))},
                     {"network", testnet ? "testnet" : "mainnet"},
                     {"public_key", key.Hex()},
                     {"wallet_id", wallet.wallet_id()},
                     {"code_hash", HexEncode(wallet.state_init().code->hash())},
                     {"raw", a.ToRaw()},
                     // Wallets are shown non-bounceable, as wallet apps do.
                     {"address", a.ToFriendly(false, testnet, true)},
                     {"bounceable", a.ToFriendly(true, testnet, true)}}
                    .dump(2)
             << "\n";
    return;
  }
  *ctx.out << "wallet:                  " << ton::WalletVersionName(version)
           << (testnet ? " (testnet)" : " (mainnet)") << "\n";
  *ctx.out << "wallet id:               " << wallet.wallet_id() << "\n";
  *ctx.out << "address:                 " << a.ToFriendly(false, testnet, true) << "\n";
  *ctx.out << "bounceable:              " << a.ToFriendly(true, testnet, true) << "\n";
  *ctx.out << "raw:                     " << a.ToRaw() << "\n";
}

// A BoC file may be binary, or hex or base64 text (whitespace ignored).
Result<Bytes> DecodeBocInput(const std::string& content) {
  if (content.size() >= 4) {
    const auto b0 = static_cast<uint8_t>(content[0]);
    if (b0 == 0xb5 || b0 == 0x68 || b0 == 0xac) return ToBytes(content);
  }
  std::string text;
  for (char c : content) {
    if (!std::isspace(static_cast<unsigned char>(c))) text += c;
  }
  if (Result<Bytes> hex = HexDecode(text); hex.ok()) return hex;
  if (Result<Bytes> b64 = Base64Decode(text); b64.ok()) return b64;
  if (Result<Bytes> url = Base64Decode(text, Base64Alphabet::kUrl); url.ok()) return url;
  return InvalidArgument("input is neither a binary BoC nor hex nor base64");
}

json CellJson(const ton::CellRef& cell, std::unordered_set<const ton::Cell*>& seen) {
  json j = {{"hash", HexEncode(cell->hash())}};
  if (!seen.insert(cell.get()).second) {
    j["seen"] = true;  // printed in full earlier
    return j;
  }
  j["type"] = std::string(ton::CellTypeName(cell->type()));
  j["bits"] = cell->bits().size();
  j["data"] = cell->bits().ToFiftHex();
  j["depth"] = cell->depth();
  if (cell->level_mask() != 0) j["level_mask"] = cell->level_mask();
  json refs = json::array();
  for (const ton::CellRef& r : cell->refs()) refs.push_back(CellJson(r, seen));
  j["refs"] = refs;
  return j;
}

void PrintCell(std::ostream& out, const ton::CellRef& cell, int indent,
               std::unordered_set<const ton::Cell*>& seen) {
  out << std::string(static_cast<size_t>(indent) * 2, ' ');
  if (!seen.insert(cell.get()).second) {
    out << "(same as above) hash=" << HexEncode(cell->hash()) << "\n";
    return;
  }
  if (cell->exotic()) out << "[" << ton::CellTypeName(cell->type()) << "] ";
  out << cell->bits().size() << "[" << cell->bits().ToFiftHex()
      << "] hash=" << HexEncode(cell->hash()) << " depth=" << cell->depth() << "\n";
  for (const ton::CellRef& r : cell->refs()) PrintCell(out, r, indent + 1, seen);
}

void RunBocDecode(const TonContext& ctx, const std::string& path, bool as_json) {
  std::string content;
  if (path == "-") {
    content.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    content = Check(ctx, ReadFile(path, 64 << 20), "cannot read " + path);
  }
  Bytes boc = Check(ctx, DecodeBocInput(content), "cannot decode " + path);
  std::vector<ton::CellRef> roots = Check(ctx, ton::DeserializeBoc(boc), "invalid BoC");
  std::unordered_set<const ton::Cell*> seen;
  if (as_json) {
    json out = {{"roots", json::array()}};
    for (const ton::CellRef& root : roots) out["roots"].push_back(CellJson(root, seen));
    *ctx.out << out.dump(2) << "\n";
    return;
  }
  for (size_t i = 0; i < roots.size(); ++i) {
    *ctx.out << "root " << i << ":\n";
    PrintCell(*ctx.out, roots[i], 1, seen);
  }
}

}  // namespace

void AddTonCommands(CLI::App& app) { AddTonCommands(app, std::cout, std::cerr); }

void AddTonCommands(CLI::App& app, std::ostream& out, std::ostream& err) {
  auto ctx = std::make_shared<TonContext>(TonContext{&out, &err});
  CLI::App* ton = app.add_subcommand("ton", "TON addresses, wallets and bags of cells");
  ton->require_subcommand(1);

  struct AddressArgs {
    std::string address;
    bool json = false;
  };
  auto address_args = std::make_shared<AddressArgs>();
  CLI::App* address = ton->add_subcommand("address", "Print every form of a TON address");
  address->add_option("ADDRESS", address_args->address, "raw (wc:hex) or user-friendly address")
      ->required();
  address->add_flag("--json", address_args->json, "machine-readable output");
  address->callback(
      [ctx, address_args] { RunAddress(*ctx, address_args->address, address_args->json); });

  struct WalletArgs {
    std::string public_key;
    std::string wallet;
    bool testnet = false;
    int workchain = 0;
    bool json = false;
  };
  auto wallet_args = std::make_shared<WalletArgs>();
  CLI::App* wallet =
      ton->add_subcommand("wallet-address", "Address of a standard wallet for a public key");
  wallet->add_option("--public-key", wallet_args->public_key, "Ed25519 public key, 64 hex digits")
      ->required();
  wallet->add_option("--wallet", wallet_args->wallet, "v4r2 or v5r1")->required();
  wallet->add_flag("--testnet", wallet_args->testnet,
                   "testnet (changes the v5r1 address and the text form)");
  wallet->add_option("--workchain", wallet_args->workchain, "workchain (default 0)");
  wallet->add_flag("--json", wallet_args->json, "machine-readable output");
  wallet->callback([ctx, wallet_args] {
    RunWalletAddress(*ctx, wallet_args->public_key, wallet_args->wallet, wallet_args->testnet,
                     wallet_args->workchain, wallet_args->json);
  });

  struct BocArgs {
    std::string file;
    bool json = false;
  };
  auto boc_args = std::make_shared<BocArgs>();
  CLI::App* boc =
      ton->add_subcommand("boc-decode", "Print the cell tree of a bag of cells with hashes");
  boc->add_option("FILE", boc_args->file, "BoC file (binary, hex or base64), or - for stdin")
      ->required();
  boc->add_flag("--json", boc_args->json, "machine-readable output");
  boc->callback([ctx, boc_args] { RunBocDecode(*ctx, boc_args->file, boc_args->json); });
}

}  // namespace cocoon::cli
