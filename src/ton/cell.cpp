#include "ton/cell.h"

#include <algorithm>
#include <bit>

#include "crypto/sha.h"

namespace cocoon::ton {
namespace {

int LevelOfMask(uint8_t mask) { return std::bit_width(static_cast<unsigned>(mask)); }
int HashIndex(uint8_t mask) { return std::popcount(static_cast<unsigned>(mask)); }
uint8_t ApplyLevel(uint8_t mask, int level) {
  return mask & static_cast<uint8_t>((1u << level) - 1);
}
bool IsSignificant(uint8_t mask, int level) { return level == 0 || ((mask >> (level - 1)) & 1); }

uint16_t ReadU16(const Bytes& b, size_t pos) {
  return static_cast<uint16_t>((b[pos] << 8) | b[pos + 1]);
}

}  // namespace

std::string_view CellTypeName(CellType type) {
  switch (type) {
    case CellType::kOrdinary:
      return "ordinary";
    case CellType::kPrunedBranch:
      return "pruned_branch";
    case CellType::kLibrary:
      return "library";
    case CellType::kMerkleProof:
      return "merkle_proof";
    case CellType::kMerkleUpdate:
      return "merkle_update";
  }
  return "unknown";
}

Result<CellRef> Cell::Create(BitString bits, std::vector<CellRef> refs, bool exotic) {
  if (bits.size() > kMaxBits) return InvalidArgument("cell has more than 1023 bits");
  if (refs.size() > kMaxRefs) return InvalidArgument("cell has more than 4 references");
  for (const CellRef& r : refs) {
    if (!r) return InvalidArgument("cell reference is null");
  }
  std::shared_ptr<Cell> cell(new Cell());
  cell->bits_ = std::move(bits);
  cell->refs_ = std::move(refs);
  if (exotic) {
    if (cell->bits_.size() < 8) return InvalidArgument("exotic cell has no type byte");
    const uint8_t t = cell->bits_.bytes()[0];
    if (t < 1 || t > 4) return InvalidArgument("exotic cell of unknown type " + std::to_string(t));
    cell->type_ = static_cast<CellType>(t);
  }
  COCOON_RETURN_IF_ERROR(cell->Finish());
  return CellRef(std::move(cell));
}

const CellRef& Cell::Empty() {
  static const CellRef empty = Create(BitString(), {}).value();
  return empty;
}

int Cell::level() const { return LevelOfMask(level_mask_); }

const CellHash& Cell::hash(int level) const { return hashes_[std::clamp(level, 0, kMaxLevel)]; }
uint16_t Cell::depth(int level) const { return depths_[std::clamp(level, 0, kMaxLevel)]; }

uint8_t Cell::d1() const {
  return static_cast<uint8_t>(refs_.size() + (exotic() ? 8 : 0) + level_mask_ * 32);
}
uint8_t Cell::d2() const { return static_cast<uint8_t>((bits_.size() + 7) / 8 + bits_.size() / 8); }

// Level mask, hashes and depths as TON's DataCell computes them.
Status Cell::Finish() {
  const Bytes& data = bits_.bytes();
  const size_t nbits = bits_.size();
  switch (type_) {
    case CellType::kOrdinary:
      for (const CellRef& r : refs_) level_mask_ |= r->level_mask_;
      break;
    case CellType::kPrunedBranch: {
      if (!refs_.empty()) return InvalidArgument("pruned branch cell has references");
      if (nbits == 8 + 256 + 16) {
        level_mask_ = 1;  // legacy layout without the mask byte
      } else {
        if (nbits < 16) return InvalidArgument("pruned branch cell too short");
        level_mask_ = data[1];
        const int level = LevelOfMask(level_mask_);
        if (level < 1 || level > kMaxLevel)
          return InvalidArgument("pruned branch cell has a bad level");
        const size_t n = static_cast<size_t>(HashIndex(level_mask_));
        if (nbits != 16 + n * (256 + 16))
          return InvalidArgument("pruned branch cell has a bad size");
      }
      break;
    }
    case CellType::kLibrary:
      if (nbits != 8 + 256) return InvalidArgument("library cell must have 264 bits");
      if (!refs_.empty()) return InvalidArgument("library cell has references");
      break;
    case CellType::kMerkleProof: {
      if (nbits != 8 + 256 + 16 || refs_.size() != 1) {
        return InvalidArgument("merkle proof cell must have 280 bits and one reference");
      }
      if (!std::equal(data.begin() + 1, data.begin() + 33, refs_[0]->hash(0).begin()) ||
          ReadU16(data, 33) != refs_[0]->depth(0)) {
        return InvalidArgument("merkle proof cell does not match its reference");
      }
      level_mask_ = refs_[0]->level_mask_ >> 1;
      break;
    }
    case CellType::kMerkleUpdate: {
      if (nbits != 8 + 512 + 32 || refs_.size() != 2) {
        return InvalidArgument("merkle update cell must have 552 bits and two references");
      }
      for (size_t i = 0; i < 2; ++i) {
        if (!std::equal(data.begin() + 1 + 32 * static_cast<ptrdiff_t>(i),
                        data.begin() + 33 + 32 * static_cast<ptrdiff_t>(i),
                        refs_[i]->hash(0).begin()) ||
            ReadU16(data, 65 + 2 * i) != refs_[i]->depth(0)) {
          return InvalidArgument("merkle update cell does not match its references");
        }
      }
      level_mask_ = (refs_[0]->level_mask_ | refs_[1]->level_mask_) >> 1;
      break;
    }
  }

  const bool pruned = type_ == CellType::kPrunedBranch;
  const bool merkle = type_ == CellType::kMerkleProof || type_ == CellType::kMerkleUpdate;
  const int total = HashIndex(level_mask_) + 1;
  const int own = pruned ? 1 : total;
  const int offset = total - own;
  std::array<CellHash, 4> computed{};
  std::array<uint16_t, 4> computed_depth{};
  const Bytes padded = bits_.PaddedBytes();
  const int max_level = LevelOfMask(level_mask_);
  for (int level = 0, hash_i = 0; level <= max_level; ++level) {
    if (!IsSignificant(level_mask_, level)) continue;
    if (hash_i < offset) {
      ++hash_i;
      continue;
    }
    const int child_level = merkle ? level + 1 : level;
    unsigned depth = 0;
    for (const CellRef& r : refs_) depth = std::max<unsigned>(depth, r->depth(child_level) + 1u);
    if (depth > kMaxDepth) return InvalidArgument("cell depth exceeds 1024");

    Bytes repr;
    repr.reserve(2 + 128 + refs_.size() * 34);
    repr.push_back(static_cast<uint8_t>(refs_.size() + (exotic() ? 8 : 0) +
                                        ApplyLevel(level_mask_, level) * 32));
    repr.push_back(d2());
    if (hash_i == offset) {
      repr.insert(repr.end(), padded.begin(), padded.end());
    } else {
      const CellHash& prev = computed[static_cast<size_t>(hash_i - offset - 1)];
      repr.insert(repr.end(), prev.begin(), prev.end());
    }
    for (const CellRef& r : refs_) {
      const uint16_t d = r->depth(child_level);
      repr.push_back(static_cast<uint8_t>(d >> 8));
      repr.push_back(static_cast<uint8_t>(d & 0xff));
    }
    for (const CellRef& r : refs_) {
      const CellHash& h = r->hash(child_level);
      repr.insert(repr.end(), h.begin(), h.end());
    }
    const size_t dest = static_cast<size_t>(hash_i - offset);
    computed[dest] = crypto::Sha256(repr);
    computed_depth[dest] = static_cast<uint16_t>(depth);
    ++hash_i;
  }

  const int own_index = HashIndex(level_mask_);
  for (int level = 0; level <= kMaxLevel; ++level) {
    const int index = HashIndex(ApplyLevel(level_mask_, level));
    if (pruned && index != own_index) {
      // Hashes and depths of lower levels are stored in the pruned cell.
      const size_t base = nbits == 8 + 256 + 16 ? 1 : 2;
      const size_t n = nbits == 8 + 256 + 16 ? 1 : static_cast<size_t>(own_index);
      const size_t h = base + 32 * static_cast<size_t>(index);
      std::copy(data.begin() + static_cast<ptrdiff_t>(h),
                data.begin() + static_cast<ptrdiff_t>(h + 32),
                hashes_[static_cast<size_t>(level)].begin());
      depths_[static_cast<size_t>(level)] =
          ReadU16(data, base + 32 * n + 2 * static_cast<size_t>(index));
    } else {
      const size_t src = pruned ? 0 : static_cast<size_t>(index);
      hashes_[static_cast<size_t>(level)] = computed[src];
      depths_[static_cast<size_t>(level)] = computed_depth[src];
    }
  }
  return Status::Ok();
}

}  // namespace cocoon::ton
