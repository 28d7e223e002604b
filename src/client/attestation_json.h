// How the client's /v1/attestation shows a verified peer: role, key,
// measurements (evidence kind, image hash, TCB status, platform details) and
// the RA-TLS certificate as PEM, which carries the claims and the raw
// evidence so the caller can verify it again offline.
#pragma once

#include <nlohmann/json.hpp>

#include "ratls/verify.h"

namespace cocoon::client {

nlohmann::json PeerJson(const ratls::PeerIdentity& peer);

// A DER certificate as PEM text.
std::string CertificatePem(ByteSpan der);

}  // namespace cocoon::client
