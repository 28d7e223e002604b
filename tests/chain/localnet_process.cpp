#include "chain/localnet_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <thread>
#include <vector>

namespace cocoon::testing {
namespace {

std::string After(const std::string& text, const std::string& prefix) {
  size_t p = text.find(prefix);
  if (p == std::string::npos) return "";
  size_t end = text.find('\n', p);
  return text.substr(p + prefix.size(),
                     end == std::string::npos ? std::string::npos : end - p - prefix.size());
}

}  // namespace

bool LocalnetAvailable(const std::filesystem::path& contracts_dir, std::string* why) {
  if (std::system("command -v node >/dev/null 2>&1") != 0) {
    *why = "node is not installed";
    return false;
  }
  if (!std::filesystem::exists(contracts_dir / "node_modules" / "@ton" / "sandbox")) {
    *why = contracts_dir.string() + "/node_modules is missing (cd contracts && npm ci)";
    return false;
  }
  if (!std::filesystem::exists(contracts_dir / "build" / "root.json")) {
    *why = contracts_dir.string() + "/build is missing (cd contracts && npm run build)";
    return false;
  }
  return true;
}

Result<std::unique_ptr<LocalnetProcess>> LocalnetProcess::Start(
    const std::filesystem::path& contracts_dir, const std::string& config_json,
    std::chrono::seconds timeout) {
  std::unique_ptr<LocalnetProcess> p(new LocalnetProcess());
  std::string tmpl = (std::filesystem::temp_directory_path() / "cocoon-chain-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) return IoError("mkdtemp failed");
  p->dir_ = tmpl;
  std::vector<std::string> args = {"node",    (contracts_dir / "localnet" / "main.js").string(),
                                   "--state", (p->dir_ / "state").string(),
                                   "--port",  "0"};
  if (!config_json.empty()) {
    const auto config = p->dir_ / "config.json";
    std::ofstream(config) << config_json;
    args.push_back("--config");
    args.push_back(config.string());
  }
  int fds[2];
  if (pipe(fds) != 0) return IoError("pipe failed");
  p->pid_ = fork();
  if (p->pid_ < 0) return IoError("fork failed");
  if (p->pid_ == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execvp("node", argv.data());
    _exit(127);
  }
  close(fds[1]);
  p->out_fd_ = fds[0];
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (p->output_.find("localnet: ready") == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return DeadlineExceeded("localnet did not start: " + p->output_);
    pollfd pfd{p->out_fd_, POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    ssize_t n = read(p->out_fd_, buf, sizeof buf);
    if (n <= 0) return Unavailable("localnet exited: " + p->output_);
    p->output_.append(buf, static_cast<size_t>(n));
  }
  p->endpoint_ = After(p->output_, "localnet: endpoint ");
  p->root_ = After(p->output_, "localnet: root ");
  if (p->endpoint_.empty() || p->root_.empty())
    return ProtocolError("localnet printed no endpoint or root: " + p->output_);
  return p;
}

std::string LocalnetProcess::base_url() const {
  return endpoint_.substr(0, endpoint_.rfind("/api/v2"));
}

LocalnetProcess::~LocalnetProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    for (int i = 0; i < 50; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  if (out_fd_ >= 0) close(out_fd_);
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

}  // namespace cocoon::testing
