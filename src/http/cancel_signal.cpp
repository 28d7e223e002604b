#include "http/cancel_signal.h"

namespace cocoon::http {

void CancelSignal::Cancel() {
  std::map<uint64_t, std::function<void()>> callbacks;
  {
    std::lock_guard lock(mu_);
    if (cancelled_) return;
    cancelled_ = true;
    callbacks.swap(callbacks_);
  }
  for (auto& [id, cb] : callbacks) cb();
}

bool CancelSignal::cancelled() const {
  std::lock_guard lock(mu_);
  return cancelled_;
}

uint64_t CancelSignal::Subscribe(std::function<void()> callback) {
  {
    std::lock_guard lock(mu_);
    if (!cancelled_) {
      uint64_t id = next_id_++;
      callbacks_.emplace(id, std::move(callback));
      return id;
    }
  }
  callback();
  return 0;
}

void CancelSignal::Unsubscribe(uint64_t id) {
  std::lock_guard lock(mu_);
  callbacks_.erase(id);
}

}  // namespace cocoon::http
