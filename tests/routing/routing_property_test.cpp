// Property-style test: random event sequences (workers joining, leaving,
// changing flags and prices, requests starting, streaming, succeeding,
// failing, time passing), driven by a seeded RNG, never make the router
// violate capacity or pick a worker that an independent check filters out,
// and it never refuses while an eligible worker exists.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <random>
#include <vector>

#include "proxy/routing/retry_policy.h"
#include "proxy/routing/router.h"
#include "routing/test_util.h"

namespace cocoon::proxy::routing {
namespace {

using testing::milliseconds;
using testing::T0;

const std::vector<std::string> kModels = {"a", "b", "c"};

struct Running {
  WorkerId worker;
  TimePoint started;
  bool streaming = false;
};

// Eligibility written out again, independently of CheckEligibility.
bool IndependentlyEligible(const WorkerState& w, const std::string& model, uint32_t max_coef,
                           const std::set<WorkerId>& exclude, TimePoint now) {
  return w.info().models.count(model) == 1 && exclude.count(w.id()) == 0 && w.info().enabled &&
         w.info().healthy && w.breaker().State(now) != BreakerState::kOpen &&
         w.breaker().AllowsRequest(now) && w.info().price_coefficient <= max_coef &&
         w.in_flight() < w.info().capacity;
}

class Simulation {
 public:
  explicit Simulation(uint64_t seed) : rng_(seed), table_(Config()), router_(table_) {}

  static WorkerStatsConfig Config() {
    WorkerStatsConfig c;
    c.breaker.failure_threshold = 2;
    c.breaker.base_backoff = milliseconds(300);
    c.breaker.max_backoff = milliseconds(5000);
    return c;
  }

  uint64_t Uniform(uint64_t lo, uint64_t hi) {
    return std::uniform_int_distribution<uint64_t>(lo, hi)(rng_);
  }

  WorkerInfo RandomInfo() {
    WorkerInfo info;
    for (const auto& m : kModels) {
      if (Uniform(0, 2) == 0) info.models.insert(m);
    }
    info.enabled = Uniform(0, 9) != 0;
    info.healthy = Uniform(0, 9) != 0;
    info.price_coefficient = static_cast<uint32_t>(Uniform(500, 2000));
    info.capacity = static_cast<uint32_t>(Uniform(1, 4));
    return info;
  }

  void CheckInvariants() {
    for (const auto& [id, w] : table_.workers()) {
      ASSERT_LE(w.in_flight(), w.info().capacity) << "worker " << id;
    }
  }

  void Request() {
    std::string model = kModels[Uniform(0, kModels.size() - 1)];
    if (Uniform(0, 20) == 0) model = "unknown";
    uint32_t max_coef = static_cast<uint32_t>(Uniform(400, 2200));
    RetryPolicy policy(static_cast<uint32_t>(Uniform(1, 3)));
    for (;;) {
      auto picked = router_.Pick(model, max_coef, policy.tried(), now_, rng_);
      size_t eligible = 0, serving = 0;
      for (const auto& [id, w] : table_.workers()) {
        if (w.info().models.count(model) == 1) ++serving;
        if (IndependentlyEligible(w, model, max_coef, policy.tried(), now_)) ++eligible;
      }
      if (!picked.ok()) {
        ASSERT_EQ(eligible, 0u) << picked.status().ToString();
        ASSERT_EQ(picked.status().code(),
                  serving == 0 ? ErrorCode::kNotFound : ErrorCode::kUnavailable);
        ++refusals_;
        Availability a = router_.Survey(model, max_coef, policy.tried(), now_);
        if (a.circuit_open > 0) ++refused_with_open_breaker_;
        if (a.busy > 0) ++refused_with_busy_;
        return;
      }
      const WorkerState* w = table_.Find(*picked);
      ASSERT_NE(w, nullptr);
      ASSERT_TRUE(IndependentlyEligible(*w, model, max_coef, policy.tried(), now_))
          << "picked filtered-out worker " << *picked;
      ASSERT_TRUE(table_.RecordStart(*picked, now_).ok());
      policy.RecordAttempt(*picked);
      ++picks_;
      // Some attempts fail at once before the first token and are retried.
      if (Uniform(0, 4) == 0) {
        ASSERT_TRUE(table_.RecordFailure(*picked, FailureKind::kBeforeFirstToken, now_).ok());
        if (policy.ShouldRetry(FailureKind::kBeforeFirstToken)) continue;
        return;
      }
      running_.push_back({*picked, now_});
      return;
    }
  }

  void Finish() {
    if (running_.empty()) return;
    size_t k = Uniform(0, running_.size() - 1);
    Running r = running_[k];
    running_.erase(running_.begin() + static_cast<std::ptrdiff_t>(k));
    Status s;
    switch (Uniform(0, 5)) {
      case 0:
        s = table_.RecordFailure(r.worker, FailureKind::kTimeout, now_);
        break;
      case 1:
        s = table_.RecordFailure(
            r.worker, r.streaming ? FailureKind::kAfterFirstToken : FailureKind::kBeforeFirstToken,
            now_);
        break;
      default:
        s = table_.RecordSuccess(r.worker, now_ - r.started, now_);
        break;
    }
    // A removed worker's requests end with NotFound; nothing else may fail.
    if (table_.Find(r.worker) == nullptr) {
      ASSERT_EQ(s.code(), ErrorCode::kNotFound);
    } else {
      ASSERT_TRUE(s.ok()) << s.ToString();
    }
  }

  void Step() {
    switch (Uniform(0, 11)) {
      case 0: {  // a worker joins (the registry never reuses an id)
        if (table_.size() < 10) {
          ASSERT_TRUE(table_.Add(next_id_++, RandomInfo()).ok());
        }
        // Adding a registered id again is refused.
        if (!table_.workers().empty()) {
          WorkerId taken = table_.workers().begin()->first;
          ASSERT_EQ(table_.Add(taken, RandomInfo()).code(), ErrorCode::kFailedPrecondition);
        }
        break;
      }
      case 1: {  // a worker leaves; its running requests end with NotFound
        if (Uniform(0, 3) == 0) (void)table_.Remove(RandomId());
        break;
      }
      case 2: {  // flags and price change; capacity kept so the invariant is exact
        WorkerId id = RandomId();
        if (const WorkerState* w = table_.Find(id)) {
          WorkerInfo info = RandomInfo();
          info.capacity = w->info().capacity;
          ASSERT_TRUE(table_.Update(id, info).ok());
        }
        break;
      }
      case 3:
        now_ += milliseconds(Uniform(0, 400));
        break;
      case 4: {  // first token of a running request
        if (!running_.empty()) {
          Running& r = running_[Uniform(0, running_.size() - 1)];
          if (!r.streaming && table_.Find(r.worker) != nullptr) {
            ASSERT_TRUE(table_.RecordFirstToken(r.worker, now_ - r.started, now_).ok());
          }
          r.streaming = true;
        }
        break;
      }
      case 5:
      case 6:
      case 7:
        Finish();
        break;
      default:
        Request();
        break;
    }
  }

  WorkerId RandomId() { return Uniform(1, next_id_); }

  std::mt19937_64 rng_;
  WorkerTable table_;
  Router router_;
  TimePoint now_ = T0();
  std::vector<Running> running_;
  WorkerId next_id_ = 1;
  int picks_ = 0;
  int refusals_ = 0;
  int refused_with_open_breaker_ = 0;
  int refused_with_busy_ = 0;
};

TEST(RoutingPropertyTest, RandomEventSequencesKeepInvariants) {
  int open_breakers = 0, busy = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Simulation sim(seed);
    for (int step = 0; step < 3000; ++step) {
      ASSERT_NO_FATAL_FAILURE(sim.Step());
      ASSERT_NO_FATAL_FAILURE(sim.CheckInvariants());
    }
    // The sequences must actually exercise both outcomes.
    EXPECT_GT(sim.picks_, 100);
    EXPECT_GT(sim.refusals_, 0);
    open_breakers += sim.refused_with_open_breaker_;
    busy += sim.refused_with_busy_;
  }
  // ... and reach the interesting states.
  EXPECT_GT(open_breakers, 0);
  EXPECT_GT(busy, 0);
  std::printf("refusals with an open breaker: %d, with a busy worker: %d\n", open_breakers, busy);
}

}  // namespace
}  // namespace cocoon::proxy::routing
