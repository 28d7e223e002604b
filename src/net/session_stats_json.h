// A session's buffers and traffic as the daemons' /stats show them: where a
// daemon's memory sits (bytes waiting for a slow peer's socket, bytes
// received and not yet relayed, bytes a relay holds until it has written them
// onwards) and how much crossed the connection. Counts only; nothing of what
// the bytes carry.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "net/session.h"

namespace cocoon::net {

nlohmann::json ConnectionStats(const SessionStats& stats);

// Adds one connection's buffered bytes into a running total of the same shape
// ({"queued_write_bytes", "buffered_receive_bytes", "held_by_relays_bytes",
// "open_streams"}).
void AddBuffers(const SessionStats& stats, nlohmann::json& total);

}  // namespace cocoon::net
