#include "node/registry.h"

#include <gtest/gtest.h>

namespace cocoon::node {
namespace {

const std::string kHash(64, 'a');

TEST(RootConfigTest, ReadsEverySection) {
  auto r = ParseRootConfig(R"(
version = 7
proxy_image_hashes = [")" + kHash +
                               R"("]
worker_image_hashes = []
models = ["qwen3-8b", "llama-3-8b"]
proxies = ["127.0.0.1:9301"]
[prices]
price_per_token = 20
worker_fee_per_token = 16
completion_multiplier = 40000
)",
                           "root.toml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->version, 7u);
  EXPECT_EQ(r->proxy_images.size(), 1u);
  EXPECT_TRUE(r->worker_images.empty());
  EXPECT_TRUE(r->models.count("qwen3-8b"));
  EXPECT_EQ(r->proxy_addresses, std::vector<std::string>{"127.0.0.1:9301"});
  EXPECT_EQ(r->prices.price_per_token, 20u);
  EXPECT_EQ(r->prices.worker_fee_per_token, 16u);
  EXPECT_EQ(r->prices.completion_multiplier, 40000u);
  EXPECT_EQ(r->prices.prompt_multiplier, 10000u);  // default 1x
}

TEST(RootConfigTest, RefusesBadValuesWithTheReason) {
  const std::pair<std::string, std::string> cases[] = {
      {"proxy_image_hashes = [\"abc\"]", "is not a 64-digit hex SHA-256"},
      {"models = \"one\"", "models must be an array of strings"},
      {"[prices]\nprice_per_token = 10\nworker_fee_per_token = 11", "must not exceed"},
      {"[prices]\nreasoning_multiplier = 0", "must be positive"},
      {"[prices]\nprice_per_token = -1", "between 0 and"},
      {"version = ", "root.toml:1"},
  };
  for (const auto& [text, reason] : cases) {
    auto r = ParseRootConfig(text, "root.toml");
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.status().message().find(reason), std::string::npos) << r.status().message();
  }
}

TEST(RootConfigTest, MissingFileIsAClearError) {
  RootConfigFile file("/nonexistent/root.toml");
  auto r = file.Load();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/root.toml"), std::string::npos);
}

}  // namespace
}  // namespace cocoon::node
