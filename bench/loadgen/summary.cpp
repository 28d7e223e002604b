#include "summary.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace cocoon::bench {

double Percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * values.size()));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

namespace {

nlohmann::json Distribution(std::vector<double> seconds) {
  nlohmann::json j;
  for (double p : {50.0, 90.0, 99.0}) {
    j["p" + std::to_string(static_cast<int>(p))] = Percentile(seconds, p) * 1000;
  }
  j["max"] = seconds.empty() ? 0 : seconds.back() * 1000;
  double sum = 0;
  for (double s : seconds) sum += s;
  j["mean"] = seconds.empty() ? 0 : sum / seconds.size() * 1000;
  return j;
}

// "connect: Connection refused" and "connect: Connection reset" are one kind.
std::string ErrorKind(const std::string& error) {
  size_t colon = error.find(':');
  return colon == std::string::npos ? error : error.substr(0, colon);
}

}  // namespace

nlohmann::json Summarize(const LoadOptions& options, const LoadResult& result, bool samples) {
  std::vector<double> latency, head, first_chunk;
  uint64_t tokens = 0, events = 0, bytes = 0, failed = 0;
  std::map<std::string, uint64_t> errors;
  std::map<std::string, std::string> error_examples;
  for (const RequestRecord& r : result.requests) {
    if (!r.error.empty()) {
      ++failed;
      std::string kind = ErrorKind(r.error);
      ++errors[kind];
      error_examples.emplace(kind, r.error);
      continue;
    }
    latency.push_back(r.end);
    head.push_back(r.head);
    if (r.first_chunk >= 0) first_chunk.push_back(r.first_chunk);
    tokens += r.completion_tokens;
    events += r.events;
    bytes += r.body_bytes;
  }
  const double wall = result.wall_seconds > 0 ? result.wall_seconds : 1e-9;
  nlohmann::json j;
  j["concurrency"] = options.concurrency;
  j["keep_alive"] = options.keep_alive;
  j["requests"] = result.requests.size();
  j["ok"] = latency.size();
  j["failed"] = failed;
  j["errors"] = errors;
  j["error_examples"] = error_examples;
  j["wall_s"] = result.wall_seconds;
  j["requests_per_s"] = latency.size() / wall;
  j["tokens_per_s"] = tokens / wall;
  j["events_per_request"] = latency.empty() ? 0.0 : double(events) / latency.size();
  j["body_bytes_per_request"] = latency.empty() ? 0.0 : double(bytes) / latency.size();
  if (samples) {
    auto ms = [](const std::vector<double>& seconds) {
      nlohmann::json a = nlohmann::json::array();
      for (double s : seconds) a.push_back(s * 1000);
      return a;
    };
    j["samples"] = {{"latency_ms", ms(latency)}, {"first_chunk_ms", ms(first_chunk)}};
  }
  j["latency_ms"] = Distribution(latency);
  j["head_ms"] = Distribution(head);
  j["first_chunk_ms"] = Distribution(first_chunk);
  if (options.expected_event_interval.count() > 0) {
    j["event_lateness_ms"] = Distribution(result.event_lateness);
    j["event_lateness_ms"]["samples"] = result.event_lateness.size();
  }
  return j;
}

}  // namespace cocoon::bench
