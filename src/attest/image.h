// Image measurement for the sim provider: the image hash is measured, not
// declared. It is SHA-256 over a domain tag, the running executable's bytes
// and the static (measured) part of the configuration, each length-prefixed,
// so the same binary with another static configuration is another image.
// (Under TDX the hash comes from MRTD and RTMR0-3 instead.)
#pragma once

#include <filesystem>
#include <string_view>

#include "attest/evidence.h"

namespace cocoon::attest {

Result<ImageHash> MeasureImage(const std::filesystem::path& executable,
                               std::string_view static_config);

// The executable of this process (/proc/self/exe).
std::filesystem::path SelfExecutable();

}  // namespace cocoon::attest
