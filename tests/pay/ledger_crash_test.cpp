// Crash safety: a child process commits in a loop and is killed with SIGKILL
// at a random moment, several times; after each kill the ledger must open
// (chain valid, no gaps, checked by Open) and hold every record whose Commit
// had returned.
//
// SIGKILL loses the process, not the page cache, so this checks that a crash
// at any instruction leaves a consistent database; power loss is covered by
// synchronous=FULL, which a test cannot pull the plug on.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include "pay/ledger.h"
#include "pay/ledger_test_util.h"

namespace cocoon::pay {
namespace {

using testing::TempDir;
using testing::TestKey;
using testing::TestSettlement;

// Runs in the child: commits until killed, writing each durable seqno to `fd`.
[[noreturn]] void CommitForever(const std::filesystem::path& path, int round, int fd) {
  auto clock = std::make_shared<SystemClock>();
  auto ledger = Ledger::Open(path, TestKey(3), clock);
  if (!ledger.ok()) _exit(3);
  for (int i = 0; i < 1000000; ++i) {
    auto r = (*ledger)->Commit(TestSettlement(
        "round" + std::to_string(round) + "-" + std::to_string(i), 1 + i % 3, 10 + i % 2, i + 1));
    if (!r.ok()) _exit(4);
    uint64_t seqno = r->record.seqno;
    if (write(fd, &seqno, sizeof seqno) != sizeof seqno) _exit(5);
  }
  _exit(0);
}

TEST(LedgerCrashTest, SigkillAtRandomMomentsLosesNoCommittedRecord) {
  TempDir dir;
  std::filesystem::path path = dir.path() / "ledger.db";
  std::mt19937 rng(20240607);
  std::uniform_int_distribution<int> delay_ms(30, 250);
  uint64_t durable = 0;  // highest seqno any child saw committed
  for (int round = 0; round < 6; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      CommitForever(path, round, fds[1]);
    }
    close(fds[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the child ended on its own with status " << status;
    uint64_t seqno = 0;
    uint64_t reported = 0;
    while (read(fds[0], &seqno, sizeof seqno) == sizeof seqno) {
      EXPECT_EQ(seqno, durable + 1) << "the child skipped a seqno";
      durable = seqno;
      ++reported;
    }
    close(fds[0]);

    auto ledger = Ledger::Open(path, TestKey(3), std::make_shared<SystemClock>());
    ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
    LedgerHead head = (*ledger)->Head();
    // Every commit that returned is there; at most the one in flight is extra.
    EXPECT_GE(head.seqno, durable);
    EXPECT_LE(head.seqno, durable + 1);
    durable = head.seqno;
    for (uint64_t s : {uint64_t{1}, head.seqno}) {
      if (s == 0) continue;
      auto r = (*ledger)->RecordAt(s);
      EXPECT_TRUE(r.ok()) << r.status().ToString();
    }
    RecordProperty("round" + std::to_string(round) + "_records", static_cast<int>(reported));
  }
  EXPECT_GT(durable, 0u) << "no child committed anything before being killed";
}

}  // namespace
}  // namespace cocoon::pay
