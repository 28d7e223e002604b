#include "proxy/routing/failure_kind.h"

namespace cocoon::proxy::routing {

std::string_view FailureKindName(FailureKind kind) {
  switch (kind) {
    case FailureKind::kBeforeFirstToken:
      return "before_first_token";
    case FailureKind::kAfterFirstToken:
      return "after_first_token";
    case FailureKind::kTimeout:
      return "timeout";
  }
  return "unknown";
}

}  // namespace cocoon::proxy::routing
