// Messages: internal messages a wallet sends (MessageRelaxed) and external
// inbound messages sent to a contract from outside (Message with
// ext_in_msg_info), laid out exactly as @ton/core's storeMessageRelaxed and
// storeMessage do, including when StateInit and body go inline or by
// reference.
//
// Thread-safety: plain values over immutable cells.
#pragma once

#include <optional>

#include "ton/address.h"
#include "ton/cell.h"
#include "ton/state_init.h"
#include "ton/uint128.h"

namespace cocoon::ton {

// An outgoing internal message as a wallet sends it: source addr_none (the
// validator fills it in), IHR disabled, fees, lt and time zero.
struct InternalMessage {
  Address destination;
  Uint128 value = 0;  // nanotons
  bool bounce = true;
  std::optional<StateInit> init;
  CellRef body;             // null: empty body
  bool force_refs = false;  // StateInit and body by reference even when they fit inline
};

// A text comment body: op 0, then the UTF-8 text, continued in references
// when longer than one cell.
Result<CellRef> CommentBody(std::string_view text);

// MessageRelaxed with int_msg_info.
Result<CellRef> BuildInternalMessage(const InternalMessage& message);

struct ExternalMessage {
  Address destination;
  std::optional<StateInit> init;  // set to deploy the contract with this message
  CellRef body;                   // null: empty body
  bool force_refs = false;        // StateInit and body by reference even when they fit inline
};

// Message with ext_in_msg_info (source addr_none, import fee zero).
Result<CellRef> BuildExternalMessage(const ExternalMessage& message);

}  // namespace cocoon::ton
