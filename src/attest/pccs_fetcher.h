// PccsFetcher: how PccsCollateralSource talks to a PCCS (or Intel's PCS):
// one HTTP(S) GET returning the status, the body and the response headers.
// An interface so tests can inject responses; CurlPccsFetcher is the real one.
//
// The curl fetcher always verifies the server's TLS certificate and host name
// (against the system's CA store, or `ca_file` for a local PCCS with its own
// certificate); there is no option to turn verification off. It follows no
// redirects, speaks only http and https, and bounds the connect time, the
// whole transfer and the response size. Errors name the URL (without any
// user:password part) and never a request header, so an API key sent as a
// header never reaches a log.
//
// Thread-safety: Get is const and safe from any thread.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "util/status.h"

namespace cocoon::attest {

struct PccsResponse {
  int status = 0;
  std::string body;
  // Header names in lower case; a repeated header keeps its last value.
  std::map<std::string, std::string> headers;
};

using PccsHeaders = std::vector<std::pair<std::string, std::string>>;

class PccsFetcher {
 public:
  virtual ~PccsFetcher() = default;
  // Any HTTP status is a response; errors are for no response at all
  // (kUnavailable: connection or TLS failure; kDeadlineExceeded: timeout;
  // kResourceExhausted: body over the limit).
  virtual Result<PccsResponse> Get(const std::string& url, const PccsHeaders& headers) const = 0;
};

struct CurlFetcherOptions {
  // Extra trust anchors (PEM) for the PCCS's TLS certificate, replacing the
  // system store; empty means the system store.
  std::filesystem::path ca_file;
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds timeout{30000};
  size_t max_response_bytes = 2 * 1024 * 1024;
};

std::shared_ptr<const PccsFetcher> MakeCurlPccsFetcher(CurlFetcherOptions options);

// `url` without a "user:password@" part, for messages.
std::string RedactUrl(std::string_view url);

}  // namespace cocoon::attest
