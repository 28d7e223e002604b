#include "proxy/routing/worker_table.h"

#include <string>
#include <utility>

namespace cocoon::proxy::routing {

namespace {

std::string Name(WorkerId id) { return "worker " + std::to_string(id); }

}  // namespace

WorkerTable::WorkerTable(WorkerStatsConfig config) : config_(std::move(config)) {}

Result<WorkerState*> WorkerTable::Get(WorkerId id) {
  auto it = workers_.find(id);
  if (it == workers_.end()) return NotFound(Name(id) + " is not registered");
  return &it->second;
}

Status WorkerTable::Add(WorkerId id, WorkerInfo info) {
  COCOON_RETURN_IF_ERROR(info.Validate().WithContext(Name(id)));
  if (workers_.count(id) > 0) return FailedPrecondition(Name(id) + " is already registered");
  workers_.emplace(id, WorkerState(id, std::move(info), config_));
  return Status::Ok();
}

Status WorkerTable::Update(WorkerId id, WorkerInfo info) {
  COCOON_RETURN_IF_ERROR(info.Validate().WithContext(Name(id)));
  COCOON_ASSIGN_OR_RETURN(WorkerState * worker, Get(id));
  worker->SetInfo(std::move(info));
  return Status::Ok();
}

Status WorkerTable::SetEnabled(WorkerId id, bool enabled) {
  COCOON_ASSIGN_OR_RETURN(WorkerState * worker, Get(id));
  WorkerInfo info = worker->info();
  info.enabled = enabled;
  worker->SetInfo(std::move(info));
  return Status::Ok();
}

Status WorkerTable::SetHealthy(WorkerId id, bool healthy) {
  COCOON_ASSIGN_OR_RETURN(WorkerState * worker, Get(id));
  WorkerInfo info = worker->info();
  info.healthy = healthy;
  worker->SetInfo(std::move(info));
  return Status::Ok();
}

Status WorkerTable::Remove(WorkerId id) {
  if (workers_.erase(id) == 0) return NotFound(Name(id) + " is not registered");
  return Status::Ok();
}

Status WorkerTable::RecordStart(WorkerId id, TimePoint now) {
  COCOON_ASSIGN_OR_RETURN(WorkerState * worker, Get(id));
  if (worker->at_capacity()) {
    return ResourceExhausted(Name(id) + " is at capacity (" +
                             std::to_string(worker->info().capacity) + " requests in flight)");
  }
  if (!worker->breaker().AllowsRequest(now)) {
    return Unavailable(Name(id) + "'s circuit breaker is " +
                       std::string(BreakerStateName(worker->breaker().State(now))) +
                       " and lets no request through now");
  }
  worker->OnStart(now);
  return Status::Ok();
}

Status WorkerTable::RecordFirstToken(WorkerId id, Duration time_to_first_token, TimePoint now) {
  COCOON_ASSIGN_OR_RETURN(WorkerState * worker, Get(id));
  worker->OnFirstToken(time_to_first_token, now);
  return Status::Ok();
}

Status WorkerTable::RecordSuccess(WorkerId id, Duration service_time, TimePoint now) {
  COCOON_ASSIGN_OR_RETURN(WorkerState * worker, Get(id));
  if (worker->in_flight() == 0) {
    return FailedPrecondition(Name(id) + " has no request in flight to complete");
  }
  worker->OnSuccess(service_time, now);
  return Status::Ok();
}

Status WorkerTable::RecordFailure(WorkerId id, FailureKind kind, TimePoint now) {
  COCOON_ASSIGN_OR_RETURN(WorkerState * worker, Get(id));
  if (worker->in_flight() == 0) {
    return FailedPrecondition(Name(id) + " has no request in flight to fail");
  }
  worker->OnFailure(kind, now);
  return Status::Ok();
}

Status WorkerTable::RecordAbandoned(WorkerId id) {
  COCOON_ASSIGN_OR_RETURN(WorkerState * worker, Get(id));
  if (worker->in_flight() == 0) {
    return FailedPrecondition(Name(id) + " has no request in flight to abandon");
  }
  worker->OnAbandoned();
  return Status::Ok();
}

const WorkerState* WorkerTable::Find(WorkerId id) const {
  auto it = workers_.find(id);
  return it == workers_.end() ? nullptr : &it->second;
}

Result<WorkerSnapshot> WorkerTable::Snapshot(WorkerId id, TimePoint now) const {
  const WorkerState* worker = Find(id);
  if (worker == nullptr) return NotFound(Name(id) + " is not registered");
  return TakeSnapshot(*worker, now);
}

std::vector<WorkerSnapshot> WorkerTable::SnapshotAll(TimePoint now) const {
  std::vector<WorkerSnapshot> out;
  out.reserve(workers_.size());
  for (const auto& [id, worker] : workers_) out.push_back(TakeSnapshot(worker, now));
  return out;
}

}  // namespace cocoon::proxy::routing
