// CreditBook: limits from balance and stake, reservations, settlement,
// release and top-ups.
#include "pay/credit.h"

#include <gtest/gtest.h>

#include "pay/errors.h"

namespace cocoon::pay {
namespace {

ton::Address Client(uint8_t n) {
  ton::Address a;
  a.hash.fill(n);
  return a;
}

TEST(CreditTest, UnknownClientHasNoCredit) {
  CreditBook book;
  auto r = book.Reserve(Client(1), 1);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(HasReason(r.status(), kInsufficientCredit)) << r.status().ToString();
  EXPECT_EQ(r.status().code(), ErrorCode::kResourceExhausted);
  EXPECT_TRUE(book.Account(Client(1)).available == 0);
}

TEST(CreditTest, LimitIsTheSmallerOfBalanceAndStake) {
  CreditBook book;
  book.UpdateFromChain(Client(1), 1000, 300, 0);
  EXPECT_TRUE(book.Account(Client(1)).available == 300);
  book.UpdateFromChain(Client(2), 200, 300, 0);
  EXPECT_TRUE(book.Account(Client(2)).available == 200);

  CreditBook generous(CreditPolicy{250});
  generous.UpdateFromChain(Client(1), 1000, 300, 0);
  EXPECT_TRUE(generous.Account(Client(1)).available == 750);
}

TEST(CreditTest, ReserveSettleRelease) {
  CreditBook book;
  book.UpdateFromChain(Client(1), 1000, 1000, 0);
  auto a = book.Reserve(Client(1), 600);
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(book.Account(Client(1)).available == 400);
  auto refused = book.Reserve(Client(1), 401);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(HasReason(refused.status(), kInsufficientCredit));
  auto b = book.Reserve(Client(1), 400);
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(book.Account(Client(1)).available == 0);
  EXPECT_EQ(book.open_reservations(), 2u);

  // The first request cost 250 of its 600: 350 come back, 250 stay charged.
  ASSERT_TRUE(book.Settle(*a, 250).ok());
  CreditAccount acc = book.Account(Client(1));
  EXPECT_TRUE(acc.charged == 250);
  EXPECT_TRUE(acc.reserved == 400);
  EXPECT_TRUE(acc.available == 350);
  // The second failed: all of it comes back.
  ASSERT_TRUE(book.Release(*b).ok());
  EXPECT_TRUE(book.Account(Client(1)).available == 750);
  EXPECT_EQ(book.open_reservations(), 0u);

  // A reservation ends once.
  EXPECT_TRUE(HasReason(book.Settle(*a, 1), kUnknownReservation));
  EXPECT_TRUE(HasReason(book.Release(*b), kUnknownReservation));
  EXPECT_TRUE(book.Account(Client(1)).charged == 250);
}

TEST(CreditTest, SettledChargesStopCountingWhenTheChainAppliesThem) {
  CreditBook book;
  book.UpdateFromChain(Client(1), 1000, 1000, 0);
  auto r = book.Reserve(Client(1), 500);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(book.Settle(*r, 500).ok());
  EXPECT_TRUE(book.Account(Client(1)).available == 500);
  // The charge voucher went on chain: balance 500, settled 500.
  book.UpdateFromChain(Client(1), 500, 1000, 500);
  EXPECT_TRUE(book.Account(Client(1)).available == 500);
  // An older read does not undo the settlement.
  book.UpdateFromChain(Client(1), 500, 1000, 0);
  EXPECT_TRUE(book.Account(Client(1)).settled == 500);
}

TEST(CreditTest, OverrunIsChargedAndBlocksFurtherRequests) {
  CreditBook book;
  book.UpdateFromChain(Client(1), 100, 100, 0);
  auto r = book.Reserve(Client(1), 80);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(book.Settle(*r, 150).ok());  // the prompt was longer than estimated
  CreditAccount acc = book.Account(Client(1));
  EXPECT_TRUE(acc.charged == 150);
  EXPECT_TRUE(acc.available == 0);
  EXPECT_FALSE(book.Reserve(Client(1), 1).ok());
}

TEST(CreditTest, TopUpRaisesTheBalance) {
  CreditBook book;
  book.UpdateFromChain(Client(1), 0, 1000, 0);
  EXPECT_FALSE(book.Reserve(Client(1), 10).ok());
  book.TopUp(Client(1), 50);
  EXPECT_TRUE(book.Account(Client(1)).balance == 50);
  EXPECT_TRUE(book.Reserve(Client(1), 50).ok());
  EXPECT_FALSE(book.Reserve(Client(1), 1).ok());
}

TEST(CreditTest, RestoredChargesCountAfterARestart) {
  CreditBook book;
  book.UpdateFromChain(Client(1), 1000, 1000, 200);
  book.RestoreCharged(Client(1), 700);  // from the ledger
  EXPECT_TRUE(book.Account(Client(1)).available == 500);
  book.RestoreCharged(Client(1), 100);  // never lowers
  EXPECT_TRUE(book.Account(Client(1)).charged == 700);
}

TEST(CreditTest, HugeStakeDoesNotOverflow) {
  CreditBook book(CreditPolicy{0xffffffffu});
  book.UpdateFromChain(Client(1), ton::kMaxCoins, ton::kMaxCoins, 0);
  EXPECT_TRUE(book.Account(Client(1)).available == ton::kMaxCoins);
}

}  // namespace
}  // namespace cocoon::pay
