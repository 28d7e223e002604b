#include "proxy/worker_pool.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "net/session_stats_json.h"
#include "util/bytes.h"

namespace cocoon::proxy {

WorkerPool::WorkerPool(std::set<std::string> allowed_models, routing::WorkerStatsConfig stats,
                       uint64_t seed)
    : allowed_models_(std::move(allowed_models)), table_(stats), router_(table_), rng_(seed) {}

WorkerPtr WorkerPool::Connect(net::SessionPtr session, ratls::PeerIdentity identity,
                              std::string remote) {
  auto worker = std::make_shared<ConnectedWorker>();
  worker->id = next_id_++;
  worker->session = std::move(session);
  worker->identity = std::move(identity);
  worker->remote = std::move(remote);
  workers_[worker->id] = worker;
  return worker;
}

bool WorkerPool::IsAllowed(std::string_view model) const {
  return allowed_models_.empty() || allowed_models_.count(std::string(model)) > 0;
}

Status WorkerPool::Announce(routing::WorkerId id, const inference::WorkerAnnounce& announce) {
  auto it = workers_.find(id);
  if (it == workers_.end()) return NotFound("worker " + std::to_string(id) + " is not connected");
  ConnectedWorker& worker = *it->second;
  inference::WorkerAnnounce accepted = announce;
  accepted.clear_models();
  routing::WorkerInfo info;
  for (const auto& model : announce.models()) {
    if (!IsAllowed(model)) {
      spdlog::warn("worker {} announced model \"{}\", which the registry does not allow; ignored",
                   id, model);
      continue;
    }
    if (info.models.insert(model).second) accepted.add_models(model);
  }
  if (info.models.empty())
    return InvalidArgument("announcement names no model the registry allows");
  info.enabled = announce.enabled();
  info.healthy = announce.healthy();
  info.price_coefficient = announce.price_coefficient();
  info.capacity = announce.max_concurrent();
  COCOON_RETURN_IF_ERROR(info.Validate());
  Status s =
      worker.announced ? table_.Update(id, std::move(info)) : table_.Add(id, std::move(info));
  COCOON_RETURN_IF_ERROR(s);
  worker.announced = true;
  worker.announce = std::move(accepted);
  return Status::Ok();
}

void WorkerPool::Disconnect(routing::WorkerId id) {
  auto it = workers_.find(id);
  if (it == workers_.end()) return;
  if (it->second->announced) (void)table_.Remove(id);
  workers_.erase(it);
}

Result<WorkerPtr> WorkerPool::Acquire(std::string_view model, uint32_t max_coefficient,
                                      const std::set<routing::WorkerId>& exclude,
                                      routing::TimePoint now) {
  COCOON_ASSIGN_OR_RETURN(routing::WorkerId id,
                          router_.Pick(model, max_coefficient, exclude, now, rng_));
  COCOON_RETURN_IF_ERROR(table_.RecordStart(id, now));
  return workers_.at(id);
}

bool WorkerPool::IsServed(std::string_view model) const {
  for (const auto& [id, worker] : workers_) {
    if (!worker->announced) continue;
    for (const auto& m : worker->announce.models())
      if (m == model) return true;
  }
  return false;
}

WorkerPtr WorkerPool::Find(routing::WorkerId id) const {
  auto it = workers_.find(id);
  return it == workers_.end() ? nullptr : it->second;
}

uint32_t WorkerPool::MaxCoefficient(std::string_view model) const {
  uint32_t highest = 0;
  for (const auto& [id, worker] : workers_) {
    if (!worker->announced || !worker->announce.enabled() || !worker->announce.healthy()) continue;
    for (const auto& name : worker->announce.models()) {
      if (name == model) highest = std::max(highest, worker->announce.price_coefficient());
    }
  }
  return highest;
}

inference::ModelList WorkerPool::Models() const {
  std::map<std::string, inference::ModelInfo> models;
  for (const auto& [id, worker] : workers_) {
    if (!worker->announced) continue;
    bool usable = worker->announce.enabled() && worker->announce.healthy();
    uint32_t coef = worker->announce.price_coefficient();
    for (const auto& name : worker->announce.models()) {
      auto [it, inserted] = models.try_emplace(name);
      inference::ModelInfo& info = it->second;
      if (inserted) info.set_id(name);
      if (!usable) continue;
      if (info.workers() == 0 || coef < info.min_coefficient()) info.set_min_coefficient(coef);
      if (info.workers() == 0 || coef > info.max_coefficient()) info.set_max_coefficient(coef);
      info.set_workers(info.workers() + 1);
    }
  }
  inference::ModelList list;
  for (auto& [name, info] : models) *list.add_models() = std::move(info);
  return list;
}

inference::AttestationReport WorkerPool::Attestation() const {
  inference::AttestationReport report;
  for (const auto& [id, worker] : workers_) {
    if (!worker->announced) continue;
    auto* w = report.add_workers();
    w->set_certificate_der(worker->identity.certificate_der.data(),
                           worker->identity.certificate_der.size());
    w->set_name(worker->announce.name());
    for (const auto& m : worker->announce.models()) w->add_models(m);
  }
  return report;
}

nlohmann::json WorkerPool::Stats(routing::TimePoint now) const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [id, worker] : workers_) {
    nlohmann::json w = {
        {"id", id},
        {"name", worker->announce.name()},
        {"remote", worker->remote},
        {"key", worker->identity.key.Hex()},
        {"image_hash", worker->identity.measurements
                           ? HexEncode(worker->identity.measurements->image_hash)
                           : std::string()},
        {"announced", worker->announced},
    };
    if (auto snap = table_.Snapshot(id, now); snap.ok()) {
      const auto& s = *snap;
      w["models"] = s.models;
      w["enabled"] = s.enabled;
      w["healthy"] = s.healthy;
      w["price_coefficient"] = s.price_coefficient;
      w["in_flight"] = s.in_flight;
      w["capacity"] = s.capacity;
      w["service_time_s"] = s.service_time_s;
      w["time_to_first_token_s"] = s.time_to_first_token_s;
      w["success_rate"] = s.success_rate;
      w["timeout_rate"] = s.timeout_rate;
      w["consecutive_failures"] = s.consecutive_failures;
      w["breaker"] = std::string(routing::BreakerStateName(s.breaker));
      w["breaker_openings"] = s.breaker_openings;
    }
    if (worker->session) w["connection"] = net::ConnectionStats(worker->session->stats());
    if (const auto* state = table_.Find(id)) {
      const auto& c = state->counters();
      w["requests"] = c.requests;
      w["successes"] = c.successes;
      w["failures"] = c.failures();
      w["timeouts"] = c.timeouts;
      w["abandoned"] = c.abandoned;
    }
    out.push_back(std::move(w));
  }
  return out;
}

nlohmann::json WorkerPool::Buffers() const {
  nlohmann::json total = nlohmann::json::object();
  for (const auto& [id, worker] : workers_) {
    if (worker->session) net::AddBuffers(worker->session->stats(), total);
  }
  return total;
}

}  // namespace cocoon::proxy
