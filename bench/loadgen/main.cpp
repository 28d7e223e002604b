// cocoon-loadgen: load for an OpenAI-compatible endpoint, with SSE timing.
// Prints one JSON summary (see summary.h) on stdout.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "load_generator.h"
#include "summary.h"

int main(int argc, char** argv) {
  using namespace cocoon::bench;
  CLI::App app{
      "cocoon-loadgen: closed-loop load for an OpenAI-compatible HTTP endpoint; "
      "times the response head, the first chunk and every SSE event"};
  LoadOptions o;
  std::string body_file;
  std::vector<std::string> headers;
  int64_t ramp_ms = 0, timeout_ms = 120000, interval_ms = 0;
  std::string keep_alive = "on";
  app.add_option("--host", o.host, "IPv4/IPv6 address of the endpoint")->capture_default_str();
  app.add_option("--port", o.port, "TCP port of the endpoint")->required();
  app.add_option("--target", o.target, "request target")->capture_default_str();
  app.add_option("--body-file", body_file, "JSON body to POST (none: GET)");
  app.add_option("--header", headers, "extra header 'Name: value' (repeatable)");
  app.add_option("--concurrency,-c", o.concurrency, "concurrent callers")->capture_default_str();
  app.add_option("--rate", o.rate,
                 "open loop: start this many requests per second (at most -c in flight); "
                 "times count from when each was due")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--requests,-n", o.requests, "requests in total")->capture_default_str();
  app.add_option("--keep-alive", keep_alive, "on: reuse connections; off: one per request")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();
  app.add_option("--threads", o.threads, "I/O threads")->capture_default_str();
  app.add_option("--ramp-ms", ramp_ms, "spread the callers' start over this time");
  app.add_option("--timeout-ms", timeout_ms, "limit for each read or write")->capture_default_str();
  app.add_option("--expect-interval-ms", interval_ms,
                 "record each SSE event's lateness against this interval");
  bool samples = false;
  app.add_flag("--samples", samples,
               "also print every successful request's latency and time to first chunk, so "
               "runs can be merged");
  CLI11_PARSE(app, argc, argv);
  o.keep_alive = keep_alive == "on";
  o.ramp = std::chrono::milliseconds(ramp_ms);
  o.timeout = std::chrono::milliseconds(timeout_ms);
  o.expected_event_interval = std::chrono::milliseconds(interval_ms);
  if (!body_file.empty()) {
    std::ifstream in(body_file, std::ios::binary);
    if (!in) {
      std::cerr << "cocoon-loadgen: cannot read " << body_file << "\n";
      return 2;
    }
    std::stringstream text;
    text << in.rdbuf();
    o.body = text.str();
  }
  for (const std::string& h : headers) {
    size_t colon = h.find(':');
    if (colon == std::string::npos) {
      std::cerr << "cocoon-loadgen: --header needs 'Name: value', got '" << h << "'\n";
      return 2;
    }
    size_t value = h.find_first_not_of(' ', colon + 1);
    o.headers.emplace_back(h.substr(0, colon), value == std::string::npos ? "" : h.substr(value));
  }
  LoadResult result = RunLoad(o);
  std::cout << Summarize(o, result, samples).dump(2) << std::endl;
  return 0;
}
