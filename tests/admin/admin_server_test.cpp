// AdminServer over 127.0.0.1 with http::HttpClient: /healthz in both states,
// /metrics from a registry, /stats from a callback, a route the daemon adds,
// 404 and 405, refused routes, the default bind address.
#include "admin/admin_server.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "http/client.h"
#include "http/http_test_util.h"

namespace cocoon::admin {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using http::testing::RunCo;

// Built outside co_await expressions (GCC 12, docs/http.md).
http::Response TextResponse(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.headers.Set("Content-Type", "text/plain");
  r.body = std::move(body);
  return r;
}

nlohmann::json SampleStats(int disabled) {
  nlohmann::json j;
  j["role"] = "worker";
  j["disabled"] = disabled;
  j["models"] = nlohmann::json::array({"m1", "m2"});
  return j;
}

class AdminServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = registry_.AddCounter("cocoon_requests_total", "Requests.", {"code"});
    ASSERT_TRUE(c.ok());
    requests_ = *c;
  }

  void Start() {
    auto port = server_->Listen();
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    port_ = *port;
    EXPECT_EQ(server_->port(), port_);
  }

  Result<http::Response> Fetch(std::string method, std::string target) {
    http::ClientRequest r;
    r.method = std::move(method);
    r.host = "127.0.0.1";
    r.port = port_;
    r.target = std::move(target);
    return RunCo(io_, client_.Fetch(std::move(r)));
  }

  void TearDown() override {
    server_.reset();
    io_.run_for(50ms);
  }

  asio::io_context io_;
  MetricsRegistry registry_;
  CounterFamily* requests_ = nullptr;
  std::unique_ptr<AdminServer> server_ =
      std::make_unique<AdminServer>(io_.get_executor(), AdminOptions(), &registry_);
  http::HttpClient client_{io_.get_executor()};
  uint16_t port_ = 0;
};

TEST_F(AdminServerTest, DefaultsToLoopbackAndAnyFreePort) {
  AdminOptions options;
  EXPECT_EQ(options.host, "127.0.0.1");
  EXPECT_EQ(options.port, 0);
  Start();
  EXPECT_NE(port_, 0);
}

TEST_F(AdminServerTest, HealthzOkAndUnhealthy) {
  Status health = Status::Ok();
  server_->SetHealthCheck([&] { return health; });
  Start();
  auto ok = Fetch("GET", "/healthz");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->headers.Get("content-type"), "application/json");
  EXPECT_EQ(ok->body, R"({"status":"ok"})");

  health = Unavailable("the inference backend at 127.0.0.1:8000 does not answer");
  auto bad = Fetch("GET", "/healthz");
  ASSERT_TRUE(bad.ok()) << bad.status().ToString();
  EXPECT_EQ(bad->status, 503);
  auto body = nlohmann::json::parse(bad->body);
  EXPECT_EQ(body["status"], "unhealthy");
  EXPECT_EQ(body["reason"], "unavailable: the inference backend at 127.0.0.1:8000 does not answer");

  health = Status::Ok();
  auto again = Fetch("GET", "/healthz");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, 200);
}

TEST_F(AdminServerTest, HealthCheckThatThrowsIsUnhealthy) {
  server_->SetHealthCheck([]() -> Status { throw std::runtime_error("boom"); });
  Start();
  auto r = Fetch("GET", "/healthz");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(nlohmann::json::parse(r->body)["reason"],
            "internal error: the health check failed: boom");
}

TEST_F(AdminServerTest, HealthyWithoutACheck) {
  Start();
  auto r = Fetch("GET", "/healthz");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
}

TEST_F(AdminServerTest, MetricsFromTheRegistry) {
  Start();
  requests_->WithLabels({"200"}).Inc(3);
  int in_flight = 2;
  registry_.AddCollector(
      [&](MetricsWriter& w) { (void)w.WriteGauge("cocoon_in_flight", "In flight.", in_flight); });
  auto r = Fetch("GET", "/metrics");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->headers.Get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(r->body,
            "# HELP cocoon_requests_total Requests.\n"
            "# TYPE cocoon_requests_total counter\n"
            "cocoon_requests_total{code=\"200\"} 3\n"
            "# HELP cocoon_in_flight In flight.\n"
            "# TYPE cocoon_in_flight gauge\n"
            "cocoon_in_flight 2\n");
  EXPECT_EQ(r->body, registry_.RenderPrometheus());
  // Every scrape is fresh.
  requests_->WithLabels({"200"}).Inc();
  in_flight = 0;
  auto again = Fetch("GET", "/metrics");
  ASSERT_TRUE(again.ok());
  EXPECT_NE(again->body.find("cocoon_requests_total{code=\"200\"} 4\n"), std::string::npos);
  EXPECT_NE(again->body.find("cocoon_in_flight 0\n"), std::string::npos);
}

TEST_F(AdminServerTest, StatsFromTheCallback) {
  int disabled = 0;
  server_->SetStats([&] { return SampleStats(disabled); });
  Start();
  auto r = Fetch("GET", "/stats");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->headers.Get("content-type"), "application/json");
  EXPECT_EQ(nlohmann::json::parse(r->body), SampleStats(0));
  disabled = 1;
  auto again = Fetch("GET", "/stats");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(nlohmann::json::parse(again->body)["disabled"], 1);
}

TEST_F(AdminServerTest, StatsWithoutCallbackIsEmptyObject) {
  Start();
  auto r = Fetch("GET", "/stats");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{}");
}

TEST_F(AdminServerTest, StatsWithInvalidUtf8IsStillServed) {
  server_->SetStats([] {
    nlohmann::json j;
    j["name"] = std::string("bad\xff");
    return j;
  });
  Start();
  auto r = Fetch("GET", "/stats");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(nlohmann::json::parse(r->body)["name"], "bad\xEF\xBF\xBD");
}

TEST_F(AdminServerTest, DaemonRoutesUnknownPathsAndMethods) {
  bool disabled = false;
  ASSERT_TRUE(
      server_
          ->Route("POST", "/admin/disable",
                  [&](const http::Request&, http::ResponseWriter& w) -> asio::awaitable<void> {
                    disabled = true;
                    (void)co_await w.Send(TextResponse(200, "disabled"));
                  })
          .ok());
  // Built-in routes cannot be replaced, nor routes added twice.
  auto dup =
      server_->Route("GET", "/healthz",
                     [](const http::Request&, http::ResponseWriter& w) -> asio::awaitable<void> {
                       (void)co_await w.Send(TextResponse(200, "hijacked"));
                     });
  EXPECT_EQ(dup.code(), ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(server_->Route("POST", "/admin/disable", nullptr).ok());
  Start();
  auto late = server_->Route("POST", "/admin/enable", nullptr);
  EXPECT_EQ(late.code(), ErrorCode::kFailedPrecondition);

  auto r = Fetch("POST", "/admin/disable");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "disabled");
  EXPECT_TRUE(disabled);

  auto health = Fetch("GET", "/healthz");
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->body, R"({"status":"ok"})");

  auto missing = Fetch("GET", "/nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
  auto enable = Fetch("POST", "/admin/enable");  // refused above, so unknown
  ASSERT_TRUE(enable.ok());
  EXPECT_EQ(enable->status, 404);
  auto wrong_method = Fetch("POST", "/metrics");
  ASSERT_TRUE(wrong_method.ok());
  EXPECT_EQ(wrong_method->status, 405);
}

TEST_F(AdminServerTest, ListenErrorNamesTheAdminPort) {
  AdminOptions options;
  options.host = "not-an-ip";
  AdminServer bad(io_.get_executor(), options, &registry_);
  auto r = bad.Listen();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("admin port"), std::string::npos);
}

TEST_F(AdminServerTest, NullRegistryServesEmptyMetrics) {
  AdminServer bare(io_.get_executor(), AdminOptions(), nullptr);
  auto port = bare.Listen();
  ASSERT_TRUE(port.ok());
  port_ = *port;
  auto r = Fetch("GET", "/metrics");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "");
}

}  // namespace
}  // namespace cocoon::admin
