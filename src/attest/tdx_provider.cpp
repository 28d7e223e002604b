#include "attest/tdx_provider.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <future>
#include <thread>

#include "attest/dcap/quote.h"

namespace cocoon::attest {
namespace {

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

// Reads a whole configfs attribute (at most `max` bytes).
Result<Bytes> ReadAttribute(const std::filesystem::path& path, size_t max) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Unavailable(Errno("cannot open " + path.string()));
  Bytes out;
  uint8_t buf[4096];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = Unavailable(Errno("cannot read " + path.string()));
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max) {
      ::close(fd);
      return Unavailable(path.string() + " is larger than " + std::to_string(max) + " bytes");
    }
    out.insert(out.end(), buf, buf + n);
  }
  ::close(fd);
  return out;
}

Status WriteAttribute(const std::filesystem::path& path, ByteSpan data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Unavailable(Errno("cannot open " + path.string()));
  ssize_t n;
  do {
    n = ::write(fd, data.data(), data.size());
  } while (n < 0 && errno == EINTR);
  Status s = Status::Ok();
  if (n < 0) {
    s = Unavailable(Errno("cannot write " + path.string()));
  } else if (static_cast<size_t>(n) != data.size()) {
    s = Unavailable("short write to " + path.string());
  }
  ::close(fd);
  return s;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}

// The steps after the report directory exists.
Result<Bytes> Generate(const std::filesystem::path& dir, const ReportData& report_data) {
  COCOON_RETURN_IF_ERROR(WriteAttribute(dir / "inblob", report_data));
  auto provider = ReadAttribute(dir / "provider", 256);
  if (provider.ok() && Trim(ToString(*provider)) != "tdx_guest") {
    return Unavailable("configfs-tsm provider is \"" + Trim(ToString(*provider)) +
                       "\", not tdx_guest: this machine is not an Intel TD");
  }
  auto gen_before = ReadAttribute(dir / "generation", 64);
  COCOON_ASSIGN_OR_RETURN(Bytes quote, ReadAttribute(dir / "outblob", dcap::kMaxQuoteSize));
  auto gen_after = ReadAttribute(dir / "generation", 64);
  if (gen_before.ok() && gen_after.ok() && *gen_before != *gen_after) {
    return Internal("the configfs-tsm report changed while it was read (concurrent writer)");
  }
  if (quote.empty()) return Unavailable("the kernel returned an empty quote");
  return quote;
}

}  // namespace

TdxProvider::TdxProvider(std::filesystem::path report_dir, std::chrono::milliseconds timeout)
    : report_dir_(std::move(report_dir)), timeout_(timeout) {}

Result<Evidence> TdxProvider::Produce(const ReportData& report_data) const {
  std::lock_guard<std::mutex> lock(mu_);
  struct stat st {};
  if (::stat(report_dir_.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Unavailable("configfs-tsm is not available at " + report_dir_.string() +
                       ": not running inside an Intel TD, or the kernel lacks TSM reports "
                       "(CONFIG_TSM_REPORTS, tdx_guest) or configfs is not mounted");
  }
  static std::atomic<uint64_t> counter{0};
  const std::filesystem::path dir =
      report_dir_ / ("cocoon-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  if (::mkdir(dir.c_str(), 0700) != 0) {
    return Unavailable(Errno("cannot create configfs-tsm report " + dir.string()));
  }
  // The quote service may block; the helper owns copies of everything it uses.
  auto task = std::make_shared<std::packaged_task<Result<Bytes>()>>(
      [dir, report_data] { return Generate(dir, report_data); });
  std::future<Result<Bytes>> result = task->get_future();
  std::thread([task, dir] {
    (*task)();
    ::rmdir(dir.c_str());
  }).detach();
  if (result.wait_for(timeout_) != std::future_status::ready) {
    return DeadlineExceeded("no TDX quote within " + std::to_string(timeout_.count()) +
                            " ms: is the host's quote generation service (QGS) running?");
  }
  COCOON_ASSIGN_OR_RETURN(Bytes quote, result.get());
  return Evidence{EvidenceKind::kTdx, std::move(quote)};
}

}  // namespace cocoon::attest
