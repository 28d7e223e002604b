#include "http/request_parse.h"

#include <boost/beast/http/error.hpp>

#include "http/beast_request.h"

namespace cocoon::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace detail {

void ConfigureParser(BeastRequestParser& parser, const RequestLimits& limits) {
  parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  parser.body_limit(static_cast<std::uint64_t>(limits.max_body_bytes));
  parser.eager(true);
}

ParseFailure DescribeParseError(const beast::error_code& ec, const RequestLimits& limits) {
  if (ec == bhttp::error::body_limit) {
    return {413, ResourceExhausted("request body larger than " +
                                   std::to_string(limits.max_body_bytes) + " bytes")};
  }
  if (ec == bhttp::error::header_limit) {
    return {431, ResourceExhausted("request head larger than " +
                                   std::to_string(limits.max_header_bytes) + " bytes")};
  }
  return {400, InvalidArgument("malformed HTTP request: " + ec.message())};
}

Result<Request> ToRequest(bhttp::request<bhttp::string_body>&& req) {
  Request r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  if (r.target.empty() || r.target[0] != '/') {
    return InvalidArgument("malformed HTTP request: the target must start with '/'");
  }
  size_t q = r.target.find('?');
  r.path = r.target.substr(0, q);
  if (q != std::string::npos) r.query = r.target.substr(q + 1);
  for (const auto& field : req) {
    r.headers.Add(std::string(field.name_string()), std::string(field.value()));
  }
  r.keep_alive = req.keep_alive();
  r.body = std::move(req.body());
  return r;
}

}  // namespace detail

Result<Request> ParseRequestBytes(std::string_view bytes, const RequestLimits& limits) {
  detail::BeastRequestParser parser;
  detail::ConfigureParser(parser, limits);
  beast::error_code ec;
  size_t used = 0;
  // put() takes what it can; the head only once complete, the body in parts.
  while (!parser.is_done() && used < bytes.size()) {
    size_t n = parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    if (ec == bhttp::error::need_more) {
      ec = {};
      if (n == 0) break;
      continue;
    }
    if (ec) return detail::DescribeParseError(ec, limits).status;
    if (n == 0) break;
  }
  if (!parser.is_done()) {
    // A body delimited by the end of the connection is complete at EOF.
    parser.put_eof(ec);
    if (ec || !parser.is_done())
      return InvalidArgument("malformed HTTP request: incomplete request");
  }
  return detail::ToRequest(parser.release());
}

}  // namespace cocoon::http
