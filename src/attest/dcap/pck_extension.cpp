#include "attest/dcap/pck_extension.h"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <string>

#include "attest/dcap/errors.h"

namespace cocoon::attest::dcap {
namespace {

constexpr const char* kSgxExtensionOid = "1.2.840.113741.1.13.1";
const std::string kSgxOidPrefix = "1.2.840.113741.1.13.1.";

struct SeqDeleter {
  void operator()(ASN1_SEQUENCE_ANY* s) const { sk_ASN1_TYPE_pop_free(s, ASN1_TYPE_free); }
};
using SeqPtr = std::unique_ptr<ASN1_SEQUENCE_ANY, SeqDeleter>;

Status Bad(const std::string& what) {
  return Refused(tag::kChainInvalid, "PCK certificate SGX extension: " + what);
}

SeqPtr ParseSequence(const unsigned char* der, long len) {
  const unsigned char* p = der;
  SeqPtr seq(d2i_ASN1_SEQUENCE_ANY(nullptr, &p, len));
  ERR_clear_error();
  if (seq && p != der + len) return nullptr;
  return seq;
}

SeqPtr ParseSequence(const ASN1_TYPE* t) {
  if (t == nullptr || t->type != V_ASN1_SEQUENCE || t->value.sequence == nullptr) return nullptr;
  return ParseSequence(t->value.sequence->data, t->value.sequence->length);
}

// The OID suffix after the SGX arc ("4" for FMSPC, "2.17" for PCESVN), or "".
std::string OidSuffix(const ASN1_TYPE* t) {
  if (t == nullptr || t->type != V_ASN1_OBJECT) return "";
  char buf[128];
  int n = OBJ_obj2txt(buf, sizeof(buf), t->value.object, 1);
  if (n <= 0 || n >= static_cast<int>(sizeof(buf))) return "";
  std::string oid(buf, static_cast<size_t>(n));
  if (oid.rfind(kSgxOidPrefix, 0) != 0) return "";
  return oid.substr(kSgxOidPrefix.size());
}

template <size_t N>
bool Octets(const ASN1_TYPE* t, Array<N>& out) {
  if (t == nullptr || t->type != V_ASN1_OCTET_STRING) return false;
  const ASN1_OCTET_STRING* s = t->value.octet_string;
  if (s == nullptr || s->length != static_cast<int>(N)) return false;
  std::memcpy(out.data(), s->data, N);
  return true;
}

bool Integer(const ASN1_TYPE* t, int64_t max, int64_t& out) {
  if (t == nullptr || t->type != V_ASN1_INTEGER) return false;
  int64_t v = 0;
  if (ASN1_INTEGER_get_int64(&v, t->value.integer) != 1) {
    ERR_clear_error();
    return false;
  }
  if (v < 0 || v > max) return false;
  out = v;
  return true;
}

// The (OID suffix, value) pairs of a SEQUENCE of SEQUENCE { OID, value }.
template <typename F>
Status ForEachEntry(const ASN1_SEQUENCE_ANY* seq, F&& f) {
  for (int i = 0; i < sk_ASN1_TYPE_num(seq); ++i) {
    SeqPtr entry = ParseSequence(sk_ASN1_TYPE_value(seq, i));
    if (!entry || sk_ASN1_TYPE_num(entry.get()) != 2) return Bad("an entry is not {OID, value}");
    const std::string suffix = OidSuffix(sk_ASN1_TYPE_value(entry.get(), 0));
    if (suffix.empty()) return Bad("an entry has an OID outside the SGX arc");
    COCOON_RETURN_IF_ERROR(f(suffix, sk_ASN1_TYPE_value(entry.get(), 1)));
  }
  return Status::Ok();
}

}  // namespace

Result<PckInfo> ParsePckExtension(X509* pck) {
  ASN1_OBJECT* oid = OBJ_txt2obj(kSgxExtensionOid, 1);
  const int idx = oid ? X509_get_ext_by_OBJ(pck, oid, -1) : -1;
  ASN1_OBJECT_free(oid);
  ERR_clear_error();
  if (idx < 0) return Bad("the PCK certificate has no SGX extension");
  const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(pck, idx));
  if (data == nullptr) return Bad("empty");
  SeqPtr top = ParseSequence(data->data, data->length);
  if (!top) return Bad("not a DER SEQUENCE");

  PckInfo info;
  bool have_ppid = false, have_pceid = false, have_fmspc = false, have_tcb = false;
  uint32_t components = 0;  // bit k-1: SGX TCB comp k seen
  bool have_pcesvn = false, have_cpusvn = false;
  Status s = ForEachEntry(top.get(), [&](const std::string& id, const ASN1_TYPE* v) -> Status {
    if (id == "1") {
      if (!Octets(v, info.ppid)) return Bad("malformed PPID");
      have_ppid = true;
    } else if (id == "3") {
      if (!Octets(v, info.pce_id)) return Bad("malformed PCE-ID");
      have_pceid = true;
    } else if (id == "4") {
      if (!Octets(v, info.fmspc)) return Bad("malformed FMSPC");
      have_fmspc = true;
    } else if (id == "2") {
      SeqPtr tcb = ParseSequence(v);
      if (!tcb) return Bad("malformed TCB");
      have_tcb = true;
      return ForEachEntry(tcb.get(), [&](const std::string& tid, const ASN1_TYPE* tv) -> Status {
        if (tid.rfind("2.", 0) != 0) return Bad("unexpected entry in TCB");
        const std::string n = tid.substr(2);
        if (n == "17") {
          int64_t x = 0;
          if (!Integer(tv, 0xffff, x)) return Bad("malformed PCESVN");
          info.pce_svn = static_cast<uint16_t>(x);
          have_pcesvn = true;
        } else if (n == "18") {
          if (!Octets(tv, info.cpu_svn)) return Bad("malformed CPUSVN");
          have_cpusvn = true;
        } else {
          int k = 0;
          for (char c : n) {
            if (c < '0' || c > '9' || k > 100) return Bad("unexpected entry in TCB");
            k = k * 10 + (c - '0');
          }
          int64_t x = 0;
          if (k < 1 || k > 16 || !Integer(tv, 0xff, x)) return Bad("malformed TCB component");
          info.sgx_tcb_components[static_cast<size_t>(k - 1)] = static_cast<uint8_t>(x);
          components |= 1u << (k - 1);
        }
        return Status::Ok();
      });
    }
    return Status::Ok();  // other entries (SGX type, platform instance, ...) are not needed
  });
  COCOON_RETURN_IF_ERROR(s);
  if (!have_ppid || !have_pceid || !have_fmspc || !have_tcb || components != 0xffff ||
      !have_pcesvn || !have_cpusvn) {
    return Bad("PPID, TCB (16 components, PCESVN, CPUSVN), PCE-ID or FMSPC is missing");
  }
  return info;
}

}  // namespace cocoon::attest::dcap
