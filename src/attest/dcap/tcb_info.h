// The signed JSON bodies of collateral: TCB info (per FMSPC: which SVNs make
// which TCB status) and QE identity (which quoting enclave is genuine, and how
// current its SVN is). Only version 3 TCB info ("SGX" or "TDX") and version 2
// QE identity ("QE" or "TD_QE") are accepted, as Intel's PCS v4 serves them.
//
// Parsing checks shape only; signatures are checked by dcap::VerifyQuote over
// the exact text before these are trusted.
// Thread-safety: plain values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "attest/dcap/quote.h"
#include "attest/dcap/tcb_status.h"

namespace cocoon::attest::dcap {

struct TcbLevel {
  std::array<uint8_t, 16> sgx_components{};
  uint16_t pce_svn = 0;
  std::optional<std::array<uint8_t, 16>> tdx_components;  // TDX TCB info only
  int64_t tcb_date = 0;
  TcbStatus status = TcbStatus::kOutOfDate;
  std::vector<std::string> advisory_ids;
};

// A level keyed by one ISV SVN (QE identity, TDX module identity).
struct IsvTcbLevel {
  uint16_t isv_svn = 0;
  int64_t tcb_date = 0;
  TcbStatus status = TcbStatus::kOutOfDate;
  std::vector<std::string> advisory_ids;
};

struct TdxModuleIdentity {
  std::string id;  // "TDX_01", ...; empty for the legacy single tdxModule entry
  Array<48> mr_signer{};
  Array<8> attributes{};
  Array<8> attributes_mask{};
  std::vector<IsvTcbLevel> levels;  // empty for the legacy single tdxModule entry
};

struct TcbInfo {
  std::string id;  // "SGX" or "TDX"
  int64_t version = 0;
  int64_t issue_date = 0;
  int64_t next_update = 0;
  Array<6> fmspc{};
  Array<2> pce_id{};
  int64_t tcb_evaluation_data_number = 0;
  std::optional<TdxModuleIdentity> tdx_module;  // TDX: "tdxModule"
  std::vector<TdxModuleIdentity> tdx_module_identities;
  std::vector<TcbLevel> levels;  // in Intel's order: the first match wins
};

struct QeIdentity {
  std::string id;  // "QE" or "TD_QE"
  int64_t version = 0;
  int64_t issue_date = 0;
  int64_t next_update = 0;
  int64_t tcb_evaluation_data_number = 0;
  uint32_t misc_select = 0;
  uint32_t misc_select_mask = 0;
  Array<16> attributes{};
  Array<16> attributes_mask{};
  Array<32> mr_signer{};
  uint16_t isv_prod_id = 0;
  std::vector<IsvTcbLevel> levels;
};

// Errors: dcap.malformed_collateral.
Result<TcbInfo> ParseTcbInfo(std::string_view json_text);
Result<QeIdentity> ParseQeIdentity(std::string_view json_text);

}  // namespace cocoon::attest::dcap
