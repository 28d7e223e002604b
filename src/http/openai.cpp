#include "http/openai.h"

namespace cocoon::http {

using nlohmann::json;

// ---- Errors ----------------------------------------------------------------

ApiError ApiErrorFromHttpStatus(int http_status, std::string message) {
  ApiError e;
  e.http_status = http_status;
  e.message = std::move(message);
  switch (http_status) {
    case 400:
      e.type = "invalid_request_error";
      break;
    case 401:
      e.type = "authentication_error";
      e.code = "invalid_api_key";
      break;
    case 403:
      e.type = "permission_error";
      break;
    case 404:
      e.type = "invalid_request_error";
      e.code = "not_found";
      break;
    case 405:
      e.type = "invalid_request_error";
      e.code = "method_not_allowed";
      break;
    case 408:
      e.type = "invalid_request_error";
      e.code = "request_timeout";
      break;
    case 413:
      e.type = "invalid_request_error";
      e.code = "request_too_large";
      break;
    case 429:
      e.type = "rate_limit_error";
      e.code = "rate_limit_exceeded";
      break;
    case 431:
      e.type = "invalid_request_error";
      e.code = "headers_too_large";
      break;
    case 499:
      e.type = "invalid_request_error";
      e.code = "cancelled";
      break;
    case 502:
      e.type = "server_error";
      e.code = "bad_gateway";
      break;
    case 503:
      e.type = "server_error";
      e.code = "service_unavailable";
      break;
    case 504:
      e.type = "server_error";
      e.code = "timeout";
      break;
    default:
      e.type = http_status >= 500 ? "server_error" : "invalid_request_error";
      break;
  }
  if (e.message.empty()) e.message = std::string(ReasonPhrase(http_status));
  return e;
}

ApiError ApiErrorFromStatus(const Status& status) {
  int http = 500;
  switch (status.code()) {
    case ErrorCode::kOk:
      http = 500;
      break;  // REQUIRES violated; report honestly as internal
    case ErrorCode::kInvalidArgument:
      http = 400;
      break;
    case ErrorCode::kFailedPrecondition:
      http = 400;
      break;
    case ErrorCode::kUnauthenticated:
      http = 401;
      break;
    case ErrorCode::kPermissionDenied:
      http = 403;
      break;
    case ErrorCode::kNotFound:
      http = 404;
      break;
    case ErrorCode::kResourceExhausted:
      http = 429;
      break;
    case ErrorCode::kCancelled:
      http = 499;
      break;
    case ErrorCode::kInternal:
      http = 500;
      break;
    case ErrorCode::kProtocol:
      http = 502;
      break;
    case ErrorCode::kIo:
      http = 502;
      break;
    case ErrorCode::kUnavailable:
      http = 503;
      break;
    case ErrorCode::kDeadlineExceeded:
      http = 504;
      break;
  }
  return ApiErrorFromHttpStatus(http, status.message());
}

json ApiErrorJson(const ApiError& error) {
  json inner = {{"message", error.message}, {"type", error.type}};
  inner["code"] = error.code.empty() ? json(nullptr) : json(error.code);
  return json{{"error", std::move(inner)}};
}

Response ApiErrorResponse(const ApiError& error) {
  return JsonResponse(error.http_status, ApiErrorJson(error).dump());
}

ApiError ParseApiError(int http_status, std::string_view body) {
  ApiError fallback = ApiErrorFromHttpStatus(http_status, "");
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return fallback;
  const json* e = &j;
  if (auto it = j.find("error"); it != j.end()) {
    if (it->is_string()) {
      fallback.message = it->get<std::string>();
      return fallback;
    }
    if (!it->is_object()) return fallback;
    e = &*it;
  }
  auto str = [&](const char* key) -> std::optional<std::string> {
    auto it = e->find(key);
    if (it == e->end()) return std::nullopt;
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
    return std::nullopt;
  };
  auto message = str("message");
  if (!message) return fallback;
  fallback.message = *message;
  if (auto type = str("type")) fallback.type = *type;
  if (auto code = str("code")) fallback.code = *code;
  return fallback;
}

// ---- Requests --------------------------------------------------------------

namespace {

// Request bodies are re-serialized when forwarded, and serialization recurses
// per nesting level, so absurd nesting is refused up front.
constexpr int kMaxJsonDepth = 128;

Result<std::optional<int64_t>> OptionalCount(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::optional<int64_t>();
  if (!it->is_number_integer() || it->get<int64_t>() < 0) {
    return InvalidArgument(std::string("'") + key + "' must be a non-negative integer");
  }
  return std::optional<int64_t>(it->get<int64_t>());
}

}  // namespace

Result<CompletionRequest> ParseCompletionRequest(std::string_view body, Endpoint endpoint) {
  CompletionRequest r;
  r.endpoint = endpoint;
  bool too_deep = false;
  json::parser_callback_t depth_check = [&](int depth, json::parse_event_t, json&) {
    if (depth > kMaxJsonDepth) too_deep = true;
    return !too_deep;
  };
  r.body = json::parse(body, depth_check, /*allow_exceptions=*/false);
  if (too_deep) {
    return InvalidArgument("request body nests deeper than " + std::to_string(kMaxJsonDepth) +
                           " levels");
  }
  if (r.body.is_discarded()) return InvalidArgument("request body is not valid JSON");
  if (!r.body.is_object()) return InvalidArgument("request body must be a JSON object");

  auto model = r.body.find("model");
  if (model == r.body.end()) return InvalidArgument("'model' is required");
  if (!model->is_string() || model->get_ref<const std::string&>().empty()) {
    return InvalidArgument("'model' must be a non-empty string");
  }
  r.model = model->get<std::string>();

  if (auto it = r.body.find("stream"); it != r.body.end() && !it->is_null()) {
    if (!it->is_boolean()) return InvalidArgument("'stream' must be a boolean");
    r.stream = it->get<bool>();
  }
  COCOON_ASSIGN_OR_RETURN(auto max_tokens, OptionalCount(r.body, "max_tokens"));
  COCOON_ASSIGN_OR_RETURN(auto max_completion, OptionalCount(r.body, "max_completion_tokens"));
  r.max_tokens = max_completion ? max_completion : max_tokens;

  if (auto it = r.body.find("stream_options"); it != r.body.end() && !it->is_null()) {
    if (!it->is_object()) return InvalidArgument("'stream_options' must be an object");
    if (auto u = it->find("include_usage"); u != it->end() && !u->is_null()) {
      if (!u->is_boolean()) {
        return InvalidArgument("'stream_options.include_usage' must be a boolean");
      }
      r.include_usage = u->get<bool>();
    }
  }

  if (endpoint == Endpoint::kChatCompletions) {
    auto it = r.body.find("messages");
    if (it == r.body.end()) return InvalidArgument("'messages' is required");
    if (!it->is_array()) return InvalidArgument("'messages' must be an array");
  } else {
    auto it = r.body.find("prompt");
    if (it == r.body.end()) return InvalidArgument("'prompt' is required");
    if (!it->is_string() && !it->is_array()) {
      return InvalidArgument("'prompt' must be a string or an array");
    }
  }
  return r;
}

void CapMaxTokens(CompletionRequest& request, int64_t limit) {
  bool any = false;
  for (const char* key : {"max_completion_tokens", "max_tokens"}) {
    auto it = request.body.find(key);
    if (it == request.body.end() || it->is_null()) continue;
    any = true;
    // Parsed requests hold non-negative integers here.
    int64_t v = it->is_number_integer() ? it->get<int64_t>() : limit;
    *it = std::min(v, limit);
  }
  if (!any) request.body["max_tokens"] = limit;
  request.max_tokens = request.max_tokens ? std::min(*request.max_tokens, limit) : limit;
}

void RequestStreamUsage(CompletionRequest& request) {
  if (!request.stream) return;
  json& opts = request.body["stream_options"];
  if (!opts.is_object()) opts = json::object();
  opts["include_usage"] = true;
  request.include_usage = true;
}

// ---- Usage -----------------------------------------------------------------

namespace {

Status ReadCounter(const json& obj, const char* key, const char* where, int64_t& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return Status::Ok();
  if (!it->is_number_integer() || it->get<int64_t>() < 0) {
    return InvalidArgument(std::string("usage: '") + where + key +
                           "' must be a non-negative integer");
  }
  out = it->get<int64_t>();
  return Status::Ok();
}

Status ReadDetail(const json& usage, const char* details, const char* key, int64_t& out) {
  auto it = usage.find(details);
  if (it == usage.end() || it->is_null()) return Status::Ok();
  if (!it->is_object()) {
    return InvalidArgument(std::string("usage: '") + details + "' must be an object");
  }
  std::string where = std::string(details) + ".";
  return ReadCounter(*it, key, where.c_str(), out);
}

}  // namespace

Result<std::optional<Usage>> ExtractUsage(const json& object) {
  if (!object.is_object()) return InvalidArgument("usage: the response is not a JSON object");
  auto it = object.find("usage");
  if (it == object.end() || it->is_null()) return std::optional<Usage>();
  if (!it->is_object()) return InvalidArgument("usage: 'usage' must be an object");
  const json& u = *it;
  Usage usage;
  COCOON_RETURN_IF_ERROR(ReadCounter(u, "prompt_tokens", "", usage.prompt_tokens));
  COCOON_RETURN_IF_ERROR(ReadCounter(u, "completion_tokens", "", usage.completion_tokens));
  COCOON_RETURN_IF_ERROR(
      ReadDetail(u, "prompt_tokens_details", "cached_tokens", usage.cached_tokens));
  COCOON_RETURN_IF_ERROR(
      ReadDetail(u, "completion_tokens_details", "reasoning_tokens", usage.reasoning_tokens));
  return std::optional<Usage>(usage);
}

Result<std::optional<Usage>> ExtractUsageFromSseData(std::string_view data) {
  if (data == "[DONE]") return std::optional<Usage>();
  json j = json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgument("usage: stream event data is not valid JSON");
  return ExtractUsage(j);
}

json UsageJson(const Usage& usage) {
  return json{
      {"prompt_tokens", usage.prompt_tokens},
      {"completion_tokens", usage.completion_tokens},
      {"total_tokens", usage.prompt_tokens + usage.completion_tokens},
      {"prompt_tokens_details", {{"cached_tokens", usage.cached_tokens}}},
      {"completion_tokens_details", {{"reasoning_tokens", usage.reasoning_tokens}}},
  };
}

}  // namespace cocoon::http
