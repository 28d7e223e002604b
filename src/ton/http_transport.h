// HttpTransport: the one-method interface the TON API client sends its HTTP
// requests through, so tests can put a fake or a local server behind it.
//
// Contract: Send() performs one request, with no retries and no redirects,
// and returns the response whatever its status code. It returns an error only
// when no response came: kDeadlineExceeded when the timeout passed,
// kUnavailable when the peer could not be reached or the connection broke,
// kResourceExhausted when the response was larger than allowed.
//
// Thread-safety: implementations must allow concurrent Send() calls.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "util/status.h"

namespace cocoon::ton {

struct HttpRequest {
  std::string method = "GET";  // "GET" or "POST"
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names in lower case
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

using HttpTransportPtr = std::shared_ptr<HttpTransport>;

// libcurl, HTTP and HTTPS only; responses above `max_response_bytes` fail.
HttpTransportPtr MakeCurlTransport(size_t max_response_bytes = 16 << 20);

}  // namespace cocoon::ton
