#include "proxy/routing/retry_policy.h"

#include <gtest/gtest.h>

namespace cocoon::proxy::routing {
namespace {

TEST(RetryPolicyTest, RetriesOnlyBeforeFirstTokenWithinBudget) {
  RetryPolicy policy;  // 3 attempts
  EXPECT_EQ(policy.max_attempts(), 3u);
  policy.RecordAttempt(1);
  EXPECT_TRUE(policy.ShouldRetry(FailureKind::kBeforeFirstToken));
  policy.RecordAttempt(2);
  EXPECT_TRUE(policy.ShouldRetry(FailureKind::kBeforeFirstToken));
  policy.RecordAttempt(3);
  EXPECT_FALSE(policy.ShouldRetry(FailureKind::kBeforeFirstToken));
  EXPECT_FALSE(policy.HasAttemptsLeft());
  EXPECT_EQ(policy.attempts(), 3u);
}

TEST(RetryPolicyTest, NeverRetriesAfterFirstTokenOrTimeout) {
  RetryPolicy policy(10);
  policy.RecordAttempt(1);
  EXPECT_FALSE(policy.ShouldRetry(FailureKind::kAfterFirstToken));
  EXPECT_FALSE(policy.ShouldRetry(FailureKind::kTimeout));
  EXPECT_TRUE(policy.HasAttemptsLeft());
}

TEST(RetryPolicyTest, RemembersTriedWorkersAsExcludeSet) {
  RetryPolicy policy;
  policy.RecordAttempt(7);
  policy.RecordAttempt(9);
  EXPECT_EQ(policy.tried(), (std::set<WorkerId>{7, 9}));
}

TEST(RetryPolicyTest, ZeroAttemptsMeansOne) {
  RetryPolicy policy(0);
  EXPECT_TRUE(policy.HasAttemptsLeft());
  policy.RecordAttempt(1);
  EXPECT_FALSE(policy.ShouldRetry(FailureKind::kBeforeFirstToken));
}

TEST(RetryPolicyTest, FailureKindNames) {
  EXPECT_EQ(FailureKindName(FailureKind::kBeforeFirstToken), "before_first_token");
  EXPECT_EQ(FailureKindName(FailureKind::kAfterFirstToken), "after_first_token");
  EXPECT_EQ(FailureKindName(FailureKind::kTimeout), "timeout");
}

}  // namespace
}  // namespace cocoon::proxy::routing
