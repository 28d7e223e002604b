#include "ton/api_client.h"

#include <nlohmann/json.hpp>
#include <thread>

#include "ton/boc.h"
#include "ton/cell_slice.h"
#include "ton/json_guard.h"

namespace cocoon::ton {
namespace {

using nlohmann::json;

class ThreadSleeper final : public Sleeper {
 public:
  void SleepFor(std::chrono::milliseconds d) override { std::this_thread::sleep_for(d); }
};

std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Status Unexpected(const std::string& what) {
  return ProtocolError("TON API: unexpected answer: " + what);
}

// Strings or numbers, as the API is not consistent about big integers.
Result<std::string> NumberText(const json& j, const char* field) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_number_integer()) return j.dump();
  return Unexpected(std::string(field) + " is not a number");
}

Result<Uint128> Amount(const json& obj, const char* field) {
  if (!obj.is_object() || !obj.contains(field)) return static_cast<Uint128>(0);
  COCOON_ASSIGN_OR_RETURN(std::string text, NumberText(obj[field], field));
  if (text == "-1") return static_cast<Uint128>(0);  // toncenter uses -1 for "unknown"
  Result<Uint128> v = ParseUint128(text);
  if (!v.ok()) return Unexpected(std::string(field) + ": " + v.status().message());
  return v;
}

Result<int64_t> Int(const json& obj, const char* field) {
  if (!obj.is_object() || !obj.contains(field)) return static_cast<int64_t>(0);
  COCOON_ASSIGN_OR_RETURN(std::string text, NumberText(obj[field], field));
  Result<TvmInt> v = TvmInt::Parse(text);
  if (!v.ok()) return Unexpected(std::string(field) + " is not an integer");
  Result<int64_t> i = v->ToInt64();
  if (!i.ok()) return Unexpected(std::string(field) + " out of range");
  return i;
}

std::string Str(const json& obj, const char* field) {
  if (obj.is_object() && obj.contains(field) && obj[field].is_string())
    return obj[field].get<std::string>();
  return "";
}

// A base64 BoC, or null for the empty string the API uses for "none".
Result<CellRef> OptionalBoc(const std::string& b64, const char* field) {
  if (b64.empty()) return CellRef();
  Result<Bytes> bytes = Base64Decode(b64);
  if (!bytes.ok()) return Unexpected(std::string(field) + " is not base64");
  Result<CellRef> cell = DeserializeBocSingleRoot(*bytes);
  if (!cell.ok()) return Unexpected(std::string(field) + ": " + cell.status().message());
  return cell;
}

Result<AccountStatus> StatusFrom(const std::string& s) {
  if (s == "active") return AccountStatus::kActive;
  if (s == "uninitialized" || s == "uninit") return AccountStatus::kUninitialized;
  if (s == "frozen") return AccountStatus::kFrozen;
  if (s == "nonexist" || s == "nonexistent") return AccountStatus::kNonexistent;
  return Unexpected("unknown account state '" + s.substr(0, 32) + "'");
}

Result<TransactionId> TxId(const json& j) {
  TransactionId id;
  COCOON_ASSIGN_OR_RETURN(int64_t lt, Int(j, "lt"));
  id.lt = static_cast<uint64_t>(lt);
  const std::string hash = Str(j, "hash");
  if (!hash.empty()) {
    Result<Bytes> h = Base64Decode(hash);
    if (!h.ok() || h->size() != 32) return Unexpected("transaction hash is not 32 bytes of base64");
    id.hash = *h;
  }
  return id;
}

Result<TransactionMessage> MessageFrom(const json& m) {
  if (!m.is_object()) return Unexpected("message is not an object");
  TransactionMessage out;
  out.source = Str(m, "source");
  out.destination = Str(m, "destination");
  COCOON_ASSIGN_OR_RETURN(out.value, Amount(m, "value"));
  COCOON_ASSIGN_OR_RETURN(out.fwd_fee, Amount(m, "fwd_fee"));
  COCOON_ASSIGN_OR_RETURN(int64_t lt, Int(m, "created_lt"));
  out.created_lt = static_cast<uint64_t>(lt);
  out.body_hash = Str(m, "body_hash");
  out.comment = Str(m, "message");
  if (m.contains("msg_data") && m["msg_data"].is_object()) {
    COCOON_ASSIGN_OR_RETURN(out.body, OptionalBoc(Str(m["msg_data"], "body"), "msg_data.body"));
  }
  return out;
}

}  // namespace

std::string_view AccountStatusName(AccountStatus status) {
  switch (status) {
    case AccountStatus::kNonexistent:
      return "nonexistent";
    case AccountStatus::kUninitialized:
      return "uninitialized";
    case AccountStatus::kActive:
      return "active";
    case AccountStatus::kFrozen:
      return "frozen";
  }
  return "unknown";
}

Result<ApiConfig> ApiConfig::ForNetwork(std::string_view network_or_url) {
  ApiConfig config;
  if (network_or_url == "mainnet") {
    config.endpoint = "https://toncenter.com/api/v2";
  } else if (network_or_url == "testnet") {
    config.endpoint = "https://testnet.toncenter.com/api/v2";
  } else if (network_or_url.starts_with("http://") || network_or_url.starts_with("https://")) {
    config.endpoint = std::string(network_or_url);
    while (!config.endpoint.empty() && config.endpoint.back() == '/') config.endpoint.pop_back();
  } else {
    return InvalidArgument("TON API endpoint must be mainnet, testnet or an http(s) URL, got '" +
                           std::string(network_or_url) + "'");
  }
  return config;
}

Sleeper& RealSleeper() {
  static ThreadSleeper sleeper;
  return sleeper;
}

TonApiClient::TonApiClient(ApiConfig config, HttpTransportPtr transport, Sleeper& sleeper)
    : config_(std::move(config)), transport_(std::move(transport)), sleeper_(&sleeper) {}

Result<json> TonApiClient::Call(const std::string& method, const std::string& query,
                                const std::string* post_body) const {
  HttpRequest request;
  request.method = post_body ? "POST" : "GET";
  request.url = config_.endpoint + "/" + method + (query.empty() ? "" : "?" + query);
  request.timeout = config_.timeout;
  request.headers.emplace_back("Accept", "application/json");
  if (post_body) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = *post_body;
  }
  if (!config_.api_key.empty()) request.headers.emplace_back("X-API-Key", config_.api_key);

  std::chrono::milliseconds backoff = config_.initial_backoff;
  Status last = Unavailable("TON API: no attempt made");
  const int attempts = std::max(1, config_.max_attempts);
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    std::chrono::milliseconds wait = backoff;
    Result<HttpResponse> response = transport_->Send(request);
    if (!response.ok()) {
      last = response.status().WithContext("TON API " + method);
      if (last.code() != ErrorCode::kDeadlineExceeded && last.code() != ErrorCode::kUnavailable)
        return last;
    } else {
      const HttpResponse& r = *response;
      Result<json> body = ParseUntrustedJson(r.body);
      std::string api_error;
      if (body.ok() && body->is_object()) {
        if (body->contains("error") && (*body)["error"].is_string()) api_error = (*body)["error"];
        if (r.status == 200 && body->value("ok", false) && body->contains("result")) {
          return std::move((*body)["result"]);
        }
      }
      const std::string detail = api_error.empty() ? "HTTP " + std::to_string(r.status) : api_error;
      if (r.status == 429 || r.status >= 500) {
        last = Status(r.status == 429 ? ErrorCode::kResourceExhausted : ErrorCode::kUnavailable,
                      "TON API " + method + ": " + detail);
        auto retry_after = r.headers.find("retry-after");
        if (retry_after != r.headers.end()) {
          Result<Uint128> secs = ParseUint128(retry_after->second);
          if (secs.ok() && *secs < 3600)
            wait = std::chrono::milliseconds(static_cast<int64_t>(*secs) * 1000);
        }
      } else if (r.status == 200) {
        if (!body.ok()) return body.status().WithContext("TON API " + method);
        return Unexpected(method + ": " + (api_error.empty() ? "no result" : api_error));
      } else {
        if (!body.ok() && api_error.empty()) {
          return Status(r.status == 404 ? ErrorCode::kNotFound : ErrorCode::kInvalidArgument,
                        "TON API " + method + ": HTTP " + std::to_string(r.status));
        }
        const ErrorCode code = r.status == 404                        ? ErrorCode::kNotFound
                               : (r.status == 401 || r.status == 403) ? ErrorCode::kPermissionDenied
                                                                      : ErrorCode::kInvalidArgument;
        return Status(code, "TON API " + method + ": " + detail);
      }
    }
    if (attempt < attempts) {
      sleeper_->SleepFor(std::min(wait, config_.max_backoff));
      backoff = std::min(backoff * 2, config_.max_backoff);
    }
  }
  return last;
}

Result<AccountInfo> TonApiClient::GetAddressInformation(const Address& address) const {
  COCOON_ASSIGN_OR_RETURN(
      json r, Call("getAddressInformation", "address=" + UrlEncode(address.ToRaw()), nullptr));
  if (!r.is_object()) return Unexpected("getAddressInformation result is not an object");
  AccountInfo info;
  COCOON_ASSIGN_OR_RETURN(info.status, StatusFrom(Str(r, "state")));
  COCOON_ASSIGN_OR_RETURN(info.balance, Amount(r, "balance"));
  COCOON_ASSIGN_OR_RETURN(info.code, OptionalBoc(Str(r, "code"), "code"));
  COCOON_ASSIGN_OR_RETURN(info.data, OptionalBoc(Str(r, "data"), "data"));
  COCOON_ASSIGN_OR_RETURN(info.sync_utime, Int(r, "sync_utime"));
  if (r.contains("last_transaction_id") && r["last_transaction_id"].is_object()) {
    COCOON_ASSIGN_OR_RETURN(TransactionId id, TxId(r["last_transaction_id"]));
    if (id.lt != 0) info.last_transaction = id;
  }
  if (info.status == AccountStatus::kUninitialized && info.balance == 0 && !info.last_transaction) {
    info.status = AccountStatus::kNonexistent;
  }
  return info;
}

Result<Uint128> TonApiClient::GetBalance(const Address& address) const {
  COCOON_ASSIGN_OR_RETURN(
      json r, Call("getAddressBalance", "address=" + UrlEncode(address.ToRaw()), nullptr));
  COCOON_ASSIGN_OR_RETURN(std::string text, NumberText(r, "balance"));
  Result<Uint128> v = ParseUint128(text);
  if (!v.ok()) return Unexpected("balance is not a number");
  return v;
}

Result<AccountStatus> TonApiClient::GetState(const Address& address) const {
  COCOON_ASSIGN_OR_RETURN(
      json r, Call("getAddressState", "address=" + UrlEncode(address.ToRaw()), nullptr));
  if (!r.is_string()) return Unexpected("state is not a string");
  return StatusFrom(r.get<std::string>());
}

Result<GetMethodResult> TonApiClient::RunGetMethod(const Address& address,
                                                   const std::string& method,
                                                   const std::vector<StackEntry>& stack) const {
  COCOON_ASSIGN_OR_RETURN(json encoded, EncodeStackRequest(stack));
  const std::string body =
      json{{"address", address.ToRaw()}, {"method", method}, {"stack", encoded}}.dump();
  COCOON_ASSIGN_OR_RETURN(json r, Call("runGetMethod", "", &body));
  if (!r.is_object()) return Unexpected("runGetMethod result is not an object");
  GetMethodResult out;
  COCOON_ASSIGN_OR_RETURN(int64_t exit_code, Int(r, "exit_code"));
  out.exit_code = static_cast<int>(exit_code);
  COCOON_ASSIGN_OR_RETURN(out.gas_used, Int(r, "gas_used"));
  if (!r.contains("stack")) return Unexpected("runGetMethod result has no stack");
  COCOON_ASSIGN_OR_RETURN(out.stack, DecodeStackResponse(r["stack"]));
  return out;
}

Status TonApiClient::SendBoc(ByteSpan boc) const {
  const std::string body = json{{"boc", Base64Encode(boc)}}.dump();
  return Call("sendBoc", "", &body).status();
}

Result<Bytes> TonApiClient::SendBocReturnHash(ByteSpan boc) const {
  const std::string body = json{{"boc", Base64Encode(boc)}}.dump();
  COCOON_ASSIGN_OR_RETURN(json r, Call("sendBocReturnHash", "", &body));
  const std::string hash = Str(r, "hash");
  Result<Bytes> decoded = Base64Decode(hash);
  if (!decoded.ok() || decoded->size() != 32)
    return Unexpected("sendBocReturnHash hash is not 32 bytes of base64");
  return decoded;
}

Result<std::vector<Transaction>> TonApiClient::GetTransactions(
    const Address& address, int limit, const std::optional<TransactionId>& from,
    bool archival) const {
  if (limit < 1 || limit > 100) return InvalidArgument("getTransactions limit must be 1..100");
  std::string query = "address=" + UrlEncode(address.ToRaw()) + "&limit=" + std::to_string(limit);
  if (from)
    query += "&lt=" + std::to_string(from->lt) + "&hash=" + UrlEncode(HexEncode(from->hash));
  if (archival) query += "&archival=true";
  COCOON_ASSIGN_OR_RETURN(json r, Call("getTransactions", query, nullptr));
  if (!r.is_array()) return Unexpected("getTransactions result is not an array");
  std::vector<Transaction> out;
  for (const json& t : r) {
    if (!t.is_object()) return Unexpected("transaction is not an object");
    Transaction tx;
    if (t.contains("transaction_id")) {
      COCOON_ASSIGN_OR_RETURN(tx.id, TxId(t["transaction_id"]));
    }
    COCOON_ASSIGN_OR_RETURN(tx.utime, Int(t, "utime"));
    COCOON_ASSIGN_OR_RETURN(tx.fee, Amount(t, "fee"));
    COCOON_ASSIGN_OR_RETURN(tx.storage_fee, Amount(t, "storage_fee"));
    COCOON_ASSIGN_OR_RETURN(tx.other_fee, Amount(t, "other_fee"));
    COCOON_ASSIGN_OR_RETURN(tx.cell, OptionalBoc(Str(t, "data"), "data"));
    if (t.contains("in_msg") && t["in_msg"].is_object()) {
      COCOON_ASSIGN_OR_RETURN(TransactionMessage m, MessageFrom(t["in_msg"]));
      tx.in_msg = std::move(m);
    }
    if (t.contains("out_msgs") && t["out_msgs"].is_array()) {
      for (const json& m : t["out_msgs"]) {
        COCOON_ASSIGN_OR_RETURN(TransactionMessage msg, MessageFrom(m));
        tx.out_msgs.push_back(std::move(msg));
      }
    }
    out.push_back(std::move(tx));
  }
  return out;
}

}  // namespace cocoon::ton
