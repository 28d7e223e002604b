// `cocoon attest parse|verify` run through a CLI::App, as the binary runs them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "attest/test_data.h"
#include "cli/attest_commands.h"

namespace cocoon::cli {
namespace {

using attest::testdata::TdxDir;

struct CliRun {
  int exit_code = 0;
  std::string out, err;
};

CliRun RunCli(const std::string& args) {
  CLI::App app("cocoon");
  AddAttestCommands(app);
  CliRun r;
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  try {
    app.parse(args, false);
  } catch (const CLI::ParseError& e) {
    r.exit_code = e.get_exit_code();
  }
  r.out = testing::internal::GetCapturedStdout();
  r.err = testing::internal::GetCapturedStderr();
  return r;
}

class AttestCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(TdxDir() / "tdx_quote")) {
      GTEST_SKIP() << "test data not found under " << TdxDir();
    }
  }
  std::string F(const std::string& name) { return (TdxDir() / name).string(); }
};

TEST_F(AttestCli, ParsePrintsFields) {
  CliRun r = RunCli("attest parse " + F("cocoon_quote.dat"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("TDX quote v4 (not verified)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("mrtd"), std::string::npos);
  EXPECT_NE(r.out.find("rtmr3"), std::string::npos);
  std::cout << r.out;
}

TEST_F(AttestCli, ParseJson) {
  CliRun r = RunCli("attest parse --json " + F("tdx_quote_outdated"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["quote"]["quote_version"], "5");
  EXPECT_EQ(j["quote"]["tee_tcb_svn"], "07010300000000000000000000000000");
}

TEST_F(AttestCli, VerifyPrintsStatusAndMeasurements) {
  CliRun r = RunCli("attest verify " + F("tdx_quote") + " --collateral " +
                    F("tdx_quote_collateral.json") + " --at 1750377600");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("tcb_status: UpToDate"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("image_hash: "), std::string::npos);
  std::cout << r.out;
}

TEST_F(AttestCli, VerifyJsonWithAdvisories) {
  CliRun r = RunCli("attest verify --json " + F("sgx_quote") + " --collateral " +
                    F("sgx_quote_collateral.json") + " --at 1750377600");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["verified"], true);
  EXPECT_EQ(j["tcb_status"], "ConfigurationAndSWHardeningNeeded");
  EXPECT_EQ(j["advisories"], nlohmann::json({"INTEL-SA-00289", "INTEL-SA-00615"}));
}

TEST_F(AttestCli, VerifyFailureExitsNonZeroWithReason) {
  CliRun r = RunCli("attest verify " + F("tdx_quote") + " --collateral " +
                    F("tdx_quote_collateral.json") + " --at 1760000000");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("dcap.collateral_expired"), std::string::npos) << r.err;

  r = RunCli("attest verify --json " + F("tdx_quote") + " --collateral " +
             F("tdx_quote_outdated_collateral.json") + " --at 1772323200");
  EXPECT_NE(r.exit_code, 0);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["verified"], false);
  EXPECT_EQ(j["error"].get<std::string>().rfind("dcap.fmspc_mismatch", 0), 0u);

  r = RunCli("attest verify /nonexistent --collateral " + F("tdx_quote_collateral.json"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("/nonexistent"), std::string::npos) << r.err;

  r = RunCli("attest verify " + F("tdx_quote"));  // --collateral is required
  EXPECT_NE(r.exit_code, 0);
}

}  // namespace
}  // namespace cocoon::cli
