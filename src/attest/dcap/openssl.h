// Small OpenSSL 3 helpers for DCAP verification: owning pointers, PEM/DER
// parsing with limits, raw ECDSA P-256 signatures as DCAP encodes them, and
// ASN.1 time.
//
// Every function clears OpenSSL's error queue before returning, so one failed
// parse never leaks a stale error into the next caller.
//
// Thread-safety: free functions, safe from any thread.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "attest/dcap/quote.h"
#include "util/bytes.h"
#include "util/status.h"

typedef struct x509_st X509;
typedef struct X509_crl_st X509_CRL;
typedef struct evp_pkey_st EVP_PKEY;
typedef struct asn1_string_st ASN1_TIME;

namespace cocoon::attest::dcap {

struct X509Deleter {
  void operator()(X509* x) const;
};
struct CrlDeleter {
  void operator()(X509_CRL* x) const;
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* x) const;
};
using CertPtr = std::unique_ptr<X509, X509Deleter>;
using CrlPtr = std::unique_ptr<X509_CRL, CrlDeleter>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// Certificates of a PEM bundle, in order. Refuses empty input, text that is not
// PEM certificates, more than `max_certs` certificates, or more than 64 KiB.
Result<std::vector<CertPtr>> ParsePemChain(std::string_view pem, size_t max_certs = 8);

// A DER certificate / CRL. Refuses trailing bytes.
Result<CertPtr> ParseDerCertificate(ByteSpan der);
Result<CrlPtr> ParseDerCrl(ByteSpan der);

Bytes CertificateDer(X509* cert);

// An EC P-256 public key from its raw coordinates x||y (as in DCAP quotes).
Result<PkeyPtr> P256KeyFromRaw(const Array<64>& xy);

// True only if `signature` (r||s, 32 bytes each, as in DCAP quotes and
// collateral) is a valid ECDSA-SHA256 signature of `message` by `key`.
bool VerifyEcdsaP256(EVP_PKEY* key, ByteSpan message, ByteSpan signature);

// Seconds since the epoch, or an error for an unparsable time.
Result<int64_t> AsnTimeToUnix(const ASN1_TIME* t);

// "2025-06-19T10:16:03Z" (RFC 3339, UTC, optional fractional seconds) to
// seconds since the epoch.
Result<int64_t> ParseIsoTime(std::string_view text);
std::string FormatIsoTime(int64_t unix_seconds);

}  // namespace cocoon::attest::dcap
