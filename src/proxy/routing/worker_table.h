// WorkerTable: the registry's routing view — every connected worker, what it
// announced, and what the proxy has measured about it.
//
// The proxy reports each request's life here: RecordStart when it is sent to
// a worker (right after Router::Pick chose it), RecordFirstToken when output
// begins, then exactly one of RecordSuccess or RecordFailure. From these the
// table keeps per worker: requests in flight, smoothed service time and time
// to first token, smoothed success and timeout rates, and a circuit breaker.
//
// Errors are values: an unknown id is NotFound (a worker may disconnect while
// its requests finish; the caller may ignore that), a start beyond capacity or
// past a closed breaker gate is refused, never counted.
//
// Thread-safety: not thread-safe; owned by the proxy's executor. Pick and the
// following RecordStart must run without another Pick in between (trivially
// true on one executor).
#pragma once

#include <map>
#include <vector>

#include "proxy/routing/failure_kind.h"
#include "proxy/routing/types.h"
#include "proxy/routing/worker_info.h"
#include "proxy/routing/worker_snapshot.h"
#include "proxy/routing/worker_state.h"
#include "util/status.h"

namespace cocoon::proxy::routing {

class WorkerTable {
 public:
  explicit WorkerTable(WorkerStatsConfig config = {});
  WorkerTable(const WorkerTable&) = delete;
  WorkerTable& operator=(const WorkerTable&) = delete;

  // Registers a worker with fresh statistics (the priors).
  // FailedPrecondition if `id` is taken; InvalidArgument if `info` is unusable.
  Status Add(WorkerId id, WorkerInfo info);
  // Replaces what the worker announced (models, price, capacity) or its
  // enabled/healthy flags; measurements and in-flight requests are kept. A
  // capacity below the in-flight count only stops new requests.
  Status Update(WorkerId id, WorkerInfo info);
  Status SetEnabled(WorkerId id, bool enabled);
  Status SetHealthy(WorkerId id, bool healthy);
  // Forgets the worker; later reports for it return NotFound.
  Status Remove(WorkerId id);

  // A request was sent to the worker. ResourceExhausted at capacity;
  // Unavailable when its breaker lets nothing through now. On error nothing
  // is recorded.
  Status RecordStart(WorkerId id, TimePoint now);
  // The first token arrived `time_to_first_token` after RecordStart.
  Status RecordFirstToken(WorkerId id, Duration time_to_first_token, TimePoint now);
  // The request finished well, `service_time` after RecordStart.
  // FailedPrecondition when the worker has no request in flight.
  Status RecordSuccess(WorkerId id, Duration service_time, TimePoint now);
  // The request failed. FailedPrecondition when none is in flight.
  Status RecordFailure(WorkerId id, FailureKind kind, TimePoint now);
  // The request ended because its client went away: in flight drops, the
  // worker's measurements and reputation are left alone.
  // FailedPrecondition when none is in flight.
  Status RecordAbandoned(WorkerId id);

  // nullptr when unknown. Valid until the worker is removed.
  const WorkerState* Find(WorkerId id) const;
  // All workers, ordered by id (so iteration is deterministic).
  const std::map<WorkerId, WorkerState>& workers() const { return workers_; }
  size_t size() const { return workers_.size(); }

  Result<WorkerSnapshot> Snapshot(WorkerId id, TimePoint now) const;
  // Every worker, ordered by id.
  std::vector<WorkerSnapshot> SnapshotAll(TimePoint now) const;

 private:
  Result<WorkerState*> Get(WorkerId id);

  WorkerStatsConfig config_;
  std::map<WorkerId, WorkerState> workers_;
};

}  // namespace cocoon::proxy::routing
