#include "attest/sim.h"

#include <algorithm>

#include "attest/evidence.pb.h"

namespace cocoon::attest {
namespace {

constexpr std::string_view kSignatureContext{"cocoon-sim-quote-v1\0", 20};
constexpr uint32_t kSimQuoteVersion = 1;

Bytes SignedMessage(std::string_view body) {
  std::string m(kSignatureContext);
  m += body;
  return ToBytes(m);
}

}  // namespace

SimProvider::SimProvider(crypto::Ed25519PrivateKey platform_key, ImageHash image_hash)
    : platform_key_(std::move(platform_key)), image_hash_(image_hash) {}

Result<Evidence> SimProvider::Produce(const ReportData& report_data) const {
  pb::SimQuoteBody body;
  body.set_version(kSimQuoteVersion);
  body.set_image_hash(image_hash_.data(), image_hash_.size());
  body.set_report_data(report_data.data(), report_data.size());
  const auto& pk = platform_key_.public_key().bytes();
  body.set_platform_key(pk.data(), pk.size());
  pb::SimQuote quote;
  quote.set_body(body.SerializeAsString());
  auto sig = platform_key_.Sign(SignedMessage(quote.body()));
  quote.set_signature(sig.data(), sig.size());
  return Evidence{EvidenceKind::kSim, ToBytes(quote.SerializeAsString())};
}

SimVerifier::SimVerifier(std::vector<crypto::Ed25519PublicKey> trusted_platform_keys)
    : trusted_(std::move(trusted_platform_keys)) {}

Result<Measurements> SimVerifier::Verify(const Evidence& evidence) const {
  if (evidence.kind != EvidenceKind::kSim) {
    return InvalidArgument(std::string("expected sim evidence, got ") +
                           std::string(EvidenceKindName(evidence.kind)));
  }
  pb::SimQuote quote;
  pb::SimQuoteBody body;
  if (!quote.ParseFromArray(evidence.quote.data(), static_cast<int>(evidence.quote.size())) ||
      !body.ParseFromString(quote.body())) {
    return InvalidArgument("sim quote is malformed");
  }
  if (body.version() != kSimQuoteVersion) {
    return InvalidArgument("sim quote has unsupported version " + std::to_string(body.version()));
  }
  if (body.image_hash().size() != 32 || body.report_data().size() != 64) {
    return InvalidArgument("sim quote has fields of the wrong size");
  }
  auto key = crypto::Ed25519PublicKey::FromBytes(AsBytes(body.platform_key()));
  if (!key.ok()) return key.status().WithContext("sim quote platform key");
  if (std::find(trusted_.begin(), trusted_.end(), *key) == trusted_.end()) {
    return Unauthenticated("sim platform key " + key->Hex() +
                           " is not trusted (add it to trusted_platform_keys to accept it)");
  }
  if (!key->Verify(SignedMessage(quote.body()), AsBytes(quote.signature()))) {
    return Unauthenticated("sim quote signature does not verify");
  }
  Measurements m;
  m.kind = EvidenceKind::kSim;
  std::copy_n(body.image_hash().begin(), 32, m.image_hash.begin());
  std::copy_n(body.report_data().begin(), 64, m.report_data.begin());
  m.tcb_status = "Simulated";
  m.details["platform_key"] = key->Hex();
  return m;
}

Result<Measurements> InspectSimQuote(const Evidence& evidence) {
  pb::SimQuote quote;
  pb::SimQuoteBody body;
  if (evidence.kind != EvidenceKind::kSim ||
      !quote.ParseFromArray(evidence.quote.data(), static_cast<int>(evidence.quote.size())) ||
      !body.ParseFromString(quote.body())) {
    return InvalidArgument("not a sim quote");
  }
  auto key = crypto::Ed25519PublicKey::FromBytes(AsBytes(body.platform_key()));
  if (!key.ok()) return key.status().WithContext("sim quote platform key");
  return SimVerifier({*key}).Verify(evidence);
}

}  // namespace cocoon::attest
