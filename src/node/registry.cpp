#include "node/registry.h"

#include <toml++/toml.h>
#include <sstream>

#include "node/config_values.h"
#include "util/file.h"

namespace cocoon::node {
namespace {

Status Bad(std::string_view origin, const std::string& what) {
  return InvalidArgument(std::string(origin) + ": " + what);
}

Result<uint64_t> Unsigned(const toml::table& t, std::string_view key, uint64_t fallback,
                          uint64_t max, std::string_view origin) {
  const toml::node* n = t.get(key);
  if (!n) return fallback;
  auto v = n->value<int64_t>();
  if (!v || *v < 0 || static_cast<uint64_t>(*v) > max) {
    return Bad(origin,
               std::string(key) + " must be an integer between 0 and " + std::to_string(max));
  }
  return static_cast<uint64_t>(*v);
}

}  // namespace

crypto::Sha256Digest ModelHash(std::string_view model_name) {
  return crypto::Sha256(AsBytes(model_name));
}

bool RegistrySnapshot::AllowsModel(std::string_view model_name) const {
  return models.count(std::string(model_name)) != 0 ||
         model_hashes.count(ModelHash(model_name)) != 0;
}

Result<uint64_t> Registry::LoadVersion() const {
  COCOON_ASSIGN_OR_RETURN(RegistrySnapshot snapshot, Load());
  return snapshot.version;
}

Result<RegistrySnapshot> ParseRootConfig(std::string_view text, std::string_view origin) {
  toml::table t;
  try {
    t = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << origin << ":" << e.source().begin.line << ": " << e.description();
    return InvalidArgument(msg.str());
  }
  RegistrySnapshot r;
  COCOON_ASSIGN_OR_RETURN(r.version, Unsigned(t, "version", 0, UINT64_MAX >> 1, origin));
  const std::string where = std::string(origin) + ": ";
  for (auto [key, field] : {std::pair{"proxy_image_hashes", &r.proxy_images},
                            std::pair{"worker_image_hashes", &r.worker_images}}) {
    COCOON_ASSIGN_OR_RETURN(auto hex, ReadStringArray(t, key, where));
    COCOON_ASSIGN_OR_RETURN(*field, ParseImageHashes(hex, where + key));
  }
  COCOON_ASSIGN_OR_RETURN(auto models, ReadStringArray(t, "models", where));
  r.models.insert(models.begin(), models.end());
  COCOON_ASSIGN_OR_RETURN(r.proxy_addresses, ReadStringArray(t, "proxies", where));
  if (const toml::table* p = t["prices"].as_table()) {
    auto& pr = r.prices;
    constexpr uint64_t kMaxPrice = uint64_t{1} << 40;  // nanoTON per token: ~1100 TON
    constexpr uint64_t kMaxMultiplier = 1'000'000;     // 100x
    COCOON_ASSIGN_OR_RETURN(pr.price_per_token,
                            Unsigned(*p, "price_per_token", 0, kMaxPrice, origin));
    COCOON_ASSIGN_OR_RETURN(pr.worker_fee_per_token,
                            Unsigned(*p, "worker_fee_per_token", 0, kMaxPrice, origin));
    const std::pair<const char*, uint32_t*> multipliers[] = {
        {"prompt_multiplier", &pr.prompt_multiplier},
        {"cached_multiplier", &pr.cached_multiplier},
        {"completion_multiplier", &pr.completion_multiplier},
        {"reasoning_multiplier", &pr.reasoning_multiplier}};
    for (auto [key, field] : multipliers) {
      COCOON_ASSIGN_OR_RETURN(uint64_t v, Unsigned(*p, key, *field, kMaxMultiplier, origin));
      if (v == 0) return Bad(origin, std::string("prices.") + key + " must be positive");
      *field = static_cast<uint32_t>(v);
    }
    if (pr.worker_fee_per_token > pr.price_per_token) {
      return Bad(origin, "prices.worker_fee_per_token must not exceed prices.price_per_token");
    }
  }
  return r;
}

Result<RegistrySnapshot> RootConfigFile::Load() const {
  COCOON_ASSIGN_OR_RETURN(std::string text, ReadFile(path_, 4 << 20));
  return ParseRootConfig(text, path_.string());
}

}  // namespace cocoon::node
