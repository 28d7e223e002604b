// RegistryWatcher with a fake registry and a manual clock: checks only when
// due, reloads only on a version change, reports removals, survives errors.
#include "node/registry_watcher.h"

#include <gtest/gtest.h>

namespace cocoon::node {
namespace {

class FakeRegistry final : public Registry {
 public:
  Result<RegistrySnapshot> Load() const override {
    ++loads;
    if (!fail.ok()) return fail;
    return snapshot;
  }
  Result<uint64_t> LoadVersion() const override {
    ++version_checks;
    if (!fail.ok()) return fail;
    return snapshot.version;
  }
  RegistrySnapshot snapshot;
  Status fail;
  mutable int loads = 0;
  mutable int version_checks = 0;
};

attest::ImageHash Img(uint8_t b) { return attest::ImageHash{b}; }

TEST(RegistryWatcherTest, ReloadsOnlyWhenTheVersionChanges) {
  FakeRegistry reg;
  reg.snapshot.version = 1;
  reg.snapshot.proxy_images = {Img(1), Img(2)};
  reg.snapshot.worker_images = {Img(3)};
  reg.snapshot.models = {"a", "b"};
  reg.snapshot.model_hashes = {ModelHash("a"), ModelHash("b")};
  reg.snapshot.proxy_addresses = {"p1:1", "p2:2"};
  ManualClock clock(1000);
  RegistryWatcher w(reg, clock, {std::chrono::seconds(30), std::chrono::seconds(5)});
  EXPECT_EQ(w.current(), nullptr);

  auto first = w.Poll();
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_FALSE((*first)->old_version.has_value());
  EXPECT_EQ((*first)->new_version, 1u);
  EXPECT_FALSE((*first)->RemovedAnything());
  ASSERT_NE(w.current(), nullptr);
  EXPECT_EQ(w.current()->version, 1u);
  EXPECT_EQ(reg.loads, 1);

  // Not due: nothing asked.
  clock.Advance(10);
  auto r = w.Poll();
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  EXPECT_EQ(reg.version_checks, 0);

  // Due, same version: one version check, no reload.
  clock.Advance(20);
  r = w.Poll();
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  EXPECT_EQ(reg.version_checks, 1);
  EXPECT_EQ(reg.loads, 1);
  EXPECT_EQ(w.next_check_at(), 1060);

  // Changed: removals reported.
  auto old = w.current();
  reg.snapshot.version = 4;
  reg.snapshot.proxy_images = {Img(2), Img(9)};
  reg.snapshot.worker_images = {};
  reg.snapshot.models = {"b"};
  reg.snapshot.model_hashes = {ModelHash("b")};
  reg.snapshot.proxy_addresses = {"p2:2", "p3:3"};
  reg.snapshot.prices.price_per_token = 5;
  clock.Advance(30);
  r = w.Poll();
  ASSERT_TRUE(r.ok() && r->has_value());
  const RegistryChange& c = **r;
  EXPECT_EQ(c.old_version, 1u);
  EXPECT_EQ(c.new_version, 4u);
  EXPECT_EQ(c.removed_proxy_images, std::set<attest::ImageHash>{Img(1)});
  EXPECT_EQ(c.removed_worker_images, std::set<attest::ImageHash>{Img(3)});
  EXPECT_EQ(c.removed_models, std::set<std::string>{"a"});
  EXPECT_EQ(c.removed_model_hashes, std::set<crypto::Sha256Digest>{ModelHash("a")});
  EXPECT_EQ(c.removed_proxy_addresses, std::vector<std::string>{"p1:1"});
  EXPECT_TRUE(c.prices_changed);
  EXPECT_FALSE(c.stakes_changed);
  EXPECT_TRUE(c.RemovedAnything());
  EXPECT_EQ(w.current()->version, 4u);
  EXPECT_EQ(old->version, 1u);  // snapshots handed out stay as they were
}

TEST(RegistryWatcherTest, ErrorsKeepTheSnapshotAndRetrySooner) {
  FakeRegistry reg;
  reg.snapshot.version = 2;
  ManualClock clock(0);
  RegistryWatcher w(reg, clock, {std::chrono::seconds(30), std::chrono::seconds(5)});
  reg.fail = Unavailable("chain down");
  auto r = w.Poll();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(w.current(), nullptr);
  EXPECT_EQ(w.next_check_at(), 5);
  reg.fail = Status::Ok();
  clock.Advance(1);
  r = w.Poll();  // no snapshot yet: always due
  ASSERT_TRUE(r.ok() && r->has_value());
  reg.fail = Unavailable("chain down");
  clock.Advance(30);
  r = w.Poll();
  EXPECT_EQ(r.status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(w.current()->version, 2u);
  EXPECT_EQ(w.next_check_at(), 31 + 5);
  clock.Advance(4);
  EXPECT_TRUE(w.Poll().ok());  // not due yet: no call, no error
  EXPECT_EQ(reg.version_checks, 1);
  reg.fail = Status::Ok();
  EXPECT_TRUE(w.PollNow().ok());  // forced
  EXPECT_EQ(reg.version_checks, 2);
}

TEST(RegistryWatcherTest, DefaultLoadVersionReadsTheWholeRegistry) {
  class OnlyLoad final : public Registry {
   public:
    Result<RegistrySnapshot> Load() const override {
      RegistrySnapshot s;
      s.version = 9;
      return s;
    }
  } reg;
  EXPECT_EQ(*reg.LoadVersion(), 9u);
}

}  // namespace
}  // namespace cocoon::node
