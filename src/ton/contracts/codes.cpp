#include "ton/contracts/codes.h"

#include <nlohmann/json.hpp>

#include "ton/boc.h"
#include "util/bytes.h"
#include "util/file.h"

namespace cocoon::ton::contracts {
namespace {

bool NonEmpty(const CellRef& c) { return c && (!c->bits().empty() || !c->refs().empty()); }

}  // namespace

bool ContractCodes::Complete() const {
  return NonEmpty(proxy) && NonEmpty(client) && NonEmpty(worker);
}

Result<CellRef> LoadCompiledCode(const std::filesystem::path& json_file) {
  const std::string where = json_file.string() + ": ";
  Result<std::string> text = ReadFile(json_file, 4 << 20);
  if (!text.ok()) return text.status();
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("codeBoc64") || !j["codeBoc64"].is_string())
    return InvalidArgument(where + "not a compiled contract (no string codeBoc64)");
  Result<Bytes> boc = Base64Decode(j["codeBoc64"].get<std::string>());
  if (!boc.ok()) return InvalidArgument(where + "codeBoc64 is not base64");
  Result<CellRef> code = DeserializeBocSingleRoot(*boc);
  if (!code.ok()) return code.status().WithContext(where + "codeBoc64");
  if (j.contains("codeHashHex")) {
    if (!j["codeHashHex"].is_string())
      return InvalidArgument(where + "codeHashHex is not a string");
    Result<Bytes> want = HexDecode(j["codeHashHex"].get<std::string>());
    const CellHash& got = (*code)->hash();
    if (!want.ok() || *want != Bytes(got.begin(), got.end()))
      return InvalidArgument(where + "the code's hash is not codeHashHex (" + HexEncode(got) + ")");
  }
  return code;
}

Result<ContractCodes> LoadCompiledCodes(const std::filesystem::path& build_dir) {
  ContractCodes codes;
  COCOON_ASSIGN_OR_RETURN(codes.proxy, LoadCompiledCode(build_dir / "proxy.json"));
  COCOON_ASSIGN_OR_RETURN(codes.client, LoadCompiledCode(build_dir / "client.json"));
  COCOON_ASSIGN_OR_RETURN(codes.worker, LoadCompiledCode(build_dir / "worker.json"));
  return codes;
}

}  // namespace cocoon::ton::contracts
