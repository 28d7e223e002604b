// The admin port every daemon serves (DESIGN.md §7): /healthz, /metrics and
// /stats on [admin] listen (default 127.0.0.1 with a free port, logged at
// start), plus the request metrics the daemons share.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "admin/admin_server.h"
#include "admin/metrics.h"

namespace toml {
inline namespace v3 {
class table;
}
}  // namespace toml

namespace cocoon::cli {

// Requests by model and outcome, their total time and time to the answer's
// head, under the prefix `cocoon_<role>_`.
struct RequestMetrics {
  admin::CounterFamily* requests = nullptr;
  admin::HistogramFamily* duration = nullptr;
  admin::HistogramFamily* time_to_head = nullptr;

  void Record(std::string_view model, std::string_view outcome, std::chrono::nanoseconds total,
              std::optional<std::chrono::nanoseconds> time_to_head_value);
};

struct AdminPort {
  admin::MetricsRegistry registry;
  std::unique_ptr<admin::AdminServer> server;
  RequestMetrics requests;
  std::string host;

  // Reads [admin] listen (or `flag`), registers the request metrics for
  // `role`; throws CommandFailed on a bad address. Call Listen after adding
  // the health check, stats and routes.
  AdminPort(boost::asio::any_io_executor executor, const toml::table& config,
            const std::optional<std::string>& flag, std::string_view role);
  void Listen();
};

}  // namespace cocoon::cli
