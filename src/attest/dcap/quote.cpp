#include "attest/dcap/quote.h"

#include <algorithm>

#include "attest/dcap/byte_reader.h"
#include "attest/dcap/errors.h"

namespace cocoon::attest::dcap {
namespace {

constexpr uint16_t kCertDataPckChain = 5;
constexpr uint16_t kCertDataQeReport = 6;
constexpr uint16_t kBodySgx = 1;
constexpr uint16_t kBodyTd10 = 2;
constexpr uint16_t kBodyTd15 = 3;

Status Truncated(std::string_view what) {
  return Malformed(tag::kMalformedQuote, std::string("quote is truncated in ") + std::string(what));
}

bool ReadHeader(ByteReader& r, QuoteHeader& h) {
  return r.U16(h.version) && r.U16(h.attestation_key_type) && r.U32(h.tee_type) &&
         r.U16(h.qe_svn) && r.U16(h.pce_svn) && r.Array(h.qe_vendor_id) && r.Array(h.user_data);
}

// Also used for the QE report inside the signature data.
bool ReadSgxReportBody(ByteReader& r, SgxReportBody& b) {
  Array<12> reserved1;
  Array<32> reserved2, reserved3;
  Array<42> reserved4;
  return r.Array(b.cpu_svn) && r.U32(b.misc_select) && r.Array(reserved1) &&
         r.Array(b.isv_ext_prod_id) && r.Array(b.attributes) && r.Array(b.mr_enclave) &&
         r.Array(reserved2) && r.Array(b.mr_signer) && r.Array(reserved3) && r.Array(b.config_id) &&
         r.U16(b.isv_prod_id) && r.U16(b.isv_svn) && r.U16(b.config_svn) && r.Array(reserved4) &&
         r.Array(b.isv_family_id) && r.Array(b.report_data);
}

bool ReadTdReportBody(ByteReader& r, bool tdx15, TdReportBody& b) {
  bool ok = r.Array(b.tee_tcb_svn) && r.Array(b.mr_seam) && r.Array(b.mr_signer_seam) &&
            r.Array(b.seam_attributes) && r.Array(b.td_attributes) && r.Array(b.xfam) &&
            r.Array(b.mr_td) && r.Array(b.mr_config_id) && r.Array(b.mr_owner) &&
            r.Array(b.mr_owner_config) && r.Array(b.rtmr[0]) && r.Array(b.rtmr[1]) &&
            r.Array(b.rtmr[2]) && r.Array(b.rtmr[3]) && r.Array(b.report_data);
  if (ok && tdx15) {
    b.tee_tcb_svn2.emplace();
    b.mr_service_td.emplace();
    ok = r.Array(*b.tee_tcb_svn2) && r.Array(*b.mr_service_td);
  }
  return ok;
}

// Reads the body that follows the header; fills body_type/enclave_report/td_report.
Status ReadBody(ByteReader& r, Quote& q) {
  const QuoteHeader& h = q.header;
  if (h.version == 3 || h.version == 4) {
    if (h.tee_type == kTeeTypeSgx) {
      q.enclave_report.emplace();
      if (!ReadSgxReportBody(r, *q.enclave_report)) return Truncated("the enclave report");
      return Status::Ok();
    }
    if (h.tee_type == kTeeTypeTdx && h.version == 4) {
      q.td_report.emplace();
      if (!ReadTdReportBody(r, false, *q.td_report)) return Truncated("the TD report");
      return Status::Ok();
    }
    return Malformed(tag::kUnsupportedQuote, "quote v" + std::to_string(h.version) +
                                                 " has unsupported TEE type " +
                                                 std::to_string(h.tee_type));
  }
  // v5: body type and size, then the body.
  uint32_t size = 0;
  if (!r.U16(q.body_type) || !r.U32(size)) return Truncated("the v5 body descriptor");
  size_t expected = 0;
  switch (q.body_type) {
    case kBodySgx:
      expected = kSgxReportBodySize;
      break;
    case kBodyTd10:
      expected = kTdReport10Size;
      break;
    case kBodyTd15:
      expected = kTdReport15Size;
      break;
    default:
      return Malformed(tag::kUnsupportedQuote,
                       "quote v5 has unknown body type " + std::to_string(q.body_type));
  }
  if (size != expected) {
    return Malformed(tag::kMalformedQuote, "quote v5 body type " + std::to_string(q.body_type) +
                                               " must be " + std::to_string(expected) +
                                               " bytes, not " + std::to_string(size));
  }
  const bool sgx_body = q.body_type == kBodySgx;
  if (sgx_body != (h.tee_type == kTeeTypeSgx) || (!sgx_body && h.tee_type != kTeeTypeTdx)) {
    return Malformed(tag::kMalformedQuote, "quote v5 body type " + std::to_string(q.body_type) +
                                               " does not match TEE type " +
                                               std::to_string(h.tee_type));
  }
  if (sgx_body) {
    q.enclave_report.emplace();
    if (!ReadSgxReportBody(r, *q.enclave_report)) return Truncated("the enclave report");
  } else {
    q.td_report.emplace();
    if (!ReadTdReportBody(r, q.body_type == kBodyTd15, *q.td_report)) {
      return Truncated("the TD report");
    }
  }
  return Status::Ok();
}

// QE report, its signature, QE authentication data, then the PCK chain
// (certification data type 5). `r` covers exactly the enclosing region.
Status ReadQeReportAndChain(ByteReader& r, Quote& q) {
  ByteSpan qe_raw;
  if (!r.Span(kSgxReportBodySize, qe_raw)) return Truncated("the QE report");
  q.qe_report_raw.assign(qe_raw.begin(), qe_raw.end());
  ByteReader qr(qe_raw);
  if (!ReadSgxReportBody(qr, q.qe_report)) return Truncated("the QE report");
  if (!r.Array(q.qe_report_signature)) return Truncated("the QE report signature");
  uint16_t auth_size = 0;
  ByteSpan auth;
  if (!r.U16(auth_size) || !r.Span(auth_size, auth)) return Truncated("the QE authentication data");
  q.qe_auth_data.assign(auth.begin(), auth.end());
  uint16_t type = 0;
  uint32_t size = 0;
  if (!r.U16(type) || !r.U32(size)) return Truncated("the PCK certification data header");
  if (type != kCertDataPckChain) {
    return Malformed(tag::kUnsupportedQuote,
                     "certification data type " + std::to_string(type) +
                         " is not supported (only 5, the PCK certificate chain)");
  }
  ByteSpan chain;
  if (!r.Span(size, chain)) return Truncated("the PCK certificate chain");
  // Some producers NUL-terminate the PEM text.
  while (!chain.empty() && chain.back() == 0) chain = chain.first(chain.size() - 1);
  if (chain.empty()) return Malformed(tag::kMalformedQuote, "the PCK certificate chain is empty");
  q.pck_chain_pem = ToString(chain);
  return Status::Ok();
}

}  // namespace

Result<Quote> ParseQuote(ByteSpan bytes) {
  if (bytes.size() > kMaxQuoteSize) {
    return Malformed(tag::kMalformedQuote, "quote is " + std::to_string(bytes.size()) +
                                               " bytes, more than the limit of " +
                                               std::to_string(kMaxQuoteSize));
  }
  ByteReader r(bytes);
  Quote q;
  if (!ReadHeader(r, q.header)) return Truncated("the header");
  const uint16_t v = q.header.version;
  if (v != 3 && v != 4 && v != 5) {
    return Malformed(tag::kUnsupportedQuote,
                     "quote version " + std::to_string(v) + " is not supported (3, 4, 5 are)");
  }
  if (q.header.attestation_key_type != kAttestationKeyEcdsaP256) {
    return Malformed(tag::kUnsupportedQuote,
                     "attestation key type " + std::to_string(q.header.attestation_key_type) +
                         " is not supported (only 2, ECDSA-256 with P-256)");
  }
  COCOON_RETURN_IF_ERROR(ReadBody(r, q));
  const size_t signed_size = r.offset();
  q.signed_data.assign(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(signed_size));

  uint32_t sig_size = 0;
  ByteSpan sig_region;
  if (!r.U32(sig_size)) return Truncated("the signature data length");
  if (!r.Span(sig_size, sig_region)) return Truncated("the signature data");
  ByteReader s(sig_region);
  if (!s.Array(q.signature) || !s.Array(q.attestation_key)) return Truncated("the quote signature");
  if (v == 3) {
    q.certification_data_type = kCertDataPckChain;
    COCOON_RETURN_IF_ERROR(ReadQeReportAndChain(s, q));
  } else {
    uint32_t size = 0;
    if (!s.U16(q.certification_data_type) || !s.U32(size)) {
      return Truncated("the certification data header");
    }
    if (q.certification_data_type != kCertDataQeReport) {
      return Malformed(tag::kUnsupportedQuote,
                       "certification data type " + std::to_string(q.certification_data_type) +
                           " is not supported (only 6, QE report certification data)");
    }
    ByteSpan cert;
    if (!s.Span(size, cert)) return Truncated("the certification data");
    ByteReader c(cert);
    COCOON_RETURN_IF_ERROR(ReadQeReportAndChain(c, q));
    if (c.remaining() != 0) {
      return Malformed(tag::kMalformedQuote, "QE report certification data has " +
                                                 std::to_string(c.remaining()) + " extra bytes");
    }
  }
  if (s.remaining() != 0) {
    return Malformed(tag::kMalformedQuote,
                     "signature data has " + std::to_string(s.remaining()) + " extra bytes");
  }
  ByteSpan rest;
  const size_t left = r.remaining();
  if (!r.Span(left, rest)) return Internal("unreachable");
  if (!std::all_of(rest.begin(), rest.end(), [](uint8_t b) { return b == 0; })) {
    return Malformed(tag::kMalformedQuote,
                     "quote has " + std::to_string(left) + " trailing bytes that are not zero");
  }
  q.trailing_zero_bytes = left;
  return q;
}

}  // namespace cocoon::attest::dcap
