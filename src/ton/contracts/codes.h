// Code cells of the Cocoon contracts and where a daemon gets them.
//
// The root stores the proxy, client and worker code (`get_codes`, and the
// third reference of its storage), so a daemon that knows the root address
// takes the codes from the chain (FetchCodes in getters.h): the addresses it
// derives then match the ones the root and proxies compute. The root's own
// code is not stored anywhere on chain but in the root account itself; tools
// that deploy a root load it from the compiler output, contracts/build/<name>.json
// ({"codeBoc64": "...", "codeHashHex": "..."}, written by contracts/lib/compile.js).
//
// Thread-safety: plain values over immutable cells; the loaders read files.
#pragma once

#include <filesystem>

#include "ton/cell.h"

namespace cocoon::ton::contracts {

// The three codes the root hands out. A root deployed without codes holds
// empty cells; Complete() is false then.
struct ContractCodes {
  CellRef proxy;
  CellRef client;
  CellRef worker;

  bool Complete() const;
};

// Reads contracts/build/<name>.json and checks that the code's hash is the
// codeHashHex it states. Errors name the file.
Result<CellRef> LoadCompiledCode(const std::filesystem::path& json_file);
// proxy.json, client.json and worker.json from `build_dir`.
Result<ContractCodes> LoadCompiledCodes(const std::filesystem::path& build_dir);

}  // namespace cocoon::ton::contracts
