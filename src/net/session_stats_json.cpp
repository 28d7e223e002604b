#include "net/session_stats_json.h"

#include <nlohmann/json.hpp>

namespace cocoon::net {

nlohmann::json ConnectionStats(const SessionStats& stats) {
  return {{"open_streams", stats.open_streams},
          {"queued_write_bytes", stats.queued_write_bytes},
          {"buffered_receive_bytes", stats.buffered_receive_bytes},
          {"held_by_relays_bytes", stats.held_read_bytes},
          {"bytes_sent", stats.bytes_sent},
          {"bytes_received", stats.bytes_received}};
}

void AddBuffers(const SessionStats& stats, nlohmann::json& total) {
  auto add = [&](const char* key, size_t value) {
    total[key] = total.value(key, size_t{0}) + value;
  };
  add("open_streams", stats.open_streams);
  add("queued_write_bytes", stats.queued_write_bytes);
  add("buffered_receive_bytes", stats.buffered_receive_bytes);
  add("held_by_relays_bytes", stats.held_read_bytes);
}

}  // namespace cocoon::net
