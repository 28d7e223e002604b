// CancelSignal: lets one party (another coroutine, a callback, another
// thread) abort work that a second party is doing, e.g. an HTTP client
// request whose caller went away.
//
// Thread-safety: every method may be called from any thread. Callbacks run
// on the thread that calls Cancel (or in Subscribe, if already cancelled),
// without the internal lock held; they should only post work elsewhere.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace cocoon::http {

class CancelSignal {
 public:
  CancelSignal() = default;
  CancelSignal(const CancelSignal&) = delete;
  CancelSignal& operator=(const CancelSignal&) = delete;

  static std::shared_ptr<CancelSignal> Create() { return std::make_shared<CancelSignal>(); }

  // Cancels once; later calls do nothing.
  void Cancel();
  bool cancelled() const;

  // Runs `callback` once on Cancel, or at once if already cancelled. Returns
  // an id for Unsubscribe (0 if the callback already ran).
  uint64_t Subscribe(std::function<void()> callback);
  void Unsubscribe(uint64_t id);

 private:
  mutable std::mutex mu_;
  bool cancelled_ = false;
  uint64_t next_id_ = 1;
  std::map<uint64_t, std::function<void()>> callbacks_;
};

}  // namespace cocoon::http
