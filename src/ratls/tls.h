// TLS 1.3 contexts for RA-TLS: mutual certificates, verified by
// VerifyPeerCertificate inside the handshake, in both directions.
//
// Settings: TLS 1.3 only; AES-GCM suites only; Ed25519 signatures only; no
// session tickets, no resumption (every connection re-verifies its peer).
//
// Thread-safety: a TlsContext is immutable after Create and may be shared by
// connections on any thread.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "ratls/verify.h"

typedef struct ssl_st SSL;

namespace cocoon::ratls {

enum class TlsSide { kClient, kServer };

// Per-connection outcome of the certificate check.
struct HandshakeOutcome {
  std::optional<PeerIdentity> peer;
  Status refusal;  // why the peer was refused, when it was
};

class TlsContext {
 public:
  static Result<std::shared_ptr<TlsContext>> Create(TlsSide side, const Certificate& certificate,
                                                    const crypto::Ed25519PrivateKey& key,
                                                    PeerRequirements requirements);
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  boost::asio::ssl::context& native() { return context_; }
  TlsSide side() const { return side_; }

  // REQUIRES: called on each new connection's SSL before its handshake; the
  // returned outcome is filled during the handshake and must outlive it.
  std::shared_ptr<HandshakeOutcome> Prepare(SSL* ssl) const;

 private:
  TlsContext(TlsSide side, PeerRequirements requirements);
  static int VerifyCallback(struct x509_store_ctx_st* store, void* arg);

  TlsSide side_;
  PeerRequirements requirements_;
  boost::asio::ssl::context context_;
};

}  // namespace cocoon::ratls
