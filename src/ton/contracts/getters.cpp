#include "ton/contracts/getters.h"

#include "ton/cell_builder.h"
#include "ton/contracts/stack_reader.h"
#include "ton/contracts/text.h"

namespace cocoon::ton::contracts {
namespace {

// Runs `body` over a reader of r's stack and checks that nothing is left.
template <typename T, typename F>
Result<T> Decode(const GetMethodResult& r, const std::string& method, F body) {
  COCOON_ASSIGN_OR_RETURN(const std::vector<StackEntry>* stack, SuccessfulStack(r, method));
  StackReader in(*stack, method);
  COCOON_ASSIGN_OR_RETURN(T value, body(in));
  COCOON_RETURN_IF_ERROR(in.Done());
  return value;
}

Result<ContractState> State(StackReader& in) {
  COCOON_ASSIGN_OR_RETURN(uint64_t v, in.Uint("state", 8));
  if (v > static_cast<uint64_t>(ContractState::kClosed))
    return ProtocolError("state " + std::to_string(v) + " is not active, closing or closed");
  return static_cast<ContractState>(v);
}

Result<crypto::Ed25519PublicKey> Key(StackReader& in) {
  COCOON_ASSIGN_OR_RETURN(Hash256 raw, in.Uint256("proxy_pubkey"));
  return crypto::Ed25519PublicKey(raw);
}

Result<GetMethodResult> Run(const TonApiClient& api, const Address& at, const std::string& method,
                            const std::vector<StackEntry>& args = {}) {
  Result<GetMethodResult> r = api.RunGetMethod(at, method, args);
  if (!r.ok()) return r.status().WithContext(method + " on " + at.ToRaw());
  return r;
}

Result<StackEntry> AddressArg(const Address& a) {
  CellBuilder b;
  b.StoreAddress(a);
  COCOON_ASSIGN_OR_RETURN(CellRef c, b.Finalize());
  return StackEntry::Slice(c);
}

StackEntry HashArg(const Hash256& h) { return StackEntry::Number(TvmInt::FromBytes(h)); }

template <typename T, typename D>
Result<T> RunDecode(const TonApiClient& api, const Address& at, const std::string& method,
                    const std::vector<StackEntry>& args, D decode) {
  COCOON_ASSIGN_OR_RETURN(GetMethodResult r, Run(api, at, method, args));
  Result<T> v = decode(r);
  if (!v.ok()) return v.status().WithContext(at.ToRaw());
  return v;
}

}  // namespace

// ---- decoders ----

Result<RootData> DecodeRootData(const GetMethodResult& r) {
  return Decode<RootData>(r, "get_root_data", [](StackReader& in) -> Result<RootData> {
    RootData d;
    COCOON_ASSIGN_OR_RETURN(d.owner, in.AddressValue("owner"));
    COCOON_ASSIGN_OR_RETURN(uint64_t v, in.Uint("version", 32));
    COCOON_ASSIGN_OR_RETURN(uint64_t n, in.Uint("next_proxy_seqno", 32));
    d.version = static_cast<uint32_t>(v);
    d.next_proxy_seqno = static_cast<uint32_t>(n);
    return d;
  });
}

Result<uint32_t> DecodeVersion(const GetMethodResult& r) {
  return Decode<uint32_t>(r, "get_version", [](StackReader& in) -> Result<uint32_t> {
    COCOON_ASSIGN_OR_RETURN(uint64_t v, in.Uint("version", 32));
    return static_cast<uint32_t>(v);
  });
}

Result<Params> DecodeParams(const GetMethodResult& r, std::string method) {
  return Decode<Params>(r, method, [](StackReader& in) -> Result<Params> {
    Params p;
    COCOON_ASSIGN_OR_RETURN(p.price_per_token, in.Coins("price_per_token"));
    COCOON_ASSIGN_OR_RETURN(p.worker_fee_per_token, in.Coins("worker_fee_per_token"));
    const std::pair<const char*, uint32_t*> u32[] = {{"prompt_mult", &p.prompt_mult},
                                                     {"cached_mult", &p.cached_mult},
                                                     {"completion_mult", &p.completion_mult},
                                                     {"reasoning_mult", &p.reasoning_mult},
                                                     {"proxy_close_delay", &p.proxy_close_delay},
                                                     {"client_close_delay", &p.client_close_delay}};
    for (auto [name, field] : u32) {
      COCOON_ASSIGN_OR_RETURN(uint64_t v, in.Uint(name, 32));
      *field = static_cast<uint32_t>(v);
    }
    COCOON_ASSIGN_OR_RETURN(p.min_proxy_stake, in.Coins("min_proxy_stake"));
    COCOON_ASSIGN_OR_RETURN(p.min_client_stake, in.Coins("min_client_stake"));
    return p;
  });
}

Result<bool> DecodeBool(const GetMethodResult& r, const std::string& method) {
  return Decode<bool>(r, method, [](StackReader& in) { return in.Bool("result"); });
}

Result<std::optional<std::string>> DecodeProxyEndpoint(const GetMethodResult& r) {
  using T = std::optional<std::string>;
  return Decode<T>(r, "get_proxy_endpoint", [](StackReader& in) -> Result<T> {
    COCOON_ASSIGN_OR_RETURN(bool found, in.Bool("found"));
    COCOON_ASSIGN_OR_RETURN(CellRef cell, in.CellValue("endpoint"));
    if (!found) return T();
    Result<std::string> text = ReadSnakeText(cell);
    if (!text.ok()) return ProtocolError("get_proxy_endpoint: endpoint " + text.status().message());
    return T(std::move(*text));
  });
}

Result<ContractCodes> DecodeCodes(const GetMethodResult& r) {
  return Decode<ContractCodes>(r, "get_codes", [](StackReader& in) -> Result<ContractCodes> {
    ContractCodes c;
    COCOON_ASSIGN_OR_RETURN(c.proxy, in.CellValue("proxy_code"));
    COCOON_ASSIGN_OR_RETURN(c.client, in.CellValue("client_code"));
    COCOON_ASSIGN_OR_RETURN(c.worker, in.CellValue("worker_code"));
    return c;
  });
}

Result<Address> DecodeAddress(const GetMethodResult& r, const std::string& method) {
  return Decode<Address>(r, method, [](StackReader& in) { return in.AddressValue("address"); });
}

Result<ProxyData> DecodeProxyData(const GetMethodResult& r) {
  return Decode<ProxyData>(r, "get_proxy_data", [](StackReader& in) -> Result<ProxyData> {
    ProxyData d;
    COCOON_ASSIGN_OR_RETURN(d.state, State(in));
    COCOON_ASSIGN_OR_RETURN(d.stake, in.Coins("stake"));
    COCOON_ASSIGN_OR_RETURN(d.stake_used, in.Coins("stake_used"));
    COCOON_ASSIGN_OR_RETURN(d.client_funds, in.Coins("client_funds"));
    COCOON_ASSIGN_OR_RETURN(d.revenue, in.Coins("revenue"));
    COCOON_ASSIGN_OR_RETURN(d.commission, in.Coins("commission"));
    COCOON_ASSIGN_OR_RETURN(uint64_t t, in.Uint("close_started_at", 32));
    d.close_started_at = static_cast<uint32_t>(t);
    return d;
  });
}

Result<ProxyConfigView> DecodeProxyConfig(const GetMethodResult& r) {
  return Decode<ProxyConfigView>(r, "get_proxy_config",
                                 [](StackReader& in) -> Result<ProxyConfigView> {
                                   ProxyConfigView v;
                                   COCOON_ASSIGN_OR_RETURN(v.owner, in.AddressValue("owner"));
                                   COCOON_ASSIGN_OR_RETURN(v.proxy_key, Key(in));
                                   COCOON_ASSIGN_OR_RETURN(v.root, in.AddressValue("root"));
                                   return v;
                                 });
}

Result<Anchor> DecodeAnchor(const GetMethodResult& r) {
  return Decode<Anchor>(r, "get_anchor", [](StackReader& in) -> Result<Anchor> {
    Anchor a;
    COCOON_ASSIGN_OR_RETURN(a.seqno, in.Uint("seqno", 64));
    COCOON_ASSIGN_OR_RETURN(a.session_hash, in.Uint256("session_hash"));
    return a;
  });
}

Result<ClientData> DecodeClientData(const GetMethodResult& r) {
  return Decode<ClientData>(r, "get_client_data", [](StackReader& in) -> Result<ClientData> {
    ClientData d;
    COCOON_ASSIGN_OR_RETURN(d.state, State(in));
    COCOON_ASSIGN_OR_RETURN(d.balance, in.Coins("balance"));
    COCOON_ASSIGN_OR_RETURN(d.stake, in.Coins("stake"));
    COCOON_ASSIGN_OR_RETURN(d.pending_deposit, in.Coins("pending_deposit"));
    COCOON_ASSIGN_OR_RETURN(d.tokens_charged, in.Uint("tokens_charged", 64));
    COCOON_ASSIGN_OR_RETURN(uint64_t t, in.Uint("close_started_at", 32));
    d.close_started_at = static_cast<uint32_t>(t);
    COCOON_ASSIGN_OR_RETURN(d.secret_hash, in.Uint256("secret_hash"));
    return d;
  });
}

Result<ChildConfigView> DecodeChildConfig(const GetMethodResult& r, const std::string& method) {
  return Decode<ChildConfigView>(r, method, [](StackReader& in) -> Result<ChildConfigView> {
    ChildConfigView v;
    COCOON_ASSIGN_OR_RETURN(v.proxy, in.AddressValue("proxy"));
    COCOON_ASSIGN_OR_RETURN(v.proxy_key, Key(in));
    COCOON_ASSIGN_OR_RETURN(v.owner, in.AddressValue("owner"));
    return v;
  });
}

Result<WorkerData> DecodeWorkerData(const GetMethodResult& r) {
  return Decode<WorkerData>(r, "get_worker_data", [](StackReader& in) -> Result<WorkerData> {
    WorkerData d;
    COCOON_ASSIGN_OR_RETURN(d.state, State(in));
    COCOON_ASSIGN_OR_RETURN(d.tokens_paid, in.Uint("tokens_paid", 64));
    return d;
  });
}

// ---- callers ----

Result<RootData> GetRootData(const TonApiClient& api, const Address& root) {
  return RunDecode<RootData>(api, root, "get_root_data", {}, DecodeRootData);
}

Result<uint32_t> GetRootVersion(const TonApiClient& api, const Address& root) {
  return RunDecode<uint32_t>(api, root, "get_version", {}, DecodeVersion);
}

Result<Params> GetParams(const TonApiClient& api, const Address& contract) {
  return RunDecode<Params>(api, contract, "get_params", {},
                           [](const GetMethodResult& r) { return DecodeParams(r); });
}

static Result<bool> Allowed(const TonApiClient& api, const Address& root, const char* method,
                            const Hash256& h) {
  return RunDecode<bool>(api, root, method, {HashArg(h)},
                         [method](const GetMethodResult& r) { return DecodeBool(r, method); });
}

Result<bool> IsProxyImageAllowed(const TonApiClient& api, const Address& root, const Hash256& h) {
  return Allowed(api, root, "is_proxy_image_allowed", h);
}
Result<bool> IsWorkerImageAllowed(const TonApiClient& api, const Address& root, const Hash256& h) {
  return Allowed(api, root, "is_worker_image_allowed", h);
}
Result<bool> IsModelAllowed(const TonApiClient& api, const Address& root, const Hash256& h) {
  return Allowed(api, root, "is_model_allowed", h);
}

Result<uint32_t> GetNextProxySeqno(const TonApiClient& api, const Address& root) {
  return RunDecode<uint32_t>(
      api, root, "get_next_proxy_seqno", {}, [](const GetMethodResult& r) -> Result<uint32_t> {
        return Decode<uint32_t>(r, "get_next_proxy_seqno", [](StackReader& in) -> Result<uint32_t> {
          COCOON_ASSIGN_OR_RETURN(uint64_t v, in.Uint("next_proxy_seqno", 32));
          return static_cast<uint32_t>(v);
        });
      });
}

Result<std::optional<std::string>> GetProxyEndpoint(const TonApiClient& api, const Address& root,
                                                    uint32_t seqno) {
  return RunDecode<std::optional<std::string>>(api, root, "get_proxy_endpoint",
                                               {StackEntry::Number(TvmInt::FromInt64(seqno))},
                                               DecodeProxyEndpoint);
}

Result<ContractCodes> FetchCodes(const TonApiClient& api, const Address& root) {
  COCOON_ASSIGN_OR_RETURN(ContractCodes codes,
                          RunDecode<ContractCodes>(api, root, "get_codes", {}, DecodeCodes));
  if (!codes.Complete())
    return FailedPrecondition("the root " + root.ToRaw() +
                              " has no contract codes set (its owner must send set_codes)");
  return codes;
}

Result<Address> GetProxyAddress(const TonApiClient& api, const Address& root, const Address& owner,
                                const crypto::Ed25519PublicKey& proxy_key) {
  COCOON_ASSIGN_OR_RETURN(StackEntry owner_arg, AddressArg(owner));
  return RunDecode<Address>(
      api, root, "get_proxy_address", {owner_arg, HashArg(proxy_key.bytes())},
      [](const GetMethodResult& r) { return DecodeAddress(r, "get_proxy_address"); });
}

Result<ProxyData> GetProxyData(const TonApiClient& api, const Address& proxy) {
  return RunDecode<ProxyData>(api, proxy, "get_proxy_data", {}, DecodeProxyData);
}
Result<ProxyConfigView> GetProxyConfig(const TonApiClient& api, const Address& proxy) {
  return RunDecode<ProxyConfigView>(api, proxy, "get_proxy_config", {}, DecodeProxyConfig);
}
Result<Anchor> GetAnchor(const TonApiClient& api, const Address& proxy) {
  return RunDecode<Anchor>(api, proxy, "get_anchor", {}, DecodeAnchor);
}
Result<bool> IsProxyReady(const TonApiClient& api, const Address& proxy) {
  return RunDecode<bool>(api, proxy, "is_ready", {},
                         [](const GetMethodResult& r) { return DecodeBool(r, "is_ready"); });
}

static Result<Address> ChildAddress(const TonApiClient& api, const Address& proxy,
                                    const Address& owner, const char* method) {
  COCOON_ASSIGN_OR_RETURN(StackEntry owner_arg, AddressArg(owner));
  return RunDecode<Address>(api, proxy, method, {owner_arg}, [method](const GetMethodResult& r) {
    return DecodeAddress(r, method);
  });
}

Result<Address> GetClientAddress(const TonApiClient& api, const Address& proxy,
                                 const Address& owner) {
  return ChildAddress(api, proxy, owner, "get_client_address");
}
Result<Address> GetWorkerAddress(const TonApiClient& api, const Address& proxy,
                                 const Address& owner) {
  return ChildAddress(api, proxy, owner, "get_worker_address");
}

Result<ClientData> GetClientData(const TonApiClient& api, const Address& client) {
  return RunDecode<ClientData>(api, client, "get_client_data", {}, DecodeClientData);
}
Result<ChildConfigView> GetClientConfig(const TonApiClient& api, const Address& client) {
  return RunDecode<ChildConfigView>(
      api, client, "get_client_config", {},
      [](const GetMethodResult& r) { return DecodeChildConfig(r, "get_client_config"); });
}
Result<WorkerData> GetWorkerData(const TonApiClient& api, const Address& worker) {
  return RunDecode<WorkerData>(api, worker, "get_worker_data", {}, DecodeWorkerData);
}
Result<ChildConfigView> GetWorkerConfig(const TonApiClient& api, const Address& worker) {
  return RunDecode<ChildConfigView>(
      api, worker, "get_worker_config", {},
      [](const GetMethodResult& r) { return DecodeChildConfig(r, "get_worker_config"); });
}

}  // namespace cocoon::ton::contracts
