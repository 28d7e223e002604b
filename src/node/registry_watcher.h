// RegistryWatcher: keeps a daemon's view of the registry current. It has no
// thread or timer of its own: the daemon calls Poll() from its timer (any
// period; the watcher decides from the injected Clock whether a check is
// due). A check asks the registry for its version only (LoadVersion, one
// get-method on chain) and reloads the whole registry only when the version
// differs from the current snapshot's. Each reload reports what was removed
// (image hashes, models, proxy addresses), so the daemon can close the
// connections to peers that are no longer allowed, and whether prices or
// stakes changed.
//
// A failed check keeps the current snapshot and is retried after
// `retry_interval`; the error is returned so the daemon can log it.
//
// Thread-safety: not thread-safe; call Poll() from one thread (or strand).
// current() returns an immutable snapshot that may be handed to any thread.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "node/registry.h"
#include "util/clock.h"

namespace cocoon::node {

struct RegistryChange {
  std::optional<uint64_t> old_version;  // nullopt: the first load
  uint64_t new_version = 0;
  std::set<attest::ImageHash> removed_proxy_images;
  std::set<attest::ImageHash> removed_worker_images;
  std::set<std::string> removed_models;                 // names
  std::set<crypto::Sha256Digest> removed_model_hashes;  // chain form
  std::vector<std::string> removed_proxy_addresses;
  bool prices_changed = false;
  bool stakes_changed = false;

  // True when something that was allowed no longer is.
  bool RemovedAnything() const;
};

// What was removed from `before` to `after`, and what else changed.
RegistryChange DiffRegistry(const RegistrySnapshot& before, const RegistrySnapshot& after);

class RegistryWatcher {
 public:
  struct Options {
    std::chrono::seconds interval{30};       // between version checks
    std::chrono::seconds retry_interval{5};  // after a failed check
  };

  // REQUIRES: registry and clock outlive the watcher.
  RegistryWatcher(const Registry& registry, const Clock& clock, Options options);
  RegistryWatcher(const Registry& registry, const Clock& clock)
      : RegistryWatcher(registry, clock, Options{}) {}
  RegistryWatcher(const RegistryWatcher&) = delete;
  RegistryWatcher& operator=(const RegistryWatcher&) = delete;

  // Checks when due (the first call always is). Returns nullopt when not due
  // or the version is unchanged; the change after a (re)load; the error when
  // the registry could not be read (nothing changes then).
  Result<std::optional<RegistryChange>> Poll();
  // Checks now, whatever the timer says.
  Result<std::optional<RegistryChange>> PollNow();

  // The last snapshot loaded; null before the first successful load.
  std::shared_ptr<const RegistrySnapshot> current() const { return current_; }
  // Unix time of the next check Poll() will make.
  int64_t next_check_at() const { return next_check_at_; }

 private:
  const Registry& registry_;
  const Clock& clock_;
  Options options_;
  std::shared_ptr<const RegistrySnapshot> current_;
  int64_t next_check_at_ = 0;
};

}  // namespace cocoon::node
