#include "proxy/routing/router.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "proxy/routing/retry_policy.h"
#include "routing/test_util.h"

namespace cocoon::proxy::routing {
namespace {

using testing::Info;
using testing::milliseconds;
using testing::seconds;
using testing::T0;

constexpr uint32_t kAnyPrice = 1'000'000;
const std::set<WorkerId> kNoExclude;

// Picks `n` times without starting requests (the table does not change) and
// counts the winners.
std::map<WorkerId, int> CountPicks(const Router& router, int n, std::mt19937_64& rng,
                                   const std::string& model = "m",
                                   uint32_t max_coefficient = kAnyPrice,
                                   const std::set<WorkerId>& exclude = kNoExclude) {
  std::map<WorkerId, int> counts;
  for (int i = 0; i < n; ++i) {
    auto id = router.Pick(model, max_coefficient, exclude, T0(), rng);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    if (id.ok()) ++counts[*id];
  }
  return counts;
}

// Gives worker `id` `n` successes of `service_time` each.
void Serve(WorkerTable& table, WorkerId id, int n, Duration service_time, TimePoint now = T0()) {
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(table.RecordStart(id, now).ok());
    ASSERT_TRUE(table.RecordSuccess(id, service_time, now).ok());
  }
}

void FailBeforeFirstToken(WorkerTable& table, WorkerId id, int n, TimePoint now = T0()) {
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(table.RecordStart(id, now).ok());
    ASSERT_TRUE(table.RecordFailure(id, FailureKind::kBeforeFirstToken, now).ok());
  }
}

TEST(RouterTest, NoWorkerServesModelIsNotFound) {
  WorkerTable table;
  ASSERT_TRUE(table.Add(1, Info({"other"})).ok());
  Router router(table);
  std::mt19937_64 rng(1);
  auto r = router.Pick("llama", kAnyPrice, {}, T0(), rng);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(r.status().message(), "no worker serves model \"llama\"");
}

TEST(RouterTest, NoneAvailableIsUnavailableWithReasonCounts) {
  WorkerStatsConfig config;
  config.breaker.failure_threshold = 1;
  WorkerTable table(config);
  ASSERT_TRUE(table.Add(1, Info({"m"}, 1)).ok());        // busy
  ASSERT_TRUE(table.Add(2, Info({"m"}, 1)).ok());        // busy
  ASSERT_TRUE(table.Add(3, Info({"m"})).ok());           // unhealthy
  ASSERT_TRUE(table.Add(4, Info({"m"})).ok());           // disabled
  ASSERT_TRUE(table.Add(5, Info({"m"})).ok());           // circuit open
  ASSERT_TRUE(table.Add(6, Info({"m"}, 4, 2000)).ok());  // too expensive
  ASSERT_TRUE(table.Add(7, Info({"m"})).ok());           // already tried
  ASSERT_TRUE(table.Add(8, Info({"other"})).ok());       // not counted
  ASSERT_TRUE(table.RecordStart(1, T0()).ok());
  ASSERT_TRUE(table.RecordStart(2, T0()).ok());
  ASSERT_TRUE(table.SetHealthy(3, false).ok());
  ASSERT_TRUE(table.SetEnabled(4, false).ok());
  FailBeforeFirstToken(table, 5, 1);
  Router router(table);
  std::mt19937_64 rng(1);

  auto r = router.Pick("m", 1000, {7}, T0(), rng);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(r.status().message(),
            "7 workers serve model \"m\" but none is available now (already tried: 1, "
            "disabled: 1, unhealthy: 1, circuit open: 1, too expensive: 1, busy: 2)");

  Availability a = router.Survey("m", 1000, {7}, T0());
  EXPECT_EQ(a.serving, 7u);
  EXPECT_EQ(a.eligible, 0u);
  EXPECT_EQ(a.busy, 2u);
  EXPECT_EQ(a.already_tried, 1u);
}

TEST(RouterTest, SingleUnavailableWorkerReadsSingular) {
  WorkerTable table;
  ASSERT_TRUE(table.Add(1, Info({"m"}, 1)).ok());
  ASSERT_TRUE(table.RecordStart(1, T0()).ok());
  Router router(table);
  std::mt19937_64 rng(1);
  EXPECT_EQ(router.Pick("m", kAnyPrice, {}, T0(), rng).status().message(),
            "1 worker serves model \"m\" but none is available now (busy: 1)");
}

// Worker 1 is fine; worker 2 differs by one defect and must never be picked.
class FilterTest : public ::testing::TestWithParam<Ineligibility> {};

TEST_P(FilterTest, DefectiveWorkerIsNeverPicked) {
  WorkerStatsConfig config;
  config.breaker.failure_threshold = 1;
  WorkerTable table(config);
  ASSERT_TRUE(table.Add(1, Info({"m"}, 1000)).ok());
  ASSERT_TRUE(table.Add(2, Info({"m"}, 1)).ok());
  // Worker 2 is otherwise faster, so it would win every comparison.
  Serve(table, 1, 5, seconds(5));
  Serve(table, 2, 5, milliseconds(10));
  uint32_t max_coefficient = 1000;
  std::set<WorkerId> exclude;
  switch (GetParam()) {
    case Ineligibility::kWrongModel:
      ASSERT_TRUE(table.Update(2, Info({"other"}, 1)).ok());
      break;
    case Ineligibility::kAlreadyTried:
      exclude = {2};
      break;
    case Ineligibility::kDisabled:
      ASSERT_TRUE(table.SetEnabled(2, false).ok());
      break;
    case Ineligibility::kUnhealthy:
      ASSERT_TRUE(table.SetHealthy(2, false).ok());
      break;
    case Ineligibility::kCircuitOpen:
      FailBeforeFirstToken(table, 2, 1);
      break;
    case Ineligibility::kTooExpensive:
      ASSERT_TRUE(table.Update(2, Info({"m"}, 1, 1001)).ok());
      break;
    case Ineligibility::kBusy:
      ASSERT_TRUE(table.RecordStart(2, T0()).ok());
      break;
    case Ineligibility::kNone:
      break;
  }
  ASSERT_EQ(CheckEligibility(*table.Find(2), "m", max_coefficient, exclude, T0()), GetParam());
  Router router(table);
  std::mt19937_64 rng(42);
  auto counts = CountPicks(router, 500, rng, "m", max_coefficient, exclude);
  EXPECT_EQ(counts[1], 500);
  EXPECT_EQ(counts.count(2), 0u);
}

INSTANTIATE_TEST_SUITE_P(EachCriterion, FilterTest,
                         ::testing::Values(Ineligibility::kWrongModel, Ineligibility::kAlreadyTried,
                                           Ineligibility::kDisabled, Ineligibility::kUnhealthy,
                                           Ineligibility::kCircuitOpen,
                                           Ineligibility::kTooExpensive, Ineligibility::kBusy));

TEST(RouterTest, PowerOfTwoChoicesSpreadsOverIdleWorkers) {
  WorkerTable table;
  for (WorkerId id = 1; id <= 4; ++id) ASSERT_TRUE(table.Add(id, Info({"m"})).ok());
  Router router(table);
  std::mt19937_64 rng(7);
  auto counts = CountPicks(router, 10000, rng);
  ASSERT_EQ(counts.size(), 4u);
  for (const auto& [id, n] : counts) {
    EXPECT_GE(n, 2000) << "worker " << id;
    EXPECT_LE(n, 3000) << "worker " << id;
  }
}

TEST(RouterTest, TwoEqualWorkersSplitByCoinFlip) {
  WorkerTable table;
  ASSERT_TRUE(table.Add(1, Info({"m"})).ok());
  ASSERT_TRUE(table.Add(2, Info({"m"})).ok());
  Router router(table);
  std::mt19937_64 rng(3);
  auto counts = CountPicks(router, 10000, rng);
  EXPECT_GE(counts[1], 4500);
  EXPECT_GE(counts[2], 4500);
}

TEST(RouterTest, SameSeedSameDecisions) {
  WorkerTable table;
  for (WorkerId id = 1; id <= 5; ++id) ASSERT_TRUE(table.Add(id, Info({"m"})).ok());
  Router router(table);
  std::mt19937_64 a(99), b(99);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(*router.Pick("m", kAnyPrice, {}, T0(), a), *router.Pick("m", kAnyPrice, {}, T0(), b));
  }
}

TEST(RouterTest, SlowWorkerGetsFewerPicks) {
  WorkerTable table;
  for (WorkerId id = 1; id <= 4; ++id) ASSERT_TRUE(table.Add(id, Info({"m"}, 100)).ok());
  Serve(table, 1, 20, seconds(4));  // slow
  for (WorkerId id = 2; id <= 4; ++id) Serve(table, id, 20, seconds(1));
  Router router(table);
  std::mt19937_64 rng(11);
  // Idle: the slow worker loses every comparison it is drawn into.
  auto idle = CountPicks(router, 4000, rng);
  EXPECT_EQ(idle.count(1), 0u);

  // Under load, queues even out the expected wait, so the slow worker gets
  // some requests, but fewer than any fast one.
  std::map<WorkerId, int> picks;
  std::vector<WorkerId> running;
  for (int i = 0; i < 4000; ++i) {
    auto id = router.Pick("m", kAnyPrice, {}, T0(), rng);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    ASSERT_TRUE(table.RecordStart(*id, T0()).ok());
    ++picks[*id];
    running.push_back(*id);
    if (running.size() > 30) {  // keep ~30 requests in flight; finish a random one
      size_t k = std::uniform_int_distribution<size_t>(0, running.size() - 1)(rng);
      WorkerId done = running[k];
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(k));
      ASSERT_TRUE(table.RecordSuccess(done, done == 1 ? seconds(4) : seconds(1), T0()).ok());
    }
  }
  EXPECT_GT(picks[1], 0);
  for (WorkerId id = 2; id <= 4; ++id) EXPECT_LT(picks[1], picks[id]) << "worker " << id;
}

TEST(RouterTest, UnreliableWorkerGetsFewerPicks) {
  WorkerStatsConfig config;
  config.breaker.failure_threshold = 1000;  // only reputation acts here
  WorkerTable table(config);
  for (WorkerId id = 1; id <= 3; ++id) ASSERT_TRUE(table.Add(id, Info({"m"}, 10)).ok());
  Serve(table, 1, 10, seconds(1));
  FailBeforeFirstToken(table, 1, 10);  // success rate ~0.5
  Serve(table, 2, 20, seconds(1));
  Serve(table, 3, 20, seconds(1));
  ASSERT_TRUE(table.RecordStart(3, T0()).ok());  // and one timeout
  ASSERT_TRUE(table.RecordFailure(3, FailureKind::kTimeout, T0()).ok());
  Router router(table);
  ScoreConfig sc;
  EXPECT_GT(Score(*table.Find(1), T0(), sc), Score(*table.Find(2), T0(), sc));
  EXPECT_GT(Score(*table.Find(3), T0(), sc), Score(*table.Find(2), T0(), sc));
  std::mt19937_64 rng(5);
  auto counts = CountPicks(router, 3000, rng);
  // Worker 2 wins both pairs it is drawn into (2/3 of the picks). Between the
  // other two, worker 1's fast failures (retried elsewhere) cost less than
  // worker 3's rare but 30 s timeouts, so worker 3 gets nothing.
  EXPECT_NEAR(counts[2], 2000, 200);
  EXPECT_NEAR(counts[1], 1000, 200);
  EXPECT_EQ(counts.count(3), 0u);
}

TEST(RouterTest, ScoreFormula) {
  WorkerTable table;
  ASSERT_TRUE(table.Add(1, Info({"m"}, 10)).ok());
  ASSERT_TRUE(table.RecordStart(1, T0()).ok());
  ASSERT_TRUE(table.RecordFailure(1, FailureKind::kTimeout, T0()).ok());
  ASSERT_TRUE(table.RecordStart(1, T0()).ok());
  ASSERT_TRUE(table.RecordStart(1, T0()).ok());
  const WorkerState& w = *table.Find(1);
  // service 1 s (prior), in flight 2, success (1+0)/2 = 0.5, timeout (0+1)/2 = 0.5
  ScoreConfig sc;
  sc.timeout_penalty_s = 10;
  EXPECT_DOUBLE_EQ(Score(w, T0(), sc), 3 * 1.0 / 0.5 + 0.5 * 10);
  sc.min_success_rate = 0.8;
  EXPECT_DOUBLE_EQ(Score(w, T0(), sc), 3 * 1.0 / 0.8 + 0.5 * 10);
}

TEST(RouterTest, RetryAfterFailureBeforeFirstTokenGoesElsewhere) {
  WorkerTable table;
  for (WorkerId id = 1; id <= 3; ++id) ASSERT_TRUE(table.Add(id, Info({"m"})).ok());
  Router router(table);
  std::mt19937_64 rng(2);
  for (int trial = 0; trial < 200; ++trial) {
    RetryPolicy policy;
    std::set<WorkerId> seen;
    for (;;) {
      auto id = router.Pick("m", kAnyPrice, policy.tried(), T0(), rng);
      ASSERT_TRUE(id.ok()) << id.status().ToString();
      EXPECT_EQ(policy.tried().count(*id), 0u);
      seen.insert(*id);
      policy.RecordAttempt(*id);
      if (!policy.ShouldRetry(FailureKind::kBeforeFirstToken)) break;
    }
    EXPECT_EQ(seen.size(), 3u);  // three attempts, three different workers
  }
  auto all_tried = router.Pick("m", kAnyPrice, {1, 2, 3}, T0(), rng);
  EXPECT_EQ(all_tried.status().message(),
            "3 workers serve model \"m\" but none is available now (already tried: 3)");
}

TEST(RouterTest, CoefficientLimitIsInclusive) {
  WorkerTable table;
  ASSERT_TRUE(table.Add(1, Info({"m"}, 4, 900)).ok());
  ASSERT_TRUE(table.Add(2, Info({"m"}, 4, 1000)).ok());
  ASSERT_TRUE(table.Add(3, Info({"m"}, 4, 1500)).ok());
  Router router(table);
  std::mt19937_64 rng(4);
  auto counts = CountPicks(router, 1000, rng, "m", 1000);
  EXPECT_GT(counts[1], 0);
  EXPECT_GT(counts[2], 0);
  EXPECT_EQ(counts.count(3), 0u);
  auto cheap = router.Pick("m", 800, {}, T0(), rng);
  EXPECT_EQ(cheap.status().message(),
            "3 workers serve model \"m\" but none is available now (too expensive: 3)");
}

TEST(RouterTest, FailingWorkerIsBackedOffByItsBreaker) {
  WorkerStatsConfig config;
  config.breaker.failure_threshold = 3;
  config.breaker.base_backoff = seconds(2);
  config.breaker.max_backoff = seconds(60);
  WorkerTable table(config);
  ASSERT_TRUE(table.Add(1, Info({"m"}, 100)).ok());
  ASSERT_TRUE(table.Add(2, Info({"m"}, 100)).ok());
  Router router(table);
  std::mt19937_64 rng(8);

  FailBeforeFirstToken(table, 1, 3);
  ASSERT_EQ(table.Find(1)->breaker().State(T0()), BreakerState::kOpen);
  auto Picks = [&](TimePoint now, int n) {
    std::map<WorkerId, int> counts;
    for (int i = 0; i < n; ++i) ++counts[*router.Pick("m", kAnyPrice, {}, now, rng)];
    return counts;
  };
  // Open: no picks at all, right up to the end of the backoff.
  EXPECT_EQ(Picks(T0(), 500).count(1), 0u);
  EXPECT_EQ(Picks(T0() + milliseconds(1999), 500).count(1), 0u);

  // Half-open: worker 1 is eligible again, but only for one trial request.
  // Its reputation is still poor, so it wins a comparison only against a
  // loaded worker: put 10 requests on worker 2.
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(table.RecordStart(2, T0()).ok());
  TimePoint t = T0() + seconds(2);
  std::mt19937_64 until_trial(8);
  WorkerId picked = 0;
  for (int i = 0; i < 1000 && picked != 1; ++i) {
    picked = *router.Pick("m", kAnyPrice, {}, t, until_trial);
  }
  ASSERT_EQ(picked, 1u);
  ASSERT_TRUE(table.RecordStart(1, t).ok());
  EXPECT_EQ(Picks(t, 500).count(1), 0u);  // exactly one trial
  EXPECT_EQ(table.RecordStart(1, t).code(), ErrorCode::kUnavailable);

  // The trial fails: open again for twice as long (4 s).
  ASSERT_TRUE(table.RecordFailure(1, FailureKind::kBeforeFirstToken, t).ok());
  EXPECT_EQ(table.Find(1)->breaker().open_until(), t + seconds(4));
  EXPECT_EQ(Picks(t + milliseconds(3999), 500).count(1), 0u);

  // Next trial succeeds: closed, backoff back to base, picked normally.
  t += seconds(4);
  ASSERT_TRUE(table.Find(1)->breaker().AllowsRequest(t));
  ASSERT_TRUE(table.RecordStart(1, t).ok());
  ASSERT_TRUE(table.RecordSuccess(1, seconds(1), t).ok());
  EXPECT_EQ(table.Find(1)->breaker().State(t), BreakerState::kClosed);
  EXPECT_EQ(table.Find(1)->breaker().backoff(), seconds(2));
  EXPECT_GT(Picks(t + seconds(600), 500)[1], 0);
}

}  // namespace
}  // namespace cocoon::proxy::routing
