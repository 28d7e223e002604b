#include "http/usage_cost.h"

#include <nlohmann/json.hpp>

#include "http/usage_scan.h"
#include "util/json_depth.h"

namespace cocoon::http {

namespace {

constexpr std::string_view kDataPrefix = "data: ";

// The data of a one-line `data: ...` event (what canonical SSE relays).
std::string_view EventData(std::string_view event) {
  if (event.substr(0, kDataPrefix.size()) != kDataPrefix) return {};
  std::string_view data = event.substr(kDataPrefix.size());
  while (!data.empty() && (data.back() == '\n' || data.back() == '\r')) data.remove_suffix(1);
  return data;
}

bool IsHeld(std::string_view event) {
  std::string_view data = EventData(event);
  return data == "[DONE]" || (!data.empty() && MayCarryUsage(data));
}

}  // namespace

std::string AddCostToUsage(std::string_view json, const UsageCost& cost) {
  if (JsonNestingDepth(json) > 64) return std::string(json);
  // ordered_json: the caller's field order is kept.
  nlohmann::ordered_json doc =
      nlohmann::ordered_json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("usage") || !doc["usage"].is_object()) {
    return std::string(json);
  }
  // nanoTON of one request fits 64 bits by far; a string keeps any value exact.
  bool fits = !cost.nanoton.empty() && cost.nanoton.size() <= 19;
  for (char c : cost.nanoton) fits = fits && c >= '0' && c <= '9';
  if (fits) {
    doc["usage"]["cost_nanoton"] = static_cast<uint64_t>(std::stoull(cost.nanoton));
  } else {
    doc["usage"]["cost_nanoton"] = cost.nanoton;
  }
  doc["usage"]["adjusted_tokens"] = cost.adjusted_tokens;
  return doc.dump();
}

std::string StreamCostWriter::Push(std::string_view piece) {
  partial_.append(piece);
  std::string out;
  size_t start = 0;
  for (size_t end = partial_.find("\n\n"); end != std::string::npos;
       end = partial_.find("\n\n", start)) {
    std::string_view event(partial_.data() + start, end + 2 - start);
    if (IsHeld(event)) {
      held_.append(event);
    } else {
      out += held_;
      held_.clear();
      out.append(event);
    }
    start = end + 2;
  }
  partial_.erase(0, start);
  return out;
}

std::string StreamCostWriter::Finish(const UsageCost* cost) {
  std::string out;
  if (cost == nullptr) {
    out = std::move(held_);
  } else {
    size_t start = 0;
    for (size_t end = held_.find("\n\n"); end != std::string::npos;
         end = held_.find("\n\n", start)) {
      std::string_view event(held_.data() + start, end + 2 - start);
      std::string_view data = EventData(event);
      if (data != "[DONE]" && !data.empty()) {
        out += std::string(kDataPrefix) + AddCostToUsage(data, *cost) + "\n\n";
      } else {
        out.append(event);
      }
      start = end + 2;
    }
  }
  held_.clear();
  out += partial_;
  partial_.clear();
  return out;
}

}  // namespace cocoon::http
