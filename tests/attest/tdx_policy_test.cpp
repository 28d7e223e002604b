// Policy for TDX measurements: only accepted TCB statuses, never debug TDs,
// never OutOfDate/Revoked; the existing image-hash and require_tdx rules hold.
#include <gtest/gtest.h>

#include "attest/policy.h"

namespace cocoon::attest {
namespace {

const ImageHash kImage = crypto::Sha256(AsBytes("tdx image"));

Measurements Tdx(std::string status, bool debug = false) {
  Measurements m;
  m.kind = EvidenceKind::kTdx;
  m.image_hash = kImage;
  m.tcb_status = std::move(status);
  m.details["debug"] = debug ? "true" : "false";
  return m;
}

Policy WorkerPolicy() {
  Policy p;
  p.require_tdx = true;
  p.roles[Role::kWorker] = {true, {kImage}};
  p.roles[Role::kClient] = {false, {}};
  return p;
}

TEST(TdxPolicy, UpToDateIsAcceptedByDefault) {
  Policy p = WorkerPolicy();
  auto m = Tdx("UpToDate");
  EXPECT_TRUE(p.Check(Role::kWorker, &m).ok());
}

TEST(TdxPolicy, OtherStatusesNeedExplicitAcceptance) {
  Policy p = WorkerPolicy();
  for (const char* s :
       {"SWHardeningNeeded", "ConfigurationNeeded", "ConfigurationAndSWHardeningNeeded"}) {
    auto m = Tdx(s);
    m.advisories = {"INTEL-SA-00615"};
    Status st = p.Check(Role::kWorker, &m);
    EXPECT_EQ(st.code(), ErrorCode::kPermissionDenied) << s;
    EXPECT_NE(st.message().find("INTEL-SA-00615"), std::string::npos) << st.message();
  }
  auto accepted = ParseAcceptedTcbStatuses({"UpToDate", "SWHardeningNeeded"});
  ASSERT_TRUE(accepted.ok());
  p.accepted_tcb_statuses = *accepted;
  auto sw = Tdx("SWHardeningNeeded");
  EXPECT_TRUE(p.Check(Role::kWorker, &sw).ok());
  auto config = Tdx("ConfigurationNeeded");
  EXPECT_FALSE(p.Check(Role::kWorker, &config).ok());
}

TEST(TdxPolicy, OutOfDateAndRevokedAreNeverAccepted) {
  Policy p = WorkerPolicy();
  p.accepted_tcb_statuses = {dcap::TcbStatus::kUpToDate, dcap::TcbStatus::kOutOfDate,
                             dcap::TcbStatus::kRevoked};
  for (const char* s : {"OutOfDate", "OutOfDateConfigurationNeeded", "Revoked", "Bogus", ""}) {
    auto m = Tdx(s);
    EXPECT_FALSE(p.Check(Role::kWorker, &m).ok()) << s;
  }
  EXPECT_FALSE(ParseAcceptedTcbStatuses({"OutOfDate"}).ok());
  EXPECT_FALSE(ParseAcceptedTcbStatuses({"Revoked"}).ok());
  EXPECT_FALSE(ParseAcceptedTcbStatuses({"uptodate"}).ok());
  auto def = ParseAcceptedTcbStatuses({});
  ASSERT_TRUE(def.ok());
  EXPECT_EQ(*def, std::set<dcap::TcbStatus>{dcap::TcbStatus::kUpToDate});
}

TEST(TdxPolicy, DebugTdIsRefused) {
  Policy p = WorkerPolicy();
  auto debug = Tdx("UpToDate", true);
  Status s = p.Check(Role::kWorker, &debug);
  EXPECT_EQ(s.code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(s.message().find("debug TD"), std::string::npos);
  auto unknown = Tdx("UpToDate");
  unknown.details.erase("debug");  // fail closed
  EXPECT_FALSE(p.Check(Role::kWorker, &unknown).ok());
}

TEST(TdxPolicy, ImageHashAndTdxRequirementStillApply) {
  Policy p = WorkerPolicy();
  auto other = Tdx("UpToDate");
  other.image_hash = crypto::Sha256(AsBytes("other"));
  EXPECT_FALSE(p.Check(Role::kWorker, &other).ok());
  Measurements sim;
  sim.kind = EvidenceKind::kSim;
  sim.image_hash = kImage;
  sim.tcb_status = "Simulated";
  EXPECT_FALSE(p.Check(Role::kWorker, &sim).ok());
  p.require_tdx = false;
  EXPECT_TRUE(p.Check(Role::kWorker, &sim).ok());  // sim is judged by image only
  EXPECT_TRUE(p.Check(Role::kClient, nullptr).ok());
  EXPECT_FALSE(p.Check(Role::kWorker, nullptr).ok());
}

}  // namespace
}  // namespace cocoon::attest
