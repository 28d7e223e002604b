// Ewma: a moving average whose memory is measured in time, not in samples.
//
// The value is the weighted mean of every sample seen, each weighted by
// 2^(-age / half_life), together with a prior that counts as `prior_weight`
// samples and never ages:
//
//   value(now) = (Σ x_i·2^(-age_i/h) + prior·w0) / (Σ 2^(-age_i/h) + w0)
//
// Consequences, all intended:
//  - a burst of samples at one instant counts as many samples (a per-sample
//    EWMA would let the last one dominate; a naive time EWMA would ignore all
//    but the first);
//  - a sample half a half-life old weighs ~0.71, one half-life old 0.5;
//  - a new worker starts at the prior, and a worker that has been silent for
//    many half-lives drifts back to the prior, so old bad (or good) news is
//    forgotten and an idle worker gets a fresh chance.
//
// Thread-safety: not thread-safe; owned by the proxy's executor.
#pragma once

#include "proxy/routing/types.h"

namespace cocoon::proxy::routing {

class Ewma {
 public:
  // REQUIRES: half_life > 0, prior_weight >= 0.
  Ewma(Duration half_life, double prior, double prior_weight = 1.0);

  // Adds one sample observed at `now`. A `now` earlier than a previous sample
  // is treated as simultaneous with it (time never runs backwards here).
  void Add(double sample, TimePoint now);

  // The average as of `now`; the prior when there are no samples.
  double Value(TimePoint now) const;

  // Decayed weight of the real samples as of `now` (0 = no evidence yet).
  double Evidence(TimePoint now) const;

 private:
  // Factor by which the samples' weights have decayed between last_ and now.
  double DecayTo(TimePoint now) const;

  Duration half_life_;
  double prior_;
  double prior_weight_;
  double weighted_sum_ = 0;  // Σ x_i·w_i as of last_
  double weight_ = 0;        // Σ w_i as of last_
  TimePoint last_{};
};

}  // namespace cocoon::proxy::routing
