#include "attest/dcap/tcb_info.h"

#include "attest/dcap/errors.h"
#include "attest/dcap/json.h"

namespace cocoon::attest::dcap {
namespace {

using json::Json;

constexpr size_t kMaxBodySize = 256 * 1024;
constexpr size_t kMaxLevels = 256;
constexpr size_t kMaxAdvisories = 256;

Status Bad(std::string_view what, std::string_view problem) {
  return Malformed(tag::kMalformedCollateral, std::string(what) + " " + std::string(problem));
}

Result<TcbStatus> Status_(const Json& level, std::string_view what) {
  COCOON_ASSIGN_OR_RETURN(std::string name, json::String(level, "tcbStatus", what));
  auto s = ParseTcbStatus(name);
  if (!s) return Bad(what, "has unknown tcbStatus \"" + name.substr(0, 64) + "\"");
  return *s;
}

Result<std::vector<std::string>> Advisories(const Json& level, std::string_view what) {
  std::vector<std::string> out;
  if (!level.contains("advisoryIDs")) return out;
  COCOON_ASSIGN_OR_RETURN(const Json* ids, json::Array(level, "advisoryIDs", kMaxAdvisories, what));
  for (const Json& id : *ids) {
    if (!id.is_string() || id.get_ref<const std::string&>().size() > 64) {
      return Bad(what, "has an advisory ID that is not a short string");
    }
    out.push_back(id.get<std::string>());
  }
  return out;
}

// 16 {"svn": n} objects.
Result<std::array<uint8_t, 16>> Components(const Json& tcb, std::string_view key,
                                           std::string_view what) {
  COCOON_ASSIGN_OR_RETURN(const Json* comps, json::Array(tcb, key, 16, what));
  if (comps->size() != 16) return Bad(what, std::string(key) + " must have 16 entries");
  std::array<uint8_t, 16> out{};
  for (size_t i = 0; i < 16; ++i) {
    const Json& c = (*comps)[i];
    if (!c.is_object()) return Bad(what, std::string(key) + " entries must be objects");
    COCOON_ASSIGN_OR_RETURN(int64_t svn, json::Integer(c, "svn", 0, 255, what));
    out[i] = static_cast<uint8_t>(svn);
  }
  return out;
}

Result<std::vector<IsvTcbLevel>> IsvLevels(const Json& obj, std::string_view what) {
  COCOON_ASSIGN_OR_RETURN(const Json* levels, json::Array(obj, "tcbLevels", kMaxLevels, what));
  std::vector<IsvTcbLevel> out;
  for (const Json& l : *levels) {
    if (!l.is_object() || !l.contains("tcb") || !l["tcb"].is_object()) {
      return Bad(what, "has a TCB level without a tcb object");
    }
    IsvTcbLevel level;
    COCOON_ASSIGN_OR_RETURN(int64_t svn, json::Integer(l["tcb"], "isvsvn", 0, 0xffff, what));
    level.isv_svn = static_cast<uint16_t>(svn);
    COCOON_ASSIGN_OR_RETURN(level.tcb_date, json::Time(l, "tcbDate", what));
    COCOON_ASSIGN_OR_RETURN(level.status, Status_(l, what));
    COCOON_ASSIGN_OR_RETURN(level.advisory_ids, Advisories(l, what));
    out.push_back(std::move(level));
  }
  return out;
}

Result<TdxModuleIdentity> Module(const Json& m, bool with_levels, std::string_view what) {
  if (!m.is_object()) return Bad(what, "has a TDX module entry that is not an object");
  TdxModuleIdentity out;
  if (with_levels) {
    COCOON_ASSIGN_OR_RETURN(out.id, json::String(m, "id", what));
    if (out.id.size() > 32) return Bad(what, "has an overlong TDX module id");
    COCOON_ASSIGN_OR_RETURN(out.levels, IsvLevels(m, what));
  }
  COCOON_ASSIGN_OR_RETURN(out.mr_signer, json::HexArray<48>(m, "mrsigner", what));
  COCOON_ASSIGN_OR_RETURN(out.attributes, json::HexArray<8>(m, "attributes", what));
  COCOON_ASSIGN_OR_RETURN(out.attributes_mask, json::HexArray<8>(m, "attributesMask", what));
  return out;
}

}  // namespace

Result<TcbInfo> ParseTcbInfo(std::string_view text) {
  constexpr std::string_view what = "tcb_info";
  COCOON_ASSIGN_OR_RETURN(Json j, json::ParseObject(text, kMaxBodySize, what));
  TcbInfo info;
  COCOON_ASSIGN_OR_RETURN(info.id, json::String(j, "id", what));
  if (info.id != "SGX" && info.id != "TDX") return Bad(what, "id must be \"SGX\" or \"TDX\"");
  COCOON_ASSIGN_OR_RETURN(info.version, json::Integer(j, "version", 0, 1000, what));
  if (info.version != 3) {
    return Bad(what, "version " + std::to_string(info.version) + " is not supported (only 3)");
  }
  COCOON_ASSIGN_OR_RETURN(info.issue_date, json::Time(j, "issueDate", what));
  COCOON_ASSIGN_OR_RETURN(info.next_update, json::Time(j, "nextUpdate", what));
  COCOON_ASSIGN_OR_RETURN(info.fmspc, json::HexArray<6>(j, "fmspc", what));
  COCOON_ASSIGN_OR_RETURN(info.pce_id, json::HexArray<2>(j, "pceId", what));
  COCOON_ASSIGN_OR_RETURN(info.tcb_evaluation_data_number,
                          json::Integer(j, "tcbEvaluationDataNumber", 0, 1LL << 32, what));
  const bool tdx = info.id == "TDX";
  if (tdx) {
    if (!j.contains("tdxModule")) return Bad(what, "lacks tdxModule");
    COCOON_ASSIGN_OR_RETURN(info.tdx_module, Module(j["tdxModule"], false, what));
    if (j.contains("tdxModuleIdentities")) {
      COCOON_ASSIGN_OR_RETURN(const Json* ids,
                              json::Array(j, "tdxModuleIdentities", kMaxLevels, what));
      for (const Json& m : *ids) {
        COCOON_ASSIGN_OR_RETURN(TdxModuleIdentity id, Module(m, true, what));
        info.tdx_module_identities.push_back(std::move(id));
      }
    }
  }
  COCOON_ASSIGN_OR_RETURN(const Json* levels, json::Array(j, "tcbLevels", kMaxLevels, what));
  for (const Json& l : *levels) {
    if (!l.is_object() || !l.contains("tcb") || !l["tcb"].is_object()) {
      return Bad(what, "has a TCB level without a tcb object");
    }
    const Json& tcb = l["tcb"];
    TcbLevel level;
    COCOON_ASSIGN_OR_RETURN(level.sgx_components, Components(tcb, "sgxtcbcomponents", what));
    COCOON_ASSIGN_OR_RETURN(int64_t pce_svn, json::Integer(tcb, "pcesvn", 0, 0xffff, what));
    level.pce_svn = static_cast<uint16_t>(pce_svn);
    if (tdx) {
      COCOON_ASSIGN_OR_RETURN(level.tdx_components, Components(tcb, "tdxtcbcomponents", what));
    }
    COCOON_ASSIGN_OR_RETURN(level.tcb_date, json::Time(l, "tcbDate", what));
    COCOON_ASSIGN_OR_RETURN(level.status, Status_(l, what));
    COCOON_ASSIGN_OR_RETURN(level.advisory_ids, Advisories(l, what));
    info.levels.push_back(std::move(level));
  }
  return info;
}

Result<QeIdentity> ParseQeIdentity(std::string_view text) {
  constexpr std::string_view what = "qe_identity";
  COCOON_ASSIGN_OR_RETURN(Json j, json::ParseObject(text, kMaxBodySize, what));
  QeIdentity qe;
  COCOON_ASSIGN_OR_RETURN(qe.id, json::String(j, "id", what));
  if (qe.id != "QE" && qe.id != "TD_QE") return Bad(what, "id must be \"QE\" or \"TD_QE\"");
  COCOON_ASSIGN_OR_RETURN(qe.version, json::Integer(j, "version", 0, 1000, what));
  if (qe.version != 2) {
    return Bad(what, "version " + std::to_string(qe.version) + " is not supported (only 2)");
  }
  COCOON_ASSIGN_OR_RETURN(qe.issue_date, json::Time(j, "issueDate", what));
  COCOON_ASSIGN_OR_RETURN(qe.next_update, json::Time(j, "nextUpdate", what));
  COCOON_ASSIGN_OR_RETURN(qe.tcb_evaluation_data_number,
                          json::Integer(j, "tcbEvaluationDataNumber", 0, 1LL << 32, what));
  COCOON_ASSIGN_OR_RETURN(auto misc, json::HexArray<4>(j, "miscselect", what));
  COCOON_ASSIGN_OR_RETURN(auto misc_mask, json::HexArray<4>(j, "miscselectMask", what));
  // The JSON spells the 32-bit values big-endian ("00000000"), as printed numbers.
  auto be32 = [](const Array<4>& a) {
    return (uint32_t{a[0]} << 24) | (uint32_t{a[1]} << 16) | (uint32_t{a[2]} << 8) | a[3];
  };
  qe.misc_select = be32(misc);
  qe.misc_select_mask = be32(misc_mask);
  COCOON_ASSIGN_OR_RETURN(qe.attributes, json::HexArray<16>(j, "attributes", what));
  COCOON_ASSIGN_OR_RETURN(qe.attributes_mask, json::HexArray<16>(j, "attributesMask", what));
  COCOON_ASSIGN_OR_RETURN(qe.mr_signer, json::HexArray<32>(j, "mrsigner", what));
  COCOON_ASSIGN_OR_RETURN(int64_t prod, json::Integer(j, "isvprodid", 0, 0xffff, what));
  qe.isv_prod_id = static_cast<uint16_t>(prod);
  COCOON_ASSIGN_OR_RETURN(qe.levels, IsvLevels(j, what));
  return qe;
}

}  // namespace cocoon::attest::dcap
