#include "ton/dictionary.h"

#include <bit>
#include <vector>

namespace cocoon::ton {
namespace {

using Entry = std::map<BitString, CellRef>::const_iterator;

// Width of the length field of hml_long / hml_same: ceil(log2(m + 1)).
unsigned LengthBits(size_t m) { return static_cast<unsigned>(std::bit_width(m)); }

// Writes `label` (bits [from, from + len) of `key`) choosing the shortest
// encoding, ties resolved as @ton/core does: short, then long, then same.
void WriteLabel(const BitString& key, size_t from, size_t len, size_t m, CellBuilder& b) {
  const size_t short_len = 2 + 2 * len;
  const size_t long_len = 2 + LengthBits(m) + len;
  bool same = true;
  for (size_t i = 1; i < len; ++i) {
    if (key.Get(from + i) != key.Get(from)) {
      same = false;
      break;
    }
  }
  const size_t same_len = 3 + LengthBits(m);
  enum { kShort, kLong, kSame } kind = kShort;
  size_t best = short_len;
  if (long_len < best) {
    best = long_len;
    kind = kLong;
  }
  if (same && same_len < best) kind = kSame;
  switch (kind) {
    case kShort:
      b.StoreBit(false);
      for (size_t i = 0; i < len; ++i) b.StoreBit(true);
      b.StoreBit(false);
      b.StoreBits(key.Substr(from, len));
      break;
    case kLong:
      b.StoreBit(true).StoreBit(false).StoreUint(len, LengthBits(m));
      b.StoreBits(key.Substr(from, len));
      break;
    case kSame:
      b.StoreBit(true)
          .StoreBit(true)
          .StoreBit(len > 0 && key.Get(from))
          .StoreUint(len, LengthBits(m));
      break;
  }
}

// Builds the edge for entries [first, last) whose keys agree on bits before
// `prefix`; `m` key bits remain from `prefix` on.
Result<CellRef> BuildEdge(Entry first, Entry last, size_t prefix, size_t m) {
  const BitString& a = first->first;
  const BitString& z = std::prev(last)->first;
  // Keys are sorted, so the common prefix of all is that of the first and last.
  size_t len = 0;
  while (len < m && a.Get(prefix + len) == z.Get(prefix + len)) ++len;
  CellBuilder b;
  WriteLabel(a, prefix, len, m, b);
  if (std::next(first) == last) {
    b.StoreCellContent(*first->second);
    return b.Finalize();
  }
  const size_t split = prefix + len;
  Entry mid = first;
  while (mid != last && !mid->first.Get(split)) ++mid;
  COCOON_ASSIGN_OR_RETURN(CellRef left, BuildEdge(first, mid, split + 1, m - len - 1));
  COCOON_ASSIGN_OR_RETURN(CellRef right, BuildEdge(mid, last, split + 1, m - len - 1));
  b.StoreRef(left).StoreRef(right);
  return b.Finalize();
}

Result<uint64_t> ReadLabel(CellSlice& s, size_t m, BitString& key) {
  COCOON_ASSIGN_OR_RETURN(bool first, s.LoadBit());
  if (!first) {  // hml_short: unary length, then the bits
    size_t len = 0;
    while (true) {
      COCOON_ASSIGN_OR_RETURN(bool one, s.LoadBit());
      if (!one) break;
      if (++len > m) return InvalidArgument("dictionary label longer than the key");
    }
    COCOON_ASSIGN_OR_RETURN(BitString bits, s.LoadBits(len));
    key.Append(bits);
    return len;
  }
  COCOON_ASSIGN_OR_RETURN(bool second, s.LoadBit());
  if (!second) {  // hml_long
    COCOON_ASSIGN_OR_RETURN(uint64_t len, s.LoadUint(LengthBits(m)));
    if (len > m) return InvalidArgument("dictionary label longer than the key");
    COCOON_ASSIGN_OR_RETURN(BitString bits, s.LoadBits(len));
    key.Append(bits);
    return len;
  }
  COCOON_ASSIGN_OR_RETURN(bool bit, s.LoadBit());  // hml_same
  COCOON_ASSIGN_OR_RETURN(uint64_t len, s.LoadUint(LengthBits(m)));
  if (len > m) return InvalidArgument("dictionary label longer than the key");
  for (uint64_t i = 0; i < len; ++i) key.PushBit(bit);
  return len;
}

// `budget` counts nodes still allowed: a dictionary of n entries has 2n - 1.
Status ParseEdge(const CellRef& cell, size_t m, BitString key, std::map<BitString, CellRef>& out,
                 size_t& budget) {
  if (budget == 0) return ResourceExhausted("dictionary has more entries than allowed");
  --budget;
  if (cell->exotic()) return InvalidArgument("dictionary node is an exotic cell");
  CellSlice s(cell);
  COCOON_ASSIGN_OR_RETURN(uint64_t len, ReadLabel(s, m, key));
  if (len == m) {
    COCOON_ASSIGN_OR_RETURN(CellRef value, s.RemainderAsCell());
    out.emplace(std::move(key), std::move(value));
    return Status::Ok();
  }
  COCOON_ASSIGN_OR_RETURN(CellRef left, s.LoadRef());
  COCOON_ASSIGN_OR_RETURN(CellRef right, s.LoadRef());
  const size_t rest = m - len - 1;
  BitString left_key = key;
  left_key.PushBit(false);
  COCOON_RETURN_IF_ERROR(ParseEdge(left, rest, std::move(left_key), out, budget));
  key.PushBit(true);
  return ParseEdge(right, rest, std::move(key), out, budget);
}

}  // namespace

Status Dictionary::Set(const BitString& key, CellRef value) {
  if (key.size() != key_bits_) {
    return InvalidArgument("dictionary key has " + std::to_string(key.size()) + " bits, expected " +
                           std::to_string(key_bits_));
  }
  if (!value || value->exotic())
    return InvalidArgument("dictionary value must be an ordinary cell");
  entries_[key] = std::move(value);
  return Status::Ok();
}

CellRef Dictionary::Get(const BitString& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? CellRef() : it->second;
}

Result<CellRef> Dictionary::ToRootCell() const {
  if (entries_.empty()) return FailedPrecondition("an empty dictionary has no root cell");
  return BuildEdge(entries_.begin(), entries_.end(), 0, key_bits_);
}

Status Dictionary::StoreHashmapE(CellBuilder& builder) const {
  if (entries_.empty()) {
    builder.StoreBit(false);
    return Status::Ok();
  }
  COCOON_ASSIGN_OR_RETURN(CellRef root, ToRootCell());
  builder.StoreMaybeRef(root);
  return Status::Ok();
}

Result<Dictionary> Dictionary::FromRootCell(const CellRef& root, unsigned key_bits,
                                            size_t max_entries) {
  if (key_bits < 1 || key_bits > Cell::kMaxBits)
    return InvalidArgument("dictionary key width must be 1..1023");
  Dictionary dict(key_bits);
  if (!root) return dict;
  size_t budget = 2 * max_entries;
  COCOON_RETURN_IF_ERROR(ParseEdge(root, key_bits, BitString(), dict.entries_, budget));
  return dict;
}

Result<Dictionary> Dictionary::LoadHashmapE(CellSlice& slice, unsigned key_bits,
                                            size_t max_entries) {
  COCOON_ASSIGN_OR_RETURN(CellRef root, slice.LoadMaybeRef());
  return FromRootCell(root, key_bits, max_entries);
}

}  // namespace cocoon::ton
