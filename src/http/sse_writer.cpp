#include "http/sse_writer.h"

namespace cocoon::http {

namespace {

void AppendDataLines(std::string& out, std::string_view payload) {
  size_t i = 0;
  while (true) {
    size_t end = payload.find_first_of("\r\n", i);
    out.append("data: ");
    out.append(payload.substr(i, end == std::string_view::npos ? payload.npos : end - i));
    out.push_back('\n');
    if (end == std::string_view::npos) break;
    i = end + 1;
    if (payload[end] == '\r' && i < payload.size() && payload[i] == '\n') ++i;
  }
}

}  // namespace

std::string SseData(std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + 8);
  AppendDataLines(out, payload);
  out.push_back('\n');
  return out;
}

std::string SseNamedEvent(std::string_view name, std::string_view payload) {
  std::string out = "event: ";
  out.append(name);
  out.push_back('\n');
  AppendDataLines(out, payload);
  out.push_back('\n');
  return out;
}

std::string SseComment(std::string_view text) {
  std::string out = ": ";
  out.append(text);
  out.append("\n\n");
  return out;
}

}  // namespace cocoon::http
