// BackendHealthChecker against the scripted backend: transitions reported
// once each, an unreachable backend, model ids, Stop.
#include "worker/backend_health.h"

#include <gtest/gtest.h>

#include <chrono>

#include "http/http_test_util.h"
#include "scripted_backend.h"

namespace cocoon::worker {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using http::testing::RunCo;

struct Change {
  bool healthy;
  std::string reason;
};

class BackendHealthTest : public ::testing::Test {
 protected:
  // Starts a backend on `port` (0: any) with models m1, m2.
  void StartBackend(uint16_t port, int fail_status = 0) {
    fixture::ScriptedBackendOptions o;
    o.port = port;
    o.models = {"m1", "m2"};
    o.fail_status = fail_status;
    o.fail_models = fail_status != 0;
    if (backend_) {
      backend_.reset();
      io_.run_for(20ms);  // lets the old listener close before the port is bound again
    }
    auto b = fixture::ScriptedBackend::Start(io_.get_executor(), o);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    backend_ = std::move(*b);
  }

  std::unique_ptr<BackendHealthChecker> Checker(uint16_t port) {
    BackendHealthOptions options;
    options.interval = 30ms;
    options.timeout = 500ms;
    auto url = http::ParseHttpUrl("http://127.0.0.1:" + std::to_string(port) + "/v1");
    EXPECT_TRUE(url.ok());
    return std::make_unique<BackendHealthChecker>(io_.get_executor(), *url, options,
                                                  [this](bool healthy, std::string reason) {
                                                    changes_.push_back({healthy, reason});
                                                  });
  }

  // Lets `n` more checks run.
  void RunChecks(BackendHealthChecker& checker, uint64_t n) {
    uint64_t target = checker.checks() + n;
    cocoon::testing::RunUntil(io_, [&] { return checker.checks() >= target; });
  }

  void TearDown() override {
    backend_.reset();
    io_.run_for(50ms);
  }

  asio::io_context io_;
  std::unique_ptr<fixture::ScriptedBackend> backend_;
  std::vector<Change> changes_;
};

TEST_F(BackendHealthTest, ReportsEachTransitionOnce) {
  StartBackend(0);
  const uint16_t port = backend_->port();
  auto checker = Checker(port);
  EXPECT_FALSE(checker->checked());
  checker->Start();
  cocoon::testing::RunUntil(io_, [&] { return changes_.size() == 1; });
  EXPECT_TRUE(changes_[0].healthy) << changes_[0].reason;
  EXPECT_TRUE(checker->checked());
  EXPECT_TRUE(checker->healthy());
  EXPECT_EQ(checker->models(), (std::vector<std::string>{"m1", "m2"}));
  EXPECT_NE(checker->reason().find("m1, m2"), std::string::npos) << checker->reason();
  RunChecks(*checker, 3);
  EXPECT_EQ(changes_.size(), 1u);

  // The backend comes back failing its model list.
  StartBackend(port, 503);
  cocoon::testing::RunUntil(io_, [&] { return changes_.size() == 2; });
  EXPECT_FALSE(changes_[1].healthy);
  EXPECT_FALSE(checker->healthy());
  EXPECT_TRUE(checker->models().empty());
  RunChecks(*checker, 3);
  EXPECT_EQ(changes_.size(), 2u);
  // (The first unhealthy verdict may have come while the port was closed.)
  EXPECT_NE(checker->reason().find("answered GET /v1/models with 503"), std::string::npos)
      << checker->reason();

  StartBackend(port);
  cocoon::testing::RunUntil(io_, [&] { return changes_.size() == 3; });
  EXPECT_TRUE(changes_[2].healthy) << changes_[2].reason;
  RunChecks(*checker, 3);
  EXPECT_EQ(changes_.size(), 3u);
  EXPECT_GE(backend_->stats().models_requests, 3u);

  // After Stop nothing more is checked or reported, whatever the backend does.
  checker->Stop();
  const uint64_t checks = checker->checks();
  backend_.reset();
  io_.run_for(200ms);
  EXPECT_EQ(checker->checks(), checks);
  EXPECT_EQ(changes_.size(), 3u);
}

TEST_F(BackendHealthTest, UnreachableBackendIsUnhealthy) {
  StartBackend(0);
  const uint16_t port = backend_->port();
  backend_.reset();
  io_.run_for(20ms);
  auto checker = Checker(port);
  checker->Start();
  cocoon::testing::RunUntil(io_, [&] { return changes_.size() == 1; });
  EXPECT_FALSE(changes_[0].healthy);
  EXPECT_NE(changes_[0].reason.find("cannot reach the backend"), std::string::npos)
      << changes_[0].reason;
  EXPECT_FALSE(checker->healthy());
  RunChecks(*checker, 2);
  EXPECT_EQ(changes_.size(), 1u);
  // It comes up: reported healthy.
  StartBackend(port);
  cocoon::testing::RunUntil(io_, [&] { return changes_.size() == 2; });
  EXPECT_TRUE(changes_[1].healthy);
}

TEST_F(BackendHealthTest, CheckNowReturnsTheVerdict) {
  StartBackend(0);
  auto checker = Checker(backend_->port());
  EXPECT_TRUE(RunCo(io_, checker->CheckNow()));
  ASSERT_EQ(changes_.size(), 1u);
  EXPECT_EQ(checker->checks(), 1u);
  EXPECT_TRUE(RunCo(io_, checker->CheckNow()));
  EXPECT_EQ(changes_.size(), 1u);
}

}  // namespace
}  // namespace cocoon::worker
