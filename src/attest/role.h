// The roles of the network (DESIGN.md §1).
#pragma once

#include <optional>
#include <string_view>

namespace cocoon::attest {

enum class Role { kWorker = 1, kProxy = 2, kClient = 3 };

std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

}  // namespace cocoon::attest
