// The TON HTTP API client a daemon's configuration names ([payments] and
// [registry] each have ton_api and api_key_file).
#pragma once

#include <filesystem>
#include <memory>
#include <string_view>

#include "ton/api_client.h"

namespace cocoon::node {

// `network_or_url`: mainnet, testnet or a TON HTTP API v2 URL. The key file
// (optional) holds the API key; surrounding white space and line ends are
// dropped, and an empty key is an error. Errors name the file, never the key.
Result<std::shared_ptr<const ton::TonApiClient>> MakeTonApi(
    std::string_view network_or_url, const std::filesystem::path& api_key_file);

}  // namespace cocoon::node
