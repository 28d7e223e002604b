#include "pay/credit.h"

#include <algorithm>

#include "pay/errors.h"

namespace cocoon::pay {
namespace {

using ton::Uint128;

Uint128 SaturatingSub(Uint128 a, Uint128 b) { return a > b ? a - b : 0; }

Uint128 SaturatingAdd(Uint128 a, Uint128 b) {
  Uint128 sum = a + b;
  return sum < a ? ~static_cast<Uint128>(0) : sum;
}

}  // namespace

CreditAccount CreditBook::Compute(const State& s) const {
  CreditAccount a;
  a.balance = s.balance;
  a.stake = s.stake;
  a.charged = s.charged;
  a.settled = s.settled;
  a.reserved = s.reserved;
  const Uint128 max = ~static_cast<Uint128>(0);
  const uint32_t percent = policy_.stake_credit_percent;
  Uint128 stake_limit = percent != 0 && s.stake > max / percent ? max : s.stake * percent / 100;
  a.limit = std::min(s.balance, stake_limit);
  Uint128 unsettled = SaturatingSub(s.charged, s.settled);
  a.available = SaturatingSub(SaturatingSub(a.limit, s.reserved), unsettled);
  return a;
}

void CreditBook::UpdateFromChain(const ton::Address& client, Uint128 balance, Uint128 stake,
                                 Uint128 settled) {
  State& s = clients_[client];
  s.balance = balance;
  s.stake = stake;
  s.settled = std::max(s.settled, settled);
}

void CreditBook::TopUp(const ton::Address& client, Uint128 amount) {
  State& s = clients_[client];
  s.balance = SaturatingAdd(s.balance, amount);
}

void CreditBook::RestoreCharged(const ton::Address& client, Uint128 charged) {
  State& s = clients_[client];
  s.charged = std::max(s.charged, charged);
}

Result<Reservation> CreditBook::Reserve(const ton::Address& client, Uint128 amount) {
  auto it = clients_.find(client);
  CreditAccount account = it == clients_.end() ? CreditAccount{} : Compute(it->second);
  if (it == clients_.end() || account.available < amount) {
    return PayError(ErrorCode::kResourceExhausted, kInsufficientCredit,
                    "client " + client.ToRaw() + " needs " + ton::Uint128ToString(amount) +
                        " nanoTON for this request, has " +
                        ton::Uint128ToString(account.available) +
                        " available (top up the client contract or lower max_tokens)");
  }
  it->second.reserved += amount;  // ≤ limit: no overflow
  Reservation r{next_id_++, client, amount};
  open_.emplace(r.id, r);
  return r;
}

Status CreditBook::Settle(const Reservation& reservation, Uint128 actual_cost) {
  auto it = open_.find(reservation.id);
  if (it == open_.end()) {
    return PayError(ErrorCode::kNotFound, kUnknownReservation,
                    "reservation " + std::to_string(reservation.id) + " is not open");
  }
  State& s = clients_[it->second.client];
  s.reserved = SaturatingSub(s.reserved, it->second.amount);
  s.charged = SaturatingAdd(s.charged, actual_cost);
  open_.erase(it);
  return Status::Ok();
}

Status CreditBook::Release(const Reservation& reservation) {
  auto it = open_.find(reservation.id);
  if (it == open_.end()) {
    return PayError(ErrorCode::kNotFound, kUnknownReservation,
                    "reservation " + std::to_string(reservation.id) + " is not open");
  }
  State& s = clients_[it->second.client];
  s.reserved = SaturatingSub(s.reserved, it->second.amount);
  open_.erase(it);
  return Status::Ok();
}

CreditAccount CreditBook::Account(const ton::Address& client) const {
  auto it = clients_.find(client);
  return it == clients_.end() ? CreditAccount{} : Compute(it->second);
}

}  // namespace cocoon::pay
