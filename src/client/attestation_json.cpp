#include "client/attestation_json.h"

#include "util/bytes.h"

namespace cocoon::client {

std::string CertificatePem(ByteSpan der) {
  std::string b64 = Base64Encode(der);
  std::string pem = "-----BEGIN CERTIFICATE-----\n";
  for (size_t at = 0; at < b64.size(); at += 64) pem += b64.substr(at, 64) + "\n";
  pem += "-----END CERTIFICATE-----\n";
  return pem;
}

nlohmann::json PeerJson(const ratls::PeerIdentity& peer) {
  nlohmann::json out = {
      {"role", std::string(attest::RoleName(peer.role))},
      {"public_key", peer.key.Hex()},
      {"certificate_expires", peer.not_after},
      {"certificate_pem", CertificatePem(peer.certificate_der)},
  };
  if (peer.measurements) {
    const auto& m = *peer.measurements;
    nlohmann::json details = nlohmann::json::object();
    for (const auto& [k, v] : m.details) details[k] = v;
    out["evidence"] = {{"kind", std::string(attest::EvidenceKindName(m.kind))},
                       {"image_hash", HexEncode(m.image_hash)},
                       {"report_data", HexEncode(m.report_data)},
                       {"tcb_status", m.tcb_status},
                       {"advisories", m.advisories},
                       {"details", details}};
  }
  return out;
}

}  // namespace cocoon::client
