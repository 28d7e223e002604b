// Plain-HTTP URLs as operators write them for inference backends
// ("http://127.0.0.1:8000/v1").
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/status.h"

namespace cocoon::http {

struct HttpUrl {
  std::string host;  // name or IP; IPv6 without brackets
  uint16_t port = 80;
  std::string target;  // path and query, at least "/"

  // "host:port", with brackets around an IPv6 address.
  std::string Authority() const;
};

// Accepts http://host[:port][/path][?query]. https and other schemes, user
// info, fragments and bad ports are errors that say so.
Result<HttpUrl> ParseHttpUrl(std::string_view url);

}  // namespace cocoon::http
