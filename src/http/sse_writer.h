// Formatting of Server-Sent Events for our own streaming responses (the
// client's OpenAI-compatible API, the scripted backend). The output is what
// SseParser reads back.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace cocoon::http {

// The terminator OpenAI-compatible streams end with.
inline constexpr std::string_view kSseDone = "data: [DONE]\n\n";

// "data: <payload>\n\n". A payload containing line breaks (CRLF, LF or CR)
// becomes several data lines, so a parser returns it with '\n' breaks.
std::string SseData(std::string_view payload);

// "event: <name>\ndata: <payload>\n\n". REQUIRES: `name` has no line break.
std::string SseNamedEvent(std::string_view name, std::string_view payload);

// ": <text>\n\n", a comment clients ignore (useful as a keepalive).
// REQUIRES: `text` has no line break.
std::string SseComment(std::string_view text);

}  // namespace cocoon::http
