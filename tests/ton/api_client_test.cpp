// The TON HTTP API v2 client against a local server on 127.0.0.1 that
// answers like toncenter (recorded answers), including errors, rate limits,
// timeouts and malformed JSON.
#include "ton/api_client.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "local_http_server.h"
#include "ton/boc.h"
#include "ton/cell_builder.h"
#include "ton/wallet_code.h"

namespace cocoon::ton {
namespace {

using nlohmann::json;
using testing::LocalHttpServer;
using Reply = LocalHttpServer::Reply;

class RecordingSleeper final : public Sleeper {
 public:
  void SleepFor(std::chrono::milliseconds d) override { waits.push_back(d.count()); }
  std::vector<int64_t> waits;
};

const char kWallet[] = "0:83dfd552e63729b472fcbcc8c45ebcc6691702558b68ec7527e1ba403a0f31a8";

std::string B64Boc(const CellRef& cell) { return Base64Encode(*SerializeBoc(cell, {false, true})); }

Reply Ok(const json& result) { return Reply{200, json{{"ok", true}, {"result", result}}.dump()}; }

class ApiClientTest : public ::testing::Test {
 protected:
  TonApiClient Client(const LocalHttpServer& server, int attempts = 4, int timeout_ms = 2000) {
    ApiConfig config = *ApiConfig::ForNetwork(server.endpoint());
    config.max_attempts = attempts;
    config.timeout = std::chrono::milliseconds(timeout_ms);
    config.api_key = "test-key";
    return TonApiClient(config, MakeCurlTransport(), sleeper_);
  }
  Address wallet_ = *ParseRawAddress(kWallet);
  RecordingSleeper sleeper_;
};

TEST_F(ApiClientTest, GetAddressInformationParsesRecordedAnswer) {
  CellRef data = *CellBuilder().StoreUint(7, 32).Finalize();
  LocalHttpServer server([&](const LocalHttpServer::Request&) {
    return Ok({{"@type", "raw.fullAccountState"},
               {"balance", "1234567890123"},
               {"code", B64Boc(WalletV4R2Code())},
               {"data", B64Boc(data)},
               {"last_transaction_id",
                {{"@type", "internal.transactionId"},
                 {"lt", "47000000000003"},
                 {"hash", "n3Zvdo7g1m5FgiKBdQ4ufqbkdMrP7WdpyJ1lQ6n8YVc="}}},
               {"frozen_hash", ""},
               {"sync_utime", 1718000000},
               {"state", "active"}});
  });
  Result<AccountInfo> info = Client(server).GetAddressInformation(wallet_);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->status, AccountStatus::kActive);
  EXPECT_EQ(Uint128ToString(info->balance), "1234567890123");
  EXPECT_EQ(info->code->hash(), WalletV4R2Code()->hash());
  EXPECT_EQ(info->data->hash(), data->hash());
  ASSERT_TRUE(info->last_transaction.has_value());
  EXPECT_EQ(info->last_transaction->lt, 47000000000003u);
  EXPECT_EQ(info->sync_utime, 1718000000);

  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "GET");
  EXPECT_EQ(reqs[0].target,
            "/api/v2/"
            "getAddressInformation?address=0%"
            "3A83dfd552e63729b472fcbcc8c45ebcc6691702558b68ec7527e1ba403a0f31a8");
  EXPECT_EQ(reqs[0].headers["x-api-key"], "test-key");
}

TEST_F(ApiClientTest, UninitializedEmptyAccountIsNonexistent) {
  LocalHttpServer server([](const LocalHttpServer::Request&) {
    return Ok({{"balance", "0"},
               {"code", ""},
               {"data", ""},
               {"last_transaction_id",
                {{"lt", "0"}, {"hash", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}}},
               {"state", "uninitialized"}});
  });
  Result<AccountInfo> info = Client(server).GetAddressInformation(wallet_);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->status, AccountStatus::kNonexistent);
  EXPECT_EQ(info->code, nullptr);
}

TEST_F(ApiClientTest, BalanceAndState) {
  LocalHttpServer server([](const LocalHttpServer::Request& r) {
    if (r.target.find("getAddressBalance") != std::string::npos) return Ok("5000000000");
    return Ok("frozen");
  });
  TonApiClient client = Client(server);
  EXPECT_EQ(Uint128ToString(*client.GetBalance(wallet_)), "5000000000");
  EXPECT_EQ(*client.GetState(wallet_), AccountStatus::kFrozen);
}

TEST_F(ApiClientTest, RunGetMethodEncodesAndDecodesTheStack) {
  CellRef arg = *CellBuilder().StoreUint(0xabcd, 16).Finalize();
  CellRef out_cell = *CellBuilder().StoreUint(1, 8).StoreRef(arg).Finalize();
  LocalHttpServer server([&](const LocalHttpServer::Request&) {
    json tuple = {{"@type", "tvm.tuple"},
                  {"elements",
                   {{{"@type", "tvm.stackEntryNumber"},
                     {"number", {{"@type", "tvm.numberDecimal"}, {"number", "-42"}}}},
                    {{"@type", "tvm.stackEntryCell"},
                     {"cell", {{"@type", "tvm.cell"}, {"bytes", B64Boc(arg)}}}},
                    {{"@type", "tvm.stackEntryTuple"}, {"tuple", {{"elements", json::array()}}}}}}};
    return Ok(
        {{"gas_used", 2994},
         {"stack",
          json::array(
              {json::array({"num", "0x2a"}), json::array({"num", "-0x1"}),
               json::array(
                   {"num", "0xff00000000000000000000000000000000000000000000000000000000000001"}),
               json::array({"cell", {{"bytes", B64Boc(out_cell)}, {"object", json::object()}}}),
               json::array({"slice", {{"bytes", B64Boc(arg)}}}), json::array({"tuple", tuple})})},
         {"exit_code", 0}});
  });
  Result<GetMethodResult> r = Client(server).RunGetMethod(
      wallet_, "get_stuff",
      {StackEntry::Number(TvmInt::FromInt64(-7)), StackEntry::Cell(arg), StackEntry::Slice(arg)});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(r->gas_used, 2994);
  ASSERT_EQ(r->stack.size(), 6u);
  EXPECT_EQ(*r->stack[0].number.ToInt64(), 42);
  EXPECT_EQ(*r->stack[1].number.ToInt64(), -1);
  EXPECT_EQ(HexEncode(*r->stack[2].number.ToBytes(32)),
            "ff00000000000000000000000000000000000000000000000000000000000001");
  EXPECT_FALSE(r->stack[2].number.ToInt64().ok());
  EXPECT_EQ(r->stack[3].kind, StackEntry::Kind::kCell);
  EXPECT_EQ(r->stack[3].cell->hash(), out_cell->hash());
  EXPECT_EQ(r->stack[4].kind, StackEntry::Kind::kSlice);
  ASSERT_EQ(r->stack[5].kind, StackEntry::Kind::kTuple);
  ASSERT_EQ(r->stack[5].items.size(), 3u);
  EXPECT_EQ(*r->stack[5].items[0].number.ToInt64(), -42);
  EXPECT_EQ(r->stack[5].items[1].cell->hash(), arg->hash());

  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].target, "/api/v2/runGetMethod");
  json sent = json::parse(reqs[0].body);
  EXPECT_EQ(sent["address"], kWallet);
  EXPECT_EQ(sent["method"], "get_stuff");
  EXPECT_EQ(sent["stack"][0], json::array({"num", "-0x7"}));
  EXPECT_EQ(sent["stack"][1][0], "tvm.Cell");
  EXPECT_EQ(sent["stack"][2][0], "tvm.Slice");
  EXPECT_EQ(sent["stack"][1][1], Base64Encode(*SerializeBoc(arg, {false, false})));
}

TEST_F(ApiClientTest, RunGetMethodRejectsMalformedStack) {
  for (const json& bad :
       {json{{"stack", json::array({json::array({"num", "zz"})})}, {"exit_code", 0}},
        json{{"stack", json::array({json::array({"cell", {{"bytes", "not base64!"}}})})},
             {"exit_code", 0}},
        json{{"stack", json::array({json::array({"cell", {{"bytes", "AAAA"}}})})},
             {"exit_code", 0}},
        json{{"stack", "nope"}, {"exit_code", 0}}, json{{"exit_code", 0}}}) {
    LocalHttpServer server([&](const LocalHttpServer::Request&) { return Ok(bad); });
    Result<GetMethodResult> r = Client(server).RunGetMethod(wallet_, "seqno");
    ASSERT_FALSE(r.ok()) << bad.dump();
    EXPECT_EQ(r.status().code(), ErrorCode::kProtocol) << r.status().ToString();
  }
}

TEST_F(ApiClientTest, SendBocAndReturnHash) {
  CellRef msg = *CellBuilder().StoreUint(0x1234, 16).Finalize();
  Bytes boc = *SerializeBoc(msg);
  LocalHttpServer server([&](const LocalHttpServer::Request& r) {
    if (r.target.ends_with("sendBoc")) return Ok({{"@type", "ok"}});
    return Ok({{"@type", "ext_message_info"}, {"hash", Base64Encode(msg->hash())}});
  });
  TonApiClient client = Client(server);
  EXPECT_TRUE(client.SendBoc(boc).ok());
  Result<Bytes> hash = client.SendBocReturnHash(boc);
  ASSERT_TRUE(hash.ok()) << hash.status().ToString();
  EXPECT_EQ(HexEncode(*hash), HexEncode(msg->hash()));
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(json::parse(reqs[0].body)["boc"], Base64Encode(boc));
  EXPECT_EQ(reqs[0].headers["content-type"], "application/json");
}

TEST_F(ApiClientTest, GetTransactionsParsesRecordedAnswer) {
  CellRef body = *CellBuilder().StoreUint(0, 32).StoreBytes(AsBytes("hi")).Finalize();
  LocalHttpServer server([&](const LocalHttpServer::Request&) {
    json in_msg = {
        {"@type", "raw.message"},
        {"source", "EQBvW8Z5huBkMJYdnfAEM5JqTNkuWX3diqYENkWsIL0XggGG"},
        {"destination", "EQCD39VS5jcptHL8vMjEXrzGaRcCVYto7HUn4bpAOg8xqB2N"},
        {"value", "1000000000"},
        {"fwd_fee", "266669"},
        {"ihr_fee", "0"},
        {"created_lt", "47000000000002"},
        {"body_hash", "lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c="},
        {"msg_data", {{"@type", "msg.dataRaw"}, {"body", B64Boc(body)}, {"init_state", ""}}},
        {"message", "hi"}};
    return Ok(json::array(
        {{{"@type", "raw.transaction"},
          {"utime", 1718000001},
          {"data", B64Boc(body)},
          {"transaction_id",
           {{"lt", "47000000000003"}, {"hash", "n3Zvdo7g1m5FgiKBdQ4ufqbkdMrP7WdpyJ1lQ6n8YVc="}}},
          {"fee", "1234"},
          {"storage_fee", "34"},
          {"other_fee", "1200"},
          {"in_msg", in_msg},
          {"out_msgs", json::array({in_msg})}}}));
  });
  TransactionId from{47000000000010u, Bytes(32, 0xab)};
  Result<std::vector<Transaction>> txs = Client(server).GetTransactions(wallet_, 5, from, true);
  ASSERT_TRUE(txs.ok()) << txs.status().ToString();
  ASSERT_EQ(txs->size(), 1u);
  const Transaction& t = (*txs)[0];
  EXPECT_EQ(t.id.lt, 47000000000003u);
  EXPECT_EQ(t.id.hash.size(), 32u);
  EXPECT_EQ(t.utime, 1718000001);
  EXPECT_EQ(Uint128ToString(t.fee), "1234");
  ASSERT_TRUE(t.in_msg.has_value());
  EXPECT_EQ(Uint128ToString(t.in_msg->value), "1000000000");
  EXPECT_EQ(t.in_msg->comment, "hi");
  EXPECT_EQ(t.in_msg->body->hash(), body->hash());
  EXPECT_EQ(t.out_msgs.size(), 1u);
  const std::string target = server.requests()[0].target;
  EXPECT_NE(target.find("limit=5"), std::string::npos);
  EXPECT_NE(target.find("lt=47000000000010"), std::string::npos);
  EXPECT_NE(target.find("archival=true"), std::string::npos);
  EXPECT_FALSE(Client(server).GetTransactions(wallet_, 0).ok());
}

TEST_F(ApiClientTest, RetriesRateLimitsAndServerErrorsWithBackoff) {
  int calls = 0;
  LocalHttpServer server([&](const LocalHttpServer::Request&) {
    ++calls;
    if (calls == 1) return Reply{429, R"({"ok":false,"error":"Ratelimit exceed","code":429})"};
    if (calls == 2) return Reply{502, "<html>bad gateway</html>"};
    if (calls == 3)
      return Reply{429, R"({"ok":false,"error":"Ratelimit exceed"})", {{"Retry-After", "3"}}};
    return Ok("77");
  });
  Result<Uint128> balance = Client(server).GetBalance(wallet_);
  ASSERT_TRUE(balance.ok()) << balance.status().ToString();
  EXPECT_EQ(Uint128ToString(*balance), "77");
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(sleeper_.waits, (std::vector<int64_t>{500, 1000, 3000}));
}

TEST_F(ApiClientTest, GivesUpAfterMaxAttempts) {
  LocalHttpServer server([&](const LocalHttpServer::Request&) {
    return Reply{503,
                 R"({"ok":false,"error":"LITE_SERVER_UNKNOWN: cannot load block","code":503})"};
  });
  Result<Uint128> balance = Client(server, 3).GetBalance(wallet_);
  ASSERT_FALSE(balance.ok());
  EXPECT_EQ(balance.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(balance.status().message().find("LITE_SERVER_UNKNOWN"), std::string::npos);
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(sleeper_.waits, (std::vector<int64_t>{500, 1000}));
}

TEST_F(ApiClientTest, ClientErrorsAreNotRetried) {
  LocalHttpServer server([&](const LocalHttpServer::Request&) {
    return Reply{416, R"({"ok":false,"error":"Incorrect address: invalid","code":416})"};
  });
  Result<Uint128> balance = Client(server).GetBalance(wallet_);
  ASSERT_FALSE(balance.ok());
  EXPECT_EQ(balance.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(balance.status().message().find("Incorrect address"), std::string::npos);
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_TRUE(sleeper_.waits.empty());
}

TEST_F(ApiClientTest, MalformedJsonIsAProtocolError) {
  for (const std::string& body :
       {std::string("{\"ok\": true, \"result\": "), std::string("not json"),
        std::string(100000, '['), std::string(R"({"ok":true})"),
        std::string(R"({"ok":true,"result":{"state":"weird"}})")}) {
    LocalHttpServer server([&](const LocalHttpServer::Request&) { return Reply{200, body}; });
    Result<AccountInfo> r = Client(server).GetAddressInformation(wallet_);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kProtocol) << r.status().ToString();
    EXPECT_EQ(server.requests().size(), 1u);
  }
}

TEST_F(ApiClientTest, TimeoutsAreRetriedThenReported) {
  LocalHttpServer server([&](const LocalHttpServer::Request&) {
    Reply r = Ok("1");
    r.delay_ms = 1500;
    return r;
  });
  const auto start = std::chrono::steady_clock::now();
  Result<Uint128> r = Client(server, 2, 200).GetBalance(wallet_);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kDeadlineExceeded) << r.status().ToString();
  EXPECT_EQ(sleeper_.waits.size(), 1u);
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST_F(ApiClientTest, DroppedConnectionAndRefusedPortAreUnavailable) {
  {
    LocalHttpServer server([&](const LocalHttpServer::Request&) {
      Reply r;
      r.drop = true;
      return r;
    });
    Result<Uint128> r = Client(server, 2).GetBalance(wallet_);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kUnavailable) << r.status().ToString();
    EXPECT_EQ(server.requests().size(), 2u);
  }
  int port;
  {
    LocalHttpServer server([](const LocalHttpServer::Request&) { return Ok("1"); });
    port = server.port();
  }
  ApiConfig config =
      *ApiConfig::ForNetwork("http://127.0.0.1:" + std::to_string(port) + "/api/v2/");
  EXPECT_EQ(config.endpoint, "http://127.0.0.1:" + std::to_string(port) + "/api/v2");
  config.max_attempts = 2;
  TonApiClient client(config, MakeCurlTransport(), sleeper_);
  Result<Uint128> r = client.GetBalance(wallet_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUnavailable) << r.status().ToString();
}

TEST(ApiConfigTest, EndpointFromConfiguration) {
  EXPECT_EQ(ApiConfig::ForNetwork("mainnet")->endpoint, "https://toncenter.com/api/v2");
  EXPECT_EQ(ApiConfig::ForNetwork("testnet")->endpoint, "https://testnet.toncenter.com/api/v2");
  EXPECT_FALSE(ApiConfig::ForNetwork("ftp://x").ok());
  EXPECT_FALSE(ApiConfig::ForNetwork("").ok());
}

TEST(TvmIntTest, ParsesAndFormats) {
  EXPECT_EQ(TvmInt::Parse("0x1F")->ToDecimal(), "31");
  EXPECT_EQ(TvmInt::Parse("-255")->ToHex(), "-0xff");
  EXPECT_EQ(TvmInt::Parse("0")->ToHex(), "0x0");
  EXPECT_EQ(TvmInt::FromInt64(INT64_MIN).ToDecimal(), "-9223372036854775808");
  EXPECT_EQ(*TvmInt::FromInt64(INT64_MIN).ToInt64(), INT64_MIN);
  EXPECT_EQ(TvmInt::FromUint128(kMaxCoins).ToDecimal(), "1329227995784915872903807060280344575");
  // 2^256 fits in 257 bits; 2^257 does not.
  EXPECT_TRUE(TvmInt::Parse("0x1" + std::string(64, '0')).ok());
  EXPECT_FALSE(TvmInt::Parse("0x2" + std::string(64, '0')).ok());
  EXPECT_FALSE(TvmInt::Parse("").ok());
  EXPECT_FALSE(TvmInt::Parse("-").ok());
  EXPECT_FALSE(TvmInt::Parse("12z").ok());
  EXPECT_FALSE(TvmInt::Parse("-1")->ToUint128().ok());
}

}  // namespace
}  // namespace cocoon::ton
