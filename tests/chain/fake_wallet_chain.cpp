#include "chain/fake_wallet_chain.h"

#include "ton/boc.h"
#include "ton/cell_builder.h"
#include "ton/cell_slice.h"
#include "util/bytes.h"

namespace cocoon::testing {
namespace {

using nlohmann::json;

std::string B64(const ton::CellRef& cell) { return Base64Encode(*ton::SerializeBoc(cell)); }

std::string UrlDecode(std::string s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The body that follows an Either bit: inline (the rest of the slice) or a reference.
Result<ton::CellRef> LoadEitherBody(ton::CellSlice& s) {
  COCOON_ASSIGN_OR_RETURN(bool by_ref, s.LoadBit());
  if (by_ref) return s.LoadRef();
  return s.RemainderAsCell();
}

// Skips Maybe (Either StateInit ^StateInit); returns whether one was there.
Result<bool> SkipInit(ton::CellSlice& s) {
  COCOON_ASSIGN_OR_RETURN(bool has, s.LoadBit());
  if (!has) return false;
  COCOON_ASSIGN_OR_RETURN(bool by_ref, s.LoadBit());
  if (by_ref) {
    COCOON_RETURN_IF_ERROR(s.LoadRef().status());
  } else {
    COCOON_RETURN_IF_ERROR(ton::StateInit::Load(s).status());
  }
  return true;
}

Result<FakeWalletChain::Message> ParseInternal(const ton::CellRef& cell) {
  ton::CellSlice s(cell);
  FakeWalletChain::Message m;
  COCOON_ASSIGN_OR_RETURN(uint64_t tag, s.LoadUint(2));  // int_msg_info$0 ihr_disabled
  if (tag != 1) return InvalidArgument("not an internal message");
  COCOON_ASSIGN_OR_RETURN(m.bounce, s.LoadBit());
  COCOON_RETURN_IF_ERROR(s.LoadBit().status());      // bounced
  COCOON_RETURN_IF_ERROR(s.LoadAddress().status());  // src
  COCOON_ASSIGN_OR_RETURN(std::optional<ton::Address> dest, s.LoadAddress());
  if (!dest) return InvalidArgument("no destination");
  m.destination = *dest;
  COCOON_ASSIGN_OR_RETURN(m.value, s.LoadCoins());
  COCOON_RETURN_IF_ERROR(s.LoadBit().status());    // extra currencies
  COCOON_RETURN_IF_ERROR(s.LoadCoins().status());  // ihr_fee
  COCOON_RETURN_IF_ERROR(s.LoadCoins().status());  // fwd_fee
  COCOON_RETURN_IF_ERROR(s.SkipBits(64 + 32));     // created_lt, created_at
  COCOON_ASSIGN_OR_RETURN(m.has_init, SkipInit(s));
  COCOON_ASSIGN_OR_RETURN(m.body, LoadEitherBody(s));
  return m;
}

// A v4r2 wallet's external message: ext_in_msg_info, init, body =
// signature:512 wallet_id:32 valid_until:32 seqno:32 op:8 (mode:8 ^message)*.
Result<FakeWalletChain::Transfer> ParseExternal(const ton::CellRef& ext, const ton::Address& want) {
  ton::CellSlice s(ext);
  COCOON_ASSIGN_OR_RETURN(uint64_t tag, s.LoadUint(2));
  if (tag != 2) return InvalidArgument("not an external-in message");
  COCOON_RETURN_IF_ERROR(s.LoadAddress().status());
  COCOON_ASSIGN_OR_RETURN(std::optional<ton::Address> dest, s.LoadAddress());
  if (!dest || *dest != want) return InvalidArgument("not for the wallet");
  COCOON_RETURN_IF_ERROR(s.LoadCoins().status());
  FakeWalletChain::Transfer t;
  COCOON_ASSIGN_OR_RETURN(t.deploy, SkipInit(s));
  COCOON_ASSIGN_OR_RETURN(ton::CellRef body, LoadEitherBody(s));
  ton::CellSlice b(body);
  COCOON_RETURN_IF_ERROR(b.SkipBits(512 + 32));
  COCOON_ASSIGN_OR_RETURN(uint64_t valid_until, b.LoadUint(32));
  COCOON_ASSIGN_OR_RETURN(uint64_t seqno, b.LoadUint(32));
  COCOON_RETURN_IF_ERROR(b.SkipBits(8));
  t.valid_until = static_cast<uint32_t>(valid_until);
  t.seqno = static_cast<uint32_t>(seqno);
  while (b.remaining_refs() > 0) {
    COCOON_RETURN_IF_ERROR(b.SkipBits(8));
    COCOON_ASSIGN_OR_RETURN(ton::CellRef msg, b.LoadRef());
    COCOON_ASSIGN_OR_RETURN(FakeWalletChain::Message m, ParseInternal(msg));
    t.messages.push_back(std::move(m));
  }
  return t;
}

}  // namespace

json NumEntry(ton::Uint128 value) { return json::array({"num", ton::Uint128ToString(value)}); }

json Uint256Entry(const std::array<uint8_t, 32>& value) {
  return json::array({"num", "0x" + HexEncode(value)});
}

json AddressEntry(const ton::Address& address) {
  ton::CellBuilder b;
  b.StoreAddress(address);
  return json::array({"slice", json{{"bytes", B64(*b.Finalize())}}});
}

void FakeWalletChain::SetWallet(const std::string& state, ton::Uint128 balance, uint32_t seqno) {
  std::lock_guard<std::mutex> lock(mu_);
  wallet_state_ = state;
  wallet_balance_ = balance;
  seqno_ = seqno;
}

void FakeWalletChain::SetWalletCode(ton::CellRef code) {
  std::lock_guard<std::mutex> lock(mu_);
  wallet_code_ = std::move(code);
}

void FakeWalletChain::SetChainTime(int64_t unix_time) {
  std::lock_guard<std::mutex> lock(mu_);
  chain_time_ = unix_time;
}

int64_t FakeWalletChain::chain_time() const {
  std::lock_guard<std::mutex> lock(mu_);
  return chain_time_;
}

void FakeWalletChain::SetApplyAfterPolls(int polls) {
  std::lock_guard<std::mutex> lock(mu_);
  apply_after_polls_ = polls;
}

void FakeWalletChain::OnApply(std::function<void(const Transfer&)> hook) {
  std::lock_guard<std::mutex> lock(mu_);
  on_apply_ = std::move(hook);
}

void FakeWalletChain::SetAccount(const ton::Address& address, const std::string& state,
                                 ton::CellRef code, ton::CellRef data, ton::Uint128 balance) {
  std::lock_guard<std::mutex> lock(mu_);
  accounts_[address.ToRaw()] = Account{state, balance, std::move(code), std::move(data)};
}

void FakeWalletChain::SetGetMethod(const std::string& method, const json& stack, int exit_code) {
  std::lock_guard<std::mutex> lock(mu_);
  methods_[method] = {stack, exit_code};
}

void FakeWalletChain::FailNext(const std::string& api_method, int http_status,
                               const std::string& error, int times) {
  std::lock_guard<std::mutex> lock(mu_);
  failures_[api_method] = Failure{http_status, error, times};
}

std::vector<FakeWalletChain::Transfer> FakeWalletChain::applied() const {
  std::lock_guard<std::mutex> lock(mu_);
  return applied_;
}

std::vector<FakeWalletChain::Transfer> FakeWalletChain::accepted() const {
  std::lock_guard<std::mutex> lock(mu_);
  return accepted_;
}

int FakeWalletChain::calls(const std::string& api_method) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = calls_.find(api_method);
  return it == calls_.end() ? 0 : it->second;
}

uint32_t FakeWalletChain::seqno() const {
  std::lock_guard<std::mutex> lock(mu_);
  return seqno_;
}

ton::HttpResponse FakeWalletChain::Ok(const json& result) const {
  return ton::HttpResponse{200, json{{"ok", true}, {"result", result}}.dump(), {}};
}

ton::HttpResponse FakeWalletChain::Error(int status, const std::string& error) const {
  return ton::HttpResponse{
      status, json{{"ok", false}, {"error", error}, {"code", status}}.dump(), {}};
}

ton::HttpResponse FakeWalletChain::AccountAnswer(const ton::Address& address) const {
  Account a;
  if (address == wallet_.address()) {
    a = Account{wallet_state_, wallet_balance_,
                wallet_code_ ? wallet_code_ : wallet_.state_init().code, wallet_.state_init().data};
    if (wallet_state_ != "active" && wallet_state_ != "frozen") a.code = a.data = nullptr;
  } else {
    auto it = accounts_.find(address.ToRaw());
    if (it != accounts_.end()) a = it->second;
    if (a.state.empty()) a.state = "uninitialized";
  }
  return Ok({{"@type", "raw.fullAccountState"},
             {"balance", ton::Uint128ToString(a.balance)},
             {"code", a.code ? B64(a.code) : ""},
             {"data", a.data ? B64(a.data) : ""},
             {"last_transaction_id", {{"lt", "7"}, {"hash", Base64Encode(Bytes(32, 7))}}},
             {"sync_utime", chain_time_},
             {"state", a.state}});
}

void FakeWalletChain::ApplyLocked(std::vector<Transfer>* to_apply) {
  for (Transfer& t : waiting_) {
    if (t.seqno != seqno_) continue;  // lost the race for this seqno: never applied
    if (t.seqno != 0 && t.valid_until < chain_time_) continue;  // expired
    ++seqno_;
    wallet_state_ = "active";
    ton::Uint128 spent = 1'000'000;  // the fee
    for (const Message& m : t.messages) spent += m.value;
    wallet_balance_ = wallet_balance_ > spent ? wallet_balance_ - spent : 0;
    applied_.push_back(t);
    to_apply->push_back(t);
  }
  waiting_.clear();
  polls_since_send_ = 0;
}

ton::HttpResponse FakeWalletChain::SendBoc(const std::string& body,
                                           std::vector<Transfer>* to_apply) {
  const json j = json::parse(body, nullptr, false);
  Result<Bytes> boc = Base64Decode(j.value("boc", ""));
  if (!boc.ok()) return Error(400, "bad boc");
  Result<ton::CellRef> ext = ton::DeserializeBocSingleRoot(*boc);
  if (!ext.ok()) return Error(400, "bad boc");
  Result<Transfer> t = ParseExternal(*ext, wallet_.address());
  if (!t.ok()) return Error(400, t.status().message());
  if (wallet_state_ == "frozen") return Error(500, "cannot apply external message: frozen");
  if (wallet_state_ != "active" && !t->deploy) {
    return Error(500, "cannot apply external message: no code");
  }
  if (t->seqno != seqno_) return Error(500, "cannot apply external message: seqno mismatch");
  if (t->seqno != 0 && t->valid_until < chain_time_) {
    return Error(500, "cannot apply external message: expired");
  }
  accepted_.push_back(*t);
  waiting_.push_back(*t);
  polls_since_send_ = 0;
  if (apply_after_polls_ == 0) ApplyLocked(to_apply);
  return Ok({{"@type", "raw.extMessageInfo"}, {"hash", Base64Encode((*ext)->hash())}});
}

Result<ton::HttpResponse> FakeWalletChain::Send(const ton::HttpRequest& request) {
  std::vector<Transfer> to_apply;
  ton::HttpResponse answer;
  std::function<void(const Transfer&)> hook;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::string method = request.url.substr(request.url.rfind('/') + 1);
    const size_t q = method.find('?');
    const std::string query = q == std::string::npos ? "" : method.substr(q + 1);
    method = method.substr(0, q);
    ++calls_[method];
    hook = on_apply_;
    auto f = failures_.find(method);
    if (f != failures_.end() && f->second.times > 0) {
      --f->second.times;
      return Error(f->second.status, f->second.error);
    }
    if (method == "getAddressInformation") {
      Result<ton::Address> a = ton::ParseRawAddress(UrlDecode(query.substr(query.find('=') + 1)));
      if (!a.ok()) return Error(400, "bad address");
      answer = AccountAnswer(*a);
    } else if (method == "sendBocReturnHash") {
      answer = SendBoc(request.body, &to_apply);
    } else if (method == "runGetMethod") {
      const json j = json::parse(request.body, nullptr, false);
      const std::string name = j.value("method", "");
      const std::string address = j.value("address", "");
      if (address == wallet_.address().ToRaw() && name == "seqno") {
        ++polls_since_send_;
        if (!waiting_.empty() && apply_after_polls_ > 0 && polls_since_send_ >= apply_after_polls_)
          ApplyLocked(&to_apply);
        const bool active = wallet_state_ == "active" || wallet_state_ == "frozen";
        answer = Ok({{"gas_used", 1},
                     {"exit_code", active ? 0 : -13},
                     {"stack", active ? json::array({NumEntry(seqno_)}) : json::array()}});
      } else {
        auto it = methods_.find(name);
        if (it == methods_.end()) {
          answer = Error(500, "no such get-method scripted: " + name);
        } else {
          answer =
              Ok({{"gas_used", 1}, {"exit_code", it->second.second}, {"stack", it->second.first}});
        }
      }
    } else {
      answer = Error(404, "not scripted: " + method);
    }
  }
  if (hook) {
    for (const Transfer& t : to_apply) hook(t);
  }
  return answer;
}

}  // namespace cocoon::testing
