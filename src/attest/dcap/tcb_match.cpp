#include "attest/dcap/tcb_match.h"

#include <algorithm>
#include <cstdio>

#include "attest/dcap/errors.h"

namespace cocoon::attest::dcap {
namespace {

void AddAdvisories(std::vector<std::string>& out, const std::vector<std::string>& more) {
  for (const auto& id : more) {
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  }
}

template <size_t N>
bool MaskedEqual(const Array<N>& value, const Array<N>& mask, const Array<N>& expected) {
  for (size_t i = 0; i < N; ++i) {
    if ((value[i] & mask[i]) != expected[i]) return false;
  }
  return true;
}

const IsvTcbLevel* FirstLevelAtOrBelow(const std::vector<IsvTcbLevel>& levels, uint16_t svn) {
  for (const auto& l : levels) {
    if (l.isv_svn <= svn) return &l;
  }
  return nullptr;
}

const TcbLevel* MatchPlatform(const TcbInfo& info, const PckInfo& pck, const TdReportBody* td) {
  const size_t tdx_first = td && td->tee_tcb_svn[1] != 0 ? 2 : 0;
  for (const auto& level : info.levels) {
    bool ok = level.pce_svn <= pck.pce_svn;
    for (size_t i = 0; ok && i < 16; ++i) ok = level.sgx_components[i] <= pck.sgx_tcb_components[i];
    if (ok && td) {
      if (!level.tdx_components) continue;
      for (size_t i = tdx_first; ok && i < 16; ++i) {
        ok = (*level.tdx_components)[i] <= td->tee_tcb_svn[i];
      }
    }
    if (ok) return &level;
  }
  return nullptr;
}

// The TDX module's own status, or nullopt where TCB info grades it with the platform.
Result<std::optional<IsvTcbLevel>> MatchTdxModule(const TcbInfo& info, const TdReportBody& td) {
  const uint8_t major = td.tee_tcb_svn[1];
  if (major == 0) {
    if (!info.tdx_module) return Refused(tag::kTdxModuleMismatch, "TCB info lacks tdxModule");
    const auto& m = *info.tdx_module;
    if (m.mr_signer != td.mr_signer_seam ||
        !MaskedEqual(td.seam_attributes, m.attributes_mask, m.attributes)) {
      return Refused(tag::kTdxModuleMismatch,
                     "MRSIGNERSEAM or SEAMATTRIBUTES do not match the TCB info's tdxModule");
    }
    return std::optional<IsvTcbLevel>();
  }
  char id[16];
  std::snprintf(id, sizeof(id), "TDX_%02X", major);
  for (const auto& m : info.tdx_module_identities) {
    if (m.id != id) continue;
    if (m.mr_signer != td.mr_signer_seam ||
        !MaskedEqual(td.seam_attributes, m.attributes_mask, m.attributes)) {
      return Refused(tag::kTdxModuleMismatch, std::string("MRSIGNERSEAM or SEAMATTRIBUTES do not "
                                                          "match TDX module identity ") +
                                                  id);
    }
    const IsvTcbLevel* level = FirstLevelAtOrBelow(m.levels, td.tee_tcb_svn[0]);
    if (!level) {
      return Refused(tag::kTcbLevelNotFound, std::string("no TCB level of TDX module identity ") +
                                                 id + " covers SVN " +
                                                 std::to_string(td.tee_tcb_svn[0]));
    }
    return std::optional<IsvTcbLevel>(*level);
  }
  return Refused(tag::kTdxModuleMismatch, std::string("TCB info has no TDX module identity ") + id);
}

Result<IsvTcbLevel> MatchQe(const QeIdentity& qe, const SgxReportBody& report) {
  Array<4> misc, misc_mask, misc_expected;
  for (int i = 0; i < 4; ++i) {
    misc[static_cast<size_t>(i)] = static_cast<uint8_t>(report.misc_select >> (8 * i));
    misc_mask[static_cast<size_t>(i)] = static_cast<uint8_t>(qe.misc_select_mask >> (8 * i));
    misc_expected[static_cast<size_t>(i)] = static_cast<uint8_t>(qe.misc_select >> (8 * i));
  }
  if (!MaskedEqual(misc, misc_mask, misc_expected)) {
    return Refused(tag::kQeIdentityMismatch, "QE MISCSELECT does not match the QE identity");
  }
  if (!MaskedEqual(report.attributes, qe.attributes_mask, qe.attributes)) {
    return Refused(tag::kQeIdentityMismatch, "QE ATTRIBUTES do not match the QE identity");
  }
  if (report.mr_signer != qe.mr_signer) {
    return Refused(tag::kQeIdentityMismatch, "QE MRSIGNER " + HexEncode(report.mr_signer) +
                                                 " is not the QE identity's " +
                                                 HexEncode(qe.mr_signer));
  }
  if (report.isv_prod_id != qe.isv_prod_id) {
    return Refused(tag::kQeIdentityMismatch, "QE ISVPRODID " + std::to_string(report.isv_prod_id) +
                                                 " is not the QE identity's " +
                                                 std::to_string(qe.isv_prod_id));
  }
  const IsvTcbLevel* level = FirstLevelAtOrBelow(qe.levels, report.isv_svn);
  if (!level) {
    return Refused(tag::kTcbLevelNotFound,
                   "no QE identity TCB level covers QE ISVSVN " + std::to_string(report.isv_svn));
  }
  return *level;
}

}  // namespace

Result<TcbEvaluation> EvaluateTcb(const Quote& quote, const PckInfo& pck, const TcbInfo& tcb_info,
                                  const QeIdentity& qe_identity) {
  const TdReportBody* td = quote.td_report ? &*quote.td_report : nullptr;
  const TcbLevel* platform = MatchPlatform(tcb_info, pck, td);
  if (!platform) {
    return Refused(tag::kTcbLevelNotFound,
                   "no TCB level of the TCB info is met by this platform's SVNs (PCK "
                   "components, PCESVN" +
                       std::string(td ? ", TEE_TCB_SVN" : "") +
                       "); Intel reports this as TCB_NOT_SUPPORTED");
  }
  TcbEvaluation out;
  out.platform_status = platform->status;
  out.platform_tcb_date = platform->tcb_date;
  out.status = platform->status;
  AddAdvisories(out.advisory_ids, platform->advisory_ids);
  if (td) {
    COCOON_ASSIGN_OR_RETURN(std::optional<IsvTcbLevel> module, MatchTdxModule(tcb_info, *td));
    if (module) {
      out.tdx_module_status = module->status;
      out.status = Converge(out.status, module->status);
      AddAdvisories(out.advisory_ids, module->advisory_ids);
    }
  }
  COCOON_ASSIGN_OR_RETURN(IsvTcbLevel qe, MatchQe(qe_identity, quote.qe_report));
  out.qe_status = qe.status;
  out.status = Converge(out.status, qe.status);
  AddAdvisories(out.advisory_ids, qe.advisory_ids);
  return out;
}

}  // namespace cocoon::attest::dcap
