// HTTP messages as plain values (module http): headers, a parsed request and
// a whole response. Server and client convert to and from Boost.Beast inside
// their .cpp files, so users of this header never see Beast.
//
// Thread-safety: plain values; safe to copy between threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cocoon::http {

// An ordered list of header fields. Names compare case-insensitively; a name
// may repeat (Add), or be replaced (Set).
class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  void Add(std::string name, std::string value);
  // Removes every field named `name`, then adds one.
  void Set(std::string name, std::string value);
  void Remove(std::string_view name);
  // The first field named `name`, if any.
  std::optional<std::string_view> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }

  std::vector<Field>::const_iterator begin() const { return fields_.begin(); }
  std::vector<Field>::const_iterator end() const { return fields_.end(); }
  size_t size() const { return fields_.size(); }
  bool empty() const { return fields_.empty(); }

 private:
  std::vector<Field> fields_;
};

// ASCII case-insensitive equality, as HTTP field names and tokens compare.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// A request as the server hands it to a handler.
struct Request {
  std::string method;  // as sent, e.g. "POST"
  std::string target;  // as sent, e.g. "/v1/models?x=1"
  std::string path;    // target up to '?'
  std::string query;   // after '?', without it; empty if none
  Headers headers;
  std::string body;
  std::string remote;  // peer "ip:port", for logs
  bool keep_alive = true;
};

// A whole response (server side) or a fully read one (client side).
struct Response {
  int status = 200;
  Headers headers;
  std::string body;
};

// A response with Content-Type: application/json.
Response JsonResponse(int status, std::string body);

// The standard reason phrase ("Not Found"), or "Unknown".
std::string_view ReasonPhrase(int status);

}  // namespace cocoon::http
