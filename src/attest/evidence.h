// Evidence and measurements: what a TEE says about the code it runs.
//
// A provider turns 64 bytes of report data into Evidence (a quote binding
// those bytes to the platform's measurements); a verifier turns Evidence back
// into Measurements, having checked every signature. Policy (policy.h) then
// decides whether those measurements are acceptable for a role.
#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

#include "crypto/sha.h"
#include "util/bytes.h"
#include "util/status.h"

namespace cocoon::attest {

using ReportData = std::array<uint8_t, 64>;
using ImageHash = crypto::Sha256Digest;

enum class EvidenceKind { kNone = 0, kSim = 1, kTdx = 2 };
std::string_view EvidenceKindName(EvidenceKind kind);

struct Evidence {
  EvidenceKind kind = EvidenceKind::kNone;
  Bytes quote;  // format depends on kind

  Bytes Serialize() const;
  static Result<Evidence> Parse(ByteSpan bytes);
};

// What a verifier established from Evidence.
struct Measurements {
  EvidenceKind kind = EvidenceKind::kNone;
  ImageHash image_hash{};    // SHA-256 identifying the code and static configuration
  ReportData report_data{};  // what the quote binds (RA-TLS: SHA-512 of the claims)
  std::string tcb_status;    // "Simulated" for sim; Intel's TCB status for TDX
  std::vector<std::string> advisories;
  // Kind-specific fields for display (hex or text), e.g. "platform_key", "mrtd".
  std::map<std::string, std::string> details;
};

// Produces evidence on this machine. Implementations: SimProvider, TdxProvider.
// Thread-safety: Produce may be called from any thread.
class EvidenceProvider {
 public:
  virtual ~EvidenceProvider() = default;
  virtual EvidenceKind kind() const = 0;
  virtual Result<Evidence> Produce(const ReportData& report_data) const = 0;
};

// Verifies evidence of one or more kinds.
// Thread-safety: Verify may be called from any thread.
class EvidenceVerifier {
 public:
  virtual ~EvidenceVerifier() = default;
  // An error when any signature, chain or binding fails; never partial data.
  virtual Result<Measurements> Verify(const Evidence& evidence) const = 0;
};

}  // namespace cocoon::attest
