// PccsCollateralSource: collateral fetched from a PCCS (Intel's Provisioning
// Certification Caching Service) or Intel's PCS by URL, with an on-disk cache.
//
// For a quote it takes the platform's FMSPC and the CA that issued its PCK
// certificate (platform or processor) from the quote's PCK certificate, then
// fetches, with the PCS/PCCS v4 API:
//   GET {url}/{tdx|sgx}/certification/v4/tcb?fmspc=FMSPC
//       body {"tcbInfo":{...},"signature":"hex"}, issuer chain in header
//       TCB-Info-Issuer-Chain (or SGX-TCB-Info-Issuer-Chain)
//   GET {url}/{tdx|sgx}/certification/v4/qe/identity
//       body {"enclaveIdentity":{...},"signature":"hex"}, issuer chain in
//       header SGX-Enclave-Identity-Issuer-Chain
//   GET {url}/sgx/certification/v4/pckcrl?ca=platform|processor&encoding=pem
//       the CRL, issuer chain in header SGX-PCK-CRL-Issuer-Chain
//   GET the root CA CRL: {url}/sgx/certification/v4/rootcacrl for a PCCS;
//       Intel's CRL distribution point when `url` is Intel's PCS
// Issuer chains are URL-encoded PEM. CRL bodies may be PEM, DER or hex DER.
// The signed bodies (tcbInfo, enclaveIdentity) are kept byte for byte as
// served, since their signatures cover the exact text.
//
// Nothing here is trusted: dcap::VerifyQuote checks every signature, chain and
// date. The cache only decides what to hand to it.
//
// Cache: one file per (TEE, FMSPC, CA) in `cache_dir`, named
// "tdx-<fmspc>-<ca>.json", in collateral.h's JSON shape plus a "cocoon_cache"
// object ({"fetched_at": unix seconds}), written atomically. An entry is
// served without asking the PCCS for `refresh_seconds` after it was fetched;
// after that the PCCS is asked again, and if it cannot answer, the entry is
// still served (with a warning in the log) until the collateral's own earliest
// nextUpdate (TCB info, QE identity, either CRL) passes. Past that it is never
// served; the expiry is recomputed from the collateral each time, never read
// from metadata. A cache file that cannot be read or parsed is ignored with a
// warning. Time is the injected clock's.
//
// Thread-safety: Get may be called from any thread; calls are serialized (a
// fetch for one platform is not repeated by a concurrent caller).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>

#include "attest/pccs_fetcher.h"
#include "attest/tdx_collateral.h"
#include "util/clock.h"

namespace cocoon::attest {

struct PccsOptions {
  // The service root, e.g. "https://localhost:8081" or
  // "https://api.trustedservices.intel.com"; a trailing
  // "/sgx/certification/v4" or "/tdx/certification/v4" is accepted too.
  std::string url;
  // Sent as Ocp-Apim-Subscription-Key when not empty; never logged.
  std::string api_key;
  // Where the root CA CRL comes from; empty: derived from `url` (above).
  std::string root_ca_crl_url;
  // Empty: entries are kept in memory only.
  std::filesystem::path cache_dir;
  int64_t refresh_seconds = 24 * 3600;
  // After a failed refresh that fell back to the cache, how long to serve the
  // cached entry before asking the PCCS again (so an outage does not add a
  // timeout to every verification).
  int64_t retry_seconds = 300;
};

// Which collateral a quote needs: the cache key.
struct PlatformKey {
  bool tdx = true;
  std::string fmspc;  // 12 lower-case hex digits
  std::string ca;     // "platform" or "processor"

  std::string CacheFileName() const;  // "tdx-<fmspc>-<ca>.json"
  bool operator<(const PlatformKey& o) const {
    return std::tie(tdx, fmspc, ca) < std::tie(o.tdx, o.fmspc, o.ca);
  }
};

// Errors: the quote's PCK chain does not parse, has no SGX extension, or its
// leaf's issuer is neither PCK CA.
Result<PlatformKey> PlatformKeyOf(const dcap::Quote& quote);

// The earliest nextUpdate of the TCB info, the QE identity and both CRLs.
// Errors: dcap.malformed_collateral when any of them does not parse.
Result<int64_t> CollateralExpiry(const dcap::Collateral& collateral);

class PccsCollateralSource final : public TdxCollateralSource {
 public:
  // REQUIRES: options.url is an http:// or https:// URL (see Create).
  PccsCollateralSource(PccsOptions options, std::shared_ptr<const PccsFetcher> fetcher,
                       std::shared_ptr<const Clock> clock);
  PccsCollateralSource(const PccsCollateralSource&) = delete;
  PccsCollateralSource& operator=(const PccsCollateralSource&) = delete;

  // Checks the options (URL scheme, refresh interval) first.
  static Result<std::shared_ptr<PccsCollateralSource>> Create(
      PccsOptions options, std::shared_ptr<const PccsFetcher> fetcher,
      std::shared_ptr<const Clock> clock);

  // Errors: the quote names no platform (PlatformKeyOf); the PCCS cannot be
  // reached or answers with an error, an unexpected body or a missing issuer
  // chain header, and no unexpired cached entry exists. Each names the URL.
  Result<dcap::Collateral> Get(const dcap::Quote& quote) const override;

 private:
  struct Entry {
    dcap::Collateral collateral;
    int64_t fetched_at = 0;
    int64_t expires_at = 0;
    int64_t next_attempt = 0;  // after a failed refresh; memory only
  };

  Result<Entry> Fetch(const PlatformKey& key, int64_t now) const;
  std::optional<Entry> LoadCached(const PlatformKey& key, int64_t now) const;
  void Store(const PlatformKey& key, const Entry& entry) const;

  PccsOptions options_;
  std::string base_url_;
  std::shared_ptr<const PccsFetcher> fetcher_;
  std::shared_ptr<const Clock> clock_;
  mutable std::mutex mu_;
  mutable std::map<PlatformKey, Entry> memory_;  // GUARDED_BY(mu_)
};

}  // namespace cocoon::attest
