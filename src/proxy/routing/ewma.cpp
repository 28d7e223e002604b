#include "proxy/routing/ewma.h"

#include <algorithm>
#include <cmath>

namespace cocoon::proxy::routing {

Ewma::Ewma(Duration half_life, double prior, double prior_weight)
    : half_life_(half_life > Duration::zero() ? half_life : Duration(1)),
      prior_(prior),
      prior_weight_(std::max(prior_weight, 0.0)) {}

double Ewma::DecayTo(TimePoint now) const {
  if (weight_ == 0 || now <= last_) return 1.0;
  return std::exp2(-ToSeconds(now - last_) / ToSeconds(half_life_));
}

void Ewma::Add(double sample, TimePoint now) {
  bool first = weight_ == 0;
  double decay = DecayTo(now);
  weighted_sum_ = weighted_sum_ * decay + sample;
  weight_ = weight_ * decay + 1.0;
  last_ = first ? now : std::max(last_, now);
}

double Ewma::Value(TimePoint now) const {
  double decay = DecayTo(now);
  double denominator = weight_ * decay + prior_weight_;
  if (denominator <= 0) return prior_;
  return (weighted_sum_ * decay + prior_ * prior_weight_) / denominator;
}

double Ewma::Evidence(TimePoint now) const { return weight_ * DecayTo(now); }

}  // namespace cocoon::proxy::routing
