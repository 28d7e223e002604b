// The quote and collateral parsers on hostile input: every truncation of a
// real quote, oversized and padded input, malformed JSON; errors, never
// crashes.
#include <gtest/gtest.h>

#include "attest/dcap/collateral.h"
#include "attest/dcap/openssl.h"
#include "attest/dcap/quote.h"
#include "attest/dcap/tcb_info.h"
#include "attest/test_data.h"

namespace cocoon::attest::dcap {
namespace {

TEST(DcapParse, EveryTruncationIsAnError) {
  TDX_DATA_OR_SKIP(quote, "tdx_quote");
  const size_t real_end = quote.size() - 70;  // 70 bytes of zero padding follow
  for (size_t n = 0; n < real_end; ++n) {
    auto q = ParseQuote(ByteSpan(quote).first(n));
    ASSERT_FALSE(q.ok()) << "prefix of " << n << " bytes parsed";
    EXPECT_EQ(q.status().message().rfind("dcap.", 0), 0u) << q.status().message();
  }
  EXPECT_TRUE(ParseQuote(ByteSpan(quote).first(real_end)).ok());
}

TEST(DcapParse, TrailingBytesMustBeZero) {
  TDX_DATA_OR_SKIP(quote, "tdx_quote");
  quote.back() = 1;
  EXPECT_FALSE(ParseQuote(quote).ok());
  Bytes big(kMaxQuoteSize + 1, 0);
  EXPECT_FALSE(ParseQuote(big).ok());
}

TEST(DcapParse, InconsistentLengthsAreErrors) {
  TDX_DATA_OR_SKIP(quote, "tdx_quote");
  Bytes q = quote;
  q[632] = 0xff;  // signature data length
  EXPECT_FALSE(ParseQuote(q).ok());
  q = quote;
  q[766] ^= 0x10;  // certification data size
  EXPECT_FALSE(ParseQuote(q).ok());
  q = quote;
  q[764] = 5;  // certification data type
  EXPECT_FALSE(ParseQuote(q).ok());
  q = quote;
  q[4] = 0x82;  // TEE type
  EXPECT_FALSE(ParseQuote(q).ok());
}

TEST(DcapParse, MalformedCollateralIsAnError) {
  EXPECT_FALSE(ParseCollateralJson("").ok());
  EXPECT_FALSE(ParseCollateralJson("[]").ok());
  EXPECT_FALSE(ParseCollateralJson("{}").ok());
  EXPECT_FALSE(ParseCollateralJson(std::string(100000, '[')).ok());
  EXPECT_FALSE(ParseCollateralJson(std::string(kMaxCollateralSize + 1, ' ')).ok());
  EXPECT_FALSE(ParseTcbInfo("{\"id\":\"TDX\",\"version\":3}").ok());
  EXPECT_FALSE(ParseTcbInfo("{\"id\":\"TDX\",\"version\":\"3\"}").ok());
  EXPECT_FALSE(
      ParseQeIdentity("{\"id\":\"TD_QE\",\"version\":2,\"issueDate\":\"yesterday\"}").ok());
  TDX_COLLATERAL_OR_SKIP(c, "tdx_quote_collateral.json");
  auto again = ParseCollateralJson(c.ToJson());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->tcb_info, c.tcb_info);
  EXPECT_EQ(again->pck_crl, c.pck_crl);
  EXPECT_TRUE(ParseTcbInfo(c.tcb_info).ok());
  EXPECT_TRUE(ParseQeIdentity(c.qe_identity).ok());
}

TEST(DcapParse, IsoTime) {
  EXPECT_EQ(*ParseIsoTime("2025-06-19T10:16:03Z"), 1750328163);
  EXPECT_EQ(*ParseIsoTime("1970-01-01T00:00:00.123Z"), 0);
  EXPECT_EQ(FormatIsoTime(1750328163), "2025-06-19T10:16:03Z");
  for (const char* bad : {"2025-06-19 10:16:03Z", "2025-13-01T00:00:00Z", "2025-06-19T10:16:03",
                          "2025-06-19T10:16:03+01:00", "", "2025-06-19T10:16:03.Z"}) {
    EXPECT_FALSE(ParseIsoTime(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace cocoon::attest::dcap
