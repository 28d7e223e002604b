#include "node/config_values.h"

#include <toml++/toml.h>

namespace cocoon::node {

Result<std::vector<std::string>> ReadStringArray(const toml::table& t, std::string_view key,
                                                 std::string_view where) {
  std::vector<std::string> out;
  const toml::node* n = t.get(key);
  if (!n) return out;
  auto bad = [&] {
    return InvalidArgument(std::string(where) + std::string(key) + " must be an array of strings");
  };
  const toml::array* arr = n->as_array();
  if (!arr) return bad();
  for (const auto& item : *arr) {
    auto s = item.value<std::string>();
    if (!s) return bad();
    out.push_back(*s);
  }
  return out;
}

Result<std::set<attest::ImageHash>> ParseImageHashes(const std::vector<std::string>& hex,
                                                     std::string_view what) {
  std::set<attest::ImageHash> out;
  for (const auto& h : hex) {
    auto bytes = HexDecode(h);
    if (!bytes.ok() || bytes->size() != 32) {
      return InvalidArgument(std::string(what) + ": \"" + h + "\" is not a 64-digit hex SHA-256");
    }
    attest::ImageHash hash;
    std::copy(bytes->begin(), bytes->end(), hash.begin());
    out.insert(hash);
  }
  return out;
}

std::filesystem::path ResolvePath(const std::filesystem::path& base, const std::string& path) {
  if (path.empty()) return {};
  std::filesystem::path p(path);
  return p.is_absolute() ? p : base / p;
}

}  // namespace cocoon::node
