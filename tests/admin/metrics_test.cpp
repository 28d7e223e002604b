// MetricsRegistry: exact Prometheus 0.0.4 text for counters, gauges and
// histograms (labels, escaping, order), name validation, collectors, and
// concurrent updates from several threads.
#include "admin/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <thread>

namespace cocoon::admin {
namespace {

TEST(MetricsTest, CounterWithLabelsExactText) {
  MetricsRegistry registry;
  auto requests =
      registry.AddCounter("cocoon_requests_total", "Requests answered.", {"model", "code"});
  ASSERT_TRUE(requests.ok()) << requests.status().ToString();
  (*requests)->WithLabels({"model-b", "200"}).Inc();
  (*requests)->WithLabels({"model-a", "500"}).Inc(2);
  (*requests)->WithLabels({"model-a", "200"}).Inc(7);
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP cocoon_requests_total Requests answered.\n"
            "# TYPE cocoon_requests_total counter\n"
            "cocoon_requests_total{model=\"model-a\",code=\"200\"} 7\n"
            "cocoon_requests_total{model=\"model-a\",code=\"500\"} 2\n"
            "cocoon_requests_total{model=\"model-b\",code=\"200\"} 1\n");
}

TEST(MetricsTest, UnlabeledFamiliesRenderZeroAndKeepRegistrationOrder) {
  MetricsRegistry registry;
  auto z = registry.AddGauge("zeta", "Registered first.");
  auto a = registry.AddCounter("alpha_total", "Registered second.");
  auto empty = registry.AddCounter("labeled_total", "No child yet.", {"x"});
  ASSERT_TRUE(z.ok() && a.ok() && empty.ok());
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP zeta Registered first.\n"
            "# TYPE zeta gauge\n"
            "zeta 0\n"
            "# HELP alpha_total Registered second.\n"
            "# TYPE alpha_total counter\n"
            "alpha_total 0\n");
}

TEST(MetricsTest, CounterAddsDoublesAndRefusesToGoDown) {
  MetricsRegistry registry;
  auto c = registry.AddCounter("cocoon_tokens_total", "");
  ASSERT_TRUE(c.ok());
  Counter& counter = (*c)->Get();
  counter.Inc(uint64_t{1} << 60);  // exact beyond 2^53
  counter.Add(-5);
  counter.Add(std::nan(""));
  EXPECT_EQ(registry.RenderPrometheus(),
            "# TYPE cocoon_tokens_total counter\n"
            "cocoon_tokens_total 1152921504606846976\n");
  MetricsRegistry r2;
  auto c2 = r2.AddCounter("seconds_total", "Busy time.");
  ASSERT_TRUE(c2.ok());
  (*c2)->Get().Add(1.25);
  (*c2)->Get().Add(2);
  EXPECT_DOUBLE_EQ((*c2)->Get().value(), 3.25);
  EXPECT_EQ(r2.RenderPrometheus(),
            "# HELP seconds_total Busy time.\n"
            "# TYPE seconds_total counter\n"
            "seconds_total 3.25\n");
}

TEST(MetricsTest, GaugeSetAddAndSpecialValues) {
  MetricsRegistry registry;
  auto g = registry.AddGauge("cocoon_in_flight", "In flight.", {"worker"});
  ASSERT_TRUE(g.ok());
  Gauge& w1 = (*g)->WithLabels({"w1"});
  w1.Set(5);
  w1.Add(2.5);
  w1.Dec();
  (*g)->WithLabels({"w2"}).Set(-0.125);
  (*g)->WithLabels({"w3"}).Set(std::numeric_limits<double>::infinity());
  (*g)->WithLabels({"w4"}).Set(std::nan(""));
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP cocoon_in_flight In flight.\n"
            "# TYPE cocoon_in_flight gauge\n"
            "cocoon_in_flight{worker=\"w1\"} 6.5\n"
            "cocoon_in_flight{worker=\"w2\"} -0.125\n"
            "cocoon_in_flight{worker=\"w3\"} +Inf\n"
            "cocoon_in_flight{worker=\"w4\"} NaN\n");
}

TEST(MetricsTest, HistogramExactText) {
  MetricsRegistry registry;
  auto h = registry.AddHistogram("cocoon_latency_seconds", "Request latency.", {"model"},
                                 {0.01, 0.1, 1});
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  Histogram& m = (*h)->WithLabels({"m"});
  m.Observe(0.005);
  m.Observe(0.01);  // bounds are inclusive
  m.Observe(0.5);
  m.Observe(3);
  m.Observe(std::nan(""));  // ignored
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP cocoon_latency_seconds Request latency.\n"
            "# TYPE cocoon_latency_seconds histogram\n"
            "cocoon_latency_seconds_bucket{model=\"m\",le=\"0.01\"} 2\n"
            "cocoon_latency_seconds_bucket{model=\"m\",le=\"0.1\"} 2\n"
            "cocoon_latency_seconds_bucket{model=\"m\",le=\"1\"} 3\n"
            "cocoon_latency_seconds_bucket{model=\"m\",le=\"+Inf\"} 4\n"
            "cocoon_latency_seconds_sum{model=\"m\"} 3.515\n"
            "cocoon_latency_seconds_count{model=\"m\"} 4\n");
  auto s = m.snapshot();
  EXPECT_EQ(s.count, 4u);
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{2, 2, 3, 4}));
}

TEST(MetricsTest, UnlabeledHistogramAndLatencyBuckets) {
  MetricsRegistry registry;
  auto h = registry.AddHistogram("t_seconds", "T.", {},
                                 {0.5, 2, std::numeric_limits<double>::infinity()});
  ASSERT_TRUE(h.ok());
  EXPECT_EQ((*h)->bounds(), (std::vector<double>{0.5, 2}));  // +Inf dropped: always added
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP t_seconds T.\n"
            "# TYPE t_seconds histogram\n"
            "t_seconds_bucket{le=\"0.5\"} 0\n"
            "t_seconds_bucket{le=\"2\"} 0\n"
            "t_seconds_bucket{le=\"+Inf\"} 0\n"
            "t_seconds_sum 0\n"
            "t_seconds_count 0\n");
  auto buckets = LatencySecondsBuckets();
  EXPECT_EQ(buckets.front(), 0.001);
  EXPECT_EQ(buckets.back(), 60);
  EXPECT_TRUE(registry.AddHistogram("latency_seconds", "L.", {}, buckets).ok());
}

TEST(MetricsTest, EscapesLabelValuesAndHelp) {
  MetricsRegistry registry;
  auto c = registry.AddCounter("esc_total", "Help with \\ and\nnewline and \"quotes\".", {"v"});
  ASSERT_TRUE(c.ok());
  (*c)->WithLabels({"a\\b\"c\nd"}).Inc();
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP esc_total Help with \\\\ and\\nnewline and \"quotes\".\n"
            "# TYPE esc_total counter\n"
            "esc_total{v=\"a\\\\b\\\"c\\nd\"} 1\n");
  EXPECT_EQ(EscapeLabelValue("plain"), "plain");
}

TEST(MetricsTest, FormatsValues) {
  EXPECT_EQ(FormatMetricValue(0), "0");
  EXPECT_EQ(FormatMetricValue(-0.0), "0");
  EXPECT_EQ(FormatMetricValue(42), "42");
  EXPECT_EQ(FormatMetricValue(0.001), "0.001");
  EXPECT_EQ(FormatMetricValue(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatMetricValue(1e300), "1e+300");
  EXPECT_EQ(FormatMetricValue(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(MetricsTest, RefusesInvalidNames) {
  MetricsRegistry registry;
  for (const char* bad : {"", "1abc", "a-b", "a b", "é", "a.b"}) {
    auto r = registry.AddCounter(bad, "x");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("[a-zA-Z_:][a-zA-Z0-9_:]*"), std::string::npos)
        << r.status().message();
  }
  EXPECT_TRUE(registry.AddCounter(":ok_name:1", "x").ok());
  EXPECT_TRUE(registry.AddGauge("_also_ok", "x", {"_l", "L2"}).ok());

  for (const char* bad : {"__reserved", "a:b", "1x", "", "a-b"}) {
    auto r = registry.AddGauge("g_" + std::to_string(std::hash<std::string>{}(bad)), "x", {bad});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  }
  auto dup_label = registry.AddGauge("dup_label", "x", {"a", "a"});
  EXPECT_FALSE(dup_label.ok());
  auto le = registry.AddHistogram("h", "x", {"le"}, {1});
  ASSERT_FALSE(le.ok());
  EXPECT_NE(le.status().message().find("reserved"), std::string::npos);
  EXPECT_TRUE(registry.AddGauge("le_is_fine_on_gauges", "x", {"le"}).ok());
  // Refused registrations leave nothing behind.
  EXPECT_EQ(registry.RenderPrometheus().find("dup_label"), std::string::npos);
}

TEST(MetricsTest, RefusesDuplicateNamesAndBadBuckets) {
  MetricsRegistry registry;
  ASSERT_TRUE(registry.AddCounter("x_total", "x").ok());
  auto again = registry.AddGauge("x_total", "x");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(registry.AddHistogram("lat", "x", {}, {1}).ok());
  EXPECT_FALSE(registry.AddCounter("lat_count", "x").ok());
  EXPECT_FALSE(registry.AddGauge("lat_bucket", "x").ok());
  ASSERT_TRUE(registry.AddGauge("q_sum", "x").ok());
  EXPECT_FALSE(registry.AddHistogram("q", "x", {}, {1}).ok());

  EXPECT_FALSE(registry.AddHistogram("h1", "x", {}, {1, 1}).ok());
  EXPECT_FALSE(registry.AddHistogram("h2", "x", {}, {2, 1}).ok());
  EXPECT_FALSE(registry.AddHistogram("h3", "x", {}, {std::nan(""), 1}).ok());
  EXPECT_FALSE(
      registry.AddHistogram("h4", "x", {}, {-std::numeric_limits<double>::infinity(), 1}).ok());
  EXPECT_TRUE(registry.AddHistogram("h5", "x", {}, {}).ok());  // +Inf only
}

TEST(MetricsTest, WrongLabelArityIsDroppedNotRendered) {
  MetricsRegistry registry;
  auto c = registry.AddCounter("arity_total", "x", {"a", "b"});
  ASSERT_TRUE(c.ok());
  (*c)->WithLabels({"only-one"}).Inc();
  (*c)->WithLabels({"1", "2", "3"}).Inc();
  EXPECT_EQ((*c)->label_mismatches(), 2u);
  EXPECT_EQ(registry.RenderPrometheus(), "");
  (*c)->WithLabels({"1", "2"}).Inc();
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP arity_total x\n"
            "# TYPE arity_total counter\n"
            "arity_total{a=\"1\",b=\"2\"} 1\n");
}

TEST(MetricsTest, ChildReferencesAreStable) {
  MetricsRegistry registry;
  auto g = registry.AddGauge("stable", "x", {"k"});
  ASSERT_TRUE(g.ok());
  Gauge* first = &(*g)->WithLabels({"a"});
  for (int i = 0; i < 1000; ++i) (*g)->WithLabels({std::to_string(i)});
  EXPECT_EQ(first, &(*g)->WithLabels({"a"}));
}

TEST(MetricsTest, CollectorsWriteAtScrapeTimeInRegistrationOrder) {
  MetricsRegistry registry;
  ASSERT_TRUE(registry.AddCounter("first_total", "x").ok());
  int in_flight = 3;
  std::vector<Status> results;
  registry.AddCollector([&](MetricsWriter& w) {
    std::vector<CollectedSample> samples(2);
    samples[0].label_values = {"w2"};
    samples[0].value = 1;
    samples[1].label_values = {"w1"};
    samples[1].value = in_flight;
    results.push_back(
        w.WriteGauge("cocoon_worker_in_flight", "In flight per worker.", {"worker"}, samples));
    results.push_back(w.WriteCounter("collected_total", "Collected.", 9));
    results.push_back(w.WriteGauge("first_total", "Taken by a family.", 1));
    results.push_back(w.WriteGauge("collected_total", "Taken earlier in this scrape.", 1));
    results.push_back(w.WriteGauge("bad name", "x", 1));
    std::vector<CollectedSample> wrong(1);
    results.push_back(w.WriteGauge("wrong_arity", "x", {"a"}, wrong));
  });
  ASSERT_TRUE(registry.AddGauge("last", "x").ok());
  registry.AddCollector([](MetricsWriter&) { throw std::runtime_error("collector bug"); });

  const std::string expected_prefix =
      "# HELP first_total x\n"
      "# TYPE first_total counter\n"
      "first_total 0\n"
      "# HELP cocoon_worker_in_flight In flight per worker.\n"
      "# TYPE cocoon_worker_in_flight gauge\n"
      "cocoon_worker_in_flight{worker=\"w1\"} ";
  EXPECT_EQ(registry.RenderPrometheus(), expected_prefix +
                                             "3\n"
                                             "cocoon_worker_in_flight{worker=\"w2\"} 1\n"
                                             "# HELP collected_total Collected.\n"
                                             "# TYPE collected_total counter\n"
                                             "collected_total 9\n"
                                             "# HELP last x\n"
                                             "# TYPE last gauge\n"
                                             "last 0\n");
  ASSERT_EQ(results.size(), 6u);
  EXPECT_TRUE(results[0].ok());
  EXPECT_TRUE(results[1].ok());
  EXPECT_EQ(results[2].code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(results[3].code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(results[4].code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(results[5].code(), ErrorCode::kInvalidArgument);
  // Read at scrape time, and the same names are free again on the next one.
  in_flight = 8;
  results.clear();
  std::string second = registry.RenderPrometheus();
  EXPECT_NE(second.find("cocoon_worker_in_flight{worker=\"w1\"} 8\n"), std::string::npos);
  EXPECT_TRUE(results[0].ok() && results[1].ok());
}

TEST(MetricsTest, CollectorMayRegisterDuringScrape) {
  MetricsRegistry registry;
  bool registered = false;
  registry.AddCollector([&](MetricsWriter&) {
    if (!registered) registered = registry.AddGauge("late", "x").ok();
  });
  registry.RenderPrometheus();  // must not deadlock
  EXPECT_TRUE(registered);
  EXPECT_NE(registry.RenderPrometheus().find("late 0\n"), std::string::npos);
}

TEST(MetricsTest, ConcurrentUpdatesSumCorrectly) {
  MetricsRegistry registry;
  auto c = registry.AddCounter("conc_total", "x", {"t"});
  auto g = registry.AddGauge("conc_gauge", "x");
  auto h = registry.AddHistogram("conc_seconds", "x", {"t"}, {0.5, 1.5});
  ASSERT_TRUE(c.ok() && g.ok() && h.ok());
  constexpr int kThreads = 8;
  constexpr int kIters = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIters; ++i) {
        // Children are looked up (and first created) concurrently too.
        (*c)->WithLabels({"shared"}).Inc();
        (*c)->WithLabels({"t" + std::to_string(t % 2)}).Add(0.5);
        (*g)->Get().Add(1);
        (*g)->Get().Sub(0.5);
        (*h)->WithLabels({"shared"}).Observe(i % 2 == 0 ? 0.25 : 1);
      }
    });
  }
  std::thread scraper([&] {
    for (int i = 0; i < 20; ++i) registry.RenderPrometheus();
  });
  for (auto& th : threads) th.join();
  scraper.join();
  EXPECT_EQ((*c)->WithLabels({"shared"}).value(), kThreads * kIters);
  EXPECT_EQ((*c)->WithLabels({"t0"}).value(), kThreads / 2 * kIters * 0.5);
  EXPECT_EQ((*g)->Get().value(), kThreads * kIters * 0.5);
  auto s = (*h)->WithLabels({"shared"}).snapshot();
  EXPECT_EQ(s.count, uint64_t{kThreads} * kIters);
  EXPECT_EQ(s.cumulative[0], uint64_t{kThreads} * kIters / 2);
  EXPECT_EQ(s.sum, kThreads * (kIters / 2) * 1.25);
  std::string text = registry.RenderPrometheus();
  EXPECT_NE(text.find("conc_total{t=\"shared\"} 160000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("conc_seconds_count{t=\"shared\"} 160000\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace cocoon::admin
