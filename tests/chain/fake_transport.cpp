#include "chain/fake_transport.h"

#include "ton/boc.h"
#include "util/bytes.h"

namespace cocoon::testing {

std::string BocBase64(const ton::CellRef& cell) { return Base64Encode(*ton::SerializeBoc(cell)); }

void FakeChain::SetResult(const std::string& api_method, const nlohmann::json& result) {
  raw_[api_method] = nlohmann::json{{"ok", true}, {"result", result}}.dump();
}

void FakeChain::SetAccount(const ton::CellRef& data, const std::string& state) {
  SetResult("getAddressInformation",
            {{"@type", "raw.fullAccountState"},
             {"balance", "1000000000"},
             {"code", BocBase64(ton::Cell::Empty())},
             {"data", data ? BocBase64(data) : ""},
             {"last_transaction_id", {{"lt", "5"}, {"hash", Base64Encode(Bytes(32, 1))}}},
             {"sync_utime", 1700000000},
             {"state", state}});
}

void FakeChain::SetGetMethod(const std::string& get_method, const nlohmann::json& stack,
                             int exit_code) {
  get_methods_[get_method] =
      nlohmann::json{{"ok", true},
                     {"result", {{"gas_used", 100}, {"exit_code", exit_code}, {"stack", stack}}}}
          .dump();
}

Result<ton::HttpResponse> FakeChain::Send(const ton::HttpRequest& request) {
  std::string method = request.url.substr(request.url.rfind('/') + 1);
  method = method.substr(0, method.find('?'));
  ++calls_[method];
  ton::HttpResponse r;
  r.status = 200;
  if (method == "runGetMethod") {
    auto body = nlohmann::json::parse(request.body, nullptr, false);
    const std::string name = body.is_object() ? body.value("method", "") : "";
    auto it = get_methods_.find(name);
    if (it == get_methods_.end()) {
      r.status = 500;
      r.body = R"({"ok":false,"error":"no such get-method scripted","code":500})";
    } else {
      r.body = it->second;
    }
    return r;
  }
  auto it = raw_.find(method);
  if (it == raw_.end()) return Unavailable("fake chain: nothing scripted for " + method);
  r.body = it->second;
  return r;
}

int FakeChain::calls(const std::string& api_method) const {
  auto it = calls_.find(api_method);
  return it == calls_.end() ? 0 : it->second;
}

std::shared_ptr<const ton::TonApiClient> ClientOver(std::shared_ptr<FakeChain> chain) {
  ton::ApiConfig config;
  config.endpoint = "http://fake/api/v2";
  config.max_attempts = 1;
  return std::make_shared<const ton::TonApiClient>(config, std::move(chain));
}

}  // namespace cocoon::testing
