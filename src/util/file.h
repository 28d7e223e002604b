// Whole-file reads and atomic writes.
#pragma once

#include <filesystem>
#include <string>

#include "util/bytes.h"
#include "util/status.h"

namespace cocoon {

// Reads the whole file; refuses files larger than `max_bytes`.
Result<std::string> ReadFile(const std::filesystem::path& path, size_t max_bytes = 64 << 20);

// Writes to a temporary file beside `path`, fsyncs, then renames over `path`,
// so readers see the old or the new content, never a mix. `mode` is the
// permission of the new file (0600 for secrets).
Status WriteFileAtomic(const std::filesystem::path& path, std::string_view content,
                       unsigned mode = 0644);

}  // namespace cocoon
