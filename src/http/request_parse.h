// Limits on incoming requests, and parsing of a request from bytes with the
// same parser configuration the server uses on sockets (Beast's HTTP/1.1
// parser plus our conversion to Request). The byte-level entry point exists
// for the fuzzer and for tests.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

#include "http/message.h"
#include "util/status.h"

namespace cocoon::http {

struct RequestLimits {
  size_t max_header_bytes = 16 << 10;  // request line and header fields
  size_t max_body_bytes = 4 << 20;
};

// Parses exactly one complete request from `bytes`. Incomplete input is
// kInvalidArgument ("incomplete request"); limits give kResourceExhausted.
Result<Request> ParseRequestBytes(std::string_view bytes, const RequestLimits& limits);

}  // namespace cocoon::http
