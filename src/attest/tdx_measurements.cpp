#include "attest/tdx_measurements.h"

#include "attest/dcap/openssl.h"
#include "attest/dcap/tcb_status.h"

namespace cocoon::attest {

ImageHash TdxImageHash(const dcap::TdReportBody& td) {
  crypto::Sha256Hasher h;
  h.Update(td.mr_td);
  for (const auto& rtmr : td.rtmr) h.Update(rtmr);
  return h.Finish();
}

std::map<std::string, std::string> QuoteDetails(const dcap::Quote& q) {
  std::map<std::string, std::string> d;
  d["quote_version"] = std::to_string(q.header.version);
  d["tee"] = q.is_tdx() ? "TDX" : "SGX";
  d["qe_svn"] = std::to_string(q.header.qe_svn);
  d["pce_svn"] = std::to_string(q.header.pce_svn);
  d["qe_vendor_id"] = HexEncode(q.header.qe_vendor_id);
  d["user_data"] = HexEncode(q.header.user_data);
  if (q.td_report) {
    const auto& td = *q.td_report;
    d["tee_tcb_svn"] = HexEncode(td.tee_tcb_svn);
    d["mr_seam"] = HexEncode(td.mr_seam);
    d["mr_signer_seam"] = HexEncode(td.mr_signer_seam);
    d["seam_attributes"] = HexEncode(td.seam_attributes);
    d["td_attributes"] = HexEncode(td.td_attributes);
    d["debug"] = td.debug() ? "true" : "false";
    d["xfam"] = HexEncode(td.xfam);
    d["mrtd"] = HexEncode(td.mr_td);
    d["mr_config_id"] = HexEncode(td.mr_config_id);
    d["mr_owner"] = HexEncode(td.mr_owner);
    d["mr_owner_config"] = HexEncode(td.mr_owner_config);
    for (size_t i = 0; i < 4; ++i) d["rtmr" + std::to_string(i)] = HexEncode(td.rtmr[i]);
    d["report_data"] = HexEncode(td.report_data);
    if (td.tee_tcb_svn2) d["tee_tcb_svn2"] = HexEncode(*td.tee_tcb_svn2);
    if (td.mr_service_td) d["mr_service_td"] = HexEncode(*td.mr_service_td);
    d["image_hash"] = HexEncode(TdxImageHash(td));
  } else if (q.enclave_report) {
    const auto& r = *q.enclave_report;
    d["cpu_svn"] = HexEncode(r.cpu_svn);
    d["mr_enclave"] = HexEncode(r.mr_enclave);
    d["mr_signer"] = HexEncode(r.mr_signer);
    d["isv_prod_id"] = std::to_string(r.isv_prod_id);
    d["isv_svn"] = std::to_string(r.isv_svn);
    d["attributes"] = HexEncode(r.attributes);
    d["report_data"] = HexEncode(r.report_data);
  }
  d["qe_mr_enclave"] = HexEncode(q.qe_report.mr_enclave);
  d["qe_mr_signer"] = HexEncode(q.qe_report.mr_signer);
  d["qe_isv_prod_id"] = std::to_string(q.qe_report.isv_prod_id);
  d["qe_isv_svn"] = std::to_string(q.qe_report.isv_svn);
  d["attestation_key"] = HexEncode(q.attestation_key);
  auto chain = dcap::ParsePemChain(q.pck_chain_pem, 4);
  d["pck_chain_certs"] = chain.ok() ? std::to_string(chain->size()) : "unparsable";
  return d;
}

Measurements TdxMeasurements(const dcap::VerifiedQuote& v) {
  Measurements m;
  m.kind = EvidenceKind::kTdx;
  const auto& td = *v.quote.td_report;
  m.image_hash = TdxImageHash(td);
  m.report_data = td.report_data;
  m.tcb_status = std::string(dcap::TcbStatusName(v.tcb.status));
  m.advisories = v.tcb.advisory_ids;
  m.details = QuoteDetails(v.quote);
  m.details["fmspc"] = HexEncode(v.pck.fmspc);
  m.details["tcb_date"] = dcap::FormatIsoTime(v.tcb.platform_tcb_date);
  m.details["platform_tcb_status"] = std::string(dcap::TcbStatusName(v.tcb.platform_status));
  if (v.tcb.tdx_module_status) {
    m.details["tdx_module_tcb_status"] = std::string(dcap::TcbStatusName(*v.tcb.tdx_module_status));
  }
  m.details["qe_tcb_status"] = std::string(dcap::TcbStatusName(v.tcb.qe_status));
  m.details["tcb_evaluation_data_number"] = std::to_string(v.tcb_evaluation_data_number);
  m.details["collateral_expires_at"] = dcap::FormatIsoTime(v.collateral_expires_at);
  return m;
}

}  // namespace cocoon::attest
