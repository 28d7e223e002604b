#include "pay/voucher_keeper.h"

#include <nlohmann/json.hpp>

#include "pay/errors.h"
#include "util/file.h"

namespace cocoon::pay {

namespace {

constexpr int kFormat = 1;
constexpr size_t kMaxFileBytes = 4 << 20;

}  // namespace

Result<std::unique_ptr<VoucherKeeper>> VoucherKeeper::Open(std::filesystem::path path) {
  std::unique_ptr<VoucherKeeper> keeper(new VoucherKeeper(path));
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return keeper;
  COCOON_ASSIGN_OR_RETURN(std::string text, ReadFile(path, kMaxFileBytes));
  const std::string where = "voucher file " + path.string();
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  // Compared as JSON values: value("format", 0) throws on a format that is not a number.
  if (!doc.is_object() || !doc.contains("format") || doc["format"] != kFormat ||
      !doc.contains("contracts") || !doc["contracts"].is_object()) {
    return InvalidArgument(where + " is not a Cocoon voucher file (format " +
                           std::to_string(kFormat) + ")");
  }
  for (const auto& [key, entry] : doc["contracts"].items()) {
    Result<ton::ParsedAddress> address = ton::ParseAddress(key);
    if (!address.ok() || !entry.is_object() || !entry["voucher"].is_string() ||
        !entry["total"].is_number_unsigned() || !entry["submitted"].is_number_unsigned()) {
      return InvalidArgument(where + ": a malformed entry for \"" + key.substr(0, 80) + "\"");
    }
    HeldVoucher held;
    Result<Bytes> boc = HexDecode(entry["voucher"].get<std::string>());
    if (!boc.ok()) return InvalidArgument(where + ": the voucher of " + key + " is not hex");
    Result<SignedVoucher> voucher = DeserializeVoucher(*boc);
    if (!voucher.ok()) return voucher.status().WithContext(where + ", contract " + key);
    held.voucher = std::move(*boc);
    held.total = voucher->payload.total_tokens;
    held.submitted = std::min(entry["submitted"].get<uint64_t>(), held.total);
    if (voucher->payload.target != address->address) {
      return InvalidArgument(where + ": the voucher filed under " + key + " is for " +
                             voucher->payload.target.ToRaw());
    }
    keeper->held_[address->address] = std::move(held);
  }
  return keeper;
}

Result<uint64_t> VoucherKeeper::Accept(ByteSpan boc, VoucherExpectation expected) {
  std::lock_guard lock(mu_);
  auto it = held_.find(expected.my_address);
  if (it != held_.end()) {
    if (Bytes(boc.begin(), boc.end()) == it->second.voucher) return it->second.total;
    expected.last_accepted_total = it->second.total;
  }
  COCOON_ASSIGN_OR_RETURN(SignedVoucher voucher, ReceiveVoucher(boc, expected));
  auto [slot, inserted] = held_.try_emplace(expected.my_address);
  HeldVoucher& held = slot->second;
  const HeldVoucher before = held;
  held.voucher.assign(boc.begin(), boc.end());
  held.total = voucher.payload.total_tokens;
  Status saved = SaveLocked();
  if (!saved.ok()) {
    // Not acknowledged: the proxy resends it at the next handshake. A new
    // entry goes entirely; left empty, the next save would write a file
    // that does not open.
    if (inserted) {
      held_.erase(slot);
    } else {
      held = before;
    }
    return saved;
  }
  return held.total;
}

std::optional<HeldVoucher> VoucherKeeper::Held(const ton::Address& contract) const {
  std::lock_guard lock(mu_);
  auto it = held_.find(contract);
  if (it == held_.end()) return std::nullopt;
  return it->second;
}

Status VoucherKeeper::MarkSubmitted(const ton::Address& contract, uint64_t total) {
  std::lock_guard lock(mu_);
  auto it = held_.find(contract);
  if (it == held_.end() || total <= it->second.submitted) return Status::Ok();
  it->second.submitted = std::min(total, it->second.total);
  return SaveLocked();
}

uint64_t VoucherKeeper::Unsubmitted(const ton::Address& contract) const {
  std::lock_guard lock(mu_);
  auto it = held_.find(contract);
  return it == held_.end() ? 0 : it->second.total - it->second.submitted;
}

std::map<ton::Address, HeldVoucher, AddressLess> VoucherKeeper::All() const {
  std::lock_guard lock(mu_);
  return held_;
}

Status VoucherKeeper::SaveLocked() const {
  nlohmann::json contracts = nlohmann::json::object();
  for (const auto& [address, held] : held_) {
    contracts[address.ToRaw()] = {
        {"voucher", HexEncode(held.voucher)}, {"total", held.total}, {"submitted", held.submitted}};
  }
  nlohmann::json doc = {{"format", kFormat}, {"contracts", std::move(contracts)}};
  Status s = WriteFileAtomic(path_, doc.dump(1), 0600);
  if (!s.ok()) return s.WithContext("saving vouchers to " + path_.string());
  return Status::Ok();
}

}  // namespace cocoon::pay
