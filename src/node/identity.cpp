#include "node/identity.h"

#include "node/registry_source.h"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "attest/image.h"
#include "attest/pccs_collateral.h"
#include "attest/sim.h"
#include "attest/tdx_collateral.h"
#include "attest/tdx_provider.h"
#include "attest/tdx_verifier.h"
#include "node/config_values.h"
#include "node/registry.h"
#include "util/file.h"

namespace cocoon::node {
namespace {

// The tdx verifier's collateral: a file when tdx_collateral_file is set, else
// a PCCS when pccs_url is set, else none (nullptr).
using CollateralSourcePtr = std::shared_ptr<const attest::TdxCollateralSource>;

Result<CollateralSourcePtr> MakeCollateralSource(const AttestationSettings& a,
                                                 std::shared_ptr<const Clock> clock) {
  if (!a.tdx_collateral_file.empty()) {
    if (!a.pccs_url.empty())
      spdlog::warn("attestation.tdx_collateral_file is set: pccs_url unused");
    return CollateralSourcePtr(
        std::make_shared<attest::FileCollateralSource>(a.tdx_collateral_file));
  }
  if (a.pccs_url.empty()) return CollateralSourcePtr();
  attest::PccsOptions options;
  options.url = a.pccs_url;
  options.cache_dir = a.collateral_cache_dir;
  if (!a.pccs_api_key_file.empty()) {
    auto key = ReadFile(a.pccs_api_key_file, 4096);
    if (!key.ok()) return key.status().WithContext("attestation.pccs_api_key_file");
    const size_t end = key->find_last_not_of(" \t\r\n");
    options.api_key = end == std::string::npos ? "" : key->substr(0, end + 1);
    if (options.api_key.empty()) return InvalidArgument("attestation.pccs_api_key_file is empty");
  }
  if (a.collateral_cache_dir.empty()) {
    spdlog::warn(
        "attestation.collateral_cache_dir is not set: PCCS collateral is cached in memory "
        "only");
  }
  COCOON_ASSIGN_OR_RETURN(
      auto source, attest::PccsCollateralSource::Create(
                       std::move(options), attest::MakeCurlPccsFetcher({a.pccs_ca_file}), clock));
  return CollateralSourcePtr(std::move(source));
}

}  // namespace

Result<attest::ImageHash> MeasureSelf(const NodeSettings& settings) {
  std::string measured = "role = \"" + std::string(attest::RoleName(settings.role)) + "\"\n";
  measured += settings.measured_text;
  return attest::MeasureImage(attest::SelfExecutable(), measured);
}

Result<Identity> MakeIdentity(const NodeSettings& settings) {
  if (settings.key_file.empty()) return InvalidArgument("key_file is not set");
  Identity id{crypto::Ed25519PrivateKey::Generate(), nullptr, {}};
  if (std::filesystem::exists(settings.key_file)) {
    COCOON_ASSIGN_OR_RETURN(id.key, crypto::Ed25519PrivateKey::LoadFile(settings.key_file));
  } else {
    COCOON_RETURN_IF_ERROR(id.key.SaveFile(settings.key_file));
    spdlog::info("created node key {}", settings.key_file.string());
  }
  COCOON_ASSIGN_OR_RETURN(id.image_hash, MeasureSelf(settings));
  const auto& a = settings.attestation;
  if (a.provider == "sim") {
    if (a.platform_key_file.empty()) {
      return InvalidArgument("attestation.platform_key_file is required for the sim provider");
    }
    COCOON_ASSIGN_OR_RETURN(auto platform,
                            crypto::Ed25519PrivateKey::LoadFile(a.platform_key_file));
    spdlog::warn(
        "SIMULATED attestation: evidence is signed by a software platform key and proves "
        "nothing about hardware; never use it in production");
    id.provider = std::make_shared<attest::SimProvider>(std::move(platform), id.image_hash);
  } else if (a.provider == "tdx") {
    // Peers check the TD's measured image hash (MRTD, RTMR0-3), not MeasureSelf's.
    id.provider = std::make_shared<attest::TdxProvider>();
  } else if (settings.role != attest::Role::kClient) {
    return InvalidArgument("a " + std::string(attest::RoleName(settings.role)) +
                           " must attest: set attestation.provider");
  }
  return id;
}

Result<Trust> MakeTrust(const NodeSettings& settings, std::shared_ptr<const Clock> clock) {
  COCOON_ASSIGN_OR_RETURN(std::shared_ptr<const Registry> registry, OpenRegistry(settings));
  COCOON_ASSIGN_OR_RETURN(std::optional<RegistrySnapshot> snapshot, LoadSnapshot(registry));
  return MakeTrust(settings, std::move(clock), snapshot ? &*snapshot : nullptr);
}

Result<Trust> MakeTrust(const NodeSettings& settings, std::shared_ptr<const Clock> clock,
                        const RegistrySnapshot* registry) {
  auto verifiers = std::make_shared<attest::VerifierSet>();
  std::vector<crypto::Ed25519PublicKey> platform_keys;
  for (const auto& hex : settings.attestation.trusted_platform_keys) {
    auto bytes = HexDecode(hex);
    if (!bytes.ok()) return InvalidArgument("trusted_platform_keys: \"" + hex + "\" is not hex");
    COCOON_ASSIGN_OR_RETURN(auto key, crypto::Ed25519PublicKey::FromBytes(*bytes));
    platform_keys.push_back(key);
  }
  if (!platform_keys.empty() && !settings.attestation.require_tdx) {
    verifiers->Add(attest::EvidenceKind::kSim,
                   std::make_shared<attest::SimVerifier>(std::move(platform_keys)));
  }
  COCOON_ASSIGN_OR_RETURN(auto collateral, MakeCollateralSource(settings.attestation, clock));
  if (collateral) {
    verifiers->Add(attest::EvidenceKind::kTdx,
                   std::make_shared<attest::TdxVerifier>(std::move(collateral), clock));
  } else if (settings.attestation.require_tdx) {
    return InvalidArgument(
        "attestation.require_tdx needs TDX collateral: set attestation.pccs_url (with "
        "collateral_cache_dir) or attestation.tdx_collateral_file");
  }
  COCOON_ASSIGN_OR_RETURN(std::shared_ptr<attest::Policy> policy, MakePolicy(settings, registry));
  return Trust{verifiers, policy};
}

Result<std::shared_ptr<ratls::TlsContext>> MakeTlsContext(
    const NodeSettings& settings, const Identity& identity, const Trust& trust,
    std::shared_ptr<const Clock> clock, ratls::TlsSide side, std::set<attest::Role> peers) {
  ratls::IssueOptions options{settings.role, settings.certificate_validity_seconds, {}};
  COCOON_ASSIGN_OR_RETURN(
      auto cert, ratls::IssueCertificate(identity.key, identity.provider.get(), *clock, options));
  return ratls::TlsContext::Create(
      side, cert, identity.key, {trust.verifier, trust.policy, std::move(clock), std::move(peers)});
}

}  // namespace cocoon::node
