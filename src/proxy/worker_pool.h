// WorkerPool: the proxy's registry of connected workers. It joins each
// worker's session and verified identity with what the worker announced and
// with the routing table (routing/worker_table.h) that measures it, and
// answers the questions clients ask about the workers (models, attestation).
//
// A worker is routable only after its first valid announcement. Models it
// announces that the registry does not allow are dropped (and logged); an
// announcement with no allowed model left is refused.
//
// Thread-safety: not thread-safe; owned by the proxy's executor.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "inference/inference.pb.h"
#include "net/connect.h"
#include "proxy/billing.h"
#include "proxy/routing/router.h"
#include "proxy/routing/worker_table.h"

namespace cocoon::proxy {

struct ConnectedWorker {
  routing::WorkerId id = 0;
  net::SessionPtr session;
  ratls::PeerIdentity identity;
  std::string remote;  // ip:port, for logs
  bool announced = false;
  inference::WorkerAnnounce announce;  // the last accepted one (models filtered)
  std::optional<BilledParty> payee;    // where a paying proxy pays it
};
using WorkerPtr = std::shared_ptr<ConnectedWorker>;

class WorkerPool {
 public:
  // `allowed_models` empty: any model. `seed` seeds the router's choices.
  WorkerPool(std::set<std::string> allowed_models, routing::WorkerStatsConfig stats, uint64_t seed);

  // A worker finished its handshake; it is routable once it announces.
  WorkerPtr Connect(net::SessionPtr session, ratls::PeerIdentity identity, std::string remote);
  // Accepts or updates what the worker serves. InvalidArgument for an
  // unusable announcement (no allowed model, zero capacity).
  Status Announce(routing::WorkerId id, const inference::WorkerAnnounce& announce);
  void Disconnect(routing::WorkerId id);

  // Picks a worker for the next attempt and records the start (routing
  // errors as in Router::Pick).
  Result<WorkerPtr> Acquire(std::string_view model, uint32_t max_coefficient,
                            const std::set<routing::WorkerId>& exclude, routing::TimePoint now);
  // Whether any connected worker announced `model` (usable or not).
  bool IsServed(std::string_view model) const;
  bool IsAllowed(std::string_view model) const;
  // The registry's models changed: new announcements are filtered by these.
  void SetAllowedModels(std::set<std::string> models) { allowed_models_ = std::move(models); }
  // Whether the registry lists the models (so an allowed model without a
  // worker is "unavailable", not "unknown").
  bool has_model_list() const { return !allowed_models_.empty(); }

  routing::WorkerTable& table() { return table_; }
  const routing::WorkerTable& table() const { return table_; }
  WorkerPtr Find(routing::WorkerId id) const;
  size_t size() const { return workers_.size(); }

  inference::ModelList Models() const;
  // The highest price coefficient among usable workers serving `model`
  // (0 if none).
  uint32_t MaxCoefficient(std::string_view model) const;
  inference::AttestationReport Attestation() const;
  // Every worker with its announcement and routing snapshot (no secrets).
  nlohmann::json Stats(routing::TimePoint now) const;
  // The workers' connections' buffered bytes and open streams, summed.
  nlohmann::json Buffers() const;

 private:
  std::set<std::string> allowed_models_;
  routing::WorkerTable table_;
  routing::Router router_;
  std::mt19937_64 rng_;
  std::map<routing::WorkerId, WorkerPtr> workers_;
  routing::WorkerId next_id_ = 1;
};

}  // namespace cocoon::proxy
