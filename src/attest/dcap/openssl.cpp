#include "attest/dcap/openssl.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>

namespace cocoon::attest::dcap {
namespace {

constexpr size_t kMaxPemSize = 64 * 1024;
constexpr size_t kMaxDerSize = 1024 * 1024;

// SubjectPublicKeyInfo prefix for an uncompressed P-256 point (id-ecPublicKey,
// prime256v1, BIT STRING of 66 bytes, 0x04).
constexpr uint8_t kP256SpkiPrefix[] = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
                                       0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
                                       0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04};

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

void X509Deleter::operator()(X509* x) const { X509_free(x); }
void CrlDeleter::operator()(X509_CRL* x) const { X509_CRL_free(x); }
void PkeyDeleter::operator()(EVP_PKEY* x) const { EVP_PKEY_free(x); }

Result<std::vector<CertPtr>> ParsePemChain(std::string_view pem, size_t max_certs) {
  if (pem.size() > kMaxPemSize) return InvalidArgument("PEM bundle is larger than 64 KiB");
  std::vector<CertPtr> out;
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return Internal("BIO_new_mem_buf failed");
  size_t begins = 0;
  for (size_t pos = pem.find("-----BEGIN"); pos != std::string_view::npos;
       pos = pem.find("-----BEGIN", pos + 1)) {
    ++begins;
  }
  if (begins == 0) return InvalidArgument("no PEM certificate found");
  if (begins > max_certs) {
    return InvalidArgument("PEM bundle has more than " + std::to_string(max_certs) + " entries");
  }
  for (size_t i = 0; i < begins; ++i) {
    X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (x == nullptr) {
      ERR_clear_error();
      return InvalidArgument("PEM entry " + std::to_string(i) + " is not a valid certificate");
    }
    out.emplace_back(x);
  }
  ERR_clear_error();
  return out;
}

Result<CertPtr> ParseDerCertificate(ByteSpan der) {
  if (der.size() > kMaxDerSize) return InvalidArgument("certificate is too large");
  const unsigned char* p = der.data();
  CertPtr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  ERR_clear_error();
  if (!x || p != der.data() + der.size()) return InvalidArgument("not a DER certificate");
  return x;
}

Result<CrlPtr> ParseDerCrl(ByteSpan der) {
  if (der.size() > kMaxDerSize) return InvalidArgument("CRL is larger than 1 MiB");
  const unsigned char* p = der.data();
  CrlPtr c(d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size())));
  ERR_clear_error();
  if (!c || p != der.data() + der.size()) return InvalidArgument("not a DER CRL");
  return c;
}

Bytes CertificateDer(X509* cert) {
  unsigned char* buf = nullptr;
  int n = i2d_X509(cert, &buf);
  if (n <= 0) {
    ERR_clear_error();
    return {};
  }
  Bytes out(buf, buf + n);
  OPENSSL_free(buf);
  return out;
}

Result<PkeyPtr> P256KeyFromRaw(const Array<64>& xy) {
  Bytes spki(std::begin(kP256SpkiPrefix), std::end(kP256SpkiPrefix));
  spki.insert(spki.end(), xy.begin(), xy.end());
  const unsigned char* p = spki.data();
  PkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
  ERR_clear_error();
  if (!key) return InvalidArgument("attestation key is not a point on P-256");
  return key;
}

bool VerifyEcdsaP256(EVP_PKEY* key, ByteSpan message, ByteSpan signature) {
  if (key == nullptr || signature.size() != 64) return false;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(signature.data(), 32, nullptr);
  BIGNUM* s = BN_bin2bn(signature.data() + 32, 32, nullptr);
  if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
    ECDSA_SIG_free(sig);
    BN_free(r);
    BN_free(s);
    ERR_clear_error();
    return false;
  }
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  bool ok = false;
  if (der_len > 0) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ok = ctx != nullptr && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
         EVP_DigestVerify(ctx, der, static_cast<size_t>(der_len), message.data(), message.size()) ==
             1;
    EVP_MD_CTX_free(ctx);
    OPENSSL_free(der);
  }
  ERR_clear_error();
  return ok;
}

Result<int64_t> AsnTimeToUnix(const ASN1_TIME* t) {
  struct tm tm {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) {
    ERR_clear_error();
    return InvalidArgument("unparsable ASN.1 time");
  }
  return DaysFromCivil(tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1),
                       static_cast<unsigned>(tm.tm_mday)) *
             86400 +
         tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

Result<int64_t> ParseIsoTime(std::string_view s) {
  int y, mo, d, h, mi, se;
  const bool shape = s.size() >= 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' &&
                     s[16] == ':' && s.back() == 'Z';
  if (!shape || !Digits(s, 0, 4, y) || !Digits(s, 5, 2, mo) || !Digits(s, 8, 2, d) ||
      !Digits(s, 11, 2, h) || !Digits(s, 14, 2, mi) || !Digits(s, 17, 2, se)) {
    return InvalidArgument("\"" + std::string(s.substr(0, 40)) + "\" is not a UTC RFC 3339 time");
  }
  // Optional fraction: ".ddd" before the Z.
  if (s.size() > 20) {
    if (s[19] != '.' || s.size() == 21) return InvalidArgument("malformed fractional seconds");
    for (size_t i = 20; i + 1 < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return InvalidArgument("malformed fractional seconds");
    }
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) {
    return InvalidArgument("time field out of range in \"" + std::string(s.substr(0, 40)) + "\"");
  }
  return DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
         mi * 60 + se;
}

std::string FormatIsoTime(int64_t t) {
  // Civil from days (inverse of DaysFromCivil).
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t secs = t - days * 86400;
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                static_cast<long long>(y), m, d, static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  return buf;
}

}  // namespace cocoon::attest::dcap
