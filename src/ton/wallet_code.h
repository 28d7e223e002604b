// Code cells of the standard TON wallet contracts (public constants).
//
// Thread-safety: the cells are created once, on first use, thread-safely.
#pragma once

#include "ton/cell.h"

namespace cocoon::ton {

// Never null (the constants are verified by the tests against @ton/ton).
const CellRef& WalletV4R2Code();
const CellRef& WalletV5R1Code();

}  // namespace cocoon::ton
