#include "proxy/routing/circuit_breaker.h"

#include <gtest/gtest.h>

#include "routing/test_util.h"

namespace cocoon::proxy::routing {
namespace {

using testing::milliseconds;
using testing::seconds;
using testing::T0;

CircuitBreakerConfig Config() {
  CircuitBreakerConfig c;
  c.failure_threshold = 3;
  c.base_backoff = seconds(1);
  c.max_backoff = seconds(5);
  return c;
}

void Fail(CircuitBreaker& b, TimePoint now) {
  ASSERT_TRUE(b.AllowsRequest(now));
  b.OnRequestStart(now);
  b.OnFailure(now);
}

TEST(CircuitBreakerTest, OpensAfterThresholdConsecutiveFailures) {
  CircuitBreaker b(Config());
  Fail(b, T0());
  Fail(b, T0());
  EXPECT_EQ(b.State(T0()), BreakerState::kClosed);
  Fail(b, T0());
  EXPECT_EQ(b.State(T0()), BreakerState::kOpen);
  EXPECT_FALSE(b.AllowsRequest(T0()));
  EXPECT_FALSE(b.AllowsRequest(T0() + milliseconds(999)));
  EXPECT_EQ(b.times_opened(), 1u);
}

TEST(CircuitBreakerTest, SuccessResetsTheConsecutiveCount) {
  CircuitBreaker b(Config());
  Fail(b, T0());
  Fail(b, T0());
  b.OnRequestStart(T0());
  b.OnSuccess(T0());
  Fail(b, T0());
  Fail(b, T0());
  EXPECT_EQ(b.State(T0()), BreakerState::kClosed);
  EXPECT_EQ(b.consecutive_failures(), 2u);
}

TEST(CircuitBreakerTest, HalfOpenLetsExactlyOneTrialThrough) {
  CircuitBreaker b(Config());
  for (int i = 0; i < 3; ++i) Fail(b, T0());
  TimePoint later = T0() + seconds(1);
  EXPECT_EQ(b.State(later), BreakerState::kHalfOpen);
  EXPECT_TRUE(b.AllowsRequest(later));
  b.OnRequestStart(later);
  EXPECT_FALSE(b.AllowsRequest(later));
  EXPECT_FALSE(b.AllowsRequest(later + seconds(100)));  // still waiting for the trial
  EXPECT_EQ(b.State(later), BreakerState::kHalfOpen);
}

TEST(CircuitBreakerTest, AbandonedTrialLetsTheNextRequestTry) {
  CircuitBreaker b(Config());
  for (int i = 0; i < 3; ++i) Fail(b, T0());
  TimePoint later = T0() + seconds(1);
  b.OnRequestStart(later);
  EXPECT_FALSE(b.AllowsRequest(later));
  b.OnAbandoned();
  EXPECT_TRUE(b.AllowsRequest(later));
  EXPECT_EQ(b.State(later), BreakerState::kHalfOpen);
}

TEST(CircuitBreakerTest, TrialSuccessClosesAndResetsBackoff) {
  CircuitBreaker b(Config());
  for (int i = 0; i < 3; ++i) Fail(b, T0());
  TimePoint t = T0() + seconds(1);
  Fail(b, t);  // failed trial: re-open for 2 s
  EXPECT_EQ(b.backoff(), seconds(2));
  t += seconds(2);
  b.OnRequestStart(t);
  b.OnSuccess(t);
  EXPECT_EQ(b.State(t), BreakerState::kClosed);
  EXPECT_TRUE(b.AllowsRequest(t));
  EXPECT_EQ(b.backoff(), seconds(1));
  EXPECT_EQ(b.consecutive_failures(), 0u);
  // The next opening starts again from the base backoff.
  for (int i = 0; i < 3; ++i) Fail(b, t);
  EXPECT_EQ(b.open_until(), t + seconds(1));
}

TEST(CircuitBreakerTest, BackoffDoublesOnEachReopenUpToCap) {
  CircuitBreaker b(Config());
  for (int i = 0; i < 3; ++i) Fail(b, T0());
  TimePoint t = T0();
  std::vector<Duration> openings;
  for (int i = 0; i < 5; ++i) {
    Duration backoff = b.open_until() - t;
    openings.push_back(backoff);
    EXPECT_FALSE(b.AllowsRequest(t + backoff - milliseconds(1)));
    t += backoff;
    Fail(b, t);  // the trial fails
  }
  std::vector<Duration> expected = {seconds(1), seconds(2), seconds(4), seconds(5), seconds(5)};
  EXPECT_EQ(openings, expected);
  EXPECT_EQ(b.times_opened(), 6u);
}

TEST(CircuitBreakerTest, OutcomesWhileOpenAreStragglersAndIgnored) {
  CircuitBreaker b(Config());
  b.OnRequestStart(T0());  // a long request, started while closed
  for (int i = 0; i < 3; ++i) Fail(b, T0());
  b.OnSuccess(T0() + milliseconds(500));
  EXPECT_EQ(b.State(T0() + milliseconds(500)), BreakerState::kOpen);
  b.OnFailure(T0() + milliseconds(600));
  EXPECT_EQ(b.open_until(), T0() + seconds(1));
}

TEST(CircuitBreakerTest, StateNames) {
  EXPECT_EQ(BreakerStateName(BreakerState::kClosed), "closed");
  EXPECT_EQ(BreakerStateName(BreakerState::kOpen), "open");
  EXPECT_EQ(BreakerStateName(BreakerState::kHalfOpen), "half-open");
}

}  // namespace
}  // namespace cocoon::proxy::routing
