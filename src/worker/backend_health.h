// BackendHealthChecker: watches the worker's inference backend so the worker
// can tell its proxies when it cannot serve (WorkerAnnounce.healthy,
// DESIGN.md §4).
//
// Every `interval` it asks the backend `GET /v1/models` (the path is placed
// under the base URL as BackendTarget describes) and reads the OpenAI list
// shape {"object":"list","data":[{"id":...},...]}. The backend is healthy
// when it answers 200 with such a list naming at least one model within
// `timeout`; anything else (cannot connect, a timeout, another status, a
// malformed or empty list) is unhealthy, with a reason an operator can act
// on. `on_change(healthy, reason)` runs when the verdict changes, and for the
// first verdict; not for each check. The reason of a healthy verdict names
// the models. Nothing of the backend's answer but statuses, model ids and
// error messages is kept or reported.
//
// Threading: the checker runs on the executor it was given; Start, Stop and
// CheckNow must be called there (or while that executor runs nothing else,
// e.g. between runs of a single-threaded io_context), and on_change runs
// there. The accessors (healthy, checked, reason, models) may be called from
// any thread.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/url.h"

namespace cocoon::worker {

struct BackendHealthOptions {
  std::chrono::milliseconds interval{5000};  // from the end of one check to the next
  std::chrono::milliseconds timeout{3000};   // for a whole check
  std::string api_key;                       // optional; sent as a Bearer token
};

class BackendHealthChecker {
 public:
  using OnChange = std::function<void(bool healthy, std::string reason)>;

  BackendHealthChecker(boost::asio::any_io_executor executor, http::HttpUrl base_url,
                       BackendHealthOptions options, OnChange on_change);
  // Stops.
  ~BackendHealthChecker();
  BackendHealthChecker(const BackendHealthChecker&) = delete;
  BackendHealthChecker& operator=(const BackendHealthChecker&) = delete;

  // Starts checking: the first check at once, then every interval. Does
  // nothing if already started or stopped.
  void Start();
  // Stops checking; a check in progress is abandoned and on_change is not
  // called again. Final.
  void Stop();

  // Runs one check now (besides the periodic ones) and returns its verdict;
  // reports a change like the periodic checks.
  boost::asio::awaitable<bool> CheckNow();

  // The last verdict (false before the first check completes).
  bool healthy() const;
  // Whether any check has completed.
  bool checked() const;
  // Why the last verdict is what it is ("" before the first check).
  std::string reason() const;
  // The model ids of the last successful check (empty if unhealthy).
  std::vector<std::string> models() const;
  // Checks completed so far.
  uint64_t checks() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace cocoon::worker
