// Incremental parser for Server-Sent Events (text/event-stream), as a worker
// reads an inference backend's streamed answer.
//
// Feed it the bytes exactly as they arrive, split anywhere (even inside a
// CRLF or a UTF-8 sequence); it yields each event as soon as its blank line
// has arrived. Follows the WHATWG event-stream rules: lines end with CRLF, LF
// or CR; `data:` lines are joined with '\n'; `event:`, `id:` and `retry:` set
// the event's fields; lines starting with ':' are comments; one space after
// the colon is dropped; unknown fields are ignored; a leading UTF-8 BOM is
// skipped; a block without data dispatches nothing. An event (or a single
// line) larger than `max_event_bytes` is an error (kResourceExhausted), after
// which the parser refuses further input.
//
// Thread-safety: none; one parser per stream, used by one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace cocoon::http {

struct SseEvent {
  std::string event;  // the `event:` field; empty means "message"
  std::string data;   // `data:` lines joined with '\n'
  std::string id;     // the last `id:` seen on the stream (sticky, per spec)
  std::optional<int64_t> retry_ms;
};

class SseParser {
 public:
  static constexpr size_t kDefaultMaxEventBytes = 1 << 20;

  explicit SseParser(size_t max_event_bytes = kDefaultMaxEventBytes)
      : max_event_bytes_(max_event_bytes) {}

  // Parses `bytes` and appends every completed event to `events`. Returns
  // the error once the size cap is exceeded (and on every later call).
  Status Feed(std::string_view bytes, std::vector<SseEvent>& events);

  // True when bytes of an unfinished event are pending (a stream that ends
  // now was cut mid-event; per spec such an event is discarded).
  bool HasPartialEvent() const;

  // Bytes held for the unfinished line and event.
  size_t buffered_bytes() const {
    return line_.size() + pending_.data.size() + pending_.event.size();
  }

 private:
  Status ProcessLine(std::string_view line, std::vector<SseEvent>& events);

  const size_t max_event_bytes_;
  Status error_;
  bool bom_checked_ = false;
  bool last_was_cr_ = false;  // a CR ended the last line; a following LF is part of it
  bool has_data_ = false;
  bool has_fields_ = false;
  std::string line_;
  std::string last_id_;
  SseEvent pending_;
};

}  // namespace cocoon::http
