#include "ratls/tls.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace cocoon::ratls {
namespace {

// The SSL ex_data slot that points at the connection's HandshakeOutcome.
// Registered once per process; the index itself is immutable afterwards.
int OutcomeIndex() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

}  // namespace

TlsContext::TlsContext(TlsSide side, PeerRequirements requirements)
    : side_(side),
      requirements_(std::move(requirements)),
      context_(side == TlsSide::kServer ? boost::asio::ssl::context::tls_server
                                        : boost::asio::ssl::context::tls_client) {}

Result<std::shared_ptr<TlsContext>> TlsContext::Create(TlsSide side, const Certificate& certificate,
                                                       const crypto::Ed25519PrivateKey& key,
                                                       PeerRequirements requirements) {
  if (!requirements.verifier || !requirements.policy || !requirements.clock) {
    return InvalidArgument("TLS context needs a verifier, a policy and a clock");
  }
  std::shared_ptr<TlsContext> ctx(new TlsContext(side, std::move(requirements)));
  SSL_CTX* native = ctx->context_.native_handle();
  bool ok =
      SSL_CTX_set_min_proto_version(native, TLS1_3_VERSION) == 1 &&
      SSL_CTX_set_max_proto_version(native, TLS1_3_VERSION) == 1 &&
      SSL_CTX_set_ciphersuites(native, "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256") == 1 &&
      SSL_CTX_set1_sigalgs_list(native, "ed25519") == 1 &&
      SSL_CTX_use_certificate(native, certificate.x509.get()) == 1 &&
      SSL_CTX_use_PrivateKey(native, key.evp()) == 1 && SSL_CTX_check_private_key(native) == 1;
  if (!ok) return Internal("cannot configure the TLS context (certificate and key must match)");
  SSL_CTX_set_options(native, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_num_tickets(native, 0);
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_verify(native, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  SSL_CTX_set_cert_verify_callback(native, &TlsContext::VerifyCallback, ctx.get());
  return ctx;
}

std::shared_ptr<HandshakeOutcome> TlsContext::Prepare(SSL* ssl) const {
  auto outcome = std::make_shared<HandshakeOutcome>();
  SSL_set_ex_data(ssl, OutcomeIndex(), outcome.get());
  return outcome;
}

int TlsContext::VerifyCallback(X509_STORE_CTX* store, void* arg) {
  auto* self = static_cast<TlsContext*>(arg);
  auto* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* outcome =
      ssl ? static_cast<HandshakeOutcome*>(SSL_get_ex_data(ssl, OutcomeIndex())) : nullptr;
  if (outcome == nullptr) {
    X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
    return 0;  // a connection that skipped Prepare() is never trusted
  }
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_untrusted(store);
  int depth = chain ? sk_X509_num(chain) : 0;
  if (depth != 1) {
    outcome->refusal =
        Unauthenticated("ratls.chain_not_allowed: peer sent " + std::to_string(depth) +
                        " certificates; RA-TLS takes one self-signed certificate");
    X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
    return 0;
  }
  auto peer = VerifyPeerCertificate(X509_STORE_CTX_get0_cert(store), self->requirements_);
  if (!peer.ok()) {
    outcome->refusal = peer.status();
    X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
    return 0;
  }
  outcome->peer = std::move(*peer);
  return 1;
}

}  // namespace cocoon::ratls
