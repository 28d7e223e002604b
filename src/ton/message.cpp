#include "ton/message.h"

#include "ton/cell_builder.h"

namespace cocoon::ton {
namespace {

const CellRef& BodyOrEmpty(const CellRef& body) { return body ? body : Cell::Empty(); }

// Decides, like @ton/core, whether `body` fits inline after what `b` holds.
void StoreBody(CellBuilder& b, const CellRef& body, bool relaxed, bool force_ref) {
  const bool fits = !force_ref && b.available_bits() >= 1 + body->bits().size() &&
                    b.refs() + body->refs().size() <= 4 && !(relaxed && body->exotic());
  if (fits) {
    b.StoreBit(false).StoreCellContent(*body);
  } else {
    b.StoreBit(true).StoreRef(body);
  }
}

Status StoreInitAndBody(CellBuilder& b, const std::optional<StateInit>& init,
                        const CellRef& raw_body, bool relaxed, bool force_refs) {
  const CellRef& body = BodyOrEmpty(raw_body);
  if (!init) {
    b.StoreBit(false);
  } else {
    CellBuilder init_builder;
    init->Store(init_builder);
    COCOON_RETURN_IF_ERROR(init_builder.status());
    // @ton/core: a relaxed message keeps StateInit inline when its bits fit;
    // a full message only when StateInit and body bits both fit.
    const size_t needed = init_builder.bits() + (relaxed ? 0 : body->bits().size());
    b.StoreBit(true);
    if (!force_refs && b.available_bits() >= 2 + needed) {
      b.StoreBit(false).StoreBuilder(init_builder);
    } else {
      COCOON_ASSIGN_OR_RETURN(CellRef init_cell, init_builder.Finalize());
      b.StoreBit(true).StoreRef(init_cell);
    }
  }
  StoreBody(b, body, relaxed, force_refs);
  return b.status();
}

}  // namespace

Result<CellRef> CommentBody(std::string_view text) {
  // Fill cells back to front so each one knows its continuation.
  const size_t first_cap = (Cell::kMaxBits - 32) / 8;
  const size_t cap = Cell::kMaxBits / 8;
  std::vector<std::string_view> chunks;
  std::string_view rest = text;
  chunks.push_back(rest.substr(0, first_cap));
  rest.remove_prefix(chunks.back().size());
  while (!rest.empty()) {
    chunks.push_back(rest.substr(0, cap));
    rest.remove_prefix(chunks.back().size());
  }
  CellRef next;
  for (size_t i = chunks.size(); i > 0; --i) {
    CellBuilder b;
    if (i == 1) b.StoreUint(0, 32);
    b.StoreBytes(AsBytes(chunks[i - 1]));
    if (next) b.StoreRef(next);
    COCOON_ASSIGN_OR_RETURN(next, b.Finalize());
  }
  return next;
}

Result<CellRef> BuildInternalMessage(const InternalMessage& m) {
  CellBuilder b;
  b.StoreBit(false)                 // int_msg_info$0
      .StoreBit(true)               // ihr_disabled
      .StoreBit(m.bounce)           // bounce
      .StoreBit(false)              // bounced
      .StoreAddress(std::nullopt)   // src: filled in by the validator
      .StoreAddress(m.destination)  // dest
      .StoreCoins(m.value)          // value: grams
      .StoreBit(false)              // value: no extra currencies
      .StoreCoins(0)                // ihr_fee
      .StoreCoins(0)                // fwd_fee
      .StoreUint(0, 64)             // created_lt
      .StoreUint(0, 32);            // created_at
  COCOON_RETURN_IF_ERROR(StoreInitAndBody(b, m.init, m.body, /*relaxed=*/true, m.force_refs));
  return b.Finalize();
}

Result<CellRef> BuildExternalMessage(const ExternalMessage& m) {
  CellBuilder b;
  b.StoreUint(2, 2)                 // ext_in_msg_info$10
      .StoreAddress(std::nullopt)   // src: addr_none
      .StoreAddress(m.destination)  // dest
      .StoreCoins(0);               // import_fee
  COCOON_RETURN_IF_ERROR(StoreInitAndBody(b, m.init, m.body, /*relaxed=*/false, m.force_refs));
  return b.Finalize();
}

}  // namespace cocoon::ton
