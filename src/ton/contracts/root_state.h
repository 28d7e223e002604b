// RootState: the whole registry of a root contract, read from its storage
// cell (the account's data) in one consistent piece:
//
//   owner:MsgAddressInt version:uint32 next_proxy_seqno:uint32
//   ^[proxy_images:(HashmapE 256 Bool) worker_images:(HashmapE 256 Bool)
//     models:(HashmapE 256 Bool) proxies:(HashmapE 32 ^Cell)]
//   ^Params ^[proxy_code:^Cell client_code:^Cell worker_code:^Cell]
//
// The root has no get-method that lists its image and model hashes (only
// is_*_allowed(hash)), so a reader that needs the lists takes them from the
// storage; one account read also cannot mix two versions, as a series of
// get-methods could.
//
// The storage is input from the network: every field is checked, lists are
// capped (kResourceExhausted beyond `max_entries` per list), an endpoint
// must be snake UTF-8 text of at most 4 KiB; anything else malformed is
// kInvalidArgument naming the part.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <map>
#include <set>
#include <string>

#include "ton/address.h"
#include "ton/contracts/codes.h"
#include "ton/contracts/getters.h"
#include "ton/contracts/params.h"

namespace cocoon::ton::contracts {

struct RootState {
  Address owner;
  uint32_t version = 0;
  uint32_t next_proxy_seqno = 0;
  std::set<Hash256> proxy_images;
  std::set<Hash256> worker_images;
  std::set<Hash256> models;                 // SHA-256 of model names
  std::map<uint32_t, std::string> proxies;  // seqno -> endpoint
  Params params;
  ContractCodes codes;  // empty cells until set_codes
};

Result<RootState> ParseRootState(const CellRef& data, size_t max_entries = 4096);

}  // namespace cocoon::ton::contracts
