#include "cli/attest_commands.h"

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "attest/dcap/openssl.h"
#include "attest/dcap/verify.h"
#include "attest/tdx_measurements.h"
#include "util/clock.h"
#include "util/file.h"

namespace cocoon::cli {
namespace {

using nlohmann::json;

struct AttestArgs {
  std::string quote_file;
  std::string collateral_file;
  int64_t at = 0;
  bool json = false;
};

[[noreturn]] void FailWith(const AttestArgs& a, const std::string& command, const Status& s) {
  std::cerr << "attest " << command << ": " << s.message() << "\n";
  if (a.json) std::cout << json{{"verified", false}, {"error", s.message()}}.dump(2) << "\n";
  throw CLI::RuntimeError(1);
}

Result<Bytes> ReadQuote(const std::string& path) {
  auto text = ReadFile(path, attest::dcap::kMaxQuoteSize);
  if (!text.ok()) return text.status().WithContext("quote file " + path);
  return ToBytes(*text);
}

void PrintFields(const std::map<std::string, std::string>& fields) {
  size_t width = 0;
  for (const auto& [k, v] : fields) width = std::max(width, k.size());
  for (const auto& [k, v] : fields) {
    std::cout << "  " << k << std::string(width - k.size() + 1, ' ') << v << "\n";
  }
}

void Parse(const AttestArgs& a) {
  auto bytes = ReadQuote(a.quote_file);
  if (!bytes.ok()) FailWith(a, "parse", bytes.status());
  auto quote = attest::dcap::ParseQuote(*bytes);
  if (!quote.ok()) FailWith(a, "parse", quote.status());
  auto fields = attest::QuoteDetails(*quote);
  if (a.json) {
    std::cout << json{{"quote", fields}}.dump(2) << "\n";
    return;
  }
  std::cout << fields["tee"] << " quote v" << fields["quote_version"] << " (not verified)\n";
  PrintFields(fields);
}

void Verify(const AttestArgs& a) {
  auto bytes = ReadQuote(a.quote_file);
  if (!bytes.ok()) FailWith(a, "verify", bytes.status());
  auto collateral = attest::dcap::ReadCollateralFile(a.collateral_file);
  if (!collateral.ok()) FailWith(a, "verify", collateral.status());
  const int64_t at = a.at != 0 ? a.at : SystemClock().NowUnix();
  auto v = attest::dcap::VerifyQuote(*bytes, *collateral, at);
  if (!v.ok()) FailWith(a, "verify", v.status());

  std::string status(attest::dcap::TcbStatusName(v->tcb.status));
  std::map<std::string, std::string> fields;
  std::string image_hash;
  if (v->quote.is_tdx()) {
    attest::Measurements m = attest::TdxMeasurements(*v);
    fields = m.details;
    image_hash = HexEncode(m.image_hash);
  } else {
    fields = attest::QuoteDetails(v->quote);
    fields["fmspc"] = HexEncode(v->pck.fmspc);
    fields["collateral_expires_at"] = attest::dcap::FormatIsoTime(v->collateral_expires_at);
  }
  if (a.json) {
    json out{{"verified", true},
             {"tee", fields["tee"]},
             {"verified_at", attest::dcap::FormatIsoTime(at)},
             {"tcb_status", status},
             {"advisories", v->tcb.advisory_ids},
             {"measurements", fields}};
    if (!image_hash.empty()) out["image_hash"] = image_hash;
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::cout << "verified " << fields["tee"] << " quote v" << fields["quote_version"] << " at "
            << attest::dcap::FormatIsoTime(at) << "\n";
  std::cout << "tcb_status: " << status << "\n";
  std::cout << "advisories:";
  if (v->tcb.advisory_ids.empty()) std::cout << " (none)";
  for (const auto& id : v->tcb.advisory_ids) std::cout << " " << id;
  std::cout << "\n";
  if (!image_hash.empty()) std::cout << "image_hash: " << image_hash << "\n";
  std::cout << "measurements:\n";
  PrintFields(fields);
}

}  // namespace

void AddAttestCommands(CLI::App& app) {
  auto* attest = app.add_subcommand("attest", "Parse and verify Intel DCAP (TDX, SGX) quotes");
  attest->require_subcommand(1);

  auto p = std::make_shared<AttestArgs>();
  auto* parse = attest->add_subcommand("parse", "Print a quote's fields without verifying it");
  parse->add_option("QUOTE_FILE", p->quote_file, "Binary quote file")->required();
  parse->add_flag("--json", p->json, "Print JSON");
  parse->callback([p] { Parse(*p); });

  auto v = std::make_shared<AttestArgs>();
  auto* verify = attest->add_subcommand(
      "verify", "Verify a quote with its collateral and print its measurements and TCB status");
  verify->add_option("QUOTE_FILE", v->quote_file, "Binary quote file")->required();
  verify
      ->add_option("--collateral", v->collateral_file,
                   "Collateral JSON (PCCS shape: tcb_info, qe_identity, CRLs, issuer chains)")
      ->required();
  verify->add_option("--at", v->at, "Verify at this time (seconds since the epoch; default now)");
  verify->add_flag("--json", v->json, "Print JSON");
  verify->callback([v] { Verify(*v); });
}

}  // namespace cocoon::cli
