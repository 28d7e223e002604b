// Pricing: exact integer adjustment, category split, costs, worst case and
// overflow.
#include "pay/pricing.h"

#include <gtest/gtest.h>

#include <limits>

#include "pay/errors.h"

namespace cocoon::pay {
namespace {

constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();

Prices TestPrices() {
  Prices p;
  p.price_per_token = 1000;
  p.worker_fee_per_token = 800;
  p.prompt_multiplier = 10000;
  p.cached_multiplier = 1000;
  p.completion_multiplier = 30000;
  p.reasoning_multiplier = 20000;
  return p;
}

struct AdjustCase {
  uint64_t tokens;
  uint32_t coefficient;
  uint32_t multiplier;
  uint64_t expected;
};

TEST(PricingTest, AdjustTokensTable) {
  const AdjustCase cases[] = {
      {0, 1000, 10000, 0},
      {1, 1000, 10000, 1},
      {100, 1000, 10000, 100},
      {100, 1500, 10000, 150},
      {100, 1000, 5000, 50},
      {3, 1000, 5000, 1},                   // 1.5 → 1
      {1, 999, 10000, 0},                   // 0.999 → 0
      {7, 1333, 7777, 7},                   // 7 × 1.333 × 0.7777 = 7.2566… → 7
      {1000, 1, 1, 0},                      // 10^-4 → 0
      {10000000, 1, 1, 1},                  // exactly 1
      {9999999, 1, 1, 0},                   // just below 1
      {123456789, 2500, 12345, 381018515},  // × 3.08625 = 381018515.05…
  };
  for (const auto& c : cases) {
    auto r = AdjustTokens(c.tokens, c.coefficient, c.multiplier);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, c.expected) << c.tokens << " × " << c.coefficient << " × " << c.multiplier;
  }
}

TEST(PricingTest, AdjustTokensIsExactAtTheExtremes) {
  // The largest product (2^64−1)(2^32−1)^2 must not wrap; its quotient is too
  // large for 64 bits, so it is an overflow error.
  auto huge = AdjustTokens(kU64Max, 0xffffffffu, 0xffffffffu);
  ASSERT_FALSE(huge.ok());
  EXPECT_TRUE(HasReason(huge.status(), kOverflow)) << huge.status().ToString();
  EXPECT_EQ(huge.status().code(), ErrorCode::kResourceExhausted);

  // ×1 keeps the largest count exactly.
  auto same = AdjustTokens(kU64Max, 1000, 10000);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same, kU64Max);
  // ×1.0001 on 2^64−1 overflows.
  EXPECT_FALSE(AdjustTokens(kU64Max, 1000, 10001).ok());
  // ×0.5 with a large count: exact halving, floor.
  auto half = AdjustTokens(kU64Max, 1000, 5000);
  ASSERT_TRUE(half.ok());
  EXPECT_EQ(*half, kU64Max / 2);
}

TEST(PricingTest, CategoriesAreDisjoint) {
  Prices p = TestPrices();
  Usage u{1000, 600, 500,
          200};  // prompt 1000 of which 600 cached; completion 500 of which 200 reasoning
  auto a = Adjust(u, 1000, p);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->prompt, 400u);      // (1000 − 600) × 1
  EXPECT_EQ(a->cached, 60u);       // 600 × 0.1
  EXPECT_EQ(a->completion, 900u);  // (500 − 200) × 3
  EXPECT_EQ(a->reasoning, 400u);   // 200 × 2
  EXPECT_EQ(a->total, 1760u);
}

TEST(PricingTest, EachCategoryIsFlooredSeparately) {
  Prices p = TestPrices();
  p.prompt_multiplier = 15000;
  p.cached_multiplier = 15000;
  // 1 uncached × 1.5 → 1 and 1 cached × 1.5 → 1: total 2, not ⌊3⌋ = 3.
  auto a = Adjust(Usage{2, 1, 0, 0}, 1000, p);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->total, 2u);
}

TEST(PricingTest, CostWorkerEarningAndCommission) {
  Prices p = TestPrices();
  auto c = PriceUsage(Usage{1000, 600, 500, 200}, 1500, p);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  // 400×1.5=600, 60×1.5=90, 900×1.5=1350, 400×1.5=600 → 2640
  EXPECT_EQ(c->adjusted_tokens, 2640u);
  EXPECT_TRUE(c->client_cost == 2640u * 1000u);
  EXPECT_TRUE(c->worker_earning == 2640u * 800u);
  EXPECT_TRUE(c->commission == 2640u * 200u);
  EXPECT_TRUE(c->client_cost == c->worker_earning + c->commission);
}

TEST(PricingTest, CostOfTheLargestCountFits128Bits) {
  Prices p;
  p.price_per_token = kU64Max;
  p.worker_fee_per_token = kU64Max - 1;
  auto c = PriceTokens(kU64Max, p);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->client_cost == static_cast<ton::Uint128>(kU64Max) * kU64Max);
  EXPECT_TRUE(c->commission == kU64Max);
}

TEST(PricingTest, TotalOverflowIsAnError) {
  Prices p = TestPrices();
  p.completion_multiplier = 10000;
  p.reasoning_multiplier = 10000;
  // Each category fits, their sum does not.
  Usage u{kU64Max, 0, kU64Max, 0};
  auto a = Adjust(u, 1000, p);
  ASSERT_FALSE(a.ok());
  EXPECT_TRUE(HasReason(a.status(), kOverflow)) << a.status().ToString();
}

TEST(PricingTest, MalformedUsageIsRefused) {
  Prices p = TestPrices();
  EXPECT_TRUE(HasReason(Adjust(Usage{10, 11, 0, 0}, 1000, p).status(), kBadUsage));
  EXPECT_TRUE(HasReason(Adjust(Usage{0, 0, 10, 11}, 1000, p).status(), kBadUsage));
  EXPECT_TRUE(HasReason(MakeUsage(-1, 0, 0, 0).status(), kBadUsage));
  EXPECT_TRUE(HasReason(MakeUsage(5, 6, 0, 0).status(), kBadUsage));
  EXPECT_TRUE(HasReason(MakeUsage(0, 0, 5, 6).status(), kBadUsage));
  auto ok = MakeUsage(10, 4, 7, 3);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, (Usage{10, 4, 7, 3}));
}

TEST(PricingTest, ValidatePricesFollowsTheRoot) {
  EXPECT_TRUE(ValidatePrices(TestPrices()).ok());
  Prices p = TestPrices();
  p.price_per_token = 0;
  EXPECT_TRUE(HasReason(ValidatePrices(p), kBadPrices));
  p = TestPrices();
  p.worker_fee_per_token = p.price_per_token + 1;
  EXPECT_TRUE(HasReason(ValidatePrices(p), kBadPrices));
  EXPECT_TRUE(HasReason(PriceTokens(1, p).status(), kBadPrices));
  p = TestPrices();
  p.cached_multiplier = 0;
  EXPECT_FALSE(ValidatePrices(p).ok());
  p.cached_multiplier = kMaxMultiplier + 1;
  EXPECT_FALSE(ValidatePrices(p).ok());
  p.cached_multiplier = kMaxMultiplier;
  EXPECT_TRUE(ValidatePrices(p).ok());
}

TEST(PricingTest, WorstCaseBoundsEveryUsageWithinIt) {
  Prices p = TestPrices();
  auto worst = WorstCase(1000, 500, 2000, p);
  ASSERT_TRUE(worst.ok()) << worst.status().ToString();
  // prompt 1000 × 2 × max(1, 0.1) = 2000; completion 500 × 2 × max(3, 2) = 3000.
  EXPECT_EQ(worst->adjusted_tokens, 5000u);
  EXPECT_TRUE(worst->client_cost == 5000u * 1000u);
  for (uint64_t prompt : {0u, 1u, 999u, 1000u}) {
    for (uint64_t cached : {0u, 1u, 500u, 1000u}) {
      if (cached > prompt) continue;
      for (uint64_t completion : {0u, 7u, 500u}) {
        for (uint64_t reasoning : {0u, 3u, 500u}) {
          if (reasoning > completion) continue;
          for (uint32_t coef : {1u, 999u, 1000u, 2000u}) {
            auto c = PriceUsage(Usage{prompt, cached, completion, reasoning}, coef, p);
            ASSERT_TRUE(c.ok());
            EXPECT_LE(c->adjusted_tokens, worst->adjusted_tokens);
          }
        }
      }
    }
  }
  EXPECT_TRUE(HasReason(WorstCase(1, 1, 0, p).status(), kBadPrices));
  EXPECT_TRUE(HasReason(WorstCase(kU64Max, kU64Max, 1000, p).status(), kOverflow));
}

}  // namespace
}  // namespace cocoon::pay
