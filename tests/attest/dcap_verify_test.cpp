// The real quotes of ../shared/testdata/tdx verify with their collateral, with
// the TCB status Intel's verifier gives them (see docs/attestation.md for why
// each status is right).
#include <gtest/gtest.h>

#include <iostream>

#include "attest/dcap/verify.h"
#include "attest/tdx_measurements.h"
#include "attest/tdx_verifier.h"
#include "attest/test_data.h"

namespace cocoon::attest::dcap {
namespace {

using namespace testdata;

bool HasTag(const Status& s, std::string_view tag) { return s.message().rfind(tag, 0) == 0; }

TEST(DcapVerify, TdxQuoteIsUpToDate) {
  TDX_DATA_OR_SKIP(quote, "tdx_quote");
  TDX_COLLATERAL_OR_SKIP(collateral, "tdx_quote_collateral.json");
  auto v = VerifyQuote(quote, collateral, kTdxQuoteTime);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->quote.header.version, 4);
  EXPECT_EQ(v->tcb_info_id, "TDX");
  EXPECT_EQ(HexEncode(v->pck.fmspc), "b0c06f000000");
  // PCK SVNs 3,3,2,2,4,1,0,5 / PCESVN 11 and TEE_TCB_SVN[2..] = 3,0,... meet the
  // first (UpToDate) level; module TDX_01 at SVN 6 >= 4 and the TD QE at ISVSVN
  // 6 >= 4 are UpToDate too.
  EXPECT_EQ(v->tcb.platform_status, TcbStatus::kUpToDate);
  ASSERT_TRUE(v->tcb.tdx_module_status.has_value());
  EXPECT_EQ(*v->tcb.tdx_module_status, TcbStatus::kUpToDate);
  EXPECT_EQ(v->tcb.qe_status, TcbStatus::kUpToDate);
  EXPECT_EQ(v->tcb.status, TcbStatus::kUpToDate);
  EXPECT_TRUE(v->tcb.advisory_ids.empty());
  EXPECT_EQ(v->collateral_expires_at, 1752919235);  // PCK CRL nextUpdate 2025-07-19T10:00:35Z
}

TEST(DcapVerify, TdxQuoteMeasurements) {
  TDX_DATA_OR_SKIP(quote, "tdx_quote");
  TDX_COLLATERAL_OR_SKIP(collateral, "tdx_quote_collateral.json");
  auto m = VerifyTdxQuote(quote, collateral, kTdxQuoteTime);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->kind, EvidenceKind::kTdx);
  EXPECT_EQ(m->tcb_status, "UpToDate");
  EXPECT_EQ(m->details.at("debug"), "false");
  EXPECT_EQ(m->details.at("td_attributes"), "0000001000000000");
  EXPECT_EQ(m->details.at("tee_tcb_svn"), "06010300000000000000000000000000");
  // Image hash = SHA-256(MRTD || RTMR0..3) over the quote's own bytes (body at 48).
  Bytes measured(quote.begin() + 48 + 136, quote.begin() + 48 + 184);                   // MRTD
  measured.insert(measured.end(), quote.begin() + 48 + 328, quote.begin() + 48 + 520);  // RTMRs
  EXPECT_EQ(m->image_hash, crypto::Sha256(measured));
  EXPECT_EQ(HexEncode(m->report_data), HexEncode(ByteSpan(quote).subspan(48 + 520, 64)));
}

TEST(DcapVerify, SgxQuoteNeedsConfigurationAndSwHardening) {
  TDX_DATA_OR_SKIP(quote, "sgx_quote");
  TDX_COLLATERAL_OR_SKIP(collateral, "sgx_quote_collateral.json");
  auto v = VerifyQuote(quote, collateral, kSgxQuoteTime);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->quote.header.version, 3);
  EXPECT_FALSE(v->quote.is_tdx());
  // PCK component 7 is 0: the first level (needs 12) is missed, the second
  // (same SVNs with 0, PCESVN 13) matches. The QE (ISVSVN 10 >= 8) is UpToDate.
  EXPECT_EQ(v->tcb.status, TcbStatus::kConfigurationAndSWHardeningNeeded);
  EXPECT_EQ(v->tcb.advisory_ids, (std::vector<std::string>{"INTEL-SA-00289", "INTEL-SA-00615"}));
  // An SGX quote is not TDX evidence.
  auto m = VerifyTdxQuote(quote, collateral, kSgxQuoteTime);
  EXPECT_TRUE(HasTag(m.status(), "dcap.unsupported_quote")) << m.status().ToString();
}

TEST(DcapVerify, OutdatedV5QuoteMatchesNoTcbLevel) {
  TDX_DATA_OR_SKIP(quote, "tdx_quote_outdated");
  TDX_COLLATERAL_OR_SKIP(collateral, "tdx_quote_outdated_collateral.json");
  auto parsed = ParseQuote(quote);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->header.version, 5);
  EXPECT_EQ(parsed->body_type, 3);  // TD report 1.5
  EXPECT_TRUE(parsed->td_report->tee_tcb_svn2.has_value());
  // Every signature verifies, but SGX TCB component 8 (SEAMLDR ACM SVN) is 3 in
  // the PCK certificate while every TCB level requires 5: Intel's QVL answers
  // TCB_NOT_SUPPORTED, and so do we.
  auto v = VerifyQuote(quote, collateral, kOutdatedQuoteTime);
  EXPECT_TRUE(HasTag(v.status(), "dcap.tcb_level_not_found")) << v.status().ToString();
}

TEST(DcapVerify, CocoonQuoteParsesAndPrints) {
  TDX_DATA_OR_SKIP(quote, "cocoon_quote.dat");
  auto parsed = ParseQuote(quote);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(parsed->is_tdx());
  EXPECT_EQ(parsed->header.version, 4);
  EXPECT_EQ(parsed->trailing_zero_bytes, 70u);
  auto details = QuoteDetails(*parsed);
  for (const auto& [k, v] : details) std::cout << "  " << k << " = " << v << "\n";
  EXPECT_EQ(details.at("debug"), "false");
  EXPECT_EQ(details.at("pck_chain_certs"), "3");
}

TEST(DcapVerify, CocoonQuoteVerifiesWithCollateralOfItsPlatform) {
  // cocoon_quote.dat comes from a platform with FMSPC 90C06F000000, the one the
  // "outdated" collateral is for; its SVNs meet that collateral's first level.
  TDX_DATA_OR_SKIP(quote, "cocoon_quote.dat");
  TDX_COLLATERAL_OR_SKIP(collateral, "tdx_quote_outdated_collateral.json");
  auto v = VerifyQuote(quote, collateral, kOutdatedQuoteTime);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(HexEncode(v->pck.fmspc), "90c06f000000");
  EXPECT_EQ(v->tcb.status, TcbStatus::kUpToDate);
}

TEST(DcapVerify, TdxVerifierUsesItsClockAndCollateral) {
  TDX_DATA_OR_SKIP(quote, "tdx_quote");
  TDX_COLLATERAL_OR_SKIP(collateral, "tdx_quote_collateral.json");
  auto clock = std::make_shared<ManualClock>(kTdxQuoteTime);
  TdxVerifier verifier(std::make_shared<StaticCollateralSource>(collateral), clock);
  auto m = verifier.Verify(Evidence{EvidenceKind::kTdx, quote});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->tcb_status, "UpToDate");
  clock->Set(kTdxQuoteTime + 60 * 86400);
  EXPECT_TRUE(HasTag(verifier.Verify(Evidence{EvidenceKind::kTdx, quote}).status(),
                     "dcap.collateral_expired"));
  EXPECT_FALSE(verifier.Verify(Evidence{EvidenceKind::kSim, quote}).ok());
  TdxVerifier no_file(std::make_shared<FileCollateralSource>("/nonexistent/collateral.json"),
                      clock);
  auto missing = no_file.Verify(Evidence{EvidenceKind::kTdx, quote});
  EXPECT_EQ(missing.status().code(), ErrorCode::kUnavailable) << missing.status().ToString();
}

}  // namespace
}  // namespace cocoon::attest::dcap
