// StateInit: the code and data a contract is deployed with, and the address
// that follows from them (TL-B StateInit; address = hash of its cell).
//
// Thread-safety: plain values over immutable cells.
#pragma once

#include <optional>

#include "ton/address.h"
#include "ton/cell.h"
#include "ton/cell_builder.h"
#include "ton/cell_slice.h"

namespace cocoon::ton {

struct TickTock {
  bool tick = false;
  bool tock = false;
};

struct StateInit {
  std::optional<uint8_t> split_depth;  // 5 bits
  std::optional<TickTock> special;
  CellRef code;       // null: absent
  CellRef data;       // null: absent
  CellRef libraries;  // root of HashmapE 256 SimpleLib; null: empty

  // Appends the TL-B StateInit to `builder` (errors surface at Finalize).
  void Store(CellBuilder& builder) const;
  Result<CellRef> ToCell() const;
  static Result<StateInit> Load(CellSlice& slice);
};

// The address of the contract deployed with `init` in `workchain`.
Result<Address> ContractAddress(int8_t workchain, const StateInit& init);

}  // namespace cocoon::ton
