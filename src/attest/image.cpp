#include "attest/image.h"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace cocoon::attest {
namespace {

void AppendLength(crypto::Sha256Hasher& h, uint64_t n) {
  uint8_t be[8];
  for (int i = 0; i < 8; ++i) be[i] = static_cast<uint8_t>(n >> (56 - 8 * i));
  h.Update(be);
}

}  // namespace

std::filesystem::path SelfExecutable() { return std::filesystem::read_symlink("/proc/self/exe"); }

Result<ImageHash> MeasureImage(const std::filesystem::path& executable,
                               std::string_view static_config) {
  std::ifstream in(executable, std::ios::binary);
  if (!in) {
    return IoError("cannot read executable " + executable.string() + ": " + std::strerror(errno));
  }
  std::error_code ec;
  uint64_t size = std::filesystem::file_size(executable, ec);
  if (ec) return IoError("cannot stat executable " + executable.string());
  crypto::Sha256Hasher h;
  h.Update(AsBytes(std::string_view("cocoon-image-v1\0", 16)));
  AppendLength(h, size);
  char buf[1 << 16];
  uint64_t total = 0;
  while (in) {
    in.read(buf, sizeof(buf));
    auto n = static_cast<size_t>(in.gcount());
    h.Update(ByteSpan(reinterpret_cast<const uint8_t*>(buf), n));
    total += n;
  }
  if (total != size) return IoError("executable changed while it was measured");
  AppendLength(h, static_config.size());
  h.Update(AsBytes(static_config));
  return h.Finish();
}

}  // namespace cocoon::attest
