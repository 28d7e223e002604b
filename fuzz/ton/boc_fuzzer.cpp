// libFuzzer target for the BoC deserializer and the readers layered on it
// (cell slices, HashmapE dictionaries, StateInit).
#include <cstdlib>

#include "ton/boc.h"
#include "ton/cell_slice.h"
#include "ton/dictionary.h"
#include "ton/state_init.h"

namespace {

using cocoon::ton::CellRef;

void Exercise(const CellRef& root) {
  // Readers must fail cleanly on whatever the cell holds.
  {
    cocoon::ton::CellSlice s(root);
    (void)s.LoadCoins();
    (void)s.LoadAddress();
    (void)s.LoadMaybeRef();
  }
  {
    cocoon::ton::CellSlice s(root);
    (void)cocoon::ton::StateInit::Load(s);
  }
  for (unsigned key_bits : {32u, 256u}) {
    (void)cocoon::ton::Dictionary::FromRootCell(root, key_bits, 4096);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cocoon::ton::BocLimits limits;
  limits.max_bytes = 1 << 20;
  limits.max_cells = 1 << 14;
  auto roots = cocoon::ton::DeserializeBoc(cocoon::ByteSpan(data, size), limits);
  if (!roots.ok()) return 0;
  for (const CellRef& root : *roots) Exercise(root);

  // Whatever parsed must round-trip to the same hashes.
  for (bool index : {false, true}) {
    auto boc = cocoon::ton::SerializeBoc(*roots, {index, true});
    if (!boc.ok()) abort();
    auto again = cocoon::ton::DeserializeBoc(*boc);
    if (!again.ok() || again->size() != roots->size()) abort();
    for (size_t i = 0; i < roots->size(); ++i) {
      if ((*again)[i]->hash() != (*roots)[i]->hash()) abort();
    }
  }
  return 0;
}
