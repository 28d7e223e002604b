#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "ton/http_transport.h"

namespace cocoon::ton {
namespace {

struct Sink {
  std::string body;
  std::map<std::string, std::string> headers;
  size_t max_bytes = 0;
  bool overflow = false;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  Sink* sink = static_cast<Sink*>(user);
  const size_t n = size * count;
  if (sink->body.size() + n > sink->max_bytes) {
    sink->overflow = true;
    return 0;  // aborts the transfer
  }
  sink->body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  Sink* sink = static_cast<Sink*>(user);
  const size_t n = size * count;
  std::string line(data, n);
  const size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    std::string value = line.substr(colon + 1);
    const size_t first = value.find_first_not_of(" \t");
    const size_t last = value.find_last_not_of(" \t\r\n");
    sink->headers[name] = first == std::string::npos ? "" : value.substr(first, last - first + 1);
  }
  return n;
}

class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(size_t max_response_bytes) : max_response_bytes_(max_response_bytes) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) return Internal("curl_easy_init failed");
    CURL* c = curl.get();
    Sink sink;
    sink.max_bytes = max_response_bytes_;
    curl_slist* headers = nullptr;
    for (const auto& [name, value] : request.headers) {
      headers = curl_slist_append(headers, (name + ": " + value).c_str());
    }
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_guard(headers,
                                                                             &curl_slist_free_all);

    curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);
    if (request.method == "POST") {
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    } else if (request.method != "GET") {
      return InvalidArgument("unsupported HTTP method " + request.method);
    }

    const CURLcode rc = curl_easy_perform(c);
    if (sink.overflow) {
      return ResourceExhausted("HTTP response larger than " + std::to_string(max_response_bytes_) +
                               " bytes");
    }
    if (rc == CURLE_OPERATION_TIMEDOUT) {
      return DeadlineExceeded("HTTP request timed out after " +
                              std::to_string(request.timeout.count()) + " ms");
    }
    if (rc != CURLE_OK)
      return Unavailable(std::string("HTTP request failed: ") + curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    HttpResponse response;
    response.status = static_cast<int>(status);
    response.body = std::move(sink.body);
    response.headers = std::move(sink.headers);
    return response;
  }

 private:
  size_t max_response_bytes_;
};

}  // namespace

HttpTransportPtr MakeCurlTransport(size_t max_response_bytes) {
  return std::make_shared<CurlTransport>(max_response_bytes);
}

}  // namespace cocoon::ton
