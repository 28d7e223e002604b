// cocoon-scripted-backend: the scripted OpenAI-compatible backend as a
// process. A TEST AND BENCHMARK FIXTURE, never a product backend: it runs no
// model. See scripted_backend.h.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <iostream>

#include "scripted_backend.h"
#include "util/logging.h"

int main(int argc, char** argv) {
  using namespace cocoon;
  CLI::App app{
      "cocoon-scripted-backend: an OpenAI-compatible TEST AND BENCHMARK FIXTURE that answers "
      "with scripted text (no model). Never use it as a product backend."};
  fixture::ScriptedBackendOptions o;
  std::string listen = "127.0.0.1:8000";
  std::string models = "scripted-model";
  int64_t delay_ms = 0;
  std::string log_level = "info";
  app.add_option("--listen", listen, "host:port to listen on (port 0: any free port)")
      ->capture_default_str();
  app.add_option("--models", models, "comma-separated model names to serve")->capture_default_str();
  app.add_option("--chunks", o.chunks, "content chunks per answer (capped by max_tokens)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--chunk-bytes", o.chunk_bytes, "bytes of text per chunk")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--delay-ms", delay_ms, "delay between chunks, in milliseconds")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--prompt-tokens", o.prompt_tokens, "usage: prompt tokens to report")
      ->capture_default_str();
  app.add_option("--completion-tokens", o.completion_tokens,
                 "usage: completion tokens to report (-1: the number of chunks sent)")
      ->capture_default_str();
  app.add_option("--cached-tokens", o.cached_tokens, "usage: cached prompt tokens to report")
      ->capture_default_str();
  app.add_option("--reasoning-tokens", o.reasoning_tokens, "usage: reasoning tokens to report")
      ->capture_default_str();
  app.add_option("--fail-status", o.fail_status,
                 "answer every completion with this HTTP error status (0: off)")
      ->check(CLI::Range(0, 599));
  app.add_flag("--fail-models", o.fail_models, "with --fail-status, fail GET /v1/models too");
  app.add_option("--drop-after", o.drop_after,
                 "close the connection after this many chunks (-1: off)")
      ->capture_default_str();
  app.add_flag("--hang", o.hang, "read completion requests and never answer");
  app.add_flag("--deterministic", o.deterministic,
               "same id and created time in every answer (for byte-for-byte comparisons)");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, off")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  if (Status s = SetupLogging(log_level); !s.ok()) {
    std::cerr << "cocoon-scripted-backend: " << s.message() << "\n";
    return 2;
  }
  auto address = fixture::ParseListenAddress(listen);
  if (!address.ok()) {
    std::cerr << "cocoon-scripted-backend: " << address.status().message() << "\n";
    return 2;
  }
  o.host = address->first;
  o.port = address->second;
  o.models.clear();
  for (size_t start = 0; start <= models.size();) {
    size_t comma = models.find(',', start);
    if (comma == std::string::npos) comma = models.size();
    if (comma > start) o.models.push_back(models.substr(start, comma - start));
    start = comma + 1;
  }
  o.delay = std::chrono::milliseconds(delay_ms);

  boost::asio::io_context io(1);
  auto backend = fixture::ScriptedBackend::Start(io.get_executor(), o);
  if (!backend.ok()) {
    std::cerr << "cocoon-scripted-backend: " << backend.status().message() << "\n";
    return 1;
  }
  // The bound port on stdout, so scripts that pass port 0 can find it.
  std::cout << "listening " << o.host << ":" << (*backend)->port() << std::endl;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    spdlog::info("scripted-backend: stopping");
    (*backend)->Stop();
  });
  io.run();
  return 0;
}
