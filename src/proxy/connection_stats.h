// A connection's buffers and traffic as shown on the proxy's /stats: where
// the proxy's memory sits (bytes waiting for a slow peer's socket, bytes
// received and not yet relayed) and how much crossed the connection.
// Counts only; nothing of what the bytes carry.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "net/session.h"

namespace cocoon::proxy {

nlohmann::json ConnectionStats(const net::SessionStats& stats);

// Adds one connection's buffered bytes into a running total of the same shape
// ({"queued_write_bytes", "buffered_receive_bytes", "held_by_relays_bytes",
// "open_streams"}).
void AddBuffers(const net::SessionStats& stats, nlohmann::json& total);

}  // namespace cocoon::proxy
