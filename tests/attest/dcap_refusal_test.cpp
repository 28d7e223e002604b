// Each way a real quote or its collateral can be wrong is refused with its own
// reason tag: a flipped byte in every signed region of the quote and of the
// collateral, a wrong root, expired and not-yet-valid collateral, a platform
// that is not the collateral's (FMSPC), a forged CRL.
//
// A revoked PCK cannot be shown with Intel's real CRLs (they would have to be
// re-signed by Intel); dcap_chain_test.cpp shows it with a test CA, and here a
// PCK CRL edited to list the PCK is refused by its signature check.
#include <gtest/gtest.h>

#include <openssl/x509.h>

#include "attest/dcap/verify.h"
#include "attest/test_data.h"
#include "attest/test_pki.h"

namespace cocoon::attest::dcap {
namespace {

using namespace testdata;

// Offsets in a v4 TDX quote (header 48, TD report 584, then signature data).
constexpr size_t kBody = 48;
constexpr size_t kSigData = kBody + 584 + 4;
constexpr size_t kQuoteSig = kSigData;
constexpr size_t kAttestKey = kSigData + 64;
constexpr size_t kQeReport = kAttestKey + 64 + 6;
constexpr size_t kQeReportSig = kQeReport + 384;
constexpr size_t kQeAuth = kQeReportSig + 64 + 2;

class DcapRefusal : public ::testing::Test {
 protected:
  void SetUp() override {
    auto q = ReadBytes("tdx_quote");
    auto c = ReadCollateral("tdx_quote_collateral.json");
    if (!q || !c) GTEST_SKIP() << "test data not found under " << TdxDir();
    quote_ = std::move(*q);
    collateral_ = std::move(*c);
    ASSERT_TRUE(VerifyQuote(quote_, collateral_, kTdxQuoteTime).ok());
  }

  // The reason tag of verifying (quote, collateral) at `at`.
  std::string Reason(const Bytes& quote, const Collateral& collateral, int64_t at = kTdxQuoteTime) {
    auto v = VerifyQuote(quote, collateral, at);
    if (v.ok()) return "OK";
    const std::string m = v.status().message();
    return m.substr(0, m.find(':'));
  }
  std::string FlipQuote(size_t offset) {
    Bytes q = quote_;
    q.at(offset) ^= 0x01;
    return Reason(q, collateral_);
  }

  Bytes quote_;
  Collateral collateral_;
};

TEST_F(DcapRefusal, FlippedHeaderOrBodyBreaksTheQuoteSignature) {
  EXPECT_EQ(FlipQuote(40), "dcap.quote_signature_invalid");                // header user data
  EXPECT_EQ(FlipQuote(kBody + 136), "dcap.quote_signature_invalid");       // MRTD
  EXPECT_EQ(FlipQuote(kBody + 328 + 47), "dcap.quote_signature_invalid");  // RTMR0
  EXPECT_EQ(FlipQuote(kBody + 520), "dcap.quote_signature_invalid");       // report data
  EXPECT_EQ(FlipQuote(kBody + 120), "dcap.quote_signature_invalid");       // TD attributes
  EXPECT_EQ(FlipQuote(kQuoteSig + 5), "dcap.quote_signature_invalid");     // the signature
}

TEST_F(DcapRefusal, FlippedHeaderFieldsAreRefusedBeforeSignatures) {
  EXPECT_EQ(FlipQuote(0), "dcap.unsupported_quote");   // version
  EXPECT_EQ(FlipQuote(2), "dcap.unsupported_quote");   // attestation key type
  EXPECT_EQ(FlipQuote(12), "dcap.unsupported_quote");  // QE vendor ID
}

TEST_F(DcapRefusal, FlippedQeReportBreaksItsSignature) {
  EXPECT_EQ(FlipQuote(kQeReport + 64), "dcap.qe_report_signature_invalid");   // MRENCLAVE
  EXPECT_EQ(FlipQuote(kQeReport + 320), "dcap.qe_report_signature_invalid");  // report data
  EXPECT_EQ(FlipQuote(kQeReportSig + 7), "dcap.qe_report_signature_invalid");
}

TEST_F(DcapRefusal, FlippedAttestationKeyOrAuthDataBreaksTheBinding) {
  EXPECT_EQ(FlipQuote(kAttestKey + 3), "dcap.attestation_key_not_bound");
  EXPECT_EQ(FlipQuote(kQeAuth + 1), "dcap.attestation_key_not_bound");
}

TEST_F(DcapRefusal, FlippedPckCertificateBreaksTheChain) {
  // Re-encode the leaf with one byte of its TBSCertificate (the serial) changed.
  const std::string begin = "-----BEGIN CERTIFICATE-----\n";
  std::string text = ToString(quote_);
  size_t start = text.find(begin);
  ASSERT_NE(start, std::string::npos);
  start += begin.size();
  size_t end = text.find("-----END CERTIFICATE-----", start);
  std::string b64;
  for (size_t i = start; i < end; ++i) {
    if (text[i] != '\n') b64 += text[i];
  }
  auto der = Base64Decode(b64);
  ASSERT_TRUE(der.ok());
  (*der)[20] ^= 0x01;  // inside the serial number
  std::string again = Base64Encode(*der);
  std::string wrapped;
  for (size_t i = 0; i < again.size(); i += 64) wrapped += again.substr(i, 64) + "\n";
  ASSERT_EQ(wrapped.size(), end - start);
  Bytes q = quote_;
  std::copy(wrapped.begin(), wrapped.end(), q.begin() + static_cast<ptrdiff_t>(start));
  EXPECT_EQ(Reason(q, collateral_), "dcap.certificate_chain_invalid");
}

TEST_F(DcapRefusal, EditedCollateralBreaksItsSignatures) {
  Collateral c = collateral_;
  const std::string from = "\"tcbEvaluationDataNumber\":17", to = "\"tcbEvaluationDataNumber\":18";
  ASSERT_NE(c.tcb_info.find(from), std::string::npos);
  c.tcb_info.replace(c.tcb_info.find(from), from.size(), to);
  EXPECT_EQ(Reason(quote_, c), "dcap.tcb_info_signature_invalid");

  c = collateral_;
  c.tcb_info_signature[10] ^= 1;
  EXPECT_EQ(Reason(quote_, c), "dcap.tcb_info_signature_invalid");

  c = collateral_;
  const std::string prod = "\"isvprodid\":2";
  ASSERT_NE(c.qe_identity.find(prod), std::string::npos);
  c.qe_identity.replace(c.qe_identity.find(prod), prod.size(), "\"isvprodid\":3");
  EXPECT_EQ(Reason(quote_, c), "dcap.qe_identity_signature_invalid");

  c = collateral_;
  c.qe_identity_signature[40] ^= 1;
  EXPECT_EQ(Reason(quote_, c), "dcap.qe_identity_signature_invalid");

  c = collateral_;
  c.pck_crl.back() ^= 1;  // last byte of the CRL's signature
  EXPECT_EQ(Reason(quote_, c), "dcap.crl_signature_invalid");

  c = collateral_;
  c.root_ca_crl.back() ^= 1;
  EXPECT_EQ(Reason(quote_, c), "dcap.crl_signature_invalid");
}

TEST_F(DcapRefusal, PckCrlEditedToRevokeThePckIsCaughtBySignature) {
  // Add the PCK's serial to Intel's PCK CRL: the CRL no longer verifies, so
  // the edit cannot revoke (or un-revoke) anything. Real revocation with a
  // correctly signed CRL is in dcap_chain_test.cpp (test CA).
  auto parsed = ParseQuote(quote_);
  ASSERT_TRUE(parsed.ok());
  auto chain = ParsePemChain(parsed->pck_chain_pem);
  ASSERT_TRUE(chain.ok());
  auto crl = ParseDerCrl(collateral_.pck_crl);
  ASSERT_TRUE(crl.ok());
  X509_REVOKED* r = X509_REVOKED_new();
  X509_REVOKED_set_serialNumber(r, X509_get_serialNumber((*chain)[0].get()));
  ASN1_TIME* t = ASN1_TIME_new();
  ASN1_TIME_set(t, kTdxQuoteTime - 3600);
  X509_REVOKED_set_revocationDate(r, t);
  ASN1_TIME_free(t);
  X509_CRL_add0_revoked(crl->get(), r);
  X509_CRL_sort(crl->get());
  // i2d re-encodes the edited list (add0_revoked marks it modified) but keeps
  // Intel's signature.
  unsigned char* der = nullptr;
  int n = i2d_X509_CRL(crl->get(), &der);
  ASSERT_GT(n, 0);
  Collateral c = collateral_;
  c.pck_crl.assign(der, der + n);
  OPENSSL_free(der);
  EXPECT_NE(c.pck_crl, collateral_.pck_crl);
  EXPECT_EQ(Reason(quote_, c), "dcap.crl_signature_invalid");
}

TEST_F(DcapRefusal, WrongRootIsRefused) {
  auto key = testpki::NewKey();
  auto fake_root = testpki::NewCert("Intel SGX Root CA", key.get(), nullptr, nullptr, true, 1,
                                    kTdxQuoteTime - 86400, kTdxQuoteTime + 86400);
  auto v = VerifyQuote(quote_, collateral_, kTdxQuoteTime, fake_root.get());
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().message().substr(0, 19), "dcap.untrusted_root");

  // Collateral signed under another root (its issuer chain ends elsewhere).
  Collateral c = collateral_;
  const std::string end = "-----END CERTIFICATE-----";
  size_t first_end = c.tcb_info_issuer_chain.find(end) + end.size();
  unsigned char* der = nullptr;
  int n = i2d_X509(fake_root.get(), &der);
  std::string pem = "\n-----BEGIN CERTIFICATE-----\n" +
                    Base64Encode(ByteSpan(der, static_cast<size_t>(n))) + "\n" + end + "\n";
  OPENSSL_free(der);
  c.tcb_info_issuer_chain = c.tcb_info_issuer_chain.substr(0, first_end) + pem;
  EXPECT_EQ(Reason(quote_, c), "dcap.untrusted_root");
}

TEST_F(DcapRefusal, ExpiredCollateralIsRefused) {
  // 2025-07-20: the PCK CRL (nextUpdate 2025-07-19T10:00:35Z) has expired.
  EXPECT_EQ(Reason(quote_, collateral_, 1752969600), "dcap.collateral_expired");
  // One second before the PCK CRL expires everything is still current.
  EXPECT_EQ(Reason(quote_, collateral_, 1752919234), "OK");
  EXPECT_EQ(Reason(quote_, collateral_, 1752919235), "dcap.collateral_expired");
}

TEST_F(DcapRefusal, NotYetValidCollateralIsRefused) {
  // 2025-06-19T10:20:00Z: CRLs and TCB info are issued, the QE identity (10:32:27) is not.
  EXPECT_EQ(Reason(quote_, collateral_, 1750328400), "dcap.collateral_not_yet_valid");
  // 2025-06-01: the PCK CRL is not issued yet.
  EXPECT_EQ(Reason(quote_, collateral_, 1748736000), "dcap.collateral_not_yet_valid");
}

TEST_F(DcapRefusal, NotYetValidPckCertificateIsRefused) {
  // cocoon_quote.dat's PCK certificate starts on 2025-07-20.
  auto q = ReadBytes("cocoon_quote.dat");
  if (!q) GTEST_SKIP() << "cocoon_quote.dat not found";
  EXPECT_EQ(Reason(*q, collateral_), "dcap.certificate_not_yet_valid");
}

TEST_F(DcapRefusal, CollateralOfAnotherPlatformIsRefused) {
  // The "outdated" collateral is for FMSPC 90C06F000000; this PCK's is B0C06F000000.
  auto other = ReadCollateral("tdx_quote_outdated_collateral.json");
  if (!other) GTEST_SKIP() << "tdx_quote_outdated_collateral.json not found";
  EXPECT_EQ(Reason(quote_, *other, 1772323200), "dcap.fmspc_mismatch");  // 2026-03-01
}

TEST_F(DcapRefusal, SgxCollateralForATdxQuoteIsRefused) {
  auto sgx = ReadCollateral("sgx_quote_collateral.json");
  if (!sgx) GTEST_SKIP() << "sgx_quote_collateral.json not found";
  // The SGX collateral's PCK CRL is from the Processor CA, not this PCK's issuer.
  std::string reason = Reason(quote_, *sgx);
  EXPECT_NE(reason, "OK");
  // With this quote's own CRLs, the TCB info and QE identity are for SGX.
  Collateral mixed = collateral_;
  mixed.tcb_info = sgx->tcb_info;
  mixed.tcb_info_signature = sgx->tcb_info_signature;
  mixed.qe_identity = sgx->qe_identity;
  mixed.qe_identity_signature = sgx->qe_identity_signature;
  EXPECT_EQ(Reason(quote_, mixed), "dcap.collateral_wrong_kind");
}

}  // namespace
}  // namespace cocoon::attest::dcap
