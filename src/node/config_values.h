// Value readers shared by the node's TOML files (settings, root config), so
// both refuse bad values in the same words.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "attest/evidence.h"
#include "util/status.h"

namespace toml {
inline namespace v3 {
class table;
}
}  // namespace toml

namespace cocoon::node {

// The string array at `key` (empty if absent). Errors read
// "<where><key> must be an array of strings"; `where` carries its own separator.
Result<std::vector<std::string>> ReadStringArray(const toml::table& table, std::string_view key,
                                                 std::string_view where);

// Hex SHA-256 image hashes. Errors read "<what>: \"<h>\" is not a 64-digit hex SHA-256".
Result<std::set<attest::ImageHash>> ParseImageHashes(const std::vector<std::string>& hex,
                                                     std::string_view what);

// A path from a config file: relative paths are against `base` (the file's
// folder); empty stays empty.
std::filesystem::path ResolvePath(const std::filesystem::path& base, const std::string& path);

}  // namespace cocoon::node
