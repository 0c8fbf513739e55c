// The model registry and transfers through a Session on a SQLite ledger: records kept and
// updated, operations shown with their estimate, classification per regime, and transfers
// decided, approved by four eyes and logged with their recipient.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tierguard/engine.h"
#include "tierguard/io.h"

#include "testing/status_matchers.h"
#include "testing/temp_ledger.h"

namespace tg {
namespace {

using ::testing::HasSubstr;
using ::tg::testing::IsOk;
using ::tg::testing::StatusIs;

constexpr std::string_view kModels =
    R"({"id": "base", "name": "Base", "developer": {"name": "Example Lab", "country": "US"}, "weights_origin": ["US"], "training_runs": [{"id": "r-0", "operations": 9e25, "data_origin": ["US"]}]}
{"id": "tuned", "name": "Tuned", "developer": {"name": "Example Lab", "country": "US"}, "base_model": "base", "training_runs": [{"id": "r-1", "compute": {"provider": "Example Cloud", "country": "US", "accelerator": "H100 SXM", "count": 16384, "hours": 2900, "utilization": 0.38}}]}
{"id": "open", "name": "Open", "developer": {"name": "Example Lab", "country": "US"}, "published": true, "training_runs": [{"operations": 3e26}]}
{"id": "mythos-5", "name": "Mythos 5", "developer": {"name": "Anthropic", "country": "US"}, "training_runs": [{"operations": 5e25}]}
{"id": "dota", "name": "OpenAI TI7 DOTA 1v1", "training_runs": [{"operations": 6.046095222592002e+20}]}
)";

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto e = Engine::Open({.data_dir = "data", .regimes_dir = "regimes", .db = ledger_.Path()});
    ASSERT_THAT(e, IsOk());
    engine_ = std::move(*e);
    StringSource in(kModels);
    ASSERT_THAT(As("lab").AddModels(in), IsOk());
  }
  void TearDown() override { engine_.reset(); }
  Session As(const std::string& actor) { return Session(*engine_, {.actor = actor}); }
  Result<std::vector<Transfer>> Request(const std::string& actor, std::string_view jsonl) {
    StringSource in(jsonl);
    return As(actor).RequestTransfers(in);
  }

  ::tg::testing::TempLedger ledger_{"registry"};
  std::unique_ptr<Engine> engine_;
};

TEST_F(RegistryTest, ModelsAreKeptWithTheirEstimatesAndLineage) {
  auto view = As("lab").ShowModel("tuned");
  ASSERT_THAT(view, IsOk());
  ASSERT_EQ(view->runs.size(), 1u);
  EXPECT_TRUE(view->runs[0].estimated);
  EXPECT_EQ(view->runs[0].accelerator, "H100 SXM");
  EXPECT_EQ(view->runs[0].count, 16384);
  EXPECT_GT(view->own_operations, 6e25);
  EXPECT_DOUBLE_EQ(view->total_operations, view->own_operations + 9e25);
  EXPECT_THAT(view->lineage, ::testing::ElementsAre("tuned", "base"));
  // Every record reads back, whatever its figures (one past 2^64 among them).
  auto all = As("lab").ListModels();
  ASSERT_THAT(all, IsOk());
  EXPECT_EQ(all->items.size(), 5u);
  // An id seen again updates its record.
  StringSource update(
      R"({"id": "open", "name": "Open v2", "developer": {"name": "Example Lab", "country": "US"}, "published": true, "training_runs": [{"operations": 3e26}]})");
  auto added = As("lab").AddModels(update);
  ASSERT_THAT(added, IsOk());
  EXPECT_TRUE((*added)[0].updated);
  // A base neither on record nor earlier in the input refuses the whole input.
  StringSource orphan(
      R"({"id": "x", "training_runs": [{"operations": 1}]}
{"id": "y", "base_model": "nowhere", "training_runs": [{"operations": 1}]})");
  auto refused = As("lab").AddModels(orphan);
  EXPECT_THAT(refused, StatusIs(StatusCode::kNotFound, "line 2: model.base_model"));
  EXPECT_THAT(As("lab").ShowModel("x"), StatusIs(StatusCode::kNotFound));
  auto check = As("lab").Check();
  ASSERT_THAT(check, IsOk());
  EXPECT_THAT(check->problems, ::testing::IsEmpty());
}

TEST_F(RegistryTest, AFineTuneOfAControlledBaseIsControlledUnderEveryRegime) {
  auto all = As("lab").ClassifyRegisteredModel("tuned", "", Date::FromCivil(2025, 3, 1));
  ASSERT_THAT(all, IsOk());
  EXPECT_EQ(all->size(), engine_->Regimes().size());
  int enforced = 0;
  for (const ModelClassification& c : *all) {
    EXPECT_EQ(c.eccn, "4E091") << c.regime;
    EXPECT_FALSE(c.regime_status.empty());
    enforced += c.enforced ? 1 : 0;
    if (c.regime == "us-ai-diffusion-2025") {
      EXPECT_TRUE(c.enforced);  // 1 Mar 2025: in effect, its rescission announced in May
      EXPECT_THAT(c.regime_effective, HasSubstr("2025-01-13"));
    }
    if (c.regime == "proposal-2027-controlled-ai-assets") {
      EXPECT_EQ(c.regime_status, "proposal");
      EXPECT_FALSE(c.enforced);
    }
  }
  EXPECT_GE(enforced, 1);
  auto open = As("lab").ClassifyRegisteredModel("open", "us-ai-diffusion-2025",
                                                Date::FromCivil(2025, 3, 1));
  ASSERT_THAT(open, IsOk());
  EXPECT_EQ((*open)[0].eccn, "none");
  EXPECT_THAT((*open)[0].reason, HasSubstr("published"));
}

TEST_F(RegistryTest, AFrontierModelIsTransferredOnlyAfterItsTestsAsThePolicySays) {
  // data/policies: a model of 10^26 operations or more passes a red-team and a third-party
  // evaluation before it is released or transferred.
  StringSource untested(
      R"({"id": "big", "name": "Big", "developer": {"name": "Example Lab", "country": "US"}, "training_runs": [{"operations": 2e26}], "releases": [{"date": "2025-02-01", "approved_by": "board", "evaluations": [{"kind": "red_team", "by": "internal", "date": "2025-01-10", "result": "pass"}, {"kind": "third_party", "by": "Institute", "date": "2025-02-10", "result": "pass"}]}]})");
  auto added = As("lab").AddModels(untested);
  ASSERT_THAT(added, IsOk());
  ASSERT_EQ((*added)[0].findings.size(), 1u);  // the third-party test came after the release
  EXPECT_THAT((*added)[0].findings[0], HasSubstr("release 2025-02-01: no third_party"));
  auto early = Request(
      "clerk",
      R"({"id": "T-early", "date": "2025-02-05", "model": "big", "regime": "us-ai-diffusion-2025", "recipient": {"name": "UK Lab", "country": "GB"}})");
  ASSERT_THAT(early, IsOk());
  EXPECT_THAT((*early)[0].outcome,  // the law lets it go …
              ::testing::AnyOf("no_license_required", "license_exception"));
  EXPECT_EQ((*early)[0].state, TransferState::kRefused);  // … the policy does not, yet
  EXPECT_THAT((*early)[0].reason, HasSubstr("pre-deployment-testing"));
  auto later = Request(
      "clerk",
      R"({"id": "T-later", "date": "2025-03-01", "model": "big", "regime": "us-ai-diffusion-2025", "recipient": {"name": "UK Lab", "country": "GB"}})");
  ASSERT_THAT(later, IsOk());
  EXPECT_EQ((*later)[0].state, TransferState::kPending);
  // A small model is not held to it.
  auto view = As("lab").ShowModel("base");
  ASSERT_THAT(view, IsOk());
  EXPECT_TRUE(view->findings.empty());
}

TEST_F(RegistryTest, TransfersAreDecidedApprovedByFourEyesAndLogged) {
  auto made = Request("clerk", R"(
{"id": "T-cn", "date": "2026-07-01", "model": "mythos-5", "kind": "deemed_export", "recipient": {"name": "A Researcher", "country": "US", "nationality": "CN"}}
{"id": "T-fr", "date": "2026-07-01", "model": "mythos-5", "kind": "deemed_export", "recipient": {"name": "An Employee", "country": "US", "nationality": "FR", "employer": "Anthropic"}}
{"id": "T-gb", "date": "2026-07-01", "model": "mythos-5", "kind": "deemed_export", "recipient": {"name": "A Visitor", "country": "US", "nationality": "GB"}}
)");
  ASSERT_THAT(made, IsOk());
  ASSERT_EQ(made->size(), 3u);
  // Decided by nationality: the June 2026 letter reaches every foreign person, and its
  // exemption frees Anthropic's own foreign-national employees for Mythos 5.
  EXPECT_EQ((*made)[0].state, TransferState::kRefused);
  EXPECT_THAT((*made)[0].reason, HasSubstr("Anthropic was informed"));
  EXPECT_THAT((*made)[0].decided_as, HasSubstr("an export to CN"));
  EXPECT_EQ((*made)[1].state, TransferState::kPending);
  EXPECT_EQ((*made)[2].state, TransferState::kRefused);
  // The requester cannot approve; someone else can; a refused one cannot be approved.
  EXPECT_THAT(As("clerk").ApproveTransfer("T-fr"), StatusIs(StatusCode::kPermissionDenied));
  auto approved = As("approver").ApproveTransfer("T-fr");
  ASSERT_THAT(approved, IsOk());
  EXPECT_EQ(approved->state, TransferState::kApproved);
  EXPECT_EQ(approved->approver, "approver");
  EXPECT_THAT(As("approver").ApproveTransfer("T-cn"), StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(As("approver").DenyTransfer("T-fr", "changed my mind"),
              StatusIs(StatusCode::kFailedPrecondition));
  // The log holds the refused request with its final recipient, and the approval with its
  // approving authority.
  auto records = As("auditor").AuditRecords(0, 0);
  ASSERT_THAT(records, IsOk());
  bool refusal = false, approval = false;
  for (const std::string& r : *records) {
    refusal |= r.find("transfer.refuse") != std::string::npos &&
               r.find("A Researcher") != std::string::npos;
    approval |= r.find("transfer.approve") != std::string::npos &&
                r.find("\"approver\":\"approver\"") != std::string::npos &&
                r.find("An Employee") != std::string::npos;
  }
  EXPECT_TRUE(refusal);
  EXPECT_TRUE(approval);
  auto refused = As("auditor").ListTransfers({}, TransferState::kRefused);
  ASSERT_THAT(refused, IsOk());
  EXPECT_EQ(refused->items.size(), 2u);
  // An id taken, or a bad line, refuses the whole input.
  EXPECT_THAT(
      Request(
          "clerk",
          R"({"id": "T-new", "date": "2026-07-01", "model": "mythos-5", "recipient": {"name": "X", "country": "FR"}}
{"id": "T-fr", "date": "2026-07-01", "model": "mythos-5", "recipient": {"name": "X", "country": "FR"}})"),
      StatusIs(StatusCode::kAlreadyExists, "line 2"));
  EXPECT_THAT(
      Request(
          "clerk",
          R"({"id": "T-x", "date": "2026-07-01", "model": "mythos-5", "kind": "deemed_export", "recipient": {"name": "X", "country": "US"}})"),
      StatusIs(StatusCode::kInvalidArgument, "recipient.nationality"));
  EXPECT_THAT(As("auditor").ListTransfers({}, std::nullopt)->items.size(), 3u);
  auto check = As("auditor").Check();
  ASSERT_THAT(check, IsOk());
  EXPECT_THAT(check->problems, ::testing::IsEmpty());
}

}  // namespace
}  // namespace tg
