// Reading untrusted JSON (collateral) without exceptions or unbounded work:
// a size and nesting-depth limit before parsing, then typed field getters
// that return errors instead of throwing.
//
// Thread-safety: free functions, safe from any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "attest/dcap/quote.h"
#include "util/status.h"

namespace cocoon::attest::dcap::json {

using Json = nlohmann::json;

// A JSON object; refuses text over `max_size` bytes, nesting deeper than 16,
// invalid JSON, or a top level that is not an object. `what` names the
// document in messages.
Result<Json> ParseObject(std::string_view text, size_t max_size, std::string_view what);

Result<std::string> String(const Json& obj, std::string_view key, std::string_view what);
// An integer in [min, max].
Result<int64_t> Integer(const Json& obj, std::string_view key, int64_t min, int64_t max,
                        std::string_view what);
// The array at `key`, with at most `max_items` items.
Result<const Json*> Array(const Json& obj, std::string_view key, size_t max_items,
                          std::string_view what);
// A hex string of exactly N bytes.
template <size_t N>
Result<dcap::Array<N>> HexArray(const Json& obj, std::string_view key, std::string_view what);
// An RFC 3339 UTC time, as seconds since the epoch.
Result<int64_t> Time(const Json& obj, std::string_view key, std::string_view what);

}  // namespace cocoon::attest::dcap::json

#include "attest/dcap/json_inl.h"
