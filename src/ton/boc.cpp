#include "ton/boc.h"

#include <bit>
#include <cstring>
#include <unordered_map>

#include "ton/checksum.h"

namespace cocoon::ton {
namespace {

constexpr uint32_t kGenericMagic = 0xb5ee9c72;
constexpr uint32_t kLeanMagic = 0x68ff65f3;
constexpr uint32_t kLeanCrcMagic = 0xacc3a728;

struct HashKey {
  size_t operator()(const CellHash& h) const {
    size_t v;
    std::memcpy(&v, h.data(), sizeof(v));
    return v;
  }
};

// Depth-first order of @ton/core's topologicalSort, before reversal.
class Sorter {
 public:
  void Visit(const CellRef& cell) {
    // Depth is at most 1024, so recursion is bounded.
    if (index_.count(cell->hash()) != 0) return;
    index_.emplace(cell->hash(), SIZE_MAX);
    for (auto it = cell->refs().rbegin(); it != cell->refs().rend(); ++it) Visit(*it);
    index_[cell->hash()] = order_.size();
    order_.push_back(cell);
  }
  // Position in the final (reversed) order.
  size_t IndexOf(const CellRef& cell) const { return order_.size() - 1 - index_.at(cell->hash()); }
  const std::vector<CellRef>& order() const { return order_; }

 private:
  std::unordered_map<CellHash, size_t, HashKey> index_;
  std::vector<CellRef> order_;
};

size_t BytesFor(uint64_t n) { return std::max<size_t>(1, (std::bit_width(n) + 7) / 8); }

void PutUint(Bytes& out, uint64_t v, size_t bytes) {
  for (size_t i = bytes; i > 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * (i - 1))));
}

class Reader {
 public:
  explicit Reader(ByteSpan data) : data_(data) {}
  size_t remaining() const { return data_.size() - pos_; }
  size_t pos() const { return pos_; }
  Result<uint64_t> Uint(size_t bytes) {
    if (remaining() < bytes) return Truncated();
    uint64_t v = 0;
    for (size_t i = 0; i < bytes; ++i) v = (v << 8) | data_[pos_++];
    return v;
  }
  Result<ByteSpan> Take(size_t n) {
    if (remaining() < n) return Truncated();
    ByteSpan s = data_.subspan(pos_, n);
    pos_ += n;
    return s;
  }

 private:
  static Status Truncated() { return InvalidArgument("BoC truncated"); }
  ByteSpan data_;
  size_t pos_ = 0;
};

struct RawCell {
  ByteSpan data;
  bool padded = false;
  bool exotic = false;
  uint8_t level_mask = 0;
  std::array<uint64_t, 4> refs{};
  size_t ref_count = 0;
};

}  // namespace

Result<Bytes> SerializeBoc(std::span<const CellRef> roots, const BocWriteOptions& options) {
  if (roots.empty()) return InvalidArgument("BoC needs at least one root");
  Sorter sorter;
  for (const CellRef& root : roots) {
    if (!root) return InvalidArgument("BoC root is null");
    sorter.Visit(root);
  }
  const auto& order = sorter.order();
  const size_t n = order.size();
  const size_t size_bytes = BytesFor(n);
  std::vector<uint64_t> ends;
  ends.reserve(n);
  uint64_t total = 0;
  for (size_t i = n; i > 0; --i) {
    const Cell& c = *order[i - 1];
    total += 2 + (c.bits().size() + 7) / 8 + c.refs().size() * size_bytes;
    ends.push_back(total);
  }
  const size_t offset_bytes = BytesFor(total);

  Bytes out;
  out.reserve(4 + 2 + 4 * size_bytes + offset_bytes + (options.with_index ? n * offset_bytes : 0) +
              total + 4);
  PutUint(out, kGenericMagic, 4);
  out.push_back(static_cast<uint8_t>((options.with_index ? 0x80 : 0) |
                                     (options.with_crc32c ? 0x40 : 0) | size_bytes));
  out.push_back(static_cast<uint8_t>(offset_bytes));
  PutUint(out, n, size_bytes);
  PutUint(out, roots.size(), size_bytes);
  PutUint(out, 0, size_bytes);  // absent
  PutUint(out, total, offset_bytes);
  for (const CellRef& root : roots) PutUint(out, sorter.IndexOf(root), size_bytes);
  if (options.with_index) {
    for (uint64_t end : ends) PutUint(out, end, offset_bytes);
  }
  for (size_t i = n; i > 0; --i) {
    const Cell& c = *order[i - 1];
    out.push_back(c.d1());
    out.push_back(c.d2());
    const Bytes data = c.bits().PaddedBytes();
    out.insert(out.end(), data.begin(), data.end());
    for (const CellRef& r : c.refs()) PutUint(out, sorter.IndexOf(r), size_bytes);
  }
  if (options.with_crc32c) {
    const uint32_t crc = Crc32c(out);
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(crc >> (8 * i)));
  }
  return out;
}

Result<Bytes> SerializeBoc(const CellRef& root, const BocWriteOptions& options) {
  return SerializeBoc(std::span<const CellRef>(&root, 1), options);
}

Result<std::vector<CellRef>> DeserializeBoc(ByteSpan boc, const BocLimits& limits) {
  if (boc.size() > limits.max_bytes) {
    return ResourceExhausted("BoC of " + std::to_string(boc.size()) +
                             " bytes exceeds the limit of " + std::to_string(limits.max_bytes));
  }
  Reader r(boc);
  COCOON_ASSIGN_OR_RETURN(uint64_t magic, r.Uint(4));
  bool has_index = false;
  bool has_crc = false;
  bool has_cache_bits = false;
  size_t size_bytes = 0;
  if (magic == kGenericMagic) {
    COCOON_ASSIGN_OR_RETURN(uint64_t flags, r.Uint(1));
    has_index = flags & 0x80;
    has_crc = flags & 0x40;
    has_cache_bits = flags & 0x20;
    if (flags & 0x18) return InvalidArgument("BoC has unknown flags");
    size_bytes = flags & 7;
    if (has_cache_bits && !has_index) return InvalidArgument("BoC has cache bits without an index");
  } else if (magic == kLeanMagic || magic == kLeanCrcMagic) {
    has_index = true;
    has_crc = magic == kLeanCrcMagic;
    COCOON_ASSIGN_OR_RETURN(size_bytes, r.Uint(1));
  } else {
    return InvalidArgument("not a BoC: unknown magic");
  }
  if (size_bytes < 1 || size_bytes > 4) return InvalidArgument("BoC has a bad reference size");
  COCOON_ASSIGN_OR_RETURN(uint64_t offset_bytes, r.Uint(1));
  if (offset_bytes < 1 || offset_bytes > 8) return InvalidArgument("BoC has a bad offset size");
  COCOON_ASSIGN_OR_RETURN(uint64_t cell_count, r.Uint(size_bytes));
  COCOON_ASSIGN_OR_RETURN(uint64_t root_count, r.Uint(size_bytes));
  COCOON_ASSIGN_OR_RETURN(uint64_t absent, r.Uint(size_bytes));
  COCOON_ASSIGN_OR_RETURN(uint64_t total_size, r.Uint(offset_bytes));
  if (cell_count == 0 || root_count == 0) return InvalidArgument("BoC has no cells or no roots");
  if (cell_count > limits.max_cells) {
    return ResourceExhausted("BoC has " + std::to_string(cell_count) +
                             " cells, above the limit of " + std::to_string(limits.max_cells));
  }
  if (root_count > limits.max_roots) return ResourceExhausted("BoC has too many roots");
  if (root_count > cell_count) return InvalidArgument("BoC has more roots than cells");
  if (absent != 0) return InvalidArgument("BoC with absent cells is not supported");
  // Each cell takes at least 2 bytes; check before allocating anything.
  if (cell_count > r.remaining() / 2 || total_size > r.remaining())
    return InvalidArgument("BoC truncated");

  std::vector<uint64_t> roots;
  if (magic == kGenericMagic) {
    for (uint64_t i = 0; i < root_count; ++i) {
      COCOON_ASSIGN_OR_RETURN(uint64_t root, r.Uint(size_bytes));
      if (root >= cell_count) return InvalidArgument("BoC root index out of range");
      roots.push_back(root);
    }
  } else {
    roots.push_back(0);
  }
  if (has_index) {
    if (cell_count > r.remaining() / offset_bytes) return InvalidArgument("BoC truncated");
    COCOON_RETURN_IF_ERROR(r.Take(cell_count * offset_bytes).status());
  }
  COCOON_ASSIGN_OR_RETURN(ByteSpan cell_data, r.Take(total_size));
  if (has_crc) {
    const size_t crc_pos = r.pos();
    COCOON_ASSIGN_OR_RETURN(ByteSpan crc_bytes, r.Take(4));
    const uint32_t expected = Crc32c(boc.first(crc_pos));
    const uint32_t got =
        static_cast<uint32_t>(crc_bytes[0]) | (static_cast<uint32_t>(crc_bytes[1]) << 8) |
        (static_cast<uint32_t>(crc_bytes[2]) << 16) | (static_cast<uint32_t>(crc_bytes[3]) << 24);
    if (expected != got) return InvalidArgument("BoC CRC32C mismatch");
  }
  if (r.remaining() != 0) return InvalidArgument("BoC has trailing bytes");

  std::vector<RawCell> raw(cell_count);
  Reader cr(cell_data);
  for (uint64_t i = 0; i < cell_count; ++i) {
    RawCell& c = raw[i];
    COCOON_ASSIGN_OR_RETURN(uint64_t d1, cr.Uint(1));
    COCOON_ASSIGN_OR_RETURN(uint64_t d2, cr.Uint(1));
    c.ref_count = d1 & 7;
    if (c.ref_count > 4) return InvalidArgument("BoC cell has more than 4 references");
    c.exotic = d1 & 8;
    c.level_mask = static_cast<uint8_t>(d1 >> 5);
    if (d1 & 16) {  // stored hashes and depths: skipped, recomputed
      const size_t hashes =
          static_cast<size_t>(std::popcount(static_cast<unsigned>(c.level_mask))) + 1;
      COCOON_RETURN_IF_ERROR(cr.Take(hashes * (32 + 2)).status());
    }
    if (d2 > 255 || d2 / 2 + (d2 & 1) > 128) return InvalidArgument("BoC cell data too long");
    c.padded = d2 & 1;
    COCOON_ASSIGN_OR_RETURN(c.data, cr.Take(d2 / 2 + (d2 & 1)));
    for (size_t k = 0; k < c.ref_count; ++k) {
      COCOON_ASSIGN_OR_RETURN(uint64_t ref, cr.Uint(size_bytes));
      if (ref <= i || ref >= cell_count)
        return InvalidArgument("BoC reference is not to a later cell");
      c.refs[k] = ref;
    }
  }
  if (cr.remaining() != 0) return InvalidArgument("BoC cell data size mismatch");

  std::vector<CellRef> cells(cell_count);
  for (uint64_t i = cell_count; i > 0; --i) {
    const RawCell& c = raw[i - 1];
    COCOON_ASSIGN_OR_RETURN(BitString bits, BitString::FromPaddedBytes(c.data, c.padded));
    std::vector<CellRef> refs;
    refs.reserve(c.ref_count);
    for (size_t k = 0; k < c.ref_count; ++k) refs.push_back(cells[c.refs[k]]);
    Result<CellRef> cell = Cell::Create(std::move(bits), std::move(refs), c.exotic);
    if (!cell.ok()) return cell.status().WithContext("BoC cell " + std::to_string(i - 1));
    if ((*cell)->level_mask() != c.level_mask) {
      return InvalidArgument("BoC cell " + std::to_string(i - 1) + " has a wrong level mask");
    }
    cells[i - 1] = std::move(*cell);
  }
  std::vector<CellRef> out;
  out.reserve(roots.size());
  for (uint64_t root : roots) out.push_back(cells[root]);
  return out;
}

Result<CellRef> DeserializeBocSingleRoot(ByteSpan boc, const BocLimits& limits) {
  COCOON_ASSIGN_OR_RETURN(std::vector<CellRef> roots, DeserializeBoc(boc, limits));
  if (roots.size() != 1)
    return InvalidArgument("expected a BoC with one root, got " + std::to_string(roots.size()));
  return roots[0];
}

}  // namespace cocoon::ton
