// Intel DCAP quotes: the binary structure, parsed without verifying anything.
//
// Supported: quote v3 (SGX), v4 (SGX or TDX, TD report 1.0) and v5 (SGX, TD
// report 1.0 or 1.5), ECDSA-256 attestation keys, certification data type 6
// (QE report certification data) wrapping type 5 (PCK certificate chain, PEM);
// v3 carries the QE report directly. Layouts follow Intel's "TDX DCAP Quoting
// Library API" (appendix A) and "SGX ECDSA Quote Library API".
//
// The parser treats its input as hostile: every length is checked against the
// buffer, nothing is allocated beyond the input size, and anything left over
// after the signature data must be zero padding (configfs-tsm and QGS pad
// quotes with zeros; non-zero unsigned bytes are refused).
//
// Thread-safety: plain values.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "util/bytes.h"
#include "util/status.h"

namespace cocoon::attest::dcap {

template <size_t N>
using Array = std::array<uint8_t, N>;

inline constexpr uint32_t kTeeTypeSgx = 0x00000000;
inline constexpr uint32_t kTeeTypeTdx = 0x00000081;
inline constexpr uint16_t kAttestationKeyEcdsaP256 = 2;
inline constexpr Array<16> kIntelQeVendorId = {0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9,
                                               0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07};
// Quotes larger than this are refused before parsing (real ones are ~5 KB).
inline constexpr size_t kMaxQuoteSize = 64 * 1024;

struct QuoteHeader {
  uint16_t version = 0;
  uint16_t attestation_key_type = 0;
  uint32_t tee_type = 0;
  uint16_t qe_svn = 0;   // "reserved" in v4/v5
  uint16_t pce_svn = 0;  // "reserved" in v4/v5
  Array<16> qe_vendor_id{};
  Array<20> user_data{};
};

// SGX report body (384 bytes): an enclave's report, and the QE's report.
struct SgxReportBody {
  Array<16> cpu_svn{};
  uint32_t misc_select = 0;
  Array<16> isv_ext_prod_id{};
  Array<16> attributes{};
  Array<32> mr_enclave{};
  Array<32> mr_signer{};
  Array<64> config_id{};
  uint16_t isv_prod_id = 0;
  uint16_t isv_svn = 0;
  uint16_t config_svn = 0;
  Array<16> isv_family_id{};
  Array<64> report_data{};
};
inline constexpr size_t kSgxReportBodySize = 384;

// TD report body: 584 bytes (TDX 1.0), 648 bytes (TDX 1.5, quote v5 type 3).
struct TdReportBody {
  Array<16> tee_tcb_svn{};
  Array<48> mr_seam{};
  Array<48> mr_signer_seam{};
  Array<8> seam_attributes{};
  Array<8> td_attributes{};
  Array<8> xfam{};
  Array<48> mr_td{};
  Array<48> mr_config_id{};
  Array<48> mr_owner{};
  Array<48> mr_owner_config{};
  std::array<Array<48>, 4> rtmr{};
  Array<64> report_data{};
  // TDX 1.5 only.
  std::optional<Array<16>> tee_tcb_svn2;
  std::optional<Array<48>> mr_service_td;

  // TUD.DEBUG: bit 0 of TD_ATTRIBUTES. A debug TD's memory is readable by the host.
  bool debug() const { return (td_attributes[0] & 0x01) != 0; }
};
inline constexpr size_t kTdReport10Size = 584;
inline constexpr size_t kTdReport15Size = 648;

struct Quote {
  QuoteHeader header;
  // Exactly one of these is set: an SGX enclave report or a TD report.
  std::optional<SgxReportBody> enclave_report;
  std::optional<TdReportBody> td_report;
  uint16_t body_type = 0;  // v5 body type (1 SGX, 2 TD 1.0, 3 TD 1.5); 0 before v5

  Bytes signed_data;                     // header and body: what the attestation key signs
  Array<64> signature{};                 // ECDSA P-256 r||s over signed_data
  Array<64> attestation_key{};           // P-256 public key x||y
  uint16_t certification_data_type = 0;  // outer type (6 for v4/v5; 5 for v3)

  Bytes qe_report_raw;  // the 384 bytes the PCK signs
  SgxReportBody qe_report;
  Array<64> qe_report_signature{};
  Bytes qe_auth_data;
  std::string pck_chain_pem;  // leaf first, then intermediate(s), then root
  size_t trailing_zero_bytes = 0;

  bool is_tdx() const { return td_report.has_value(); }
};

// Errors (dcap.malformed_quote / dcap.unsupported_quote): truncated or
// oversized input, unknown version, body or certification data type,
// inconsistent lengths, non-zero trailing bytes.
Result<Quote> ParseQuote(ByteSpan bytes);

}  // namespace cocoon::attest::dcap
