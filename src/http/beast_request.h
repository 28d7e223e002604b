// Internal to module http (included by .cpp files only): the Beast request
// parser configured with our limits, and the conversion of what it parsed
// into a Request. Shared by the server's socket path and ParseRequestBytes so
// the fuzzer exercises the code the server runs.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/message.h"
#include "http/request_parse.h"
#include "util/status.h"

namespace cocoon::http::detail {

using BeastRequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

void ConfigureParser(BeastRequestParser& parser, const RequestLimits& limits);

// A parse failure as the server reports it: the HTTP status (413, 431 or
// 400) and a message for the client.
struct ParseFailure {
  int http_status;
  Status status;
};
ParseFailure DescribeParseError(const boost::beast::error_code& ec, const RequestLimits& limits);

// Converts a parsed request; rejects what Beast accepts but we do not
// (a target that is not origin-form).
Result<Request> ToRequest(boost::beast::http::request<boost::beast::http::string_body>&& req);

}  // namespace cocoon::http::detail
