#include "attest/dcap/cert_chain.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "attest/dcap/errors.h"

namespace cocoon::attest::dcap {
namespace {

std::string SubjectOf(X509* cert) {
  char buf[256];
  X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof(buf));
  return buf;
}

std::string Where(std::string_view what, X509* cert) {
  return std::string(what) + " certificate \"" + SubjectOf(cert) + "\"";
}

Status MapVerifyError(int err, X509* cert, std::string_view what) {
  const std::string where = cert ? Where(what, cert) : std::string(what);
  const std::string reason = X509_verify_cert_error_string(err);
  switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return Refused(tag::kCertificateExpired, where + " has expired");
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return Refused(tag::kCertificateNotYetValid, where + " is not valid yet");
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return Refused(tag::kUntrustedRoot, where + " does not chain to the pinned root: " + reason);
    default:
      return Refused(tag::kChainInvalid, where + ": " + reason);
  }
}

}  // namespace

Status VerifyCrl(X509_CRL* crl, X509* issuer, int64_t at, std::string_view what) {
  if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)) != 0) {
    return Refused(tag::kCrlSignature,
                   std::string(what) + " is not issued by \"" + SubjectOf(issuer) + "\"");
  }
  EVP_PKEY* key = X509_get0_pubkey(issuer);
  const int ok = key ? X509_CRL_verify(crl, key) : 0;
  ERR_clear_error();
  if (ok != 1) {
    return Refused(tag::kCrlSignature, std::string(what) + " signature does not verify");
  }
  auto this_update = AsnTimeToUnix(X509_CRL_get0_lastUpdate(crl));
  const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl);
  if (!this_update.ok() || next == nullptr) {
    return Malformed(tag::kMalformedCollateral,
                     std::string(what) + " lacks a valid thisUpdate/nextUpdate");
  }
  COCOON_ASSIGN_OR_RETURN(int64_t next_update, AsnTimeToUnix(next));
  if (at < *this_update) {
    return Refused(tag::kCollateralNotYetValid,
                   std::string(what) + " is issued at " + FormatIsoTime(*this_update) +
                       ", after the verification time " + FormatIsoTime(at));
  }
  if (at >= next_update) {
    return Refused(tag::kCollateralExpired, std::string(what) + " expired at " +
                                                FormatIsoTime(next_update) +
                                                " (verification time " + FormatIsoTime(at) + ")");
  }
  return Status::Ok();
}

Status VerifyChain(const std::vector<CertPtr>& chain, X509* root,
                   const std::vector<X509_CRL*>& crls, int64_t at, std::string_view what,
                   bool leaf_is_pck) {
  if (chain.size() < 2 || chain.size() > 4) {
    return Refused(tag::kChainInvalid, std::string(what) + " chain has " +
                                           std::to_string(chain.size()) +
                                           " certificates (expected 2 to 4, ending at the root)");
  }
  if (CertificateDer(chain.back().get()) != CertificateDer(root)) {
    return Refused(tag::kUntrustedRoot, std::string(what) + " chain ends at \"" +
                                            SubjectOf(chain.back().get()) +
                                            "\", which is not the pinned Intel SGX Root CA");
  }
  X509_STORE* store = X509_STORE_new();
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  STACK_OF(X509)* untrusted = sk_X509_new_null();
  Status result = Status::Ok();
  if (!store || !ctx || !untrusted || X509_STORE_add_cert(store, root) != 1) {
    result = Internal("OpenSSL could not set up chain verification");
  } else {
    for (size_t i = 1; i + 1 < chain.size(); ++i) sk_X509_push(untrusted, chain[i].get());
    if (X509_STORE_CTX_init(ctx, store, chain[0].get(), untrusted) != 1) {
      result = Internal("OpenSSL could not set up chain verification");
    } else {
      X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx);
      X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(at));
      X509_VERIFY_PARAM_set_depth(param, 4);
      if (X509_verify_cert(ctx) != 1) {
        result = MapVerifyError(X509_STORE_CTX_get_error(ctx), X509_STORE_CTX_get_current_cert(ctx),
                                what);
      } else if (sk_X509_num(X509_STORE_CTX_get0_chain(ctx)) != static_cast<int>(chain.size())) {
        result = Refused(tag::kChainInvalid,
                         std::string(what) + " chain does not link certificate to certificate");
      }
    }
  }
  sk_X509_free(untrusted);
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  ERR_clear_error();
  COCOON_RETURN_IF_ERROR(result);

  // Revocation: every certificate but the root against its issuer's CRL.
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    X509* cert = chain[i].get();
    X509_CRL* crl = nullptr;
    for (X509_CRL* c : crls) {
      if (X509_NAME_cmp(X509_CRL_get_issuer(c), X509_get_issuer_name(cert)) == 0) crl = c;
    }
    if (crl == nullptr) {
      return Refused(tag::kChainInvalid,
                     "no CRL from the issuer of " + Where(what, cert) + " to check revocation");
    }
    X509_REVOKED* entry = nullptr;
    if (X509_CRL_get0_by_cert(crl, &entry, cert) == 1) {
      ERR_clear_error();
      return Refused(i == 0 && leaf_is_pck ? tag::kPckRevoked : tag::kCertificateRevoked,
                     Where(what, cert) + " is revoked");
    }
    ERR_clear_error();
  }
  return Status::Ok();
}

}  // namespace cocoon::attest::dcap
