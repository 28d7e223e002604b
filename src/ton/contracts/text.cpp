#include "ton/contracts/text.h"

#include <vector>

#include "ton/cell_builder.h"

namespace cocoon::ton::contracts {
namespace {

constexpr size_t kBytesPerCell = Cell::kMaxBits / 8;  // 127

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

}  // namespace

Result<CellRef> SnakeTextCell(std::string_view text, size_t max_bytes) {
  if (text.size() > max_bytes)
    return InvalidArgument("text is " + std::to_string(text.size()) + " bytes, more than " +
                           std::to_string(max_bytes));
  // Built from the tail: each cell holds its piece and refers to the next.
  std::vector<std::string_view> pieces;
  for (size_t pos = 0; pos < text.size(); pos += kBytesPerCell)
    pieces.push_back(text.substr(pos, kBytesPerCell));
  CellRef next;
  for (auto it = pieces.rbegin(); it != pieces.rend(); ++it) {
    CellBuilder b;
    b.StoreBytes(AsBytes(*it));
    if (next) b.StoreRef(next);
    COCOON_ASSIGN_OR_RETURN(next, b.Finalize());
  }
  return next ? next : Cell::Empty();
}

Result<std::string> ReadSnakeText(const CellRef& cell, size_t max_bytes) {
  std::string out;
  CellRef c = cell;
  while (c) {
    if (c->exotic()) return InvalidArgument("text cell is exotic");
    const size_t bits = c->bits().size();
    if (bits % 8 != 0) return InvalidArgument("text cell holds a partial byte");
    if (c->refs().size() > 1) return InvalidArgument("text cell has more than one reference");
    if (out.size() + bits / 8 > max_bytes)
      return InvalidArgument("text is longer than " + std::to_string(max_bytes) + " bytes");
    const Bytes& bytes = c->bits().bytes();
    out.append(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(bits / 8));
    c = c->refs().empty() ? nullptr : c->refs()[0];
  }
  if (!ValidUtf8(out)) return InvalidArgument("text is not valid UTF-8");
  return out;
}

}  // namespace cocoon::ton::contracts
