// FakeChain: an HttpTransport that answers the TON HTTP API v2 calls a test
// scripts, so the chain registry can be fed any answer, malformed included.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "ton/api_client.h"
#include "ton/cell.h"

namespace cocoon::testing {

class FakeChain final : public ton::HttpTransport {
 public:
  // Raw answer (HTTP 200 body) for an API method ("getAddressInformation").
  void SetRaw(const std::string& api_method, std::string body) {
    raw_[api_method] = std::move(body);
  }
  // {"ok":true,"result":result}
  void SetResult(const std::string& api_method, const nlohmann::json& result);
  // The root account: active, with `data` as its storage.
  void SetAccount(const ton::CellRef& data, const std::string& state = "active");
  // A runGetMethod answer for `get_method`.
  void SetGetMethod(const std::string& get_method, const nlohmann::json& stack, int exit_code = 0);

  Result<ton::HttpResponse> Send(const ton::HttpRequest& request) override;
  int calls(const std::string& api_method) const;

 private:
  std::map<std::string, std::string> raw_;
  std::map<std::string, std::string> get_methods_;
  std::map<std::string, int> calls_;
};

// A TonApiClient over `chain`, one attempt per call.
std::shared_ptr<const ton::TonApiClient> ClientOver(std::shared_ptr<FakeChain> chain);

std::string BocBase64(const ton::CellRef& cell);

}  // namespace cocoon::testing
