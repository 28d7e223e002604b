// TCB evaluation: from the SVNs in a verified quote and PCK certificate to
// Intel's TCB status, following Intel's QVL (TDX DCAP Quote Verification,
// "TCB level matching"):
//   1. Platform: the first TCB level (in TCB info order) whose 16 SGX component
//      SVNs and PCESVN are all <= the PCK certificate's, and (TDX) whose TDX
//      component SVNs are <= TEE_TCB_SVN of the TD report, compared from index 0,
//      or from index 2 when TEE_TCB_SVN[1] (the TDX module major version) is
//      non-zero, since the module is then graded separately.
//   2. TDX module (TEE_TCB_SVN[1] != 0): the identity "TDX_%02X" of that major
//      version must match MRSIGNERSEAM and SEAMATTRIBUTES (under its mask); its
//      first level with isvsvn <= TEE_TCB_SVN[0] grades the module. Otherwise
//      the single tdxModule entry must match.
//   3. QE identity: MISCSELECT and ATTRIBUTES under their masks, MRSIGNER and
//      ISVPRODID must match the QE report; its first level with isvsvn <= the
//      QE's ISVSVN grades the QE.
//   The result is the platform status converged (tcb_status.h) with the module
//   and QE statuses; advisory IDs are the union of the matched levels', in order.
// No matching level at any step is an error (Intel: TCB_NOT_SUPPORTED).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "attest/dcap/pck_extension.h"
#include "attest/dcap/quote.h"
#include "attest/dcap/tcb_info.h"

namespace cocoon::attest::dcap {

struct TcbEvaluation {
  TcbStatus status = TcbStatus::kOutOfDate;  // the converged status
  std::vector<std::string> advisory_ids;
  TcbStatus platform_status = TcbStatus::kOutOfDate;
  int64_t platform_tcb_date = 0;
  std::optional<TcbStatus> tdx_module_status;
  TcbStatus qe_status = TcbStatus::kOutOfDate;
};

// Errors: dcap.qe_identity_mismatch, dcap.tdx_module_mismatch,
// dcap.tcb_level_not_found.
// REQUIRES: tcb_info and qe_identity are for the quote's TEE (checked by caller).
Result<TcbEvaluation> EvaluateTcb(const Quote& quote, const PckInfo& pck, const TcbInfo& tcb_info,
                                  const QeIdentity& qe_identity);

}  // namespace cocoon::attest::dcap
