#include "attest/pccs_collateral.h"

#include <openssl/bio.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "attest/dcap/errors.h"
#include "attest/dcap/json.h"
#include "attest/dcap/openssl.h"
#include "attest/dcap/pck_extension.h"
#include "attest/dcap/tcb_info.h"
#include "util/file.h"

namespace cocoon::attest {
namespace {

constexpr std::string_view kIntelPcsHost = "api.trustedservices.intel.com";
constexpr std::string_view kIntelRootCrlUrl =
    "https://certificates.trustedservices.intel.com/IntelSGXRootCA.der";

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// "https://host:8081/sgx/certification/v4/" -> "https://host:8081".
std::string NormalizeBase(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  for (std::string_view suffix : {"/sgx/certification/v4", "/tdx/certification/v4"}) {
    if (url.size() >= suffix.size() &&
        url.compare(url.size() - suffix.size(), suffix.size(), suffix.data(), suffix.size()) == 0) {
      url.resize(url.size() - suffix.size());
      break;
    }
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::string Describe(const PlatformKey& key) {
  return std::string(key.tdx ? "TDX" : "SGX") + " FMSPC " + key.fmspc + " (" + key.ca + " CA)";
}

// A short, printable excerpt of an error body for messages.
std::string Excerpt(std::string_view body) {
  std::string out;
  for (char ch : body.substr(0, 160)) {
    out += (ch >= 0x20 && ch < 0x7f) ? ch : ' ';
  }
  if (body.size() > 160) out += "...";
  return out;
}

Result<std::string> PercentDecode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size() || !std::isxdigit(static_cast<unsigned char>(in[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
      return InvalidArgument("bad percent-encoding at offset " + std::to_string(i));
    }
    out += static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16));
    i += 2;
  }
  return out;
}

// --- Finding the exact text of a top-level member of a (valid) JSON object.

bool IsWs(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t SkipWs(std::string_view t, size_t i) {
  while (i < t.size() && IsWs(t[i])) ++i;
  return i;
}

// REQUIRES: t[i] == '"'. Returns the index after the closing quote, or npos.
size_t SkipString(std::string_view t, size_t i) {
  for (++i; i < t.size(); ++i) {
    if (t[i] == '\\') {
      ++i;
    } else if (t[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

size_t SkipValue(std::string_view t, size_t i) {
  if (i >= t.size()) return std::string_view::npos;
  if (t[i] == '"') return SkipString(t, i);
  if (t[i] == '{' || t[i] == '[') {
    int depth = 0;
    while (i < t.size()) {
      const char c = t[i];
      if (c == '"') {
        i = SkipString(t, i);
        if (i == std::string_view::npos) return i;
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if ((c == '}' || c == ']') && --depth == 0) return i + 1;
      ++i;
    }
    return std::string_view::npos;
  }
  while (i < t.size() && t[i] != ',' && t[i] != '}' && t[i] != ']' && !IsWs(t[i])) ++i;
  return i;
}

// The text of member `key` of the object `t`, exactly as it appears.
// REQUIRES: `t` is a valid JSON object (checked by json::ParseObject).
std::optional<std::string_view> RawMember(std::string_view t, std::string_view key) {
  size_t i = SkipWs(t, 0);
  if (i >= t.size() || t[i] != '{') return std::nullopt;
  i = SkipWs(t, i + 1);
  while (i < t.size() && t[i] == '"') {
    const size_t key_end = SkipString(t, i);
    if (key_end == std::string_view::npos) return std::nullopt;
    const std::string_view name = t.substr(i + 1, key_end - i - 2);
    i = SkipWs(t, key_end);
    if (i >= t.size() || t[i] != ':') return std::nullopt;
    const size_t start = SkipWs(t, i + 1);
    const size_t end = SkipValue(t, start);
    if (end == std::string_view::npos) return std::nullopt;
    if (name == key) return t.substr(start, end - start);
    i = SkipWs(t, end);
    if (i >= t.size() || t[i] != ',') return std::nullopt;
    i = SkipWs(t, i + 1);
  }
  return std::nullopt;
}

// A CRL body as PCCS/PCS serve it (PEM, DER, or hex DER), as DER.
Result<Bytes> CrlDer(std::string_view body) {
  Bytes der;
  if (body.find("-----BEGIN X509 CRL-----") != std::string_view::npos) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(body.data(), static_cast<int>(body.size())), &BIO_free);
    X509_CRL* crl = bio ? PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr) : nullptr;
    if (crl == nullptr) return InvalidArgument("the body is not a PEM CRL");
    dcap::CrlPtr owned(crl);
    unsigned char* out = nullptr;
    const int n = i2d_X509_CRL(crl, &out);
    if (n <= 0) return InvalidArgument("the body is not a PEM CRL");
    der.assign(out, out + n);
    OPENSSL_free(out);
  } else if (!body.empty() && static_cast<uint8_t>(body[0]) == 0x30) {
    der = ToBytes(body);
  } else {
    std::string hex;
    for (char c : body) {
      if (!IsWs(c)) hex += c;
    }
    auto bytes = HexDecode(hex);
    if (!bytes.ok() || bytes->empty()) {
      return InvalidArgument("the body is neither a PEM, DER nor hex CRL");
    }
    der = std::move(*bytes);
  }
  if (!dcap::ParseDerCrl(der).ok()) return InvalidArgument("the body is not a valid CRL");
  return der;
}

// The expiry of `c`, after checking it is for `key`'s platform and TEE.
Result<int64_t> CheckedExpiry(const dcap::Collateral& c, const PlatformKey& key) {
  COCOON_ASSIGN_OR_RETURN(int64_t expiry, CollateralExpiry(c));
  COCOON_ASSIGN_OR_RETURN(dcap::TcbInfo tcb, dcap::ParseTcbInfo(c.tcb_info));
  if (HexEncode(tcb.fmspc) != key.fmspc || tcb.id != (key.tdx ? "TDX" : "SGX")) {
    return InvalidArgument("the TCB info is for " + tcb.id + " FMSPC " + HexEncode(tcb.fmspc) +
                           ", not for " + Describe(key));
  }
  return expiry;
}

}  // namespace

std::string PlatformKey::CacheFileName() const {
  return std::string(tdx ? "tdx" : "sgx") + "-" + fmspc + "-" + ca + ".json";
}

Result<PlatformKey> PlatformKeyOf(const dcap::Quote& quote) {
  auto chain = dcap::ParsePemChain(quote.pck_chain_pem, 4);
  if (!chain.ok()) {
    return chain.status().WithContext("the quote's PCK certificate chain");
  }
  X509* leaf = (*chain)[0].get();
  COCOON_ASSIGN_OR_RETURN(dcap::PckInfo pck, dcap::ParsePckExtension(leaf));
  char cn[256] = {0};
  const int n = X509_NAME_get_text_by_NID(X509_get_issuer_name(leaf), NID_commonName, cn,
                                          static_cast<int>(sizeof(cn)));
  const std::string issuer = n > 0 ? std::string(cn, static_cast<size_t>(n)) : "";
  PlatformKey key;
  key.tdx = quote.is_tdx();
  key.fmspc = HexEncode(pck.fmspc);
  if (issuer == "Intel SGX PCK Platform CA") {
    key.ca = "platform";
  } else if (issuer == "Intel SGX PCK Processor CA") {
    key.ca = "processor";
  } else {
    return dcap::Malformed(dcap::tag::kMalformedQuote,
                           "the PCK certificate's issuer \"" + issuer +
                               "\" is neither the Intel SGX PCK Platform CA nor the Processor CA");
  }
  return key;
}

Result<int64_t> CollateralExpiry(const dcap::Collateral& c) {
  COCOON_ASSIGN_OR_RETURN(dcap::TcbInfo tcb, dcap::ParseTcbInfo(c.tcb_info));
  COCOON_ASSIGN_OR_RETURN(dcap::QeIdentity qe, dcap::ParseQeIdentity(c.qe_identity));
  int64_t expiry = std::min(tcb.next_update, qe.next_update);
  for (const Bytes* der : {&c.root_ca_crl, &c.pck_crl}) {
    auto crl = dcap::ParseDerCrl(*der);
    if (!crl.ok()) {
      return dcap::Malformed(dcap::tag::kMalformedCollateral, "a CRL is not a DER CRL");
    }
    const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl->get());
    auto t = next ? dcap::AsnTimeToUnix(next) : Result<int64_t>(InvalidArgument("none"));
    if (!t.ok()) {
      return dcap::Malformed(dcap::tag::kMalformedCollateral, "a CRL has no valid nextUpdate");
    }
    expiry = std::min(expiry, *t);
  }
  return expiry;
}

PccsCollateralSource::PccsCollateralSource(PccsOptions options,
                                           std::shared_ptr<const PccsFetcher> fetcher,
                                           std::shared_ptr<const Clock> clock)
    : options_(std::move(options)),
      base_url_(NormalizeBase(options_.url)),
      fetcher_(std::move(fetcher)),
      clock_(std::move(clock)) {
  if (options_.root_ca_crl_url.empty()) {
    options_.root_ca_crl_url = base_url_.find(kIntelPcsHost) != std::string::npos
                                   ? std::string(kIntelRootCrlUrl)
                                   : base_url_ + "/sgx/certification/v4/rootcacrl";
  }
}

Result<std::shared_ptr<PccsCollateralSource>> PccsCollateralSource::Create(
    PccsOptions options, std::shared_ptr<const PccsFetcher> fetcher,
    std::shared_ptr<const Clock> clock) {
  const std::string url = Lower(options.url);
  const bool https = url.rfind("https://", 0) == 0;
  if (!https && url.rfind("http://", 0) != 0) {
    return InvalidArgument("PCCS URL \"" + RedactUrl(options.url) +
                           "\" must start with https:// (or http://)");
  }
  if (options.refresh_seconds <= 0 || options.retry_seconds <= 0) {
    return InvalidArgument("PCCS refresh and retry intervals must be positive");
  }
  if (!https) {
    spdlog::warn(
        "PCCS URL {} is plain http: collateral is still verified against Intel's signatures, "
        "but anyone on the path sees which platforms this node checks",
        RedactUrl(options.url));
  }
  return std::make_shared<PccsCollateralSource>(std::move(options), std::move(fetcher),
                                                std::move(clock));
}

Result<PccsCollateralSource::Entry> PccsCollateralSource::Fetch(const PlatformKey& key,
                                                                int64_t now) const {
  PccsHeaders headers;
  if (!options_.api_key.empty())
    headers.emplace_back("Ocp-Apim-Subscription-Key", options_.api_key);

  // One GET; any answer but 200 with a body is an error naming the URL.
  auto get = [&](const std::string& url) -> Result<PccsResponse> {
    auto r = fetcher_->Get(url, headers);
    if (!r.ok()) return Status(r.status().code(), "PCCS " + r.status().message());
    if (r->status != 200) {
      std::string m = "PCCS GET " + RedactUrl(url) + ": HTTP " + std::to_string(r->status);
      for (const char* h : {"error-code", "error-message"}) {
        auto it = r->headers.find(h);
        if (it != r->headers.end()) m += std::string(", ") + h + ": " + Excerpt(it->second);
      }
      if (!r->body.empty()) m += ", body: " + Excerpt(r->body);
      return Status(r->status == 404 ? ErrorCode::kNotFound : ErrorCode::kUnavailable, m);
    }
    return r;
  };
  auto bad = [](const std::string& url, const std::string& why) {
    return ProtocolError("PCCS GET " + RedactUrl(url) + ": " + why);
  };
  // The issuer chain from the first of `names` present, decoded and checked.
  auto chain = [&](const std::string& url, const PccsResponse& r,
                   std::initializer_list<std::string_view> names) -> Result<std::string> {
    for (std::string_view name : names) {
      auto it = r.headers.find(Lower(std::string(name)));
      if (it == r.headers.end()) continue;
      auto pem = PercentDecode(it->second);
      if (!pem.ok()) return bad(url, "header " + std::string(name) + ": " + pem.status().message());
      auto certs = dcap::ParsePemChain(*pem, 4);
      if (!certs.ok()) {
        return bad(url, "header " + std::string(name) +
                            " is not a PEM certificate chain: " + certs.status().message());
      }
      return std::move(*pem);
    }
    return bad(url, "the response has no " + std::string(*names.begin()) + " header");
  };
  // A signed body {"<member>": {...}, "signature": "hex"}.
  auto signed_body = [&](const std::string& url, const PccsResponse& r, std::string_view member,
                         std::string& text, Bytes& signature) -> Status {
    auto j = dcap::json::ParseObject(r.body, dcap::kMaxCollateralSize, member);
    if (!j.ok()) return bad(url, j.status().message());
    auto raw = RawMember(r.body, member);
    if (!raw || raw->empty() || raw->front() != '{') {
      return bad(url, "the body has no \"" + std::string(member) + "\" object");
    }
    auto sig = dcap::json::String(*j, "signature", member);
    auto sig_bytes = sig.ok() ? HexDecode(*sig) : Result<Bytes>(sig.status());
    if (!sig_bytes.ok() || sig_bytes->empty()) {
      return bad(url, "the body has no hex \"signature\"");
    }
    text = std::string(*raw);
    signature = std::move(*sig_bytes);
    return Status::Ok();
  };

  dcap::Collateral c;
  const std::string tee = key.tdx ? "tdx" : "sgx";
  const std::string tcb_url =
      base_url_ + "/" + tee + "/certification/v4/tcb?fmspc=" + Upper(key.fmspc);
  COCOON_ASSIGN_OR_RETURN(PccsResponse tcb, get(tcb_url));
  COCOON_RETURN_IF_ERROR(signed_body(tcb_url, tcb, "tcbInfo", c.tcb_info, c.tcb_info_signature));
  COCOON_ASSIGN_OR_RETURN(
      c.tcb_info_issuer_chain,
      chain(tcb_url, tcb, {"TCB-Info-Issuer-Chain", "SGX-TCB-Info-Issuer-Chain"}));

  const std::string qe_url = base_url_ + "/" + tee + "/certification/v4/qe/identity";
  COCOON_ASSIGN_OR_RETURN(PccsResponse qe, get(qe_url));
  COCOON_RETURN_IF_ERROR(
      signed_body(qe_url, qe, "enclaveIdentity", c.qe_identity, c.qe_identity_signature));
  COCOON_ASSIGN_OR_RETURN(
      c.qe_identity_issuer_chain,
      chain(qe_url, qe, {"SGX-Enclave-Identity-Issuer-Chain", "Enclave-Identity-Issuer-Chain"}));

  const std::string crl_url =
      base_url_ + "/sgx/certification/v4/pckcrl?ca=" + key.ca + "&encoding=pem";
  COCOON_ASSIGN_OR_RETURN(PccsResponse crl, get(crl_url));
  auto pck_crl = CrlDer(crl.body);
  if (!pck_crl.ok()) return bad(crl_url, pck_crl.status().message());
  c.pck_crl = std::move(*pck_crl);
  COCOON_ASSIGN_OR_RETURN(c.pck_crl_issuer_chain,
                          chain(crl_url, crl, {"SGX-PCK-CRL-Issuer-Chain"}));

  COCOON_ASSIGN_OR_RETURN(PccsResponse root, get(options_.root_ca_crl_url));
  auto root_crl = CrlDer(root.body);
  if (!root_crl.ok()) return bad(options_.root_ca_crl_url, root_crl.status().message());
  c.root_ca_crl = std::move(*root_crl);

  auto expiry = CheckedExpiry(c, key);
  if (!expiry.ok()) {
    return ProtocolError("PCCS " + RedactUrl(base_url_) + " served unusable collateral for " +
                         Describe(key) + ": " + expiry.status().message());
  }
  return Entry{std::move(c), now, *expiry, 0};
}

std::optional<PccsCollateralSource::Entry> PccsCollateralSource::LoadCached(const PlatformKey& key,
                                                                            int64_t now) const {
  (void)now;
  if (options_.cache_dir.empty()) return std::nullopt;
  const auto path = options_.cache_dir / key.CacheFileName();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  auto ignore = [&](const std::string& why) -> std::optional<Entry> {
    spdlog::warn("ignoring collateral cache file {}: {}", path.string(), why);
    return std::nullopt;
  };
  auto text = ReadFile(path, 2 * dcap::kMaxCollateralSize);
  if (!text.ok()) return ignore(text.status().message());
  auto collateral = dcap::ParseCollateralJson(*text);
  if (!collateral.ok()) return ignore(collateral.status().message());
  auto j = dcap::json::ParseObject(*text, 2 * dcap::kMaxCollateralSize, "collateral cache");
  if (!j.ok()) return ignore(j.status().message());
  auto meta = j->find("cocoon_cache");
  if (meta == j->end() || !meta->is_object()) return ignore("no cocoon_cache object");
  auto fetched_at = dcap::json::Integer(*meta, "fetched_at", 0, INT64_MAX / 2, "cocoon_cache");
  if (!fetched_at.ok()) return ignore(fetched_at.status().message());
  auto expiry = CheckedExpiry(*collateral, key);
  if (!expiry.ok()) return ignore(expiry.status().message());
  return Entry{std::move(*collateral), *fetched_at, *expiry, 0};
}

void PccsCollateralSource::Store(const PlatformKey& key, const Entry& entry) const {
  if (options_.cache_dir.empty()) return;
  const auto path = options_.cache_dir / key.CacheFileName();
  std::error_code ec;
  std::filesystem::create_directories(options_.cache_dir, ec);
  if (ec) {
    spdlog::warn("cannot create collateral cache folder {}: {}", options_.cache_dir.string(),
                 ec.message());
    return;
  }
  auto j = dcap::json::Json::parse(entry.collateral.ToJson());
  j["cocoon_cache"] = {{"fetched_at", entry.fetched_at}, {"source", RedactUrl(base_url_)}};
  Status s = WriteFileAtomic(path, j.dump(2));
  if (!s.ok()) spdlog::warn("cannot write collateral cache {}: {}", path.string(), s.message());
}

Result<dcap::Collateral> PccsCollateralSource::Get(const dcap::Quote& quote) const {
  COCOON_ASSIGN_OR_RETURN(PlatformKey key, PlatformKeyOf(quote));
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t now = clock_->NowUnix();
  std::optional<Entry> cached;
  if (auto it = memory_.find(key); it != memory_.end()) {
    cached = it->second;
  } else {
    cached = LoadCached(key, now);
  }
  std::optional<int64_t> expired_at;
  if (cached && cached->expires_at <= now) {
    spdlog::info("cached collateral for {} expired at {}; asking the PCCS", Describe(key),
                 dcap::FormatIsoTime(cached->expires_at));
    expired_at = cached->expires_at;
    cached.reset();
    memory_.erase(key);
  }
  if (cached) {
    const bool fresh =
        now >= cached->fetched_at && now - cached->fetched_at < options_.refresh_seconds;
    if (fresh || now < cached->next_attempt) {
      memory_[key] = *cached;
      return cached->collateral;
    }
  }

  auto fetched = Fetch(key, now);
  if (fetched.ok() && fetched->expires_at > now) {
    memory_[key] = *fetched;
    Store(key, *fetched);
    return std::move(fetched->collateral);
  }
  if (cached) {
    spdlog::warn("{}; using the cached collateral for {} fetched at {}, valid until {}",
                 fetched.ok() ? "PCCS served collateral that expired at " +
                                    dcap::FormatIsoTime(fetched->expires_at)
                              : fetched.status().message(),
                 Describe(key), dcap::FormatIsoTime(cached->fetched_at),
                 dcap::FormatIsoTime(cached->expires_at));
    cached->next_attempt = now + options_.retry_seconds;
    memory_[key] = *cached;
    return cached->collateral;
  }
  if (fetched.ok()) {
    // Not cached; verification refuses it with dcap.collateral_expired.
    spdlog::warn("PCCS {} served collateral for {} that expired at {}", RedactUrl(base_url_),
                 Describe(key), dcap::FormatIsoTime(fetched->expires_at));
    return std::move(fetched->collateral);
  }
  if (expired_at) {
    return Status(fetched.status().code(),
                  fetched.status().message() + " (the cached collateral for " + Describe(key) +
                      " expired at " + dcap::FormatIsoTime(*expired_at) + ")");
  }
  return fetched.status();
}

}  // namespace cocoon::attest
