#include "proxy/routing/worker_info.h"

namespace cocoon::proxy::routing {

Status WorkerInfo::Validate() const {
  if (capacity == 0) {
    return InvalidArgument("worker capacity must be at least 1 concurrent request");
  }
  for (const std::string& model : models) {
    if (model.empty()) return InvalidArgument("worker announced an empty model name");
  }
  return Status::Ok();
}

}  // namespace cocoon::proxy::routing
