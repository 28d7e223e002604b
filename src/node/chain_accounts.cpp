#include "node/chain_accounts.h"

#include <algorithm>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "pay/anchor.h"
#include "ton/boc.h"
#include "ton/cell_slice.h"
#include "ton/contracts/messages.h"

namespace cocoon::node {
namespace {

namespace tc = ton::contracts;
using ton::Uint128;

std::string Shown(const ton::Address& a, const ton::WalletSender& sender) {
  return a.ToFriendly(/*bounceable=*/true, sender.options().testnet);
}

std::string Ton(Uint128 nano) { return ton::FormatTon(nano) + " TON"; }

// query_id of the messages sent: the local time, so that `excesses` can be
// told apart in the wallet's history.
uint64_t QueryId(const ton::WalletSender& sender) {
  return static_cast<uint64_t>(std::max<int64_t>(0, sender.clock().NowUnix()));
}

bool NotYet(const Status& s) {
  return s.code() == ErrorCode::kNotFound || s.code() == ErrorCode::kUnavailable ||
         s.code() == ErrorCode::kResourceExhausted || s.code() == ErrorCode::kDeadlineExceeded;
}

// Polls `probe` until it says done, up to the sender's confirm timeout. A
// contract not (yet) deployed and transient API errors count as "not yet";
// other errors end the wait.
Status WaitFor(const ton::WalletSender& sender, const std::function<Result<bool>()>& probe,
               const std::string& what) {
  const auto timeout = sender.options().confirm_timeout;
  const int64_t deadline = sender.clock().NowUnix() + timeout.count();
  Status last;
  while (true) {
    Result<bool> done = probe();
    if (done.ok() && *done) return Status::Ok();
    if (!done.ok() && !NotYet(done.status())) return done.status();
    if (!done.ok()) last = done.status();
    if (sender.clock().NowUnix() >= deadline) break;
    sender.sleeper().SleepFor(sender.options().poll_interval);
  }
  return DeadlineExceeded("the wallet's transfer was applied but " + what +
                          " did not show on chain within " + std::to_string(timeout.count()) +
                          " s" + (last.ok() ? "" : " (last error: " + last.message() + ")"));
}

// Result<T> with context on error.
template <typename T>
Result<T> With(Result<T> r, const std::string& context) {
  if (!r.ok()) return r.status().WithContext(context);
  return r;
}

tc::ContractInit AddressOnly(const ton::Address& a) { return tc::ContractInit{a, {}}; }

std::string StateName(tc::ContractState s) {
  switch (s) {
    case tc::ContractState::kActive:
      return "active";
    case tc::ContractState::kClosing:
      return "closing";
    case tc::ContractState::kClosed:
      return "closed";
  }
  return "unknown";
}

}  // namespace

// ---------------------------------------------------------------------------
// Root.

Result<ChainContext> LoadChainContext(const ton::TonApiClient& api, const ton::Address& root) {
  ChainContext ctx;
  ctx.root = root;
  const std::string where = "the root contract " + root.ToFriendly();
  COCOON_ASSIGN_OR_RETURN(ctx.codes,
                          With(tc::FetchCodes(api, root), "reading the codes of " + where));
  COCOON_ASSIGN_OR_RETURN(ctx.params,
                          With(tc::GetParams(api, root), "reading the params of " + where));
  return ctx;
}

// ---------------------------------------------------------------------------
// Proxy.

Result<ton::contracts::ProxyConfig> ReadProxyConfig(const ton::TonApiClient& api,
                                                    const ton::Address& proxy) {
  const std::string where = "the proxy contract " + proxy.ToFriendly();
  COCOON_ASSIGN_OR_RETURN(ton::AccountInfo info,
                          With(api.GetAddressInformation(proxy), "reading " + where));
  if (info.status != ton::AccountStatus::kActive) {
    return NotFound(where + " is not deployed (" +
                    std::string(ton::AccountStatusName(info.status)) + ")");
  }
  if (!info.code || !info.data) return ProtocolError(where + " has no code or data");
  auto bad = [&](const Status& s) {
    return ProtocolError("the storage of " + where + " is not a proxy's: " + s.message());
  };
  ton::CellSlice storage(info.data);
  Result<ton::CellRef> cfg_cell = storage.LoadRef();
  if (!cfg_cell.ok()) return bad(cfg_cell.status());
  ton::CellSlice s(*cfg_cell);
  Result<std::optional<ton::Address>> owner = s.LoadAddress();
  Result<Bytes> key = s.LoadBytes(32);
  Result<std::optional<ton::Address>> root = s.LoadAddress();
  Result<ton::CellRef> params_cell = s.LoadRef();
  Result<ton::CellRef> codes_cell = s.LoadRef();
  for (const Status& st :
       {owner.status(), key.status(), root.status(), params_cell.status(), codes_cell.status()}) {
    if (!st.ok()) return bad(st);
  }
  if (!*owner || !*root) return bad(ProtocolError("owner or root is addr_none"));
  Result<tc::Params> params = tc::ParseParamsCell(*params_cell);
  if (!params.ok()) return bad(params.status());
  ton::CellSlice codes(*codes_cell);
  Result<ton::CellRef> client_code = codes.LoadRef();
  Result<ton::CellRef> worker_code = codes.LoadRef();
  if (!client_code.ok() || !worker_code.ok()) {
    return bad(client_code.ok() ? worker_code.status() : client_code.status());
  }
  std::array<uint8_t, 32> key_bytes{};
  std::copy(key->begin(), key->end(), key_bytes.begin());

  tc::ProxyConfig cfg{**owner, crypto::Ed25519PublicKey(key_bytes), **root, *params,
                      tc::ContractCodes{info.code, *client_code, *worker_code}};
  COCOON_ASSIGN_OR_RETURN(tc::ContractInit derived, tc::ProxyContract(info.code, cfg));
  if (derived.address != proxy) {
    return ProtocolError("the storage of " + where + " derives another address (" +
                         derived.address.ToFriendly() + "): not a Cocoon proxy of this layout");
  }
  return cfg;
}

Result<ProxyAccount> EnsureProxyContract(ton::WalletSender& sender, const ChainContext& ctx,
                                         const crypto::Ed25519PublicKey& proxy_key, Uint128 stake) {
  if (!ctx.codes.Complete()) return InvalidArgument("the chain context has no contract codes");
  if (stake < ctx.params.min_proxy_stake) {
    return InvalidArgument("a proxy stake of " + Ton(stake) + " is below the root's minimum of " +
                           Ton(ctx.params.min_proxy_stake));
  }
  const ton::TonApiClient& api = sender.api();
  ProxyAccount acc;
  acc.config = tc::ProxyConfig{sender.address(), proxy_key, ctx.root, ctx.params, ctx.codes};
  COCOON_ASSIGN_OR_RETURN(tc::ContractInit init, tc::ProxyContract(ctx.codes.proxy, acc.config));
  acc.address = init.address;
  const std::string where = "the proxy contract " + Shown(acc.address, sender);

  Result<tc::ProxyData> data = tc::GetProxyData(api, acc.address);
  if (!data.ok() && data.status().code() != ErrorCode::kNotFound) {
    return data.status().WithContext("reading " + where);
  }
  bool deploy = !data.ok();
  if (!deploy && data->state != tc::ContractState::kActive) {
    return FailedPrecondition(where + " is " + StateName(data->state) +
                              "; it takes no more stake (close it and use another key)");
  }
  const Uint128 have = deploy ? 0 : data->stake;
  if (have < stake) {
    const Uint128 add = stake - have;
    COCOON_ASSIGN_OR_RETURN(ton::CellRef body, tc::AddStakeBody(add, QueryId(sender)));
    Result<ton::SentTransfer> sent =
        sender.Send({tc::ToContract(init, deploy, add + tc::kMinForwardValue, body)});
    if (!sent.ok()) {
      return sent.status().WithContext((deploy ? "deploying " : "adding stake to ") + where);
    }
    acc.deployed = deploy;
    acc.stake_added = add;
    COCOON_RETURN_IF_ERROR(WaitFor(
        sender,
        [&]() -> Result<bool> {
          COCOON_ASSIGN_OR_RETURN(tc::ProxyData d, tc::GetProxyData(api, acc.address));
          return d.stake >= stake;
        },
        "the stake of " + where));
    data = tc::GetProxyData(api, acc.address);
    if (!data.ok()) return data.status().WithContext("reading " + where);
  }
  acc.data = *data;
  return acc;
}

// ---------------------------------------------------------------------------
// Client.

Result<ClientAccount> EnsureClientContract(ton::WalletSender& sender, const ton::Address& proxy,
                                           const crypto::Sha256Digest& secret_hash, Uint128 stake,
                                           Uint128 min_balance) {
  const ton::TonApiClient& api = sender.api();
  const std::string proxy_where = "the proxy contract " + Shown(proxy, sender);
  COCOON_ASSIGN_OR_RETURN(tc::ProxyConfig pcfg, ReadProxyConfig(api, proxy));
  if (stake < pcfg.params.min_client_stake) {
    return InvalidArgument("a client stake of " + Ton(stake) + " is below the minimum of " +
                           proxy_where + " (" + Ton(pcfg.params.min_client_stake) + ")");
  }
  if (stake == 0) return InvalidArgument("a client contract needs a stake above 0");
  if (stake > UINT64_MAX || min_balance > UINT64_MAX) {
    return InvalidArgument("stake and balance must be below 2^64 nanoTON");
  }
  COCOON_ASSIGN_OR_RETURN(bool ready, With(tc::IsProxyReady(api, proxy), "reading " + proxy_where));
  if (!ready) {
    return FailedPrecondition(proxy_where +
                              " is not ready (not staked to its minimum, or closing); it would "
                              "refuse deposits");
  }
  COCOON_ASSIGN_OR_RETURN(tc::ContractInit init, tc::ClientOfProxy(pcfg, proxy, sender.address()));
  COCOON_ASSIGN_OR_RETURN(ton::Address from_proxy,
                          With(tc::GetClientAddress(api, proxy, sender.address()),
                               "reading the client address from " + proxy_where));
  if (from_proxy != init.address) {
    return ProtocolError(proxy_where + " computes the client address " + from_proxy.ToFriendly() +
                         ", not the derived " + init.address.ToFriendly());
  }
  ClientAccount acc;
  acc.address = init.address;
  const std::string where = "the client contract " + Shown(acc.address, sender);

  auto read = [&]() { return tc::GetClientData(api, acc.address); };
  Result<tc::ClientData> data = read();
  if (!data.ok() && data.status().code() != ErrorCode::kNotFound) {
    return data.status().WithContext("reading " + where);
  }
  const bool deploy = !data.ok();
  if (!deploy && data->state != tc::ContractState::kActive) {
    return FailedPrecondition(where + " is " + StateName(data->state) +
                              "; withdraw what is left and use another wallet");
  }
  if (!deploy && data->pending_deposit > 0) {
    // An earlier deposit is on its way to the proxy: let it settle first.
    COCOON_RETURN_IF_ERROR(WaitFor(
        sender,
        [&]() -> Result<bool> {
          COCOON_ASSIGN_OR_RETURN(tc::ClientData d, read());
          return d.pending_deposit == 0;
        },
        "the acknowledgement of an earlier deposit to " + where));
    data = read();
    if (!data.ok()) return data.status().WithContext("reading " + where);
  }

  // Transfer 1: stake (deploying when absent) and secret hash.
  const Uint128 have_stake = deploy ? 0 : data->stake;
  const tc::Hash256 have_hash = deploy ? tc::Hash256{} : data->secret_hash;
  std::vector<ton::InternalMessage> messages;
  if (have_stake < stake) {
    const Uint128 add = stake - have_stake;
    COCOON_ASSIGN_OR_RETURN(ton::CellRef body, tc::IncreaseStakeBody(add, QueryId(sender)));
    messages.push_back(tc::ToContract(init, deploy, add + tc::kMinForwardValue, body));
    acc.stake_added = add;
  }
  if (have_hash != secret_hash) {
    COCOON_ASSIGN_OR_RETURN(ton::CellRef body, tc::SetSecretHashBody(secret_hash, QueryId(sender)));
    // Never the deploying message: the increase_stake above goes first when absent.
    messages.push_back(tc::ToContract(init, false, tc::kMinForwardValue, body));
    acc.secret_hash_set = true;
  }
  if (!messages.empty()) {
    Result<ton::SentTransfer> sent = sender.Send(messages);
    if (!sent.ok()) {
      return sent.status().WithContext((deploy ? "deploying " : "updating ") + where);
    }
    acc.deployed = deploy;
    COCOON_RETURN_IF_ERROR(WaitFor(
        sender,
        [&]() -> Result<bool> {
          COCOON_ASSIGN_OR_RETURN(tc::ClientData d, read());
          return d.pending_deposit == 0 && d.stake >= stake && d.secret_hash == secret_hash;
        },
        "the stake acknowledged by the proxy and the secret hash of " + where +
            " (if the stake never shows, the proxy refused the deposit and the TON went back to "
            "the wallet)"));
    data = read();
    if (!data.ok()) return data.status().WithContext("reading " + where);
  }

  // Transfer 2: the top-up, only now that the proxy has acknowledged the stake.
  if (data->balance < min_balance) {
    const Uint128 add = min_balance - data->balance;
    COCOON_ASSIGN_OR_RETURN(ton::CellRef body, tc::TopUpBody(add, QueryId(sender)));
    Result<ton::SentTransfer> sent =
        sender.Send({tc::ToContract(init, false, add + tc::kMinForwardValue, body)});
    if (!sent.ok()) return sent.status().WithContext("topping up " + where);
    acc.topped_up = add;
    COCOON_RETURN_IF_ERROR(WaitFor(
        sender,
        [&]() -> Result<bool> {
          COCOON_ASSIGN_OR_RETURN(tc::ClientData d, read());
          return d.pending_deposit == 0 && d.balance >= min_balance;
        },
        "the top-up of " + where + " acknowledged by the proxy"));
    data = read();
    if (!data.ok()) return data.status().WithContext("reading " + where);
  }
  acc.data = *data;
  return acc;
}

// ---------------------------------------------------------------------------
// Worker.

Result<ton::Address> WorkerContractAddress(const ton::TonApiClient& api, const ton::Address& proxy,
                                           const ton::Address& owner) {
  return With(tc::GetWorkerAddress(api, proxy, owner),
              "reading the worker address from the proxy contract " + proxy.ToFriendly());
}

Result<ton::contracts::ContractInit> WorkerContractInit(const ton::TonApiClient& api,
                                                        const ton::Address& proxy,
                                                        const ton::Address& owner) {
  COCOON_ASSIGN_OR_RETURN(tc::ProxyConfig pcfg, ReadProxyConfig(api, proxy));
  COCOON_ASSIGN_OR_RETURN(tc::ContractInit init, tc::WorkerOfProxy(pcfg, proxy, owner));
  COCOON_ASSIGN_OR_RETURN(ton::Address from_proxy, WorkerContractAddress(api, proxy, owner));
  if (from_proxy != init.address) {
    return ProtocolError("the proxy contract " + proxy.ToFriendly() +
                         " computes the worker address " + from_proxy.ToFriendly() +
                         ", not the derived " + init.address.ToFriendly());
  }
  return init;
}

// ---------------------------------------------------------------------------
// Vouchers and anchors.

Result<SubmittedVoucher> SubmitVoucher(
    ton::WalletSender& sender, const ton::Address& contract, ByteSpan voucher_boc,
    const std::optional<ton::contracts::ContractInit>& worker_init) {
  COCOON_ASSIGN_OR_RETURN(pay::SignedVoucher v,
                          With(pay::DeserializeVoucher(voucher_boc), "the voucher"));
  // The body cell exactly as the proxy made it (DeserializeVoucher checked it).
  COCOON_ASSIGN_OR_RETURN(ton::CellRef body, ton::DeserializeBocSingleRoot(voucher_boc));
  SubmittedVoucher out;
  out.kind = v.payload.kind;
  out.total_tokens = v.payload.total_tokens;
  const uint64_t total = v.payload.total_tokens;
  const bool to_client =
      out.kind == pay::VoucherKind::kCharge || out.kind == pay::VoucherKind::kFinalRefund;
  const bool to_worker = out.kind == pay::VoucherKind::kWorkerPayout ||
                         out.kind == pay::VoucherKind::kWorkerLastPayout;
  const bool closes =
      out.kind == pay::VoucherKind::kFinalRefund || out.kind == pay::VoucherKind::kWorkerLastPayout;
  const std::string kind(pay::VoucherKindName(out.kind));
  if (!to_client && !to_worker) {
    return InvalidArgument("a " + kind + " voucher is not for a client or worker contract");
  }
  const std::string where =
      (to_client ? "the client contract " : "the worker contract ") + Shown(contract, sender);
  if (v.payload.target != contract) {
    return InvalidArgument("the " + kind + " voucher is for " + v.payload.target.ToFriendly() +
                           ", not " + where);
  }
  if (worker_init && worker_init->address != contract) {
    return InvalidArgument("the worker init given is for " + worker_init->address.ToFriendly() +
                           ", not " + where);
  }
  const ton::TonApiClient& api = sender.api();
  // The contract's applied total and state (kNotFound while not deployed).
  struct Seen {
    uint64_t tokens = 0;
    tc::ContractState state = tc::ContractState::kActive;
  };
  auto read = [&]() -> Result<Seen> {
    if (to_client) {
      COCOON_ASSIGN_OR_RETURN(tc::ClientData d, tc::GetClientData(api, contract));
      return Seen{d.tokens_charged, d.state};
    }
    COCOON_ASSIGN_OR_RETURN(tc::WorkerData d, tc::GetWorkerData(api, contract));
    return Seen{d.tokens_paid, d.state};
  };
  auto applied = [&](const Seen& s) {
    return s.tokens >= total && (!closes || s.state == tc::ContractState::kClosed);
  };

  Result<Seen> seen = read();
  bool deploy = false;
  if (!seen.ok()) {
    if (seen.status().code() != ErrorCode::kNotFound) {
      return seen.status().WithContext("reading " + where);
    }
    if (to_client) return FailedPrecondition(where + " is not deployed");
    if (!worker_init) {
      return FailedPrecondition(where +
                                " is not deployed; pass its init (WorkerContractInit) so that the "
                                "first payout deploys it");
    }
    deploy = true;
  } else {
    if (applied(*seen)) {
      out.tokens_on_chain = seen->tokens;
      return out;  // nothing to do: this total (or more) is on chain
    }
    if (seen->state == tc::ContractState::kClosed ||
        (to_worker && seen->state != tc::ContractState::kActive)) {
      return FailedPrecondition(where + " is " + StateName(seen->state) + " (" +
                                std::to_string(seen->tokens) + " tokens applied); the " + kind +
                                " voucher for " + std::to_string(total) + " cannot be applied");
    }
    if (seen->tokens > total) {  // final_refund / last_payout accept an equal total only
      return FailedPrecondition("the " + kind + " voucher for " + std::to_string(total) +
                                " tokens is older than what " + where + " has applied (" +
                                std::to_string(seen->tokens) + ")");
    }
  }

  const Uint128 value =
      out.kind == pay::VoucherKind::kFinalRefund ? tc::kFinalRefundValue : tc::kMinForwardValue;
  const tc::ContractInit target = deploy ? *worker_init : AddressOnly(contract);
  Result<ton::SentTransfer> sent = sender.Send({tc::ToContract(target, deploy, value, body)});
  if (!sent.ok())
    return sent.status().WithContext("submitting the " + kind + " voucher to " + where);
  out.transfer = *std::move(sent);
  out.deployed_contract = deploy;
  COCOON_RETURN_IF_ERROR(WaitFor(
      sender,
      [&]() -> Result<bool> {
        COCOON_ASSIGN_OR_RETURN(Seen s, read());
        out.tokens_on_chain = s.tokens;
        return applied(s);
      },
      "the " + kind + " voucher for " + std::to_string(total) + " tokens on " + where +
          " (refused if it shows no change: check the voucher's signature and the contract's "
          "state)"));
  return out;
}

Result<SentAnchor> SendAnchor(ton::WalletSender& sender, const ton::Address& proxy_contract,
                              const ton::CellRef& anchor_body) {
  if (!anchor_body) return InvalidArgument("the anchor body is null");
  COCOON_ASSIGN_OR_RETURN(pay::SignedAnchor a,
                          With(pay::ParseAnchorMessageBody(anchor_body), "the anchor"));
  const std::string where = "the proxy contract " + Shown(proxy_contract, sender);
  if (a.payload.target != proxy_contract) {
    return InvalidArgument("the anchor is for " + a.payload.target.ToFriendly() + ", not " + where);
  }
  const ton::TonApiClient& api = sender.api();
  const uint64_t seqno = a.payload.seqno;
  COCOON_ASSIGN_OR_RETURN(tc::Anchor current, With(tc::GetAnchor(api, proxy_contract),
                                                   "reading the anchor of " + where));
  if (seqno <= current.seqno) {
    return FailedPrecondition("the anchor's seqno " + std::to_string(seqno) +
                              " is not above the one " + where + " holds (" +
                              std::to_string(current.seqno) + ")");
  }
  Result<ton::SentTransfer> sent = sender.Send(
      {tc::ToContract(AddressOnly(proxy_contract), false, tc::kMinForwardValue, anchor_body)});
  if (!sent.ok()) return sent.status().WithContext("sending the anchor to " + where);
  COCOON_RETURN_IF_ERROR(WaitFor(
      sender,
      [&]() -> Result<bool> {
        COCOON_ASSIGN_OR_RETURN(tc::Anchor now, tc::GetAnchor(api, proxy_contract));
        return now.seqno >= seqno;
      },
      "the anchor " + std::to_string(seqno) + " on " + where));
  return SentAnchor{seqno, *std::move(sent)};
}

}  // namespace cocoon::node
