#include "proxy/routing/ewma.h"

#include <gtest/gtest.h>

#include "routing/test_util.h"

namespace cocoon::proxy::routing {
namespace {

using testing::seconds;
using testing::T0;

TEST(EwmaTest, StartsAtThePrior) {
  Ewma e(seconds(10), 2.5);
  EXPECT_DOUBLE_EQ(e.Value(T0()), 2.5);
  EXPECT_DOUBLE_EQ(e.Evidence(T0()), 0.0);
}

TEST(EwmaTest, FirstSampleAveragesWithPriorByWeight) {
  Ewma e(seconds(10), 1.0, /*prior_weight=*/1.0);
  e.Add(3.0, T0());
  EXPECT_DOUBLE_EQ(e.Value(T0()), 2.0);
  Ewma no_prior(seconds(10), 1.0, /*prior_weight=*/0.0);
  no_prior.Add(3.0, T0());
  EXPECT_DOUBLE_EQ(no_prior.Value(T0()), 3.0);
}

TEST(EwmaTest, BurstAtOneInstantCountsEverySample) {
  Ewma e(seconds(10), 0.0, 0.0);
  e.Add(1.0, T0());
  e.Add(1.0, T0());
  e.Add(4.0, T0());
  EXPECT_DOUBLE_EQ(e.Value(T0()), 2.0);
  EXPECT_DOUBLE_EQ(e.Evidence(T0()), 3.0);
}

TEST(EwmaTest, OldSampleWeighsHalfAfterOneHalfLife) {
  Ewma e(seconds(10), 0.0, 0.0);
  e.Add(0.0, T0());
  e.Add(3.0, T0() + seconds(10));  // the old sample now weighs 0.5
  EXPECT_DOUBLE_EQ(e.Value(T0() + seconds(10)), 3.0 / 1.5);
  EXPECT_DOUBLE_EQ(e.Evidence(T0() + seconds(10)), 1.5);
  EXPECT_DOUBLE_EQ(e.Evidence(T0() + seconds(20)), 0.75);
}

TEST(EwmaTest, HalfLifeIsInTimeNotSamples) {
  // Many samples within a short time do not erase a long history faster than
  // their share of the weight.
  Ewma e(seconds(60), 0.0, 0.0);
  for (int i = 0; i < 100; ++i) e.Add(1.0, T0());
  for (int i = 0; i < 100; ++i) e.Add(0.0, T0() + seconds(1));
  double v = e.Value(T0() + seconds(1));
  EXPECT_GT(v, 0.45);
  EXPECT_LT(v, 0.5);
}

TEST(EwmaTest, SilenceDriftsBackToPrior) {
  Ewma e(seconds(10), 1.0, 1.0);
  for (int i = 0; i < 10; ++i) e.Add(0.0, T0());
  EXPECT_NEAR(e.Value(T0()), 1.0 / 11, 1e-12);
  EXPECT_NEAR(e.Value(T0() + seconds(10)), 1.0 / 6, 1e-12);
  EXPECT_NEAR(e.Value(T0() + seconds(1000)), 1.0, 1e-9);
}

TEST(EwmaTest, TimeGoingBackwardsIsTreatedAsSimultaneous) {
  Ewma e(seconds(10), 0.0, 0.0);
  e.Add(2.0, T0() + seconds(5));
  e.Add(4.0, T0());
  EXPECT_DOUBLE_EQ(e.Value(T0() + seconds(5)), 3.0);
  EXPECT_DOUBLE_EQ(e.Value(T0()), 3.0);
}

}  // namespace
}  // namespace cocoon::proxy::routing
