#include "ton/contracts/root_state.h"

#include "ton/cell_slice.h"
#include "ton/contracts/text.h"
#include "ton/dictionary.h"

namespace cocoon::ton::contracts {
namespace {

Result<std::set<Hash256>> HashSet(CellSlice& s, const char* name, size_t max_entries) {
  Result<Dictionary> d = Dictionary::LoadHashmapE(s, 256, max_entries);
  if (!d.ok()) return d.status().WithContext(std::string("root ") + name);
  std::set<Hash256> out;
  for (const auto& [key, value] : d->entries()) {
    // The value is a Bool: exactly one bit, set (the root stores `true`).
    if (value->bits().size() != 1 || !value->refs().empty())
      return InvalidArgument(std::string("root ") + name + ": an entry's value is not a Bool");
    Hash256 h{};
    std::copy(key.bytes().begin(), key.bytes().end(), h.begin());
    out.insert(h);
  }
  return out;
}

Result<std::map<uint32_t, std::string>> Endpoints(CellSlice& s, size_t max_entries) {
  Result<Dictionary> d = Dictionary::LoadHashmapE(s, 32, max_entries);
  if (!d.ok()) return d.status().WithContext("root proxies");
  std::map<uint32_t, std::string> out;
  for (const auto& [key, value] : d->entries()) {
    uint32_t seqno = 0;
    for (size_t i = 0; i < 32; ++i) seqno = (seqno << 1) | (key.Get(i) ? 1u : 0u);
    // The value is ^Cell: no bits, one reference to the snake text.
    if (!value->bits().empty() || value->refs().size() != 1)
      return InvalidArgument("root proxies: entry " + std::to_string(seqno) +
                             " is not a reference to a text cell");
    Result<std::string> text = ReadSnakeText(value->refs()[0]);
    if (!text.ok())
      return text.status().WithContext("root proxies: endpoint " + std::to_string(seqno));
    out.emplace(seqno, std::move(*text));
  }
  return out;
}

Status Part(const Status& st, const char* part) {
  return st.ok() ? st : st.WithContext(std::string("root storage ") + part);
}

}  // namespace

Result<RootState> ParseRootState(const CellRef& data, size_t max_entries) {
  if (!data) return InvalidArgument("root storage is missing (the account has no data)");
  RootState st;
  CellSlice s(data);
  Result<std::optional<Address>> owner = s.LoadAddress();
  if (!owner.ok()) return Part(owner.status(), "owner");
  if (!*owner) return InvalidArgument("root storage owner is addr_none");
  st.owner = **owner;
  Result<uint64_t> v = s.LoadUint(32);
  if (!v.ok()) return Part(v.status(), "version");
  st.version = static_cast<uint32_t>(*v);
  v = s.LoadUint(32);
  if (!v.ok()) return Part(v.status(), "next_proxy_seqno");
  st.next_proxy_seqno = static_cast<uint32_t>(*v);
  Result<CellRef> registry = s.LoadRef();
  Result<CellRef> params = s.LoadRef();
  Result<CellRef> codes = s.LoadRef();
  if (!registry.ok() || !params.ok() || !codes.ok() || !s.empty())
    return InvalidArgument("root storage does not have the root's layout (3 references, " +
                           std::to_string(s.remaining_bits()) + " bits left)");

  CellSlice r(*registry);
  COCOON_ASSIGN_OR_RETURN(st.proxy_images, HashSet(r, "proxy_images", max_entries));
  COCOON_ASSIGN_OR_RETURN(st.worker_images, HashSet(r, "worker_images", max_entries));
  COCOON_ASSIGN_OR_RETURN(st.models, HashSet(r, "models", max_entries));
  COCOON_ASSIGN_OR_RETURN(st.proxies, Endpoints(r, max_entries));
  if (!r.empty()) return InvalidArgument("root registry cell has trailing data");
  for (const auto& [seqno, endpoint] : st.proxies) {
    if (seqno >= st.next_proxy_seqno)
      return InvalidArgument("root proxies: seqno " + std::to_string(seqno) +
                             " is not below next_proxy_seqno");
  }

  Result<Params> p = ParseParamsCell(*params);
  if (!p.ok()) return Part(p.status(), "params");
  st.params = *p;

  const CellRef& c = *codes;
  if (!c->bits().empty() || c->refs().size() != 3)
    return InvalidArgument("root codes cell is not three references");
  st.codes = ContractCodes{c->refs()[0], c->refs()[1], c->refs()[2]};
  return st;
}

}  // namespace cocoon::ton::contracts
