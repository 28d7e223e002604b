#include "attest/role.h"

namespace cocoon::attest {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kWorker:
      return "worker";
    case Role::kProxy:
      return "proxy";
    case Role::kClient:
      return "client";
  }
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "worker") return Role::kWorker;
  if (name == "proxy") return Role::kProxy;
  if (name == "client") return Role::kClient;
  return std::nullopt;
}

}  // namespace cocoon::attest
