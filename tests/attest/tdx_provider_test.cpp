// The configfs-tsm provider outside a TD: a clear error, no crash, no hang.
#include <gtest/gtest.h>

#include <filesystem>

#include "attest/tdx_provider.h"

namespace cocoon::attest {
namespace {

TEST(TdxProvider, MissingConfigfsIsUnavailable) {
  TdxProvider provider("/nonexistent/sys/kernel/config/tsm/report");
  EXPECT_EQ(provider.kind(), EvidenceKind::kTdx);
  auto e = provider.Produce(ReportData{});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(e.status().message().find("not running inside an Intel TD"), std::string::npos)
      << e.status().message();
}

TEST(TdxProvider, ThisMachineGivesAQuoteOrAClearError) {
  // On a TD with a quote service this yields a quote; elsewhere an error.
  TdxProvider provider(kConfigfsTsmReportDir, std::chrono::seconds(10));
  auto e = provider.Produce(ReportData{});
  if (e.ok()) {
    EXPECT_FALSE(e->quote.empty());
  } else {
    EXPECT_TRUE(e.status().code() == ErrorCode::kUnavailable ||
                e.status().code() == ErrorCode::kDeadlineExceeded)
        << e.status().ToString();
  }
}

TEST(TdxProvider, DirectoryThatIsNotConfigfsGivesAnError) {
  // A plain directory: the report directory is created, but no outblob appears.
  auto dir =
      std::filesystem::temp_directory_path() / ("cocoon-tsm-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  TdxProvider provider(dir, std::chrono::seconds(5));
  auto e = provider.Produce(ReportData{});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), ErrorCode::kUnavailable) << e.status().ToString();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace cocoon::attest
