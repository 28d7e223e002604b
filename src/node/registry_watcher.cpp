#include "node/registry_watcher.h"

#include <algorithm>

namespace cocoon::node {
namespace {

template <typename T>
std::set<T> Missing(const std::set<T>& before, const std::set<T>& after) {
  std::set<T> out;
  std::set_difference(before.begin(), before.end(), after.begin(), after.end(),
                      std::inserter(out, out.end()));
  return out;
}

bool SamePrices(const Prices& a, const Prices& b) {
  return a.price_per_token == b.price_per_token &&
         a.worker_fee_per_token == b.worker_fee_per_token &&
         a.prompt_multiplier == b.prompt_multiplier && a.cached_multiplier == b.cached_multiplier &&
         a.completion_multiplier == b.completion_multiplier &&
         a.reasoning_multiplier == b.reasoning_multiplier;
}

}  // namespace

bool RegistryChange::RemovedAnything() const {
  return !removed_proxy_images.empty() || !removed_worker_images.empty() ||
         !removed_models.empty() || !removed_model_hashes.empty() ||
         !removed_proxy_addresses.empty();
}

RegistryChange DiffRegistry(const RegistrySnapshot& before, const RegistrySnapshot& after) {
  RegistryChange c;
  c.old_version = before.version;
  c.new_version = after.version;
  c.removed_proxy_images = Missing(before.proxy_images, after.proxy_images);
  c.removed_worker_images = Missing(before.worker_images, after.worker_images);
  c.removed_models = Missing(before.models, after.models);
  c.removed_model_hashes = Missing(before.model_hashes, after.model_hashes);
  const std::set<std::string> now(after.proxy_addresses.begin(), after.proxy_addresses.end());
  for (const std::string& a : before.proxy_addresses) {
    if (!now.count(a)) c.removed_proxy_addresses.push_back(a);
  }
  c.prices_changed = !SamePrices(before.prices, after.prices);
  c.stakes_changed = !(before.stakes == after.stakes);
  return c;
}

RegistryWatcher::RegistryWatcher(const Registry& registry, const Clock& clock, Options options)
    : registry_(registry), clock_(clock), options_(options) {}

Result<std::optional<RegistryChange>> RegistryWatcher::Poll() {
  if (current_ && clock_.NowUnix() < next_check_at_) return std::optional<RegistryChange>();
  return PollNow();
}

Result<std::optional<RegistryChange>> RegistryWatcher::PollNow() {
  const int64_t now = clock_.NowUnix();
  next_check_at_ = now + options_.retry_interval.count();
  if (current_) {
    Result<uint64_t> version = registry_.LoadVersion();
    if (!version.ok()) return version.status();
    if (*version == current_->version) {
      next_check_at_ = now + options_.interval.count();
      return std::optional<RegistryChange>();
    }
  }
  Result<RegistrySnapshot> loaded = registry_.Load();
  if (!loaded.ok()) return loaded.status();
  next_check_at_ = now + options_.interval.count();
  RegistryChange change;
  if (current_) {
    change = DiffRegistry(*current_, *loaded);
  } else {
    change.new_version = loaded->version;
  }
  current_ = std::make_shared<const RegistrySnapshot>(std::move(*loaded));
  return std::optional<RegistryChange>(std::move(change));
}

}  // namespace cocoon::node
