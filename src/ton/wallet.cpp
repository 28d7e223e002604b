#include "ton/wallet.h"

#include "ton/cell_builder.h"
#include "ton/wallet_code.h"

namespace cocoon::ton {
namespace {

constexpr uint32_t kV4SubwalletBase = 698983191;
constexpr int32_t kMainnetGlobalId = -239;
constexpr int32_t kTestnetGlobalId = -3;
constexpr uint32_t kV5SignedExternalOp = 0x7369676e;
constexpr uint32_t kSendMsgActionTag = 0x0ec3c86d;
constexpr uint32_t kNoExpiry = 0xffffffff;

uint32_t V5WalletId(int8_t workchain, bool testnet) {
  const uint32_t context = (1u << 31) |
                           (static_cast<uint32_t>(static_cast<uint8_t>(workchain)) << 23) |
                           (0u << 15) /* version v5r1 */ | 0u /* subwallet */;
  return context ^ static_cast<uint32_t>(testnet ? kTestnetGlobalId : kMainnetGlobalId);
}

Result<CellRef> WrapMessage(const InternalMessage& m) { return BuildInternalMessage(m); }

}  // namespace

std::string_view WalletVersionName(WalletVersion version) {
  return version == WalletVersion::kV4R2 ? "v4r2" : "v5r1";
}

Result<WalletVersion> ParseWalletVersion(std::string_view name) {
  if (name == "v4r2" || name == "v4") return WalletVersion::kV4R2;
  if (name == "v5r1" || name == "v5") return WalletVersion::kV5R1;
  return InvalidArgument("unknown wallet version '" + std::string(name) +
                         "' (expected v4r2 or v5r1)");
}

Result<Wallet> Wallet::Create(WalletVersion version, const crypto::Ed25519PublicKey& public_key,
                              const Options& options) {
  Wallet w;
  w.version_ = version;
  w.public_key_ = public_key;
  CellBuilder data;
  if (version == WalletVersion::kV4R2) {
    w.wallet_id_ =
        kV4SubwalletBase + static_cast<uint32_t>(static_cast<int32_t>(options.workchain));
    data.StoreUint(0, 32)
        .StoreUint(w.wallet_id_, 32)
        .StoreBytes(public_key.bytes())
        .StoreBit(false);
    w.state_init_.code = WalletV4R2Code();
  } else {
    w.wallet_id_ = V5WalletId(options.workchain, options.testnet);
    data.StoreBit(true)
        .StoreUint(0, 32)
        .StoreUint(w.wallet_id_, 32)
        .StoreBytes(public_key.bytes())
        .StoreBit(false);
    w.state_init_.code = WalletV5R1Code();
  }
  if (!w.state_init_.code) return Internal("wallet code constant does not parse");
  COCOON_ASSIGN_OR_RETURN(w.state_init_.data, data.Finalize());
  COCOON_ASSIGN_OR_RETURN(w.address_, ContractAddress(options.workchain, w.state_init_));
  return w;
}

Result<CellRef> Wallet::SigningPayloadV4(const WalletTransfer& t) const {
  if (t.messages.size() > 4) return InvalidArgument("wallet v4r2 sends at most 4 messages at once");
  CellBuilder b;
  b.StoreUint(wallet_id_, 32)
      .StoreUint(t.seqno == 0 ? kNoExpiry : t.valid_until, 32)
      .StoreUint(t.seqno, 32)
      .StoreUint(0, 8);  // simple send
  for (const InternalMessage& m : t.messages) {
    COCOON_ASSIGN_OR_RETURN(CellRef msg, WrapMessage(m));
    b.StoreUint(t.send_mode, 8).StoreRef(msg);
  }
  return b.Finalize();
}

Result<CellRef> Wallet::SigningPayloadV5(const WalletTransfer& t) const {
  if (t.messages.size() > 255)
    return InvalidArgument("wallet v5r1 sends at most 255 messages at once");
  // OutList: a chain whose top cell holds the first action.
  CellRef list;
  if (!t.messages.empty()) {
    list = Cell::Empty();
    for (size_t i = t.messages.size(); i > 0; --i) {
      COCOON_ASSIGN_OR_RETURN(CellRef msg, WrapMessage(t.messages[i - 1]));
      CellBuilder action;
      action.StoreRef(list)
          .StoreUint(kSendMsgActionTag, 32)
          .StoreUint(t.send_mode | kSendModeIgnoreErrors, 8);
      action.StoreRef(msg);
      COCOON_ASSIGN_OR_RETURN(list, action.Finalize());
    }
  }
  CellBuilder b;
  b.StoreUint(kV5SignedExternalOp, 32)
      .StoreUint(wallet_id_, 32)
      .StoreUint(t.seqno == 0 ? kNoExpiry : t.valid_until, 32)
      .StoreUint(t.seqno, 32)
      .StoreMaybeRef(list)
      .StoreBit(false);  // no extended actions
  return b.Finalize();
}

Result<CellRef> Wallet::SignedBody(const WalletTransfer& transfer,
                                   const crypto::Ed25519PrivateKey& key) const {
  if (key.public_key() != public_key_)
    return InvalidArgument("the private key does not belong to this wallet");
  const bool v4 = version_ == WalletVersion::kV4R2;
  COCOON_ASSIGN_OR_RETURN(CellRef payload,
                          v4 ? SigningPayloadV4(transfer) : SigningPayloadV5(transfer));
  const crypto::Ed25519Signature signature = key.Sign(payload->hash());
  CellBuilder body;
  if (v4) {
    body.StoreBytes(signature).StoreCellContent(*payload);
  } else {
    body.StoreCellContent(*payload).StoreBytes(signature);
  }
  return body.Finalize();
}

Result<CellRef> Wallet::ExternalTransfer(const WalletTransfer& transfer,
                                         const crypto::Ed25519PrivateKey& key, bool deploy) const {
  COCOON_ASSIGN_OR_RETURN(CellRef body, SignedBody(transfer, key));
  ExternalMessage ext;
  ext.destination = address_;
  if (deploy) ext.init = state_init_;
  ext.body = body;
  return BuildExternalMessage(ext);
}

}  // namespace cocoon::ton
