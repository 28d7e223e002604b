// `cocoon ton ...` commands, driven through a CLI::App as main() would.
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/ton_commands.h"
#include "ton/boc.h"
#include "ton/cell_builder.h"
#include "util/file.h"

namespace cocoon::cli {
namespace {

using nlohmann::json;

struct CliRun {
  int code = 0;
  std::string out;
  std::string err;
};

CliRun RunTon(const std::string& args) {
  CLI::App app("cocoon");
  std::ostringstream out, err;
  AddTonCommands(app, out, err);
  CliRun r;
  try {
    app.parse(args, /*program_name_included=*/false);
  } catch (const CLI::ParseError& e) {
    r.code = e.get_exit_code();
    if (r.code == 0) r.code = -1;
  }
  r.out = out.str();
  r.err = err.str();
  return r;
}

TEST(TonCliTest, AddressPrintsEveryForm) {
  CliRun r = RunTon("ton address Ef8zMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM0vF");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("-1:3333333333333333333333333333333333333333333333333333333333333333"),
            std::string::npos);
  EXPECT_NE(r.out.find("Ef8zMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM0vF"), std::string::npos);
  EXPECT_NE(r.out.find("bounceable, mainnet"), std::string::npos);

  CliRun j = RunTon(
      "ton address --json -1:3333333333333333333333333333333333333333333333333333333333333333");
  ASSERT_EQ(j.code, 0) << j.err;
  json parsed = json::parse(j.out);
  EXPECT_EQ(parsed["workchain"], -1);
  EXPECT_EQ(parsed["input"]["form"], "raw");
  EXPECT_EQ(parsed["user_friendly"]["bounceable"]["mainnet"]["url_safe"],
            "Ef8zMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM0vF");
}

TEST(TonCliTest, AddressRejectsGarbage) {
  CliRun r = RunTon("ton address nonsense");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("cocoon ton: cannot parse address"), std::string::npos);
}

TEST(TonCliTest, WalletAddressMatchesTonTon) {
  // Seed of 32 zero bytes; the address is @ton/ton's (see vectors).
  const std::string key = "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29";
  CliRun r = RunTon("ton wallet-address --public-key " + key + " --wallet v4r2");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("UQC63Lo54ZfLTGo12UECZc8Ba3g-dEVhvzy7Vroe43-AQzAe"), std::string::npos)
      << r.out;

  CliRun j = RunTon("ton wallet-address --json --testnet --public-key " + key + " --wallet v5r1");
  ASSERT_EQ(j.code, 0) << j.err;
  json parsed = json::parse(j.out);
  EXPECT_EQ(parsed["network"], "testnet");
  EXPECT_EQ(parsed["code_hash"],
            "20834b7b72b112147e1b2fb457b84e74d1a30f04f737d4f62a668e9552d2b72f");
  EXPECT_EQ(parsed["address"].get<std::string>().substr(0, 2), "0Q");  // non-bounceable testnet

  EXPECT_EQ(RunTon("ton wallet-address --public-key abcd --wallet v4r2").code, 1);
  EXPECT_EQ(RunTon("ton wallet-address --public-key " + key + " --wallet v3").code, 1);
  EXPECT_NE(RunTon("ton wallet-address --wallet v4r2").code, 0);
}

TEST(TonCliTest, BocDecodePrintsTreeWithHashes) {
  ton::CellRef leaf = *ton::CellBuilder().StoreUint(0xab, 8).Finalize();
  ton::CellRef root = *ton::CellBuilder().StoreUint(1, 3).StoreRef(leaf).StoreRef(leaf).Finalize();
  const std::filesystem::path dir = std::filesystem::temp_directory_path();
  const std::filesystem::path bin = dir / "cocoon_ton_cli_test.boc";
  const std::filesystem::path hex = dir / "cocoon_ton_cli_test.hex";
  Bytes boc = *ton::SerializeBoc(root);
  ASSERT_TRUE(WriteFileAtomic(bin, ToString(boc)).ok());
  ASSERT_TRUE(WriteFileAtomic(hex, HexEncode(boc) + "\n").ok());

  CliRun r = RunTon("ton boc-decode " + bin.string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find(HexEncode(root->hash())), std::string::npos);
  EXPECT_NE(r.out.find("8[AB] hash=" + HexEncode(leaf->hash())), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(same as above)"), std::string::npos);

  CliRun j = RunTon("ton boc-decode --json " + hex.string());
  ASSERT_EQ(j.code, 0) << j.err;
  json parsed = json::parse(j.out);
  EXPECT_EQ(parsed["roots"][0]["hash"], HexEncode(root->hash()));
  EXPECT_EQ(parsed["roots"][0]["refs"][0]["data"], "AB");
  EXPECT_EQ(parsed["roots"][0]["refs"][1]["seen"], true);

  ASSERT_TRUE(WriteFileAtomic(hex, "b5ee9c72deadbeef").ok());
  CliRun bad = RunTon("ton boc-decode " + hex.string());
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("invalid BoC"), std::string::npos);
  EXPECT_EQ(RunTon("ton boc-decode /nonexistent/file").code, 1);
  std::filesystem::remove(bin);
  std::filesystem::remove(hex);
}

}  // namespace
}  // namespace cocoon::cli
