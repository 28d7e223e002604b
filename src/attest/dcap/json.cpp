#include "attest/dcap/json.h"

#include "attest/dcap/errors.h"
#include "attest/dcap/openssl.h"
#include "util/json_depth.h"

namespace cocoon::attest::dcap::json {
namespace {

constexpr int kMaxDepth = 16;

Status Bad(std::string_view what, std::string_view key, std::string_view problem) {
  return Malformed(tag::kMalformedCollateral,
                   std::string(what) + "." + std::string(key) + " " + std::string(problem));
}

}  // namespace

Result<Json> ParseObject(std::string_view text, size_t max_size, std::string_view what) {
  if (text.size() > max_size) {
    return Malformed(tag::kMalformedCollateral,
                     std::string(what) + " is larger than " + std::to_string(max_size) + " bytes");
  }
  if (JsonNestingDepth(text) > kMaxDepth) {
    return Malformed(tag::kMalformedCollateral, std::string(what) + " is nested too deeply");
  }
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Malformed(tag::kMalformedCollateral, std::string(what) + " is not a JSON object");
  }
  return j;
}

Result<std::string> String(const Json& obj, std::string_view key, std::string_view what) {
  auto it = obj.find(key);
  if (it == obj.end()) return Bad(what, key, "is missing");
  if (!it->is_string()) return Bad(what, key, "is not a string");
  return it->get<std::string>();
}

Result<int64_t> Integer(const Json& obj, std::string_view key, int64_t min, int64_t max,
                        std::string_view what) {
  auto it = obj.find(key);
  if (it == obj.end()) return Bad(what, key, "is missing");
  int64_t v = 0;
  if (it->is_number_unsigned()) {
    const uint64_t u = it->get<uint64_t>();
    if (u > static_cast<uint64_t>(max)) return Bad(what, key, "is out of range");
    v = static_cast<int64_t>(u);
  } else if (it->is_number_integer()) {
    v = it->get<int64_t>();
  } else {
    return Bad(what, key, "is not an integer");
  }
  if (v < min || v > max) return Bad(what, key, "is out of range");
  return v;
}

Result<const Json*> Array(const Json& obj, std::string_view key, size_t max_items,
                          std::string_view what) {
  auto it = obj.find(key);
  if (it == obj.end()) return Bad(what, key, "is missing");
  if (!it->is_array()) return Bad(what, key, "is not an array");
  if (it->size() > max_items) return Bad(what, key, "has too many items");
  return &*it;
}

Result<int64_t> Time(const Json& obj, std::string_view key, std::string_view what) {
  COCOON_ASSIGN_OR_RETURN(std::string text, String(obj, key, what));
  auto t = ParseIsoTime(text);
  if (!t.ok()) return Bad(what, key, t.status().message());
  return *t;
}

}  // namespace cocoon::attest::dcap::json
