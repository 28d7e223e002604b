// The [registry] section: the root contract a node follows, and the refusals
// that keep a node from starting half-configured.
#include <gtest/gtest.h>
#include <toml++/toml.h>

#include "node/settings.h"

namespace cocoon::node {
namespace {

Result<NodeSettings> Parse(const std::string& text) {
  toml::table table = toml::parse(text);
  return ParseNodeSettings(table, attest::Role::kProxy, "/etc/cocoon");
}

TEST(RegistrySettingsTest, ReadsTheRootTheApiAndTheModels) {
  auto s = Parse("[registry]\nroot = \"0:" + std::string(64, 'a') +
                 "\"\nton_api = \"testnet\"\nmodels = [\"m1\", \"m2\"]\nrefresh_s = "
                 "7\napi_key_file = \"k\"\n");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_TRUE(s->chain_registry);
  EXPECT_EQ(s->chain_registry->ton_api, "testnet");
  EXPECT_EQ(s->chain_registry->models, (std::vector<std::string>{"m1", "m2"}));
  EXPECT_EQ(s->chain_registry->refresh_seconds, 7);
  EXPECT_EQ(s->chain_registry->api_key_file, std::filesystem::path("/etc/cocoon/k"));
}

TEST(RegistrySettingsTest, RefusesWhatCannotWork) {
  const std::string root = "root = \"0:" + std::string(64, 'a') + "\"\n";
  const std::pair<std::string, std::string> cases[] = {
      {"[registry]\nton_api = \"testnet\"\n", "needs root"},
      {"[registry]\n" + root, "needs root (the root contract) and ton_api"},
      {"[registry]\n" + root + "ton_api = \"testnet\"\nrefresh_s = 0\n", "refresh_s"},
      {"[registry]\n" + root + "ton_api = \"testnet\"\nmodels = \"m\"\n", "array of strings"},
      {"root_config = \"root.toml\"\n[registry]\n" + root + "ton_api = \"testnet\"\n",
       "set one registry"},
  };
  for (const auto& [text, reason] : cases) {
    auto s = Parse(text);
    ASSERT_FALSE(s.ok()) << text;
    EXPECT_NE(s.status().message().find(reason), std::string::npos)
        << text << " -> " << s.status().ToString();
  }
}

}  // namespace
}  // namespace cocoon::node
