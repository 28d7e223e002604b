// LocalnetProcess: runs `node contracts/localnet/main.js` on a free port of
// 127.0.0.1 with its state in a fresh temporary folder, for integration
// tests. Start() waits for "localnet: ready" and reads the endpoint and the
// root address from its output; the destructor stops the process (SIGTERM,
// then SIGKILL) and removes the folder.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "util/status.h"

namespace cocoon::testing {

class LocalnetProcess {
 public:
  // `config_json` is written to the config file (empty: no --config).
  static Result<std::unique_ptr<LocalnetProcess>> Start(const std::filesystem::path& contracts_dir,
                                                        const std::string& config_json,
                                                        std::chrono::seconds timeout);
  ~LocalnetProcess();
  LocalnetProcess(const LocalnetProcess&) = delete;
  LocalnetProcess& operator=(const LocalnetProcess&) = delete;

  const std::string& endpoint() const { return endpoint_; }  // http://127.0.0.1:N/api/v2
  std::string base_url() const;                              // http://127.0.0.1:N
  const std::string& root() const { return root_; }          // user-friendly
  const std::string& output() const { return output_; }

 private:
  LocalnetProcess() = default;

  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::filesystem::path dir_;
  std::string endpoint_;
  std::string root_;
  std::string output_;
};

// True when node and contracts/node_modules are there; `why` says what is not.
bool LocalnetAvailable(const std::filesystem::path& contracts_dir, std::string* why);

}  // namespace cocoon::testing
