// Wallet: the standard TON wallet contracts v4r2 and v5r1 as seen from the
// key holder: the address that follows from a public key, and signed
// external messages that make the wallet send internal messages.
//
// Contract facts encoded here, matching @ton/ton's WalletContractV4 and
// WalletContractV5R1:
//   v4r2: data = seqno:32 wallet_id:32 public_key:256 plugins:(HashmapE 0);
//         wallet_id = 698983191 + workchain; body = signature:512 then
//         wallet_id:32 valid_until:32 seqno:32 op:8=0 (mode:8 ^message)*;
//         at most 4 messages.
//   v5r1: data = signature_allowed:1 seqno:32 wallet_id:32 public_key:256
//         extensions:(HashmapE 0); wallet_id = network global id (-239 mainnet,
//         -3 testnet) XOR the client context (1, workchain:8, version:8=0,
//         subwallet:15); body = 0x7369676e wallet_id:32 valid_until:32
//         seqno:32 (Maybe ^OutList) 0:1, then signature:512; at most 255
//         messages; external requests always add send mode +2 (ignore errors).
// With seqno 0 both put all ones in valid_until, as @ton/ton does. The
// signature is Ed25519 over the representation hash of the signed part.
//
// Time is the caller's: valid_until is passed in (compute it from an
// injected Clock).
//
// Thread-safety: a Wallet is immutable after Create; const methods are safe
// from several threads.
#pragma once

#include <vector>

#include "crypto/ed25519.h"
#include "ton/address.h"
#include "ton/message.h"
#include "ton/state_init.h"

namespace cocoon::ton {

enum class WalletVersion { kV4R2, kV5R1 };
std::string_view WalletVersionName(WalletVersion version);
Result<WalletVersion> ParseWalletVersion(std::string_view name);  // "v4r2" or "v5r1"

// Send mode bits of an outgoing message.
inline constexpr uint8_t kSendModePayFeesSeparately = 1;
inline constexpr uint8_t kSendModeIgnoreErrors = 2;
inline constexpr uint8_t kSendModeCarryAllBalance = 128;

struct WalletTransfer {
  uint32_t seqno = 0;        // the wallet's current seqno (get method "seqno")
  uint32_t valid_until = 0;  // unix time; ignored when seqno is 0
  uint8_t send_mode = kSendModePayFeesSeparately | kSendModeIgnoreErrors;
  std::vector<InternalMessage> messages;
};

class Wallet {
 public:
  struct Options {
    int8_t workchain = 0;
    bool testnet = false;  // v5r1 only: the wallet id (and so the address) depends on it
  };

  static Result<Wallet> Create(WalletVersion version, const crypto::Ed25519PublicKey& public_key,
                               const Options& options);
  static Result<Wallet> Create(WalletVersion version, const crypto::Ed25519PublicKey& public_key) {
    return Create(version, public_key, Options{});
  }

  WalletVersion version() const { return version_; }
  const Address& address() const { return address_; }
  const StateInit& state_init() const { return state_init_; }
  uint32_t wallet_id() const { return wallet_id_; }

  // The signed body of a transfer. REQUIRES: key matches the public key
  // (an error otherwise).
  Result<CellRef> SignedBody(const WalletTransfer& transfer,
                             const crypto::Ed25519PrivateKey& key) const;
  // The external message to send to the network. With `deploy`, the
  // message carries the StateInit, as needed while the wallet is not yet
  // active (the first send).
  Result<CellRef> ExternalTransfer(const WalletTransfer& transfer,
                                   const crypto::Ed25519PrivateKey& key, bool deploy) const;

 private:
  Wallet() = default;
  Result<CellRef> SigningPayloadV4(const WalletTransfer& transfer) const;
  Result<CellRef> SigningPayloadV5(const WalletTransfer& transfer) const;

  WalletVersion version_ = WalletVersion::kV4R2;
  crypto::Ed25519PublicKey public_key_;
  uint32_t wallet_id_ = 0;
  StateInit state_init_;
  Address address_;
};

}  // namespace cocoon::ton
