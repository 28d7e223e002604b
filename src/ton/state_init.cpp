#include "ton/state_init.h"

namespace cocoon::ton {

void StateInit::Store(CellBuilder& builder) const {
  if (split_depth) {
    builder.StoreBit(true).StoreUint(*split_depth, 5);
  } else {
    builder.StoreBit(false);
  }
  if (special) {
    builder.StoreBit(true).StoreBit(special->tick).StoreBit(special->tock);
  } else {
    builder.StoreBit(false);
  }
  builder.StoreMaybeRef(code).StoreMaybeRef(data).StoreMaybeRef(libraries);
}

Result<CellRef> StateInit::ToCell() const {
  CellBuilder b;
  Store(b);
  return b.Finalize();
}

Result<StateInit> StateInit::Load(CellSlice& slice) {
  StateInit init;
  COCOON_ASSIGN_OR_RETURN(bool has_split, slice.LoadBit());
  if (has_split) {
    COCOON_ASSIGN_OR_RETURN(uint64_t depth, slice.LoadUint(5));
    init.split_depth = static_cast<uint8_t>(depth);
  }
  COCOON_ASSIGN_OR_RETURN(bool has_special, slice.LoadBit());
  if (has_special) {
    TickTock tt;
    COCOON_ASSIGN_OR_RETURN(tt.tick, slice.LoadBit());
    COCOON_ASSIGN_OR_RETURN(tt.tock, slice.LoadBit());
    init.special = tt;
  }
  COCOON_ASSIGN_OR_RETURN(init.code, slice.LoadMaybeRef());
  COCOON_ASSIGN_OR_RETURN(init.data, slice.LoadMaybeRef());
  COCOON_ASSIGN_OR_RETURN(init.libraries, slice.LoadMaybeRef());
  return init;
}

Result<Address> ContractAddress(int8_t workchain, const StateInit& init) {
  COCOON_ASSIGN_OR_RETURN(CellRef cell, init.ToCell());
  Address a;
  a.workchain = workchain;
  a.hash = cell->hash();
  return a;
}

}  // namespace cocoon::ton
