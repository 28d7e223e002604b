#include "attest/dcap/collateral.h"

#include "attest/dcap/errors.h"
#include "attest/dcap/json.h"
#include "util/file.h"

namespace cocoon::attest::dcap {
namespace {

constexpr std::string_view kWhat = "collateral";

Result<Bytes> HexField(const json::Json& j, std::string_view key) {
  COCOON_ASSIGN_OR_RETURN(std::string text, json::String(j, key, kWhat));
  auto bytes = HexDecode(text);
  if (!bytes.ok() || bytes->empty()) {
    return Malformed(tag::kMalformedCollateral,
                     "collateral." + std::string(key) + " is not non-empty hex");
  }
  return std::move(*bytes);
}

}  // namespace

std::string Collateral::ToJson() const {
  json::Json j = {
      {"pck_crl_issuer_chain", pck_crl_issuer_chain},
      {"root_ca_crl", HexEncode(root_ca_crl)},
      {"pck_crl", HexEncode(pck_crl)},
      {"tcb_info_issuer_chain", tcb_info_issuer_chain},
      {"tcb_info", tcb_info},
      {"tcb_info_signature", HexEncode(tcb_info_signature)},
      {"qe_identity_issuer_chain", qe_identity_issuer_chain},
      {"qe_identity", qe_identity},
      {"qe_identity_signature", HexEncode(qe_identity_signature)},
  };
  return j.dump(2, ' ', false, json::Json::error_handler_t::replace);
}

Result<Collateral> ParseCollateralJson(std::string_view text) {
  COCOON_ASSIGN_OR_RETURN(json::Json j, json::ParseObject(text, kMaxCollateralSize, kWhat));
  Collateral c;
  COCOON_ASSIGN_OR_RETURN(c.pck_crl_issuer_chain, json::String(j, "pck_crl_issuer_chain", kWhat));
  COCOON_ASSIGN_OR_RETURN(c.root_ca_crl, HexField(j, "root_ca_crl"));
  COCOON_ASSIGN_OR_RETURN(c.pck_crl, HexField(j, "pck_crl"));
  COCOON_ASSIGN_OR_RETURN(c.tcb_info_issuer_chain, json::String(j, "tcb_info_issuer_chain", kWhat));
  COCOON_ASSIGN_OR_RETURN(c.tcb_info, json::String(j, "tcb_info", kWhat));
  COCOON_ASSIGN_OR_RETURN(c.tcb_info_signature, HexField(j, "tcb_info_signature"));
  COCOON_ASSIGN_OR_RETURN(c.qe_identity_issuer_chain,
                          json::String(j, "qe_identity_issuer_chain", kWhat));
  COCOON_ASSIGN_OR_RETURN(c.qe_identity, json::String(j, "qe_identity", kWhat));
  COCOON_ASSIGN_OR_RETURN(c.qe_identity_signature, HexField(j, "qe_identity_signature"));
  return c;
}

Result<Collateral> ReadCollateralFile(const std::filesystem::path& path) {
  auto text = ReadFile(path, kMaxCollateralSize);
  if (!text.ok()) return text.status().WithContext("collateral file " + path.string());
  auto c = ParseCollateralJson(*text);
  if (!c.ok()) return c.status().WithContext(path.string());
  return c;
}

}  // namespace cocoon::attest::dcap
