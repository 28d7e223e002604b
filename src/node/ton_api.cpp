#include "node/ton_api.h"

#include "ton/http_transport.h"
#include "util/file.h"

namespace cocoon::node {

Result<std::shared_ptr<const ton::TonApiClient>> MakeTonApi(
    std::string_view network_or_url, const std::filesystem::path& api_key_file) {
  COCOON_ASSIGN_OR_RETURN(ton::ApiConfig config, ton::ApiConfig::ForNetwork(network_or_url));
  if (!api_key_file.empty()) {
    Result<std::string> key = ReadFile(api_key_file, 4096);
    if (!key.ok()) return key.status().WithContext("api_key_file " + api_key_file.string());
    const size_t begin = key->find_first_not_of(" \t\r\n");
    const size_t end = key->find_last_not_of(" \t\r\n");
    if (begin == std::string::npos) {
      return InvalidArgument("api_key_file " + api_key_file.string() + " is empty");
    }
    config.api_key = key->substr(begin, end + 1 - begin);
  }
  return std::shared_ptr<const ton::TonApiClient>(
      std::make_shared<const ton::TonApiClient>(std::move(config), ton::MakeCurlTransport()));
}

}  // namespace cocoon::node
