#include "cli/admin_port.h"

#include <spdlog/spdlog.h>
#include <toml++/toml.h>

#include "cli/node_config.h"
#include "cli/report.h"

namespace cocoon::cli {

void RequestMetrics::Record(std::string_view model, std::string_view outcome,
                            std::chrono::nanoseconds total,
                            std::optional<std::chrono::nanoseconds> head) {
  std::string m(model.empty() ? "none" : model);
  requests->WithLabels({m, std::string(outcome)}).Inc();
  duration->WithLabels({m}).Observe(std::chrono::duration<double>(total).count());
  if (head && head->count() > 0)
    time_to_head->WithLabels({m}).Observe(std::chrono::duration<double>(*head).count());
}

AdminPort::AdminPort(boost::asio::any_io_executor executor, const toml::table& config,
                     const std::optional<std::string>& flag, std::string_view role) {
  SectionReader section(config, "admin");
  net::HostPort listen =
      ParseAddress(flag.value_or(section.String("listen", "127.0.0.1:0")), "[admin] listen");
  admin::AdminOptions options;
  options.host = listen.host;
  host = listen.host;
  options.port = listen.port;
  server = std::make_unique<admin::AdminServer>(executor, options, &registry);
  const std::string prefix = "cocoon_" + std::string(role) + "_";
  auto must = [](auto result) {
    if (!result.ok()) Fail(result.status());
    return *result;
  };
  requests.requests = must(registry.AddCounter(
      prefix + "requests_total", "Completion requests by model and outcome", {"model", "outcome"}));
  requests.duration = must(registry.AddHistogram(prefix + "request_duration_seconds",
                                                 "Time from request to the end of the answer",
                                                 {"model"}, admin::LatencySecondsBuckets()));
  requests.time_to_head = must(registry.AddHistogram(
      prefix + "time_to_head_seconds", "Time from request to the answer's first byte (its head)",
      {"model"}, admin::LatencySecondsBuckets()));
}

void AdminPort::Listen() {
  auto port = server->Listen();
  if (!port.ok()) Fail(port.status().WithContext("admin listen"));
  spdlog::info("admin on http://{}:{} (/healthz, /metrics, /stats)", host, *port);
}

}  // namespace cocoon::cli
