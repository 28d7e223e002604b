#include "ratls/certificate.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "crypto/random.h"

namespace cocoon::ratls {
namespace {

struct Asn1ObjectFree {
  void operator()(ASN1_OBJECT* o) const { ASN1_OBJECT_free(o); }
};
struct OctetFree {
  void operator()(ASN1_OCTET_STRING* o) const { ASN1_OCTET_STRING_free(o); }
};
struct ExtFree {
  void operator()(X509_EXTENSION* e) const { X509_EXTENSION_free(e); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};

Status AddCriticalExtension(X509* x, const char* oid, ByteSpan value) {
  std::unique_ptr<ASN1_OBJECT, Asn1ObjectFree> obj(OBJ_txt2obj(oid, 1));
  std::unique_ptr<ASN1_OCTET_STRING, OctetFree> os(ASN1_OCTET_STRING_new());
  if (!obj || !os ||
      ASN1_OCTET_STRING_set(os.get(), value.data(), static_cast<int>(value.size())) != 1) {
    return Internal("cannot encode certificate extension");
  }
  std::unique_ptr<X509_EXTENSION, ExtFree> ext(
      X509_EXTENSION_create_by_OBJ(nullptr, obj.get(), 1, os.get()));
  if (!ext || X509_add_ext(x, ext.get(), -1) != 1) {
    return Internal("cannot add certificate extension");
  }
  return Status::Ok();
}

Result<int64_t> ToUnix(const ASN1_TIME* t) {
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return InvalidArgument("certificate has a bad time");
  return static_cast<int64_t>(timegm(&tm));
}

std::string OidText(const ASN1_OBJECT* obj) {
  char buf[128];
  int n = OBJ_obj2txt(buf, sizeof(buf), obj, 1);
  return n > 0 ? std::string(buf, std::min<size_t>(static_cast<size_t>(n), sizeof(buf) - 1))
               : std::string("?");
}

}  // namespace

void X509Free::operator()(X509* x) const { X509_free(x); }

Result<Certificate> IssueCertificate(const crypto::Ed25519PrivateKey& key,
                                     const attest::EvidenceProvider* provider, const Clock& clock,
                                     const IssueOptions& options) {
  if (options.validity_seconds <= 0 || options.validity_seconds > kMaxValiditySeconds) {
    return InvalidArgument("certificate validity must be between 1 second and 24 hours");
  }
  const int64_t now = clock.NowUnix();
  Claims claims;
  claims.public_key = key.public_key();
  claims.role = options.role;
  claims.not_after = now + options.validity_seconds;
  claims.extra = options.extra_claims;
  Bytes claims_bytes = claims.Serialize();

  attest::Evidence evidence;
  if (provider != nullptr) {
    COCOON_ASSIGN_OR_RETURN(evidence, provider->Produce(ReportDataFor(claims_bytes)));
  }

  CertificateParts parts;
  parts.role = options.role;
  parts.claims = std::move(claims_bytes);
  parts.evidence = evidence.Serialize();
  parts.not_before = now - kBackdateSeconds;
  parts.not_after = claims.not_after;
  return BuildCertificate(key, parts);
}

Result<Certificate> BuildCertificate(const crypto::Ed25519PrivateKey& key,
                                     const CertificateParts& parts) {
  X509Ptr x(X509_new());
  if (!x) return Internal("cannot allocate a certificate");
  X509_set_version(x.get(), 2);
  Bytes serial = crypto::RandomBytes(16);
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x.get()));
  BN_free(bn);

  X509_NAME* name = X509_get_subject_name(x.get());
  std::string cn = "cocoon-" + std::string(attest::RoleName(parts.role));
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(x.get(), name);
  ASN1_TIME_set(X509_getm_notBefore(x.get()), static_cast<time_t>(parts.not_before));
  ASN1_TIME_set(X509_getm_notAfter(x.get()), static_cast<time_t>(parts.not_after));
  if (X509_set_pubkey(x.get(), key.evp()) != 1) return Internal("cannot set certificate key");
  COCOON_RETURN_IF_ERROR(AddCriticalExtension(x.get(), kClaimsOid, parts.claims));
  if (parts.evidence) {
    COCOON_RETURN_IF_ERROR(AddCriticalExtension(x.get(), kEvidenceOid, *parts.evidence));
  }
  for (const auto& [oid, value] : parts.extra_critical_extensions) {
    COCOON_RETURN_IF_ERROR(AddCriticalExtension(x.get(), oid.c_str(), value));
  }
  if (X509_sign(x.get(), key.evp(), nullptr) <= 0) return Internal("cannot sign certificate");

  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), x.get());
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  Certificate out;
  out.pem.assign(data, static_cast<size_t>(len));
  out.x509 = std::move(x);
  return out;
}

Result<CertificateContents> ParseCertificate(X509* cert) {
  if (!cert) return InvalidArgument("ratls.no_certificate: peer presented no certificate");
  CertificateContents out;
  auto key = crypto::Ed25519PublicKeyOf(X509_get0_pubkey(cert));
  if (!key.ok()) {
    return Unauthenticated("ratls.not_ed25519: certificate key is not Ed25519");
  }
  out.key = *key;
  COCOON_ASSIGN_OR_RETURN(out.not_before, ToUnix(X509_get0_notBefore(cert)));
  COCOON_ASSIGN_OR_RETURN(out.not_after, ToUnix(X509_get0_notAfter(cert)));

  bool have_claims = false;
  for (int i = 0; i < X509_get_ext_count(cert); ++i) {
    X509_EXTENSION* ext = X509_get_ext(cert, i);
    std::string oid = OidText(X509_EXTENSION_get_object(ext));
    const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(ext);
    ByteSpan value(ASN1_STRING_get0_data(data), static_cast<size_t>(ASN1_STRING_length(data)));
    if (oid == kClaimsOid) {
      if (have_claims) return Unauthenticated("ratls.duplicate_extension: two claims extensions");
      have_claims = true;
      out.claims_bytes.assign(value.begin(), value.end());
      auto claims = Claims::Parse(value);
      if (!claims.ok()) {
        return Unauthenticated("ratls.bad_claims: " + claims.status().message());
      }
      out.claims = *claims;
    } else if (oid == kEvidenceOid) {
      if (out.evidence)
        return Unauthenticated("ratls.duplicate_extension: two evidence extensions");
      auto evidence = attest::Evidence::Parse(value);
      if (!evidence.ok()) {
        return Unauthenticated("ratls.bad_evidence: " + evidence.status().message());
      }
      out.evidence = std::move(*evidence);
    } else if (X509_EXTENSION_get_critical(ext)) {
      out.unknown_critical_extensions.push_back(oid);
    }
  }
  if (!have_claims) {
    return Unauthenticated(
        "ratls.no_claims: not an RA-TLS certificate (it has no Cocoon claims extension)");
  }
  if (!out.evidence) {
    return Unauthenticated("ratls.no_evidence: RA-TLS certificate has no evidence extension");
  }
  return out;
}

Result<X509Ptr> CertificateFromPem(std::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr x(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!x) return InvalidArgument("not a PEM certificate");
  return x;
}

Result<X509Ptr> CertificateFromDer(ByteSpan der) {
  const unsigned char* p = der.data();
  X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!x) return InvalidArgument("not a DER certificate");
  return x;
}

Bytes CertificateToDer(X509* cert) {
  unsigned char* buf = nullptr;
  int len = i2d_X509(cert, &buf);
  if (len <= 0) return {};
  Bytes out(buf, buf + len);
  OPENSSL_free(buf);
  return out;
}

}  // namespace cocoon::ratls
