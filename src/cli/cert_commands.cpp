#include <ctime>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "attest/sim.h"
#include "cli/commands.h"
#include "cli/node_config.h"
#include "cli/report.h"
#include "node/identity.h"
#include "ratls/certificate.h"
#include "util/file.h"

namespace cocoon::cli {
namespace {

std::string IsoTime(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Everything `cert inspect` shows, as JSON (the text form is derived from it).
nlohmann::ordered_json Describe(const ratls::CertificateContents& c, int64_t now) {
  nlohmann::ordered_json j;
  j["role"] = attest::RoleName(c.claims.role);
  j["public_key"] = c.key.Hex();
  j["not_before"] = IsoTime(c.not_before);
  j["not_after"] = IsoTime(c.not_after);
  j["expired"] = now > c.not_after;
  j["claims_key_matches_certificate"] = c.claims.public_key == c.key;
  j["evidence_kind"] = attest::EvidenceKindName(c.evidence->kind);
  if (c.evidence->kind == attest::EvidenceKind::kSim) {
    auto m = attest::InspectSimQuote(*c.evidence);
    if (m.ok()) {
      j["image_hash"] = HexEncode(m->image_hash);
      j["tcb_status"] = m->tcb_status;
      j["platform_key"] = m->details["platform_key"];
      j["evidence_signature"] = "valid (platform key trust not checked)";
      j["evidence_bound_to_claims"] = m->report_data == ratls::ReportDataFor(c.claims_bytes);
    } else {
      j["evidence_signature"] = "INVALID: " + m.status().message();
    }
  }
  return j;
}

}  // namespace

void AddCertCommands(CLI::App& app) {
  auto* cert = app.add_subcommand("cert", "Issue and inspect RA-TLS certificates");
  cert->require_subcommand(1);

  struct IssueArgs {
    NodeFlags node;
    std::string role, out;
    int64_t validity = 24 * 3600;
  };
  auto ia = std::make_shared<IssueArgs>();
  auto* issue = cert->add_subcommand(
      "issue", "Issue a certificate with fresh evidence, as the daemon with this config would");
  AddNodeFlags(issue, ia->node);
  issue->add_option("--role", ia->role, "worker, proxy or client")
      ->required()
      ->check(CLI::IsMember({"worker", "proxy", "client"}));
  issue->add_option("--out,-o", ia->out, "PEM file to write")->required();
  issue->add_option("--validity", ia->validity, "Seconds, at most 86400")->capture_default_str();
  issue->callback([ia] {
    auto loaded = LoadNode(ia->node, *attest::ParseRole(ia->role));
    auto id = node::MakeIdentity(loaded.settings);
    if (!id.ok()) Fail(id.status());
    SystemClock clock;
    auto c = ratls::IssueCertificate(id->key, id->provider.get(), clock,
                                     {loaded.settings.role, ia->validity, {}});
    if (!c.ok()) Fail(c.status());
    if (Status s = WriteFileAtomic(ia->out, c->pem); !s.ok()) Fail(s);
    std::cout << "wrote " << ia->out << " (" << ia->role << ", image " << HexEncode(id->image_hash)
              << ")\n";
  });

  struct InspectArgs {
    std::string file;
    bool json = false;
    NodeFlags verify_with;
    std::string expect_role;
  };
  auto xa = std::make_shared<InspectArgs>();
  auto* inspect = cert->add_subcommand(
      "inspect", "Print a certificate's role, key, measurements and expiry; optionally verify it");
  inspect->add_option("FILE", xa->file, "PEM certificate")->required();
  inspect->add_flag("--json", xa->json, "Machine-readable output");
  inspect->add_option("--verify-with", xa->verify_with.config,
                      "Verify as the node with this TOML config would (trust and policy)");
  inspect->add_option("--expect-role", xa->expect_role, "Role to verify the certificate for")
      ->check(CLI::IsMember({"worker", "proxy", "client"}));
  inspect->callback([xa] {
    auto pem = ReadFile(xa->file, 1 << 20);
    if (!pem.ok()) Fail(pem.status());
    auto x = ratls::CertificateFromPem(*pem);
    if (!x.ok()) Fail(x.status().WithContext(xa->file));
    auto contents = ratls::ParseCertificate(x->get());
    if (!contents.ok()) Fail(contents.status().WithContext(xa->file));
    SystemClock clock;
    nlohmann::ordered_json j = Describe(*contents, clock.NowUnix());
    int code = 0;
    if (!xa->verify_with.config.empty()) {
      auto role = attest::ParseRole(xa->expect_role.empty()
                                        ? std::string(attest::RoleName(contents->claims.role))
                                        : xa->expect_role);
      auto loaded = LoadNode(xa->verify_with, attest::Role::kClient);
      auto trust = node::MakeTrust(loaded.settings, std::make_shared<SystemClock>());
      if (!trust.ok()) Fail(trust.status());
      auto verdict = ratls::VerifyPeerCertificate(
          x->get(), {trust->verifier, trust->policy, std::make_shared<SystemClock>(), {*role}});
      j["verified"] = verdict.ok();
      if (!verdict.ok()) {
        j["refusal"] = verdict.status().message();
        code = 2;
      }
    }
    if (xa->json) {
      std::cout << j.dump(2) << "\n";
    } else {
      for (auto& [k, v] : j.items()) {
        std::string key = k + ":";
        std::cout << key << std::string(key.size() < 32 ? 32 - key.size() : 1, ' ')
                  << (v.is_string() ? v.get<std::string>() : v.dump()) << "\n";
      }
    }
    if (code != 0)
      throw CommandFailed("certificate refused: " + j["refusal"].get<std::string>(), code);
  });
}

}  // namespace cocoon::cli
