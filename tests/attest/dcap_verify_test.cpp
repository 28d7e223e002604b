// The real quotes of ../shared/testdata/tdx verify with their collateral, with
// the TCB status Intel's verifier gives them.
#include <gtest/gtest.h>

#include "attest/dcap/verify.h"
#include "attest/test_data.h"

namespace cocoon::attest::dcap {
namespace {

using namespace testdata;

TEST(DcapVerify, TdxQuoteIsUpToDate) {
  TDX_DATA_OR_SKIP(quote, "tdx_quote");
  TDX_COLLATERAL_OR_SKIP(collateral, "tdx_quote_collateral.json");
  auto v = VerifyQuote(quote, collateral, kTdxQuoteTime);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->tcb.status, TcbStatus::kUpToDate);
  EXPECT_TRUE(v->tcb.advisory_ids.empty());
  EXPECT_EQ(v->tcb_info_id, "TDX");
  EXPECT_EQ(HexEncode(v->pck.fmspc), "b0c06f000000");
  EXPECT_EQ(v->quote.header.version, 4);
}

}  // namespace
}  // namespace cocoon::attest::dcap
