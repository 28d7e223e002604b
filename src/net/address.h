// "host:port" addresses as written in configuration and flags.
#pragma once

#include <string>

#include "util/status.h"

namespace cocoon::net {

struct HostPort {
  std::string host;
  uint16_t port = 0;
  std::string ToString() const { return host + ":" + std::to_string(port); }
};

// Accepts "host:port" and "[v6]:port"; port 0 is allowed for listeners.
Result<HostPort> ParseHostPort(std::string_view text);

}  // namespace cocoon::net
