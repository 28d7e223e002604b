// Test helpers: a throwaway P-256 PKI (root, intermediate, leaf, CRLs) built
// with OpenSSL, to exercise what Intel's real collateral cannot show (e.g. a
// revoked PCK certificate, which needs a CRL signed by the issuing CA).
#pragma once

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "attest/dcap/openssl.h"

namespace cocoon::attest::testpki {

inline dcap::PkeyPtr NewKey() {
  EVP_PKEY* k = EVP_EC_gen("P-256");
  if (!k) throw std::runtime_error("EVP_EC_gen failed");
  return dcap::PkeyPtr(k);
}

inline void AddExt(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) throw std::runtime_error("bad extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A certificate for `key` named `cn`, issued by (issuer, issuer_key), or
// self-signed where issuer is nullptr.
inline dcap::CertPtr NewCert(const std::string& cn, EVP_PKEY* key, X509* issuer,
                             EVP_PKEY* issuer_key, bool ca, long serial, int64_t not_before,
                             int64_t not_after) {
  dcap::CertPtr cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(not_before));
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(not_after));
  X509_set_pubkey(cert.get(), key);
  X509* iss = issuer ? issuer : cert.get();
  AddExt(cert.get(), iss, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  AddExt(cert.get(), iss, NID_key_usage,
         ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
  X509_sign(cert.get(), issuer ? issuer_key : key, EVP_sha256());
  return cert;
}

inline dcap::CrlPtr NewCrl(X509* issuer, EVP_PKEY* issuer_key, const std::vector<long>& revoked,
                           int64_t this_update, int64_t next_update) {
  dcap::CrlPtr crl(X509_CRL_new());
  X509_CRL_set_version(crl.get(), 1);
  X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer));
  ASN1_TIME* t = ASN1_TIME_new();
  ASN1_TIME_set(t, static_cast<time_t>(this_update));
  X509_CRL_set1_lastUpdate(crl.get(), t);
  ASN1_TIME_set(t, static_cast<time_t>(next_update));
  X509_CRL_set1_nextUpdate(crl.get(), t);
  for (long serial : revoked) {
    X509_REVOKED* r = X509_REVOKED_new();
    ASN1_INTEGER* s = ASN1_INTEGER_new();
    ASN1_INTEGER_set(s, serial);
    X509_REVOKED_set_serialNumber(r, s);
    ASN1_TIME_set(t, static_cast<time_t>(this_update));
    X509_REVOKED_set_revocationDate(r, t);
    X509_CRL_add0_revoked(crl.get(), r);
    ASN1_INTEGER_free(s);
  }
  ASN1_TIME_free(t);
  X509_CRL_sort(crl.get());
  X509_CRL_sign(crl.get(), issuer_key, EVP_sha256());
  return crl;
}

}  // namespace cocoon::attest::testpki
