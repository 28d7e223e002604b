// `cocoon root`: the command the owner of the network's root contract uses to
// read and change the registry (contracts/README.md "Root"; DESIGN.md §6):
// allowed proxy and worker image hashes, model hashes (SHA-256 of the model
// name, node::ModelHash) and proxy endpoints.
//
//   cocoon root show --api URL --root ADDR [--model NAME ...] [--testnet] [--json]
//   cocoon root add-proxy-image|remove-proxy-image|add-worker-image|remove-worker-image HEX
//               --key OWNER_KEY --api URL --root ADDR [--wait SECONDS] [--json]
//   cocoon root add-model|remove-model NAME --key ... --api ... --root ...
//   cocoon root add-proxy HOST:PORT | remove-proxy SEQNO --key ... --api ... --root ...
//
// A change reads the root first and spends no fee on what cannot work or is
// not needed: a key whose wallet is not the root's owner is refused (naming
// both addresses), a hash must be 64 hex digits, and adding what is listed
// (or removing what is not) prints a message, sends nothing and exits 0.
// Otherwise the owner's wallet (chain_access.h: the same key file, wallet
// flags and API flags as `cocoon wallet`) sends the message with 0.1 TON
// (the root returns what it does not spend) and waits up to --wait seconds
// (default 60) until the root's version has changed and its state shows the
// change. Exit codes: 0 done or nothing to do, 1 error (nothing sent, or the
// send failed), 2 sent but not seen on the root within --wait.
#include <charconv>
#include <chrono>
#include <cstdint>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cli/chain_access.h"
#include "cli/commands.h"
#include "cli/report.h"
#include "net/address.h"
#include "node/chain_registry.h"
#include "node/registry.h"
#include "ton/contracts/getters.h"
#include "ton/contracts/messages.h"
#include "ton/contracts/root_state.h"
#include "ton/wallet_sender.h"

namespace cocoon::cli {
namespace {

using nlohmann::json;
using ton::contracts::Hash256;
using ton::contracts::RootList;
using ton::contracts::RootState;

// Attached to every root message, as the chain tests send root changes; the
// root keeps only its fees and returns the rest as `excesses`.
constexpr ton::Uint128 kRootMessageValue = 100'000'000;  // 0.1 TON
constexpr uint32_t kValidForSeconds = 120;
constexpr int kExitNotConfirmed = 2;
constexpr auto kPollInterval = std::chrono::seconds(1);

[[noreturn]] void Die(const std::string& message, int code = 1) {
  throw CommandFailed("root: " + message, code);
}

// --root, --wait, --model.
struct RootFlags {
  std::string root;
  int wait = 60;
  std::vector<std::string> models;
};

bool IsTestnet(bool testnet_flag, const ApiFlags& af) {
  return testnet_flag || af.api == "testnet";
}

ton::Address ParseRoot(const std::string& text, bool testnet) {
  Result<ton::ParsedAddress> p = ton::ParseAddress(text);
  if (!p.ok()) {
    Die("--root '" + text.substr(0, 100) + "' is not a TON address (" + p.status().message() +
        "); give the root contract's raw (0:<64 hex>) or user-friendly (EQ...) address");
  }
  if (p->friendly && p->testnet && !testnet) {
    Die("--root is a testnet address; pass --testnet (or --api testnet) to use testnet");
  }
  return p->address;
}

// Contracts are shown bounceable, wallets non-bounceable, as wallet apps do.
std::string ContractText(const ton::Address& a, bool testnet) {
  return a.ToFriendly(true, testnet, true);
}
std::string WalletText(const ton::Address& a, bool testnet) {
  return a.ToFriendly(false, testnet, true);
}

RootState ReadRoot(const node::ChainRegistry& registry, const ton::TonApiClient& api) {
  Result<RootState> state = registry.LoadRootState();
  if (!state.ok()) DieApi("root", api, "cannot read the root", state.status());
  return *std::move(state);
}

std::string HashHex(const Hash256& h) { return HexEncode(h); }

const std::set<Hash256>& ListOf(const RootState& s, RootList list) {
  switch (list) {
    case RootList::kProxyImages:
      return s.proxy_images;
    case RootList::kWorkerImages:
      return s.worker_images;
    case RootList::kModels:
      break;
  }
  return s.models;
}

// ---------------------------------------------------------------------------
// Changes.

enum class ChangeKind { kAddHash, kRemoveHash, kAddProxy, kRemoveProxy };

struct Change {
  std::string action;  // the subcommand, e.g. "add-proxy-image"
  ChangeKind kind = ChangeKind::kAddHash;
  RootList list = RootList::kProxyImages;
  Hash256 hash{};
  std::string model_name;  // add-model / remove-model
  std::string endpoint;    // add-proxy
  uint32_t seqno = 0;      // remove-proxy
};

std::string ListName(RootList list) {
  switch (list) {
    case RootList::kProxyImages:
      return "proxy image";
    case RootList::kWorkerImages:
      return "worker image";
    case RootList::kModels:
      break;
  }
  return "model";
}

// What the change is about: "proxy image <hex>", "model 'NAME' (hash <hex>)".
std::string Subject(const Change& c) {
  switch (c.kind) {
    case ChangeKind::kAddHash:
    case ChangeKind::kRemoveHash:
      return c.list == RootList::kModels
                 ? "model '" + c.model_name + "' (hash " + HashHex(c.hash) + ")"
                 : ListName(c.list) + " " + HashHex(c.hash);
    case ChangeKind::kAddProxy:
      return "proxy endpoint " + c.endpoint;
    case ChangeKind::kRemoveProxy:
      break;
  }
  return "proxy #" + std::to_string(c.seqno);
}

std::string Describe(const Change& c) {
  switch (c.kind) {
    case ChangeKind::kAddHash:
      return "add " + Subject(c);
    case ChangeKind::kRemoveHash:
      return "remove " + Subject(c);
    case ChangeKind::kAddProxy:
      return "register " + Subject(c);
    case ChangeKind::kRemoveProxy:
      break;
  }
  return "unregister " + Subject(c);
}

// The seqno under which `endpoint` is registered, if it is.
std::optional<uint32_t> FindProxy(const RootState& s, const std::string& endpoint) {
  for (const auto& [seqno, e] : s.proxies) {
    if (e == endpoint) return seqno;
  }
  return std::nullopt;
}

// True when `s` already shows the change: then sending it is a no-op (or the
// root would refuse it), and after sending it is what confirms it.
bool Shows(const Change& c, const RootState& s) {
  switch (c.kind) {
    case ChangeKind::kAddHash:
      return ListOf(s, c.list).contains(c.hash);
    case ChangeKind::kRemoveHash:
      return !ListOf(s, c.list).contains(c.hash);
    case ChangeKind::kAddProxy:
      return FindProxy(s, c.endpoint).has_value();
    case ChangeKind::kRemoveProxy:
      break;
  }
  return !s.proxies.contains(c.seqno);
}

// Why there is nothing to send, for a state that Shows(c).
std::string NothingToDo(const Change& c, const RootState& s) {
  switch (c.kind) {
    case ChangeKind::kAddHash:
      return Subject(c) + " is already listed";
    case ChangeKind::kRemoveHash:
      return Subject(c) + " is not listed";
    case ChangeKind::kAddProxy:
      return Subject(c) + " is already registered as proxy #" +
             std::to_string(*FindProxy(s, c.endpoint));
    case ChangeKind::kRemoveProxy:
      break;
  }
  return "no proxy #" + std::to_string(c.seqno) + " is registered (next seqno " +
         std::to_string(s.next_proxy_seqno) + ")";
}

Result<ton::CellRef> Body(const Change& c, uint64_t query_id) {
  namespace tc = ton::contracts;
  switch (c.kind) {
    case ChangeKind::kAddHash:
      return tc::AddToRootListBody(c.list, c.hash, query_id);
    case ChangeKind::kRemoveHash:
      return tc::RemoveFromRootListBody(c.list, c.hash, query_id);
    case ChangeKind::kAddProxy:
      return tc::RegisterProxyBody(c.endpoint, query_id);
    case ChangeKind::kRemoveProxy:
      break;
  }
  return tc::UnregisterProxyBody(c.seqno, query_id);
}

// ---- arguments (checked before anything is read or sent) ----

Hash256 ParseHash(const std::string& text) {
  const std::string shown = "'" + text.substr(0, 80) + (text.size() > 80 ? "...'" : "'");
  Result<Bytes> bytes = text.size() == 64 ? HexDecode(text) : Result<Bytes>(InvalidArgument(""));
  if (!bytes.ok()) {
    Die("HASH " + shown + " is not a SHA-256 hash: give exactly 64 hex digits (" +
        std::to_string(text.size()) +
        " characters given), e.g. the image hash `cocoon measure` "
        "prints; nothing was sent");
  }
  Hash256 h{};
  std::copy(bytes->begin(), bytes->end(), h.begin());
  return h;
}

std::string CheckEndpoint(const std::string& text) {
  Result<net::HostPort> hp = net::ParseHostPort(text);
  if (!hp.ok() || hp->host.empty() || hp->port == 0 ||
      text.find_first_of(" \t\r\n") != std::string::npos) {
    Die("ENDPOINT '" + text.substr(0, 100) +
        "' is not a proxy endpoint: give host:port (or [v6]:port) with a port 1..65535; nothing "
        "was sent");
  }
  return text;
}

uint32_t ParseSeqno(const std::string& text) {
  uint32_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    Die("SEQNO '" + text.substr(0, 40) +
        "' is not a proxy seqno: give the number `cocoon root show` lists as #N (0..4294967295)");
  }
  return v;
}

// ---------------------------------------------------------------------------
// show

json HashList(const std::set<Hash256>& hashes) {
  json a = json::array();
  for (const Hash256& h : hashes) a.push_back(HashHex(h));
  return a;
}

void RunShow(const RootFlags& rf, const ApiFlags& af, bool testnet_flag, bool as_json) {
  const bool testnet = IsTestnet(testnet_flag, af);
  const ton::Address root = ParseRoot(rf.root, testnet);
  const std::shared_ptr<const ton::TonApiClient> api = MakeApi("root", af);
  const node::ChainRegistry registry(api, {.root = root, .model_names = rf.models});
  const RootState s = ReadRoot(registry, *api);

  std::map<Hash256, std::string> names;  // --model names by hash
  for (const std::string& name : rf.models) names.emplace(node::ModelHash(name), name);
  std::vector<std::string> not_listed;
  for (const auto& [hash, name] : names) {
    if (!s.models.contains(hash)) not_listed.push_back(name);
  }
  const ton::contracts::Params& p = s.params;

  if (as_json) {
    json models = json::array();
    for (const Hash256& h : s.models) {
      auto it = names.find(h);
      models.push_back(
          {{"hash", HashHex(h)}, {"name", it == names.end() ? json(nullptr) : json(it->second)}});
    }
    json proxies = json::array();
    for (const auto& [seqno, endpoint] : s.proxies) {
      proxies.push_back({{"seqno", seqno}, {"endpoint", endpoint}});
    }
    std::cout << json{{"root", ContractText(root, testnet)},
                      {"root_raw", root.ToRaw()},
                      {"version", s.version},
                      {"owner", WalletText(s.owner, testnet)},
                      {"owner_raw", s.owner.ToRaw()},
                      {"proxy_images", HashList(s.proxy_images)},
                      {"worker_images", HashList(s.worker_images)},
                      {"models", models},
                      {"models_not_listed", not_listed},
                      {"proxies", proxies},
                      {"next_proxy_seqno", s.next_proxy_seqno},
                      {"prices",
                       {{"price_per_token_nanoton", ton::Uint128ToString(p.price_per_token)},
                        {"worker_fee_per_token_nanoton",
                         ton::Uint128ToString(p.worker_fee_per_token)},
                        {"prompt_mult", p.prompt_mult},
                        {"cached_mult", p.cached_mult},
                        {"completion_mult", p.completion_mult},
                        {"reasoning_mult", p.reasoning_mult}}},
                      {"stakes",
                       {{"min_proxy_stake_nanoton", ton::Uint128ToString(p.min_proxy_stake)},
                        {"min_client_stake_nanoton", ton::Uint128ToString(p.min_client_stake)},
                        {"proxy_close_delay_s", p.proxy_close_delay},
                        {"client_close_delay_s", p.client_close_delay}}},
                      {"codes_set", s.codes.Complete()}}
                     .dump(2)
              << "\n";
    return;
  }
  auto hashes = [](const std::set<Hash256>& list) {
    if (list.empty()) return std::string("none\n");
    std::string out = std::to_string(list.size()) + "\n";
    for (const Hash256& h : list) out += "  " + HashHex(h) + "\n";
    return out;
  };
  std::cout << "root:            " << ContractText(root, testnet) << "  (raw " << root.ToRaw()
            << ")\n"
            << "version:         " << s.version << "\n"
            << "owner:           " << WalletText(s.owner, testnet) << "  (raw " << s.owner.ToRaw()
            << ")\n"
            << "proxy images:    " << hashes(s.proxy_images)
            << "worker images:   " << hashes(s.worker_images) << "models:          "
            << (s.models.empty() ? std::string("none") : std::to_string(s.models.size())) << "\n";
  for (const Hash256& h : s.models) {
    auto it = names.find(h);
    std::cout << "  " << HashHex(h) << (it == names.end() ? "" : "  " + it->second) << "\n";
  }
  for (const std::string& name : not_listed) {
    std::cout << "  not listed: " << name << "  (" << HashHex(node::ModelHash(name)) << ")\n";
  }
  std::cout << "proxies:         "
            << (s.proxies.empty() ? std::string("none") : std::to_string(s.proxies.size()))
            << "  (next seqno " << s.next_proxy_seqno << ")\n";
  for (const auto& [seqno, endpoint] : s.proxies) {
    std::cout << "  #" << seqno << "  " << endpoint << "\n";
  }
  std::cout << "prices:          " << ton::Uint128ToString(p.price_per_token)
            << " nanoTON per token charged to clients, "
            << ton::Uint128ToString(p.worker_fee_per_token) << " paid to workers\n"
            << "multipliers:     prompt " << p.prompt_mult << ", cached " << p.cached_mult
            << ", completion " << p.completion_mult << ", reasoning " << p.reasoning_mult
            << "  (1/10000)\n"
            << "stakes:          proxy " << TonText(p.min_proxy_stake) << ", client "
            << TonText(p.min_client_stake) << "\n"
            << "close delays:    proxy " << p.proxy_close_delay << " s, client "
            << p.client_close_delay << " s\n"
            << "contract codes:  " << (s.codes.Complete() ? "set" : "not set") << "\n";
}

// ---------------------------------------------------------------------------
// Changes: read, check, send, wait.

void RunChange(const Change& c, const WalletFlags& wf, const ApiFlags& af, const RootFlags& rf) {
  if (rf.wait < 0) Die("--wait must be 0 or more seconds");
  const bool testnet = IsTestnet(wf.testnet, af);
  const ton::Address root = ParseRoot(rf.root, testnet);
  const LoadedWallet w = LoadWallet("root", wf, testnet);
  const std::shared_ptr<const ton::TonApiClient> api = MakeApi("root", af);
  const node::ChainRegistry registry(api, {.root = root});
  const RootState before = ReadRoot(registry, *api);
  const ton::Address& self = w.wallet.address();

  json out = {{"root", ContractText(root, testnet)},
              {"action", c.action},
              {"change", Describe(c)},
              {"wallet", WalletText(self, testnet)},
              {"version_before", before.version}};
  if (c.kind == ChangeKind::kAddHash || c.kind == ChangeKind::kRemoveHash) {
    out["hash"] = HashHex(c.hash);
    if (c.list == RootList::kModels) out["model"] = c.model_name;
  }
  if (c.kind == ChangeKind::kAddProxy) out["endpoint"] = c.endpoint;
  if (c.kind == ChangeKind::kRemoveProxy) out["proxy_seqno"] = c.seqno;

  if (!(before.owner == self)) {
    Die("the key's wallet " + WalletText(self, testnet) + " (raw " + self.ToRaw() +
        ") is not the owner of root " + ContractText(root, testnet) + "; its owner is " +
        WalletText(before.owner, testnet) + " (raw " + before.owner.ToRaw() +
        "). Only the owner's key can change the root (check --key, --version, --workchain); "
        "nothing was sent");
  }
  if (Shows(c, before)) {
    const std::string why = NothingToDo(c, before);
    out["changed"] = false;
    out["message"] = why;
    if (wf.json) {
      std::cout << out.dump(2) << "\n";
    } else {
      std::cout << "nothing to do: " << why << " on root " << ContractText(root, testnet)
                << " (version " << before.version << "); no message sent\n";
    }
    return;
  }

  const uint64_t query_id =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count());
  Result<ton::CellRef> body = Body(c, query_id);
  if (!body.ok()) Die("cannot build the message: " + body.status().message());
  const ton::InternalMessage message{root, kRootMessageValue, /*bounce=*/true, std::nullopt, *body};

  ton::WalletSenderOptions options;
  options.confirm_timeout = std::chrono::seconds(rf.wait);
  options.valid_for = std::chrono::seconds(kValidForSeconds);
  options.testnet = testnet;
  ton::WalletSender sender(api, w.wallet, w.key, options);
  Result<ton::SentTransfer> sent = sender.Submit({message}, std::chrono::seconds(rf.wait));
  if (!sent.ok()) DieApi("root", *api, "cannot send " + Describe(c), sent.status());

  out["seqno"] = sent->seqno;
  out["deploy"] = sent->deployed_wallet;
  out["value_nanoton"] = ton::Uint128ToString(kRootMessageValue);
  out["message_hash"] = HexEncode(sent->message_hash);
  if (!wf.json) {
    std::cout << "root:            " << ContractText(root, testnet) << "  (version "
              << before.version << ")\n"
              << "change:          " << Describe(c) << "\n"
              << "sent:            " << TonText(kRootMessageValue) << " from "
              << WalletText(self, testnet) << " (seqno " << sent->seqno
              << (sent->deployed_wallet ? ", wallet deployed by this send" : "") << "), message "
              << HexEncode(sent->message_hash) << "\n";
  }
  if (rf.wait == 0) {
    out["changed"] = true;
    out["confirmed"] = false;
    if (wf.json) std::cout << out.dump(2) << "\n";
    return;
  }

  // Wait until the root's version moves and its state shows the change (a
  // version moved by another owner message alone does not confirm it).
  if (!wf.json) {
    std::cerr << "waiting up to " << rf.wait << " s for the root to show the change...\n";
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(rf.wait);
  uint32_t seen_version = before.version;
  std::optional<RootState> after;
  std::string last_error;
  while (true) {
    Result<uint64_t> v = registry.LoadVersion();
    if (!v.ok()) {
      last_error = v.status().message();
    } else if (*v != seen_version) {
      Result<RootState> now = registry.LoadRootState();
      if (!now.ok()) {
        last_error = now.status().message();
      } else {
        seen_version = now->version;
        if (Shows(c, *now)) {
          after = *std::move(now);
          break;
        }
      }
    }
    if (std::chrono::steady_clock::now() + kPollInterval > deadline) break;
    std::this_thread::sleep_for(kPollInterval);
  }

  out["changed"] = true;
  if (!after) {
    out["confirmed"] = false;
    out["version_seen"] = seen_version;
    if (wf.json) std::cout << out.dump(2) << "\n";
    const Result<uint32_t> wallet_seqno = sender.ReadSeqno();
    const bool wallet_moved = wallet_seqno.ok() && *wallet_seqno > sent->seqno;
    std::string why = wallet_moved
                          ? "the wallet's transfer was applied (seqno now " +
                                std::to_string(*wallet_seqno) +
                                "), but the root does not show the change: it may still be on "
                                "its way, or the root refused it (the value then bounces back)"
                          : "the wallet's seqno is still " +
                                std::to_string(wallet_seqno.ok() ? *wallet_seqno : sent->seqno) +
                                "; the transfer may still land until unix time " +
                                std::to_string(sent->valid_until);
    if (!last_error.empty()) why += "; last API error: " + last_error;
    Die("not confirmed within " + std::to_string(rf.wait) + " s (root version " +
            std::to_string(seen_version) + "): " + why + "; check with `cocoon root show`",
        kExitNotConfirmed);
  }
  out["confirmed"] = true;
  out["version_after"] = after->version;
  std::string detail;
  if (c.kind == ChangeKind::kAddProxy) {
    const uint32_t seqno = *FindProxy(*after, c.endpoint);
    out["proxy_seqno"] = seqno;
    detail = ", proxy #" + std::to_string(seqno) + " = " + c.endpoint;
  }
  if (wf.json) {
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << "confirmed:       root version " << before.version << " -> " << after->version
              << detail << "\n";
  }
}

// ---------------------------------------------------------------------------
// Registration.

void AddRootFlags(CLI::App* cmd, RootFlags& f) {
  cmd->add_option("--root", f.root, "the root contract's address (raw or user-friendly)")
      ->required();
}

// A change subcommand: wallet, API and root flags, --wait, and one positional
// argument turned into the Change by `make` (which fails on a bad argument
// before anything is read or sent).
void AddChange(CLI::App* root, const std::string& name, const std::string& help,
               const std::string& arg_name, const std::string& arg_help,
               std::function<Change(const std::string&)> make) {
  auto wf = std::make_shared<WalletFlags>();
  auto af = std::make_shared<ApiFlags>();
  auto rf = std::make_shared<RootFlags>();
  auto arg = std::make_shared<std::string>();
  CLI::App* cmd = root->add_subcommand(name, help);
  cmd->add_option(arg_name, *arg, arg_help)->required();
  AddWalletFlags(cmd, *wf);
  AddApiFlags(cmd, *af);
  AddRootFlags(cmd, *rf);
  cmd->add_option("--wait", rf->wait,
                  "seconds to wait for the root to show the change (default 60; 0: do not wait)");
  cmd->callback([=] {
    Change c = make(*arg);
    c.action = name;
    RunChange(c, *wf, *af, *rf);
  });
}

}  // namespace

void AddRootCommand(CLI::App& app) {
  CLI::App* root = app.add_subcommand(
      "root", "The root contract's registry: show it; its owner adds and removes entries");
  root->require_subcommand(1);

  auto sf = std::make_shared<RootFlags>();
  auto sapi = std::make_shared<ApiFlags>();
  auto testnet = std::make_shared<bool>(false);
  auto as_json = std::make_shared<bool>(false);
  CLI::App* show = root->add_subcommand(
      "show", "Print the root's version, owner, images, models, proxies, prices and stakes");
  AddApiFlags(show, *sapi);
  AddRootFlags(show, *sf);
  show->add_option("--model", sf->models,
                   "a model name to recognise among the listed hashes (repeatable)");
  show->add_flag("--testnet", *testnet, "testnet address text (implied by --api testnet)");
  show->add_flag("--json", *as_json, "machine-readable output");
  show->callback([=] { RunShow(*sf, *sapi, *testnet, *as_json); });

  struct HashCommand {
    const char* name;
    const char* help;
    bool add;
    RootList list;
  };
  for (const HashCommand& h : {
           HashCommand{"add-proxy-image", "Allow a proxy image hash", true, RootList::kProxyImages},
           HashCommand{"remove-proxy-image", "Remove an allowed proxy image hash", false,
                       RootList::kProxyImages},
           HashCommand{"add-worker-image", "Allow a worker image hash", true,
                       RootList::kWorkerImages},
           HashCommand{"remove-worker-image", "Remove an allowed worker image hash", false,
                       RootList::kWorkerImages},
       }) {
    AddChange(root, h.name, h.help, "HASH", "the image hash: 64 hex digits",
              [add = h.add, list = h.list](const std::string& text) {
                Change c;
                c.kind = add ? ChangeKind::kAddHash : ChangeKind::kRemoveHash;
                c.list = list;
                c.hash = ParseHash(text);
                return c;
              });
  }
  for (const bool add : {true, false}) {
    AddChange(
        root, add ? "add-model" : "remove-model",
        add ? "Allow a model (the root lists the SHA-256 of its name)" : "Remove an allowed model",
        "NAME", "the model's name as the OpenAI API names it, e.g. Qwen/Qwen3-0.6B",
        [add](const std::string& name) {
          if (name.empty()) Die("NAME is empty: give the model's name, e.g. Qwen/Qwen3-0.6B");
          Change c;
          c.kind = add ? ChangeKind::kAddHash : ChangeKind::kRemoveHash;
          c.list = RootList::kModels;
          c.model_name = name;
          c.hash = node::ModelHash(name);
          return c;
        });
  }
  AddChange(root, "add-proxy", "Register a proxy endpoint (gets the next seqno)", "ENDPOINT",
            "the proxy's public endpoint, HOST:PORT", [](const std::string& text) {
              Change c;
              c.kind = ChangeKind::kAddProxy;
              c.endpoint = CheckEndpoint(text);
              return c;
            });
  AddChange(root, "remove-proxy", "Unregister the proxy with this seqno", "SEQNO",
            "the proxy's seqno, as `cocoon root show` lists it", [](const std::string& text) {
              Change c;
              c.kind = ChangeKind::kRemoveProxy;
              c.seqno = ParseSeqno(text);
              return c;
            });
}

}  // namespace cocoon::cli
