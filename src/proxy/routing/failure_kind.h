// FailureKind: how a request to a worker failed, as far as routing cares.
//
// The distinction decides two things: whether the request may be retried on
// another worker (only before the first token, when nothing has reached the
// client yet) and whether the failure counts against the worker's timeout
// rate.
//
// Thread-safety: plain values.
#pragma once

#include <string_view>

namespace cocoon::proxy::routing {

enum class FailureKind {
  kBeforeFirstToken,  // error, refusal or disconnect before any output
  kAfterFirstToken,   // the stream broke after output reached the client
  kTimeout,           // the request's deadline passed (first token or total)
};

// "before_first_token", "after_first_token", "timeout" (metric label values).
std::string_view FailureKindName(FailureKind kind);

}  // namespace cocoon::proxy::routing
