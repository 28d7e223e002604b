// RA-TLS inside real TLS 1.3 handshakes over loopback: a good pair connects,
// and each bad peer is refused with its own reason, in both directions.
#include <gtest/gtest.h>

#include <openssl/ssl.h>
#include <boost/asio/as_tuple.hpp>

#include "attest/evidence.pb.h"
#include "ratls/handshake.h"
#include "support/loopback.h"
#include "support/sim_identity.h"

namespace cocoon::ratls {
namespace {

namespace asio = boost::asio;
using attest::Role;
using testing::SimPlatform;

struct Outcome {
  Result<PeerIdentity> server = Internal("not run");
  Result<PeerIdentity> client = Internal("not run");
};

// Runs both handshakes over a loopback pair. The server accepts workers.
Outcome Connect(asio::io_context& io, TlsContext& server, TlsContext& client) {
  auto [a, b] = testing::SocketPair(io);
  TlsStream cs(std::move(a), client.native());
  TlsStream ss(std::move(b), server.native());
  Outcome out;
  int done = 0;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        out.client = co_await Handshake(cs, client);
        if (!out.client.ok()) cs.next_layer().close();
        ++done;
      },
      asio::detached);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        out.server = co_await Handshake(ss, server);
        if (!out.server.ok()) ss.next_layer().close();
        ++done;
      },
      asio::detached);
  testing::RunUntil(io, [&] { return done == 2; });
  return out;
}

std::shared_ptr<TlsContext> ContextWith(const SimPlatform& p, TlsSide side,
                                        const crypto::Ed25519PrivateKey& key,
                                        const Certificate& cert, std::set<Role> peers) {
  auto ctx = TlsContext::Create(side, cert, key, p.Requirements(std::move(peers)));
  EXPECT_TRUE(ctx.ok()) << ctx.status().ToString();
  return *ctx;
}

class RatlsHandshakeTest : public ::testing::Test {
 protected:
  // A worker client with `cert` against an honest proxy server; returns what
  // the server concluded.
  Result<PeerIdentity> ServerVerdictOn(const crypto::Ed25519PrivateKey& key,
                                       const Certificate& cert) {
    auto server = platform_.Context(TlsSide::kServer, Role::kProxy, {Role::kWorker});
    auto client = ContextWith(platform_, TlsSide::kClient, key, cert, {Role::kProxy});
    return Connect(io_, *server, *client).server;
  }

  CertificateParts HonestParts(const crypto::Ed25519PrivateKey& key, Role role = Role::kWorker) {
    Claims claims{key.public_key(), role, platform_.clock->NowUnix() + 3600, {}};
    CertificateParts parts;
    parts.role = role;
    parts.claims = claims.Serialize();
    attest::SimProvider provider(platform_.platform_key, platform_.ImageOf(role));
    parts.evidence = provider.Produce(ReportDataFor(parts.claims))->Serialize();
    parts.not_before = platform_.clock->NowUnix() - 60;
    parts.not_after = claims.not_after;
    return parts;
  }

  static void ExpectRefused(const Result<PeerIdentity>& r, std::string_view tag) {
    ASSERT_FALSE(r.ok()) << "expected refusal " << tag;
    EXPECT_TRUE(r.status().message().starts_with(tag)) << r.status().ToString();
  }

  asio::io_context io_;
  SimPlatform platform_;
  crypto::Ed25519PrivateKey key_ = crypto::Ed25519PrivateKey::Generate();
};

TEST_F(RatlsHandshakeTest, GoodPairConnectsAndLearnsEachOthersMeasurements) {
  auto server = platform_.Context(TlsSide::kServer, Role::kProxy, {Role::kWorker});
  auto client = platform_.Context(TlsSide::kClient, Role::kWorker, {Role::kProxy});
  auto out = Connect(io_, *server, *client);
  ASSERT_TRUE(out.server.ok()) << out.server.status().ToString();
  ASSERT_TRUE(out.client.ok()) << out.client.status().ToString();
  EXPECT_EQ(out.server->role, Role::kWorker);
  EXPECT_EQ(out.server->measurements->image_hash, platform_.worker_image);
  EXPECT_EQ(out.client->role, Role::kProxy);
  EXPECT_EQ(out.client->measurements->image_hash, platform_.proxy_image);
  EXPECT_EQ(out.client->measurements->tcb_status, "Simulated");
}

TEST_F(RatlsHandshakeTest, ClientWithoutEvidenceIsAcceptedWhereAttestationIsNotRequired) {
  auto server = platform_.Context(TlsSide::kServer, Role::kProxy, {Role::kClient});
  auto client = platform_.Context(TlsSide::kClient, Role::kClient, {Role::kProxy});
  auto out = Connect(io_, *server, *client);
  ASSERT_TRUE(out.server.ok()) << out.server.status().ToString();
  EXPECT_FALSE(out.server->measurements.has_value());
}

TEST_F(RatlsHandshakeTest, RefusesKeyNotBoundToClaims) {
  auto other = crypto::Ed25519PrivateKey::Generate();
  auto parts = HonestParts(other);  // claims and evidence name `other`
  ExpectRefused(ServerVerdictOn(key_, *BuildCertificate(key_, parts)), "ratls.key_not_bound");
}

TEST_F(RatlsHandshakeTest, RefusesTamperedEvidence) {
  auto parts = HonestParts(key_);
  attest::pb::Evidence ev;
  ev.ParseFromArray(parts.evidence->data(), static_cast<int>(parts.evidence->size()));
  attest::pb::SimQuote quote;
  quote.ParseFromString(ev.quote());
  std::string sig = quote.signature();
  sig[5] ^= 0x40;
  quote.set_signature(sig);
  ev.set_quote(quote.SerializeAsString());
  parts.evidence = ToBytes(ev.SerializeAsString());
  auto r = ServerVerdictOn(key_, *BuildCertificate(key_, parts));
  ExpectRefused(r, "ratls.evidence_invalid");
  EXPECT_NE(r.status().message().find("signature does not verify"), std::string::npos);
}

TEST_F(RatlsHandshakeTest, RefusesEvidenceBoundToOtherClaims) {
  auto parts = HonestParts(key_);
  Claims claims = *Claims::Parse(parts.claims);
  claims.extra["note"] = "changed after the quote was made";
  parts.claims = claims.Serialize();
  ExpectRefused(ServerVerdictOn(key_, *BuildCertificate(key_, parts)), "ratls.evidence_not_bound");
}

TEST_F(RatlsHandshakeTest, RefusesExpiredCertificate) {
  auto cert = platform_.Issue(key_, Role::kWorker);  // valid one hour
  platform_.clock->Advance(2 * 3600);
  ExpectRefused(ServerVerdictOn(key_, cert), "ratls.expired");
}

TEST_F(RatlsHandshakeTest, RefusesCertificateValidForMoreThanADay) {
  auto parts = HonestParts(key_);
  parts.not_before -= 2 * 86400;
  ExpectRefused(ServerVerdictOn(key_, *BuildCertificate(key_, parts)), "ratls.validity_too_long");
}

TEST_F(RatlsHandshakeTest, RefusesUnknownCriticalExtension) {
  auto parts = HonestParts(key_);
  parts.extra_critical_extensions.push_back({"1.2.3.4.5", ToBytes("surprise")});
  ExpectRefused(ServerVerdictOn(key_, *BuildCertificate(key_, parts)),
                "ratls.unknown_critical_extension");
}

TEST_F(RatlsHandshakeTest, RefusesImageHashNotAllowedForRole) {
  attest::SimProvider rogue(platform_.platform_key, crypto::Sha256(AsBytes("modified worker")));
  auto cert = IssueCertificate(key_, &rogue, *platform_.clock, {Role::kWorker, 3600, {}});
  ExpectRefused(ServerVerdictOn(key_, *cert), "ratls.image_not_allowed");
}

TEST_F(RatlsHandshakeTest, RefusesProxyImageUsedAsWorker) {
  // An allowed image, but for another role.
  attest::SimProvider provider(platform_.platform_key, platform_.proxy_image);
  auto cert = IssueCertificate(key_, &provider, *platform_.clock, {Role::kWorker, 3600, {}});
  ExpectRefused(ServerVerdictOn(key_, *cert), "ratls.image_not_allowed");
}

TEST_F(RatlsHandshakeTest, RefusesUntrustedPlatformKey) {
  attest::SimProvider provider(crypto::Ed25519PrivateKey::Generate(), platform_.worker_image);
  auto cert = IssueCertificate(key_, &provider, *platform_.clock, {Role::kWorker, 3600, {}});
  auto r = ServerVerdictOn(key_, *cert);
  ExpectRefused(r, "ratls.evidence_invalid");
  EXPECT_NE(r.status().message().find("is not trusted"), std::string::npos);
}

TEST_F(RatlsHandshakeTest, RefusesSimEvidenceUnderTdxOnlyPolicy) {
  auto policy = platform_.MakePolicy();
  policy->require_tdx = true;
  auto server_key = crypto::Ed25519PrivateKey::Generate();
  auto server =
      *TlsContext::Create(TlsSide::kServer, platform_.Issue(server_key, Role::kProxy), server_key,
                          {platform_.MakeVerifier(), policy, platform_.clock, {Role::kWorker}});
  auto client = platform_.Context(TlsSide::kClient, Role::kWorker, {Role::kProxy});
  auto out = Connect(io_, *server, *client);
  ExpectRefused(out.server, "ratls.tdx_required");
}

TEST_F(RatlsHandshakeTest, RefusesWrongRoleOnEndpoint) {
  auto server = platform_.Context(TlsSide::kServer, Role::kProxy, {Role::kWorker});
  auto client = platform_.Context(TlsSide::kClient, Role::kClient, {Role::kProxy});
  ExpectRefused(Connect(io_, *server, *client).server, "ratls.wrong_role");
}

TEST_F(RatlsHandshakeTest, RefusesPlainCertificate) {
  auto parts = HonestParts(key_);
  // A self-signed Ed25519 certificate with no Cocoon extensions at all.
  X509Ptr x(X509_new());
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), 3600);
  X509_set_pubkey(x.get(), key_.evp());
  X509_sign(x.get(), key_.evp(), nullptr);
  Certificate plain{std::move(x), ""};
  ExpectRefused(ServerVerdictOn(key_, plain), "ratls.no_claims");
}

TEST_F(RatlsHandshakeTest, ClientRefusesBadServerToo) {
  attest::SimProvider rogue(platform_.platform_key, crypto::Sha256(AsBytes("rogue proxy")));
  auto server_key = crypto::Ed25519PrivateKey::Generate();
  auto cert = IssueCertificate(server_key, &rogue, *platform_.clock, {Role::kProxy, 3600, {}});
  auto server = ContextWith(platform_, TlsSide::kServer, server_key, *cert, {Role::kWorker});
  auto client = platform_.Context(TlsSide::kClient, Role::kWorker, {Role::kProxy});
  auto out = Connect(io_, *server, *client);
  ExpectRefused(out.client, "ratls.image_not_allowed");
  EXPECT_FALSE(out.server.ok());  // the server sees the client's alert
}

TEST_F(RatlsHandshakeTest, RefusesTls12OnlyPeer) {
  auto server = platform_.Context(TlsSide::kServer, Role::kProxy, {Role::kWorker});
  asio::ssl::context old(asio::ssl::context::tls_client);
  SSL_CTX_set_max_proto_version(old.native_handle(), TLS1_2_VERSION);
  old.set_verify_mode(asio::ssl::verify_none);
  auto [a, b] = testing::SocketPair(io_);
  TlsStream cs(std::move(a), old);
  TlsStream ss(std::move(b), server->native());
  Result<PeerIdentity> verdict = Internal("not run");
  int done = 0;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        co_await cs.async_handshake(asio::ssl::stream_base::client,
                                    asio::as_tuple(asio::use_awaitable));
        cs.next_layer().close();
        ++done;
      },
      asio::detached);
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        verdict = co_await Handshake(ss, *server);
        ++done;
      },
      asio::detached);
  testing::RunUntil(io_, [&] { return done == 2; });
  ExpectRefused(verdict, "tls.handshake_failed");
  EXPECT_NE(verdict.status().message().find("protocol"), std::string::npos)
      << verdict.status().message();
}

}  // namespace
}  // namespace cocoon::ratls

namespace cocoon::ratls {
namespace {

// A TDX verifier stand-in (test fixture): accepts any quote and reports the
// measurements it was given, bound to the certificate's claims.
class FixedTdxVerifier final : public attest::EvidenceVerifier {
 public:
  explicit FixedTdxVerifier(attest::Measurements m) : m_(std::move(m)) {}
  Result<attest::Measurements> Verify(const attest::Evidence&) const override { return m_; }

 private:
  attest::Measurements m_;
};

TEST(RatlsPolicyTagTest, DebugTdIsRefusedAsPlatformNotImage) {
  testing::SimPlatform platform;
  auto key = crypto::Ed25519PrivateKey::Generate();
  Claims claims{key.public_key(), attest::Role::kWorker, platform.clock->NowUnix() + 3600, {}};
  CertificateParts parts;
  parts.claims = claims.Serialize();
  parts.evidence = attest::Evidence{attest::EvidenceKind::kTdx, ToBytes("quote")}.Serialize();
  parts.not_before = platform.clock->NowUnix() - 60;
  parts.not_after = claims.not_after;
  auto cert = *BuildCertificate(key, parts);

  attest::Measurements m;
  m.kind = attest::EvidenceKind::kTdx;
  m.image_hash = platform.worker_image;  // allowed
  m.report_data = ReportDataFor(parts.claims);
  m.tcb_status = "UpToDate";
  m.details["debug"] = "true";
  auto requirements = platform.Requirements({attest::Role::kWorker});
  requirements.verifier = std::make_shared<FixedTdxVerifier>(m);
  auto debug = VerifyPeerCertificate(cert.x509.get(), requirements);
  ASSERT_FALSE(debug.ok());
  EXPECT_TRUE(debug.status().message().starts_with("ratls.platform_not_accepted"))
      << debug.status().message();

  m.details["debug"] = "false";
  requirements.verifier = std::make_shared<FixedTdxVerifier>(m);
  EXPECT_TRUE(VerifyPeerCertificate(cert.x509.get(), requirements).ok());
}

}  // namespace
}  // namespace cocoon::ratls
