#include "proxy/routing/worker_table.h"

#include <gtest/gtest.h>

#include "routing/test_util.h"

namespace cocoon::proxy::routing {
namespace {

using testing::Info;
using testing::milliseconds;
using testing::seconds;
using testing::T0;

TEST(WorkerTableTest, AddRejectsDuplicatesAndUnusableAnnouncements) {
  WorkerTable table;
  ASSERT_TRUE(table.Add(1, Info({"m"})).ok());
  Status dup = table.Add(1, Info({"m"}));
  EXPECT_EQ(dup.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(dup.message(), "worker 1 is already registered");

  Status zero = table.Add(2, Info({"m"}, /*capacity=*/0));
  EXPECT_EQ(zero.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(zero.message().find("capacity"), std::string::npos);
  EXPECT_EQ(table.Add(3, Info({""})).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(table.size(), 1u);
}

TEST(WorkerTableTest, UnknownWorkerIsNotFound) {
  WorkerTable table;
  EXPECT_EQ(table.RecordStart(9, T0()).code(), ErrorCode::kNotFound);
  EXPECT_EQ(table.RecordSuccess(9, seconds(1), T0()).code(), ErrorCode::kNotFound);
  EXPECT_EQ(table.RecordFailure(9, FailureKind::kTimeout, T0()).code(), ErrorCode::kNotFound);
  EXPECT_EQ(table.RecordFirstToken(9, seconds(1), T0()).code(), ErrorCode::kNotFound);
  EXPECT_EQ(table.Update(9, Info({"m"})).code(), ErrorCode::kNotFound);
  EXPECT_EQ(table.SetEnabled(9, false).code(), ErrorCode::kNotFound);
  EXPECT_EQ(table.Remove(9).message(), "worker 9 is not registered");
  EXPECT_EQ(table.Snapshot(9, T0()).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(table.Find(9), nullptr);
}

TEST(WorkerTableTest, RemovedWorkerReportsAreNotFound) {
  WorkerTable table;
  ASSERT_TRUE(table.Add(1, Info({"m"})).ok());
  ASSERT_TRUE(table.RecordStart(1, T0()).ok());
  ASSERT_TRUE(table.Remove(1).ok());
  EXPECT_EQ(table.RecordSuccess(1, seconds(1), T0()).code(), ErrorCode::kNotFound);
}

TEST(WorkerTableTest, StartIsRefusedAtCapacity) {
  WorkerTable table;
  ASSERT_TRUE(table.Add(1, Info({"m"}, /*capacity=*/2)).ok());
  ASSERT_TRUE(table.RecordStart(1, T0()).ok());
  ASSERT_TRUE(table.RecordStart(1, T0()).ok());
  Status full = table.RecordStart(1, T0());
  EXPECT_EQ(full.code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(table.Find(1)->in_flight(), 2u);
  EXPECT_EQ(table.Find(1)->counters().requests, 2u);
  ASSERT_TRUE(table.RecordSuccess(1, seconds(1), T0()).ok());
  EXPECT_TRUE(table.RecordStart(1, T0()).ok());
}

TEST(WorkerTableTest, FinishWithoutStartIsRefused) {
  WorkerTable table;
  ASSERT_TRUE(table.Add(1, Info({"m"})).ok());
  EXPECT_EQ(table.RecordSuccess(1, seconds(1), T0()).code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(table.RecordFailure(1, FailureKind::kBeforeFirstToken, T0()).code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(table.Find(1)->in_flight(), 0u);
}

TEST(WorkerTableTest, AbandonedRequestFreesCapacityWithoutJudgingTheWorker) {
  WorkerTable table;
  ASSERT_TRUE(table.Add(1, Info({"m"}, /*capacity=*/1)).ok());
  double success_before = table.Find(1)->success_rate(T0());
  ASSERT_TRUE(table.RecordStart(1, T0()).ok());
  ASSERT_TRUE(table.RecordAbandoned(1).ok());
  EXPECT_EQ(table.Find(1)->in_flight(), 0u);
  EXPECT_EQ(table.Find(1)->counters().abandoned, 1u);
  EXPECT_EQ(table.Find(1)->counters().failures(), 0u);
  EXPECT_EQ(table.Find(1)->success_rate(T0()), success_before);
  EXPECT_EQ(table.RecordAbandoned(1).code(), ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(table.RecordStart(1, T0()).ok());
}

TEST(WorkerTableTest, UpdateKeepsMeasurementsAndInFlight) {
  WorkerTable table;
  ASSERT_TRUE(table.Add(1, Info({"m"}, 4)).ok());
  ASSERT_TRUE(table.RecordStart(1, T0()).ok());
  ASSERT_TRUE(table.RecordSuccess(1, seconds(3), T0()).ok());
  ASSERT_TRUE(table.RecordStart(1, T0()).ok());
  ASSERT_TRUE(table.Update(1, Info({"m", "n"}, 8, 1500)).ok());
  const WorkerState* w = table.Find(1);
  EXPECT_EQ(w->in_flight(), 1u);
  EXPECT_EQ(w->info().capacity, 8u);
  EXPECT_EQ(w->info().price_coefficient, 1500u);
  EXPECT_TRUE(w->serves("n"));
  EXPECT_DOUBLE_EQ(w->service_time_s(T0()), 2.0);  // (prior 1 s + 3 s) / 2
  ASSERT_TRUE(table.SetEnabled(1, false).ok());
  ASSERT_TRUE(table.SetHealthy(1, false).ok());
  EXPECT_FALSE(w->info().enabled);
  EXPECT_FALSE(w->info().healthy);
  EXPECT_EQ(w->info().capacity, 8u);
}

TEST(WorkerTableTest, OutcomesUpdateSmoothedStats) {
  WorkerTable table;
  ASSERT_TRUE(table.Add(1, Info({"m"}, 10)).ok());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(table.RecordStart(1, T0()).ok());
  ASSERT_TRUE(table.RecordFirstToken(1, milliseconds(500), T0()).ok());
  ASSERT_TRUE(table.RecordSuccess(1, seconds(2), T0()).ok());
  ASSERT_TRUE(table.RecordFailure(1, FailureKind::kTimeout, T0()).ok());
  ASSERT_TRUE(table.RecordFailure(1, FailureKind::kAfterFirstToken, T0()).ok());
  const WorkerState* w = table.Find(1);
  EXPECT_EQ(w->in_flight(), 0u);
  EXPECT_DOUBLE_EQ(w->service_time_s(T0()), 1.5);          // prior 1, sample 2
  EXPECT_DOUBLE_EQ(w->time_to_first_token_s(T0()), 0.75);  // prior 1, sample 0.5
  EXPECT_DOUBLE_EQ(w->success_rate(T0()), 0.5);            // prior 1, samples 1, 0, 0
  EXPECT_DOUBLE_EQ(w->timeout_rate(T0()), 0.25);           // prior 0, samples 0, 1, 0
  EXPECT_EQ(w->counters().requests, 3u);
  EXPECT_EQ(w->counters().successes, 1u);
  EXPECT_EQ(w->counters().timeouts, 1u);
  EXPECT_EQ(w->counters().failures_after_first_token, 1u);
  EXPECT_EQ(w->counters().failures(), 2u);
}

TEST(WorkerTableTest, RepeatedFailuresOpenTheBreakerAndStartIsRefused) {
  WorkerTable table;  // default threshold: 5 consecutive failures
  ASSERT_TRUE(table.Add(1, Info({"m"})).ok());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(table.RecordStart(1, T0()).ok());
    ASSERT_TRUE(table.RecordFailure(1, FailureKind::kBeforeFirstToken, T0()).ok());
  }
  Status refused = table.RecordStart(1, T0());
  EXPECT_EQ(refused.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(refused.message(),
            "worker 1's circuit breaker is open and lets no request through now");
}

TEST(WorkerTableTest, SnapshotCopiesEverything) {
  WorkerStatsConfig config;
  config.breaker.failure_threshold = 1;
  config.breaker.base_backoff = seconds(4);
  WorkerTable table(config);
  ASSERT_TRUE(table.Add(2, Info({"b", "a"}, 3, 1200)).ok());
  ASSERT_TRUE(table.Add(1, Info({"a"})).ok());
  ASSERT_TRUE(table.RecordStart(2, T0()).ok());
  ASSERT_TRUE(table.RecordStart(2, T0()).ok());
  ASSERT_TRUE(table.RecordFailure(2, FailureKind::kBeforeFirstToken, T0()).ok());

  auto snap = table.Snapshot(2, T0() + seconds(1));
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->id, 2u);
  EXPECT_EQ(snap->models, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(snap->enabled);
  EXPECT_TRUE(snap->healthy);
  EXPECT_EQ(snap->price_coefficient, 1200u);
  EXPECT_EQ(snap->in_flight, 1u);
  EXPECT_EQ(snap->capacity, 3u);
  EXPECT_DOUBLE_EQ(snap->service_time_s, 1.0);
  EXPECT_LT(snap->success_rate, 1.0);
  EXPECT_EQ(snap->breaker, BreakerState::kOpen);
  EXPECT_DOUBLE_EQ(snap->breaker_retry_in_s, 3.0);
  EXPECT_EQ(snap->breaker_openings, 1u);
  EXPECT_EQ(snap->consecutive_failures, 1u);
  EXPECT_EQ(snap->counters.requests, 2u);
  EXPECT_EQ(snap->counters.failures(), 1u);

  auto all = table.SnapshotAll(T0());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, 1u);
  EXPECT_EQ(all[1].id, 2u);
}

}  // namespace
}  // namespace cocoon::proxy::routing
