// Command failures: a command's callback throws CommandFailed; main prints
// "cocoon: <message>" to stderr and exits with the code.
#pragma once

#include <stdexcept>

#include "util/status.h"

namespace cocoon::cli {

class CommandFailed : public std::runtime_error {
 public:
  CommandFailed(const std::string& message, int code) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

[[noreturn]] inline void Fail(const Status& status, int code = 1) {
  throw CommandFailed(status.message(), code);
}

}  // namespace cocoon::cli
