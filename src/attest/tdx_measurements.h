// What a TDX quote measures, in the terms of attest::Measurements.
//
// Image hash (the value policies allow per role) is defined as
//
//   SHA-256( MRTD || RTMR0 || RTMR1 || RTMR2 || RTMR3 )      (5 x 48 bytes)
//
// i.e. every measurement register of the TD except REPORTDATA, which changes
// with each certificate: MRTD is the initial TD memory (firmware), RTMR0 the
// firmware configuration, RTMR1 the kernel and its command line, RTMR2 the
// initrd and RTMR3 the application layer, as the image extends them. Fields
// set by the host and not measured into the TD (MRCONFIGID, MROWNER,
// MROWNERCONFIG), the TDX module's identity (MRSEAM, graded by TCB status
// instead), XFAM and TD_ATTRIBUTES are not part of the hash; they are reported
// in Measurements::details, and the debug bit of TD_ATTRIBUTES is judged by
// policy (details["debug"]).
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>

#include "attest/dcap/verify.h"
#include "attest/evidence.h"

namespace cocoon::attest {

ImageHash TdxImageHash(const dcap::TdReportBody& td);

// The quote's fields as hex/text, for display ("parse" without verifying).
// Keys: quote_version, tee, qe_svn, pce_svn, qe_vendor_id, user_data; for TD
// quotes tee_tcb_svn, mr_seam, mr_signer_seam, seam_attributes, td_attributes,
// debug, xfam, mrtd, mr_config_id, mr_owner, mr_owner_config, rtmr0..rtmr3,
// report_data (+ tee_tcb_svn2, mr_service_td for TDX 1.5), image_hash; for SGX
// quotes cpu_svn, mr_enclave, mr_signer, isv_prod_id, isv_svn, attributes,
// report_data; then qe_* for the QE report, attestation_key, pck_chain_certs.
std::map<std::string, std::string> QuoteDetails(const dcap::Quote& quote);

// Measurements of a verified TDX quote: kind kTdx, image hash, report data,
// TCB status and advisories, details = QuoteDetails plus fmspc, tcb_date,
// platform/tdx_module/qe TCB statuses and collateral_expires_at.
// REQUIRES: verified.quote.is_tdx().
Measurements TdxMeasurements(const dcap::VerifiedQuote& verified);

}  // namespace cocoon::attest
