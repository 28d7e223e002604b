// Get-method readers against malformed, mistyped and out-of-range stacks:
// every case is a clear error, never a crash or a truncated value.
#include <gtest/gtest.h>

#include "ton/cell_builder.h"
#include "ton/contracts/getters.h"
#include "ton/contracts/stack_reader.h"

namespace cocoon::ton::contracts {
namespace {

StackEntry Num(int64_t v) { return StackEntry::Number(TvmInt::FromInt64(v)); }
StackEntry Big(const char* text) { return StackEntry::Number(*TvmInt::Parse(text)); }
StackEntry AddrSlice(const Address& a) {
  CellBuilder b;
  b.StoreAddress(a);
  return StackEntry::Slice(*b.Finalize());
}
GetMethodResult Stack(std::vector<StackEntry> s, int exit_code = 0) {
  GetMethodResult r;
  r.exit_code = exit_code;
  r.stack = std::move(s);
  return r;
}
std::vector<StackEntry> GoodParams() {
  return {Num(1000),  Num(800),  Num(10000), Num(1000),           Num(10000),
          Num(10000), Num(3600), Num(600),   Num(10'000'000'000), Num(1'000'000'000)};
}

void ExpectError(const Status& st, ErrorCode code, const std::string& part) {
  EXPECT_EQ(st.code(), code) << st.ToString();
  EXPECT_NE(st.message().find(part), std::string::npos) << st.ToString();
}

TEST(StackReaderTest, GoodParamsDecode) {
  Result<Params> p = DecodeParams(Stack(GoodParams()));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->price_per_token, 1000u);
  EXPECT_EQ(p->min_client_stake, 1'000'000'000u);
}

TEST(StackReaderTest, WrongCountIsAnError) {
  auto s = GoodParams();
  s.pop_back();
  ExpectError(DecodeParams(Stack(s)).status(), ErrorCode::kProtocol, "min_client_stake is missing");
  s = GoodParams();
  s.push_back(Num(1));
  ExpectError(DecodeParams(Stack(s)).status(), ErrorCode::kProtocol,
              "11 stack entries, expected 10");
  ExpectError(DecodeVersion(Stack({})).status(), ErrorCode::kProtocol, "version is missing");
}

TEST(StackReaderTest, WrongKindsAreErrors) {
  auto s = GoodParams();
  s[2] = StackEntry::Cell(Cell::Empty());
  ExpectError(DecodeParams(Stack(s)).status(), ErrorCode::kProtocol,
              "prompt_mult: a cell, not a number");
  s = GoodParams();
  s[0] = StackEntry::Tuple({Num(1)});
  ExpectError(DecodeParams(Stack(s)).status(), ErrorCode::kProtocol, "a tuple");
  ExpectError(DecodeRootData(Stack({Num(5), Num(1), Num(1)})).status(), ErrorCode::kProtocol,
              "owner: a number, not an address slice");
  ExpectError(DecodeCodes(Stack({Num(1), Num(1), Num(1)})).status(), ErrorCode::kProtocol,
              "proxy_code: a number, not a cell");
  ExpectError(DecodeBool(Stack({StackEntry{}}), "is_ready").status(), ErrorCode::kProtocol,
              "a null, not a bool");
}

TEST(StackReaderTest, OutOfRangeValuesAreErrors) {
  auto s = GoodParams();
  s[4] = Num(int64_t{1} << 32);
  ExpectError(DecodeParams(Stack(s)).status(), ErrorCode::kProtocol, "does not fit in 32 bits");
  s = GoodParams();
  s[0] = Num(-1);
  ExpectError(DecodeParams(Stack(s)).status(), ErrorCode::kProtocol, "negative");
  s = GoodParams();
  s[8] = Big("0x1000000000000000000000000000000");  // 2^120
  ExpectError(DecodeParams(Stack(s)).status(), ErrorCode::kProtocol, "above 2^120 - 1");
  s = GoodParams();
  s[9] = Big("0x8000000000000000000000000000000000000000000000000000000000000000");  // 2^255
  ExpectError(DecodeParams(Stack(s)).status(), ErrorCode::kProtocol, "min_client_stake");
  ExpectError(DecodeBool(Stack({Num(5)}), "is_ready").status(), ErrorCode::kProtocol,
              "is not -1 or 0");
  ExpectError(
      DecodeProxyData(Stack({Num(3), Num(0), Num(0), Num(0), Num(0), Num(0), Num(0)})).status(),
      ErrorCode::kProtocol, "state 3");
  ExpectError(DecodeAnchor(Stack({Num(1), Num(-5)})).status(), ErrorCode::kProtocol,
              "session_hash");
  ExpectError(DecodeWorkerData(Stack({Num(0), Big("0x10000000000000000")})).status(),
              ErrorCode::kProtocol, "tokens_paid");
}

TEST(StackReaderTest, GoodAddressesDecode) {
  const Address a{-1, {7, 7}};
  Result<RootData> d = DecodeRootData(Stack({AddrSlice(a), Num(4), Num(2)}));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->owner, a);
  EXPECT_EQ(d->version, 4u);
  // A stack entry of kind cell is accepted where a slice is expected.
  StackEntry as_cell = AddrSlice(a);
  as_cell.kind = StackEntry::Kind::kCell;
  EXPECT_EQ(*DecodeAddress(Stack({as_cell}), "get_owner"), a);
}

TEST(StackReaderTest, BadAddressesAreErrors) {
  CellBuilder none;
  none.StoreAddress(std::nullopt);
  ExpectError(
      DecodeAddress(Stack({StackEntry::Slice(*none.Finalize())}), "get_proxy_address").status(),
      ErrorCode::kProtocol, "addr_none");
  CellBuilder junk;
  junk.StoreUint(0b111, 3);
  ExpectError(
      DecodeAddress(Stack({StackEntry::Slice(*junk.Finalize())}), "get_client_address").status(),
      ErrorCode::kProtocol, "get_client_address returned a bad address");
  ExpectError(DecodeAddress(Stack({StackEntry::Slice(Cell::Empty())}), "get_owner").status(),
              ErrorCode::kProtocol, "get_owner");
}

TEST(StackReaderTest, ExitCodesAreNamed) {
  ExpectError(DecodeVersion(Stack({}, -13)).status(), ErrorCode::kNotFound, "not active");
  ExpectError(DecodeVersion(Stack({}, 11)).status(), ErrorCode::kFailedPrecondition,
              "exit code 11");
  ExpectError(DecodeVersion(Stack({}, 116)).status(), ErrorCode::kFailedPrecondition,
              "116 (contract code not set)");
  EXPECT_TRUE(DecodeVersion(Stack({Num(3)}, 1)).ok());  // 1 is TVM's alternative success
}

TEST(StackReaderTest, EndpointTextIsChecked) {
  CellBuilder bad;
  bad.StoreUint(0xff, 8);  // not UTF-8
  ExpectError(DecodeProxyEndpoint(Stack({Num(-1), StackEntry::Cell(*bad.Finalize())})).status(),
              ErrorCode::kProtocol, "UTF-8");
  Result<std::optional<std::string>> none =
      DecodeProxyEndpoint(Stack({Num(0), StackEntry::Cell(Cell::Empty())}));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

}  // namespace
}  // namespace cocoon::ton::contracts
