#include "ton/contracts/storage.h"

#include "ton/cell_builder.h"
#include "ton/contracts/opcodes.h"

namespace cocoon::ton::contracts {
namespace {

constexpr int8_t kWorkchain = 0;

Result<ContractInit> Deploy(const CellRef& code, Result<CellRef> data, const char* what) {
  if (!code) return InvalidArgument(std::string(what) + " code is missing");
  if (!data.ok()) return data.status().WithContext(std::string(what) + " data");
  ContractInit c;
  c.init.code = code;
  c.init.data = *data;
  COCOON_ASSIGN_OR_RETURN(c.address, ContractAddress(kWorkchain, c.init));
  return c;
}

const CellRef& OrEmpty(const CellRef& c) { return c ? c : Cell::Empty(); }

// A zero uint256. (CellBuilder::StoreUint(0, 256) is avoided: it hands
// BitString::AppendUint more than 64 bits, a shift UBSan reports.)
constexpr std::array<uint8_t, 32> kZero256{};

}  // namespace

Result<CellRef> RootInitialData(const Address& owner, const Params& params,
                                const ContractCodes& codes) {
  CellBuilder registry;  // four empty HashmapE
  registry.StoreBit(false).StoreBit(false).StoreBit(false).StoreBit(false);
  COCOON_ASSIGN_OR_RETURN(CellRef registry_cell, registry.Finalize());
  COCOON_ASSIGN_OR_RETURN(CellRef params_cell, ParamsCell(params));
  CellBuilder code_cell;
  code_cell.StoreRef(OrEmpty(codes.proxy))
      .StoreRef(OrEmpty(codes.client))
      .StoreRef(OrEmpty(codes.worker));
  COCOON_ASSIGN_OR_RETURN(CellRef codes_cell, code_cell.Finalize());
  CellBuilder b;
  b.StoreAddress(owner)
      .StoreUint(0, 32)  // version
      .StoreUint(0, 32)  // next_proxy_seqno
      .StoreRef(registry_cell)
      .StoreRef(params_cell)
      .StoreRef(codes_cell);
  return b.Finalize();
}

Result<ContractInit> RootContract(const CellRef& root_code, const Address& owner,
                                  const Params& params, const ContractCodes& codes) {
  return Deploy(root_code, RootInitialData(owner, params, codes), "root");
}

Result<CellRef> ProxyConfigCell(const ProxyConfig& config) {
  if (!config.codes.client || !config.codes.worker)
    return InvalidArgument("proxy config needs the client and worker codes");
  COCOON_ASSIGN_OR_RETURN(CellRef params_cell, ParamsCell(config.params));
  CellBuilder codes;
  codes.StoreRef(config.codes.client).StoreRef(config.codes.worker);
  COCOON_ASSIGN_OR_RETURN(CellRef codes_cell, codes.Finalize());
  CellBuilder b;
  b.StoreAddress(config.owner)
      .StoreBytes(config.proxy_key.bytes())
      .StoreAddress(config.root)
      .StoreRef(params_cell)
      .StoreRef(codes_cell);
  return b.Finalize();
}

Result<CellRef> ProxyInitialData(const ProxyConfig& config) {
  COCOON_ASSIGN_OR_RETURN(CellRef cfg, ProxyConfigCell(config));
  CellBuilder b;
  b.StoreRef(cfg).StoreUint(static_cast<uint8_t>(ContractState::kActive), 8);
  for (int i = 0; i < 5; ++i) b.StoreCoins(0);  // stake .. commission
  b.StoreUint(0, 32)                            // close_started_at
      .StoreUint(0, 64)                         // anchor_seqno
      .StoreBytes(kZero256);                    // anchor_hash
  return b.Finalize();
}

Result<ContractInit> ProxyContract(const CellRef& proxy_code, const ProxyConfig& config) {
  return Deploy(proxy_code, ProxyInitialData(config), "proxy");
}

ChildConfig ChildConfigOf(const ProxyConfig& proxy, const Address& proxy_address,
                          const Address& owner) {
  return ChildConfig{proxy_address, proxy.proxy_key, owner, proxy.params};
}

Result<CellRef> ChildConfigCell(const ChildConfig& config) {
  COCOON_ASSIGN_OR_RETURN(CellRef params_cell, ParamsCell(config.params));
  CellBuilder b;
  b.StoreAddress(config.proxy)
      .StoreBytes(config.proxy_key.bytes())
      .StoreAddress(config.owner)
      .StoreRef(params_cell);
  return b.Finalize();
}

Result<CellRef> ClientInitialData(const ChildConfig& config) {
  COCOON_ASSIGN_OR_RETURN(CellRef cfg, ChildConfigCell(config));
  CellBuilder b;
  b.StoreRef(cfg)
      .StoreUint(static_cast<uint8_t>(ContractState::kActive), 8)
      .StoreCoins(0)          // balance
      .StoreCoins(0)          // stake
      .StoreCoins(0)          // pending_deposit
      .StoreUint(0, 64)       // tokens_charged
      .StoreUint(0, 32)       // close_started_at
      .StoreBytes(kZero256);  // secret_hash
  return b.Finalize();
}

Result<CellRef> WorkerInitialData(const ChildConfig& config) {
  COCOON_ASSIGN_OR_RETURN(CellRef cfg, ChildConfigCell(config));
  CellBuilder b;
  b.StoreRef(cfg).StoreUint(static_cast<uint8_t>(ContractState::kActive), 8).StoreUint(0, 64);
  return b.Finalize();
}

Result<ContractInit> ClientContract(const CellRef& client_code, const ChildConfig& config) {
  return Deploy(client_code, ClientInitialData(config), "client");
}

Result<ContractInit> WorkerContract(const CellRef& worker_code, const ChildConfig& config) {
  return Deploy(worker_code, WorkerInitialData(config), "worker");
}

Result<ContractInit> ClientOfProxy(const ProxyConfig& proxy, const Address& proxy_address,
                                   const Address& owner) {
  return ClientContract(proxy.codes.client, ChildConfigOf(proxy, proxy_address, owner));
}

Result<ContractInit> WorkerOfProxy(const ProxyConfig& proxy, const Address& proxy_address,
                                   const Address& owner) {
  return WorkerContract(proxy.codes.worker, ChildConfigOf(proxy, proxy_address, owner));
}

}  // namespace cocoon::ton::contracts
