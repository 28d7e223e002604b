// libFuzzer target for the DCAP parsers that read hostile input: quotes,
// collateral JSON, TCB info and QE identity bodies, PCK certificate
// extensions. The first byte selects the parser; the rest is its input.
// Seeds (fuzz/corpus/quote_fuzzer/) are real inputs with their selector byte.
#include <cstddef>
#include <cstdint>

#include "attest/dcap/collateral.h"
#include "attest/dcap/openssl.h"
#include "attest/dcap/pck_extension.h"
#include "attest/dcap/quote.h"
#include "attest/dcap/tcb_info.h"
#include "attest/tdx_measurements.h"

using namespace cocoon;
using namespace cocoon::attest;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const ByteSpan input(data + 1, size - 1);
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 5) {
    case 0: {
      auto q = dcap::ParseQuote(input);
      if (q.ok()) (void)QuoteDetails(*q);
      break;
    }
    case 1: {
      auto c = dcap::ParseCollateralJson(text);
      if (c.ok()) (void)dcap::ParseCollateralJson(c->ToJson());
      break;
    }
    case 2:
      (void)dcap::ParseTcbInfo(text);
      break;
    case 3:
      (void)dcap::ParseQeIdentity(text);
      break;
    case 4: {
      auto cert = dcap::ParseDerCertificate(input);
      if (cert.ok()) (void)dcap::ParsePckExtension(cert->get());
      auto chain = dcap::ParsePemChain(text);
      (void)chain;
      break;
    }
  }
  return 0;
}
