// The ledger's behaviour through the Engine, run against every store backend.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <sstream>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tierguard/engine.h"

#include "src/ledger/ledger.h"
#include "src/store/store.h"
#include "testing/backends.h"
#include "testing/status_matchers.h"
#include "testing/stream.h"

namespace tg {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::tg::testing::IsOk;
using ::tg::testing::StatusIs;

Date D(const char* s) { return *Date::Parse(s); }

class LedgerTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    location_ = std::make_unique<::tg::testing::TestLocation>(GetParam());
    if (!location_->skip().empty()) {
      GTEST_SKIP() << location_->skip();
    }
    ASSERT_THAT(location_->status(), IsOk());
    path_ = location_->location();
    Open();
  }
  void TearDown() override {
    session_.reset();
    engine_.reset();
    location_.reset();
  }
  void Open() {
    session_.reset();
    engine_.reset();
    auto e = Engine::Open({.data_dir = "data", .regimes_dir = "regimes", .db = path_});
    ASSERT_THAT(e, IsOk());
    engine_ = std::move(*e);
    session_.emplace(*engine_, SessionOptions{.clock = &clock_});
  }
  // Ships (or reserves) the lines; returns the output lines.
  std::vector<std::string> Ship(const std::string& input, bool reserve = false,
                                size_t batch = 1000) {
    ShipOptions options{
        .batch_size = batch, .reserve = reserve, .expires_at = clock_.NowUnix() + 3600};
    return ::tg::testing::RunOverMemory(input, [&](Source& in, Sink& out) {
      EXPECT_THAT(session_->ShipStream(in, out, options), IsOk());
    });
  }
  std::vector<std::string> Determine(const std::string& input) {
    return ::tg::testing::RunOverMemory(input, [&](Source& in, Sink& out) {
      EXPECT_THAT(engine_->DetermineStream(in, out), IsOk());
    });
  }
  static std::string Order(const std::string& id, const std::string& consignee, int h100,
                           const std::string& extra = "", const char* date = "2025-06-01",
                           const char* regime = "us-ai-diffusion-2025") {
    return R"({"id": ")" + id + R"(", "date": ")" + date + R"(", "regime": ")" + regime +
           R"(", "consignee": {"id": ")" + consignee + R"(", "country": "AE"}, )" + extra +
           R"("items": [{"part": "H100", "quantity": )" + std::to_string(h100) + "}]}\n";
  }
  // A licence for 5,000 units of 3A090.a to consignee C-9 in the UAE, 2025 to 2026.
  License LicenseForC9(const std::string& number) {
    return License{.number = number,
                   .eccns = {"3A090.a"},
                   .destination = *engine_->ParseCountry("AE"),
                   .consignee = "C-9",
                   .quantity_limit = 5000,
                   .valid_from = D("2025-01-01"),
                   .valid_to = D("2026-12-31")};
  }
  void ExpectConsistent() {
    auto report = session_->Check();
    ASSERT_THAT(report, IsOk());
    EXPECT_THAT(report->problems, ::testing::IsEmpty());
  }

  std::unique_ptr<::tg::testing::TestLocation> location_;
  std::string path_;  // the ledger's location
  FixedClock clock_{1764000000};
  std::unique_ptr<Engine> engine_;
  std::optional<Session> session_;
};

// A disk that is full: every write fails.
class FullSink final : public Sink {
 public:
  Status Write(std::string_view) override { return Status(StatusCode::kUnavailable, "disk full"); }
  Status Flush() override { return Status::Ok(); }
};

// A connection that breaks after its first block of bytes.
class BrokenSource final : public Source {
 public:
  explicit BrokenSource(std::string first) : first_(std::move(first)) {}
  Result<size_t> Read(char* buffer, size_t size) override {
    if (first_.empty()) {
      return Status(StatusCode::kUnavailable, "connection reset");
    }
    const size_t n = std::min(size, first_.size());
    first_.copy(buffer, n);
    first_.erase(0, n);
    return n;
  }

 private:
  std::string first_;
};

// Answers that cannot be written stop the run after their batch committed: the error names
// the batch's last line, and sending the lines again answers the recorded ones as duplicates.
TEST_P(LedgerTest, AnswersThatCannotBeWrittenStopTheRunAfterTheirBatch) {
  const std::string input =
      Order("W1", "C-1", 10) + Order("W2", "C-1", 10) + Order("W3", "C-1", 10);
  StringSource in(input);
  FullSink full;
  EXPECT_THAT(
      session_->ShipStream(in, full, {.batch_size = 2}).status(),
      StatusIs(StatusCode::kUnavailable, "writing the answers to the lines through 2: disk full"));
  auto recorded = session_->ListMovements({});
  ASSERT_THAT(recorded, IsOk());
  EXPECT_EQ(recorded->items.size(), 2u);
  auto again = Ship(input);
  ASSERT_EQ(again.size(), 3u);
  EXPECT_THAT(again[0], HasSubstr("\"duplicate\":true"));
  EXPECT_THAT(again[1], HasSubstr("\"duplicate\":true"));
  EXPECT_THAT(again[2], Not(HasSubstr("duplicate")));
  ExpectConsistent();
}

// Input that breaks off mid-batch records nothing of that batch; determine says so too.
TEST_P(LedgerTest, InputThatBreaksOffRecordsNothingOfItsBatch) {
  BrokenSource ship_in(Order("B1", "C-1", 10));
  StringSink out;
  EXPECT_THAT(session_->ShipStream(ship_in, out, {}).status(),
              StatusIs(StatusCode::kUnavailable, "reading the input: connection reset"));
  EXPECT_EQ(out.text(), "");
  auto recorded = session_->ListMovements({});
  ASSERT_THAT(recorded, IsOk());
  EXPECT_THAT(recorded->items, ::testing::IsEmpty());
  // Determine answers in batches of 64: the first batch's answers are written before the
  // error, the lines read after them are not answered.
  std::string seventy;
  for (int i = 0; i < 70; ++i) {
    seventy += Order("B" + std::to_string(i), "C-1", 1);
  }
  BrokenSource determine_in(seventy);
  StringSink answered;
  EXPECT_THAT(engine_->DetermineStream(determine_in, answered).status(),
              StatusIs(StatusCode::kUnavailable, "reading the input: connection reset"));
  EXPECT_EQ(std::count(answered.text().begin(), answered.text().end(), '\n'), 64);
}

TEST_P(LedgerTest, RecordedShipmentsConsumeTheLppCapAcrossRuns) {
  auto first = Ship(Order("S1", "C-1", 1000));
  EXPECT_THAT(first[0], HasSubstr("\"authorization\":\"LPP\""));
  EXPECT_THAT(first[0], HasSubstr("\"recorded\":true"));
  if (std::string(GetParam()) != "memory") {
    Open();  // history survives a restart
  }
  auto second = Ship(Order("S2", "C-1", 700));
  EXPECT_THAT(second[0], HasSubstr("\"outcome\":\"license_required\""));
  EXPECT_THAT(second[0], HasSubstr("\"used\":15832000"));
  EXPECT_THAT(second[0], HasSubstr("\"recorded\":false"));
  ExpectConsistent();
}

TEST_P(LedgerTest, TheSameIdIsRecordedOnce) {
  const std::string order = Order("S1", "C-1", 1000);
  auto out = Ship(order + order);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_THAT(out[1], HasSubstr("\"duplicate\":true"));
  auto again = Ship(order);
  EXPECT_THAT(again[0], HasSubstr("\"duplicate\":true"));
  auto caps = session_->Caps();
  ASSERT_THAT(caps, IsOk());
  ASSERT_EQ(caps->items.size(), 1u);
  EXPECT_EQ(caps->items[0].used_tpp, 1000 * 15832);  // once, not three times
  ExpectConsistent();
}

TEST_P(LedgerTest, DetermineWithALedgerCountsHistoryButRecordsNothing) {
  Ship(Order("S1", "C-1", 1000));
  EXPECT_THAT(Determine(Order("W1", "C-1", 1000))[0], HasSubstr("license_required"));
  auto caps = session_->Caps();
  ASSERT_THAT(caps, IsOk());
  EXPECT_EQ(caps->items.at(0).used_tpp, 1000 * 15832);
}

TEST_P(LedgerTest, ALicenseIsDepletedAndThenRefusesWhatItCannotCover) {
  const License l = LicenseForC9("L-1");
  ASSERT_THAT(session_->AddLicense(l), IsOk());
  EXPECT_THAT(session_->AddLicense(l), StatusIs(StatusCode::kAlreadyExists));
  auto out = Ship(Order("A", "C-9", 3800, "", "2026-03-01", "us-ac-2026"));
  EXPECT_THAT(out[0], HasSubstr("\"outcome\":\"licensed\""));
  EXPECT_THAT(out[0], HasSubstr("\"authorization\":\"L-1\""));
  auto show = session_->ShowLicense("L-1");
  ASSERT_THAT(show, IsOk());
  EXPECT_EQ(show->license.quantity_limit - show->quantity_used, 1200);
  // Without naming the licence, the next order no longer fits it: licence required.
  out = Ship(Order("B", "C-9", 2000, "", "2026-03-02", "us-ac-2026"));
  EXPECT_THAT(out[0], HasSubstr("\"outcome\":\"license_required\""));
  // Naming it, the order is refused with the balance.
  out = Ship(Order("C", "C-9", 2000, R"("license": "L-1", )", "2026-03-02", "us-ac-2026"));
  EXPECT_THAT(out[0], HasSubstr("L-1 has 1200 quantity left; items[0] needs 2000"));
  out = Ship(Order("D", "C-9", 10, R"("license": "L-404", )", "2026-03-02", "us-ac-2026"));
  EXPECT_THAT(out[0], HasSubstr("no active licence 'L-404'"));
  out = Ship(Order("E", "C-9", 10, R"("license": "L-1", )", "2027-01-02", "us-ac-2026"));
  EXPECT_THAT(out[0], HasSubstr("L-1 expired on 2026-12-31"));
  out = Ship(Order("F", "C-8", 10, R"("license": "L-1", )", "2026-03-02", "us-ac-2026"));
  EXPECT_THAT(out[0], HasSubstr("is for consignee C-9, not C-8"));
  EXPECT_EQ(session_->ShowLicense("L-1")->quantity_used, show->quantity_used);  // unchanged
  ExpectConsistent();
}

TEST_P(LedgerTest, ARevokedLicenseLicensesNothingMoreAndWhatShippedStays) {
  const License l = LicenseForC9("L-2");
  ASSERT_THAT(session_->AddLicense(l), IsOk());
  auto out = Ship(Order("A", "C-9", 100, "", "2026-03-01", "us-ac-2026"));
  EXPECT_THAT(out[0], HasSubstr("\"authorization\":\"L-2\""));
  EXPECT_THAT(session_->RevokeLicense("L-2", ""), StatusIs(StatusCode::kInvalidArgument, "reason"));
  EXPECT_THAT(session_->RevokeLicense("L-404", "end user diverted chips"),
              StatusIs(StatusCode::kNotFound));
  ASSERT_THAT(session_->RevokeLicense("L-2", "end user diverted chips"), IsOk());
  EXPECT_THAT(session_->RevokeLicense("L-2", "again"),
              StatusIs(StatusCode::kFailedPrecondition, "revoked already"));
  auto show = session_->ShowLicense("L-2");
  ASSERT_THAT(show, IsOk());
  EXPECT_EQ(show->license.state, LicenseState::kRevoked);
  EXPECT_EQ(show->license.revocation, "end user diverted chips");
  EXPECT_EQ(show->quantity_used, 100);  // what shipped under it stays
  out = Ship(Order("B", "C-9", 100, "", "2026-03-02", "us-ac-2026"));
  EXPECT_THAT(out[0], HasSubstr("\"outcome\":\"license_required\""));
  out = Ship(Order("C", "C-9", 100, R"("license": "L-2", )", "2026-03-02", "us-ac-2026"));
  EXPECT_THAT(out[0], HasSubstr("L-2 is revoked (end user diverted chips)"));
  EXPECT_THAT(out[0], HasSubstr("\"error\""));  // an error line: nothing recorded
  auto shipped = session_->ListMovements({});
  ASSERT_THAT(shipped, IsOk());
  EXPECT_EQ(shipped->items.size(), 1u);
  ExpectConsistent();  // the ledger's licence row is the one its log rebuilds
}

TEST_P(LedgerTest, ShipmentsAndReservationsListByConsigneeDateStateAndPage) {
  Ship(Order("S1", "C-1", 10, "", "2025-06-01") + Order("S2", "C-2", 10, "", "2025-06-02") +
       Order("S3", "C-1", 10, "", "2025-06-03"));
  Ship(Order("R1", "C-1", 10, "", "2025-06-04") + Order("R2", "C-2", 10, "", "2025-06-05"),
       /*reserve=*/true);
  ASSERT_THAT(session_->ReleaseReservation("R2"), IsOk());
  auto ids = [&](const MovementFilter& filter, const PageRequest& page = {}) {
    std::vector<std::string> out;
    auto rows = session_->ListMovements(filter, page);
    EXPECT_THAT(rows, IsOk());
    for (const MovementRecord& row : rows ? rows->items : std::vector<MovementRecord>{}) {
      out.push_back(row.id);
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids({}), (V{"S1", "S2", "S3"}));
  EXPECT_EQ(ids({.consignee = "C-1"}), (V{"S1", "S3"}));
  EXPECT_EQ(ids({.from = D("2025-06-02"), .to = D("2025-06-02")}), (V{"S2"}));
  EXPECT_EQ(ids({}, {.limit = 2}), (V{"S1", "S2"}));
  EXPECT_EQ(ids({}, {.after = "S2"}), (V{"S3"}));
  // A page of the filtered ones: its cursor leads to the next one the filter selects.
  auto first = session_->ListMovements({.consignee = "C-1"}, {.limit = 1});
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->next, "S1");
  EXPECT_EQ(ids({.consignee = "C-1"}, {.after = first->next, .limit = 1}), (V{"S3"}));
  EXPECT_EQ(session_->ListMovements({.consignee = "C-1"}, {.after = "S1", .limit = 1})->next, "");
  EXPECT_EQ(ids({.reservations = true}), (V{"R1", "R2"}));
  EXPECT_EQ(ids({.reservations = true, .state = MovementState::kHeld}), (V{"R1"}));
  EXPECT_EQ(ids({.reservations = true, .state = MovementState::kReleased}), (V{"R2"}));
  EXPECT_THAT(session_->ListMovements({.state = MovementState::kHeld}),
              StatusIs(StatusCode::kInvalidArgument, "of reservations"));
  // A shipment's state is no reservation's.
  EXPECT_THAT(session_->ListMovements({.reservations = true, .state = MovementState::kRecorded}),
              StatusIs(StatusCode::kInvalidArgument, "'recorded'"));
}

// Four eyes by identity: the session that applies is the requester, whatever the application
// says, and a session acting as the requester cannot approve, however the name is typed
// elsewhere.
TEST_P(LedgerTest, ApplicationsMoveThroughTheirStatesAndTheRequesterCannotApprove) {
  const Session alice(*engine_, {.actor = "alice", .clock = &clock_});
  const Session bob(*engine_, {.actor = "bob", .clock = &clock_});
  const Session carol(*engine_, {.actor = "carol", .clock = &clock_});
  LicenseApplication app{.requester = "bob",  // not who applies: the session is
                         .eccns = {"3A090.a"},
                         .destination = *engine_->ParseCountry("SA"),
                         .quantity = 100,
                         .valid_to = D("2027-01-01")};
  auto id = alice.ApplyForLicense(app, /*submit=*/false);
  ASSERT_THAT(id, IsOk());
  EXPECT_EQ(alice.ListApplications()->items[0].requester, "alice");
  EXPECT_THAT(bob.ApproveApplication(*id, "", D("2026-01-01")),
              StatusIs(StatusCode::kFailedPrecondition, "is draft, not submitted"));
  ASSERT_THAT(alice.SubmitApplication(*id), IsOk());
  EXPECT_THAT(alice.ApproveApplication(*id, "", D("2026-01-01")),
              StatusIs(StatusCode::kPermissionDenied, "may not approve"));
  auto number = bob.ApproveApplication(*id, "BIS-77", D("2026-01-01"));
  ASSERT_THAT(number, IsOk());
  EXPECT_EQ(*number, "BIS-77");
  EXPECT_EQ(bob.ShowLicense("BIS-77")->license.approved_by, "bob");
  EXPECT_THAT(bob.DenyApplication(*id, "late"),
              StatusIs(StatusCode::kFailedPrecondition, "is approved"));
  auto other = alice.ApplyForLicense(app, /*submit=*/true);
  ASSERT_THAT(carol.DenyApplication(*other, "end user unverified"), IsOk());
  auto third = alice.ApplyForLicense(app, /*submit=*/true);
  ASSERT_THAT(carol.ReturnApplication(*third, "incomplete"), IsOk());
  auto list = carol.ListApplications();
  ASSERT_EQ(list->items.size(), 3u);
  EXPECT_EQ(list->items[1].state, ApplicationState::kDenied);
  EXPECT_EQ(list->items[1].approver, "carol");
  EXPECT_EQ(list->items[2].state, ApplicationState::kReturnedWithoutAction);
  EXPECT_THAT(bob.ApproveApplication("APP-999", "", D("2026-01-01")),
              StatusIs(StatusCode::kNotFound));
  // The start an application asks for is kept, and is the licence's unless the approver
  // gives another; without either, the licence starts the day it is approved.
  app.valid_from = D("2026-09-01");
  auto asked = alice.ApplyForLicense(app, /*submit=*/true);
  ASSERT_THAT(bob.ApproveApplication(*asked, "BIS-78", std::nullopt), IsOk());
  EXPECT_EQ(bob.ShowLicense("BIS-78")->license.valid_from, D("2026-09-01"));
  app.valid_from.reset();
  auto unasked = alice.ApplyForLicense(app, /*submit=*/true);
  ASSERT_THAT(bob.ApproveApplication(*unasked, "BIS-79", std::nullopt), IsOk());
  EXPECT_EQ(bob.ShowLicense("BIS-79")->license.valid_from,
            Date::FromDays(static_cast<int32_t>(clock_.NowUnix() / 86400)));
}

TEST_P(LedgerTest, ReservationsHoldCapsUntilCommittedReleasedOrExpired) {
  auto held = Ship(Order("R1", "C-1", 1000), /*reserve=*/true);
  EXPECT_THAT(held[0], HasSubstr("\"reserved\":true"));
  // The hold counts for the next order.
  auto next = Ship(Order("S1", "C-1", 700));
  EXPECT_THAT(next[0], HasSubstr("license_required"));
  ASSERT_THAT(session_->ReleaseReservation("R1"), IsOk());
  next = Ship(Order("S2", "C-1", 700));
  EXPECT_THAT(next[0], HasSubstr("\"authorization\":\"LPP\""));
  EXPECT_THAT(session_->ReleaseReservation("R1"),
              StatusIs(StatusCode::kFailedPrecondition, "is released"));

  Ship(Order("R2", "C-2", 1000), /*reserve=*/true);
  ASSERT_THAT(session_->CommitReservation("R2"), IsOk());
  EXPECT_THAT(session_->ReleaseReservation("R2"),
              StatusIs(StatusCode::kFailedPrecondition, "is committed"));
  EXPECT_THAT(Ship(Order("R2", "C-2", 1000))[0], HasSubstr("\"duplicate\":true"));

  Ship(Order("R3", "C-3", 1000), /*reserve=*/true);
  clock_.Set(clock_.NowUnix() + 7200);  // past the one-hour hold
  EXPECT_THAT(session_->CommitReservation("R3"),
              StatusIs(StatusCode::kFailedPrecondition, "expired"));
  next = Ship(Order("S3", "C-3", 1600));  // the lapsed hold no longer counts
  EXPECT_THAT(next[0], HasSubstr("\"authorization\":\"LPP\""));
  EXPECT_THAT(session_->CommitReservation("nope"), StatusIs(StatusCode::kNotFound));
  ExpectConsistent();
}

TEST_P(LedgerTest, AnAgreementOnRecordRaisesTheCountryAllocation) {
  // 60,000 H100 (949,920,000 TPP) exceed Saudi Arabia's 790 M allocation...
  const std::string big =
      R"({"id": "X", "date": "2025-07-01", "regime": "us-ai-diffusion-2025", "kind": "in_country_transfer", )"
      R"("consignee": {"id": "SA-1", "country": "SA"}, "items": [{"part": "H100", "quantity": 60000}]})";
  const std::string input = big + "\n";
  EXPECT_THAT(Determine(input)[0], HasSubstr("presumption_of_denial"));
  // ...until an agreement doubles it.
  Agreement ag{.id = "G2G-SA",
               .country = *engine_->ParseCountry("SA"),
               .cap = "country_allocation",
               .increase = 1.0,
               .from = D("2025-06-01"),
               .citation = "test"};
  ASSERT_THAT(session_->AddAgreement(ag), IsOk());
  Agreement too_much = ag;
  too_much.id = "G2G-X";
  too_much.increase = 1.5;
  EXPECT_THAT(session_->AddAgreement(too_much), StatusIs(StatusCode::kInvalidArgument, "exceeds"));
  Agreement bad_cap = ag;
  bad_cap.id = "G2G-Y";
  bad_cap.cap = "LPP";
  EXPECT_THAT(session_->AddAgreement(bad_cap), StatusIs(StatusCode::kInvalidArgument));
  const std::string after = Determine(input)[0];
  EXPECT_THAT(after, HasSubstr("presumption_of_approval"));
  EXPECT_THAT(after, HasSubstr("\"limit\":1580000000"));
}

TEST_P(LedgerTest, PartyGroupsShareAGroupCap) {
  const Country ae = *engine_->ParseCountry("AE");
  ASSERT_THAT(session_->AddParty({.id = "P-1", .name = "Alpha", .country = ae}), IsOk());
  ASSERT_THAT(session_->AddParty(
                  {.id = "P-2", .name = "Beta", .country = ae, .address = "1 Harbour Rd, Dubai"}),
              IsOk());
  ASSERT_THAT(session_->AddParty(
                  {.id = "P-3", .name = "Gamma", .country = ae, .address = "1 harbour rd., DUBAI"}),
              IsOk());
  ASSERT_THAT(session_->LinkParties({.from = "P-1", .to = "P-2", .kind = "owns", .share = 0.6}),
              IsOk());
  EXPECT_THAT(session_->LinkParties({.from = "P-1", .to = "P-404", .kind = "owns", .share = 0.6}),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(session_->LinkParties({.from = "P-1", .to = "P-2", .kind = "cousin"}),
              StatusIs(StatusCode::kInvalidArgument));
  auto show = session_->ShowParty("P-3");
  ASSERT_THAT(show, IsOk());
  EXPECT_EQ(show->group, "P-1");  // P-3 shares P-2's address
  EXPECT_THAT(show->group_members, ::testing::ElementsAre("P-1", "P-2", "P-3"));
  // The recommended regime's LPP (10 M TPP) is per group: 400 H100 each to P-1 and P-3 share it.
  auto out = Ship(Order("G1", "P-1", 400, "", "2025-07-01", "diffusion-recommended-2025") +
                  Order("G2", "P-3", 400, "", "2025-07-01", "diffusion-recommended-2025"));
  EXPECT_THAT(out[0], HasSubstr("\"authorization\":\"LPP\""));
  EXPECT_THAT(out[1], HasSubstr("license_required"));
  EXPECT_THAT(out[1], HasSubstr("\"key\":\"P-1/2025\""));
}

TEST_P(LedgerTest, OrdersSplitJustUnderTheCapRaiseAStructuringAlert) {
  const Country ae = *engine_->ParseCountry("AE");
  for (const char* id : {"K-1", "K-2", "K-3"}) {
    ASSERT_THAT(session_->AddParty({.id = id, .country = ae, .beneficial_owners = {"J. Doe"}}),
                IsOk());
  }
  // Each consignee takes 1,650 H100 (26.1 M TPP), 97 % of its 26.9 M LPP headroom, in one week.
  auto out =
      Ship(Order("O1", "K-1", 1650, "", "2025-06-01") + Order("O2", "K-2", 1650, "", "2025-06-03") +
           Order("O3", "K-3", 1650, "", "2025-06-05"));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_THAT(out[1], Not(HasSubstr("structuring-alert")));
  EXPECT_THAT(out[2], HasSubstr("structuring-alert"));
  EXPECT_THAT(out[2], HasSubstr("O1, O2, O3"));
  auto alerts = session_->Alerts();
  ASSERT_THAT(alerts, IsOk());
  ASSERT_EQ(alerts->items.size(), 1u);
  EXPECT_EQ(alerts->items[0].kind, "structuring");
  const std::string& alert = alerts->items[0].record;
  EXPECT_THAT(alert, HasSubstr("\"group\":\"K-1\""));
  // Its evidence in TPP, as decisions give it: 1,650 H100 of 15,832 TPP each, out of the whole
  // 26.9 M headroom.
  EXPECT_THAT(alert, HasSubstr("\"requested_tpp\":" + std::to_string(1650 * 15832) + ","));
  EXPECT_THAT(alert, HasSubstr("\"headroom_tpp\":26900000"));
  // An order far below the headroom is not near the threshold.
  out = Ship(Order("O4", "K-4", 100, "", "2025-06-06"));
  EXPECT_THAT(out[0], Not(HasSubstr("structuring-alert")));
}

TEST_P(LedgerTest, SmallBatchesGiveTheSameResultAsOne) {
  std::string input;
  for (int i = 0; i < 30; ++i) {
    input += Order("B" + std::to_string(i), "C-" + std::to_string(i % 3), 300);
  }
  auto out = Ship(input, false, /*batch=*/4);
  ASSERT_EQ(out.size(), 30u);
  int recorded = 0;
  for (const auto& line : out) {
    recorded += line.find("\"recorded\":true") != std::string::npos;
  }
  EXPECT_EQ(recorded, 15);  // 5 orders of 300 H100 fit each consignee's 26.9 M TPP
  ExpectConsistent();
}

TEST_P(LedgerTest, ANationalVeuLicensesShipmentsUpToItsCeiling) {
  Veu v{.id = "NVEU-1",
        .kind = "national",
        .holder = "V-1",
        .headquarters = *engine_->ParseCountry("AE"),
        .regime = "us-ai-diffusion-2025",
        .eccns = {"3A090.a"},
        .country = *engine_->ParseCountry("AE"),
        .limit_tpp = 50'000'000,
        .valid_from = D("2025-01-01")};
  ASSERT_THAT(session_->AddVeu(v), IsOk());
  EXPECT_THAT(session_->AddVeu(v), StatusIs(StatusCode::kAlreadyExists));
  Veu bad = v;
  bad.id = "NVEU-2";
  bad.country = Country();
  EXPECT_THAT(session_->AddVeu(bad), StatusIs(StatusCode::kInvalidArgument, "needs a country"));
  // 3,000 H100 = 47,496,000 TPP fit the 50 M ceiling; 500 more do not, and fall to LPP.
  auto out = Ship(Order("V1", "V-1", 3000) + Order("V2", "V-1", 500));
  EXPECT_THAT(out[0], HasSubstr("\"outcome\":\"licensed\""));
  EXPECT_THAT(out[0], HasSubstr("\"authorization\":\"NVEU-1\""));
  EXPECT_THAT(out[1], HasSubstr("\"authorization\":\"LPP\""));
  EXPECT_THAT(out[1], HasSubstr("veu-limit"));
  ExpectConsistent();
}

TEST_P(LedgerTest, AUniversalVeuKeepsWithinItsTier2Shares) {
  Veu v{.id = "UVEU-1",
        .kind = "universal",
        .holder = "U-1",
        .headquarters = *engine_->ParseCountry("US"),
        .regime = "us-ai-diffusion-2025",
        .eccns = {"3A090.a"},
        .total_tpp = 1'000'000'000,
        .valid_from = D("2025-01-01")};
  ASSERT_THAT(session_->AddVeu(v), IsOk());
  // The shares left out are the regime's maxima, recorded with the VEU.
  auto listed = session_->ListVeus();
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(listed->items[0].tier2_share, 0.25);
  EXPECT_EQ(listed->items[0].country_share, 0.07);
  auto order = [](const std::string& id, const char* country, int h100) {
    return R"({"id": ")" + id +
           R"(", "date": "2025-06-01", "regime": "us-ai-diffusion-2025", )"
           R"("consignee": {"id": "U-1", "country": ")" +
           country +
           R"("}, )"
           R"("items": [{"part": "H100", "quantity": )" +
           std::to_string(h100) + "}]}\n";
  };
  // 7 % of 1,000,000,000 TPP in one Tier 2 country: 4,000 H100 (63.3 M) fit, 1,000 more do not.
  auto out = Ship(order("U1", "IN", 4000) + order("U2", "IN", 1000) + order("U3", "JP", 20000) +
                  order("U4", "CN", 10));
  EXPECT_THAT(out[0], HasSubstr("\"authorization\":\"UVEU-1\""));
  EXPECT_THAT(out[1], Not(HasSubstr("\"authorization\":\"UVEU-1\"")));
  EXPECT_THAT(out[2], HasSubstr("\"authorization\":\"UVEU-1\""));  // Tier 1: no share limit
  EXPECT_THAT(out[3], HasSubstr("presumption_of_denial"));         // Tier 3 is never covered
  ExpectConsistent();
}

TEST_P(LedgerTest, VeuEligibilityIsCheckedAgainstTheRegimesRules) {
  const auto c = [&](const char* code) { return *engine_->ParseCountry(code); };
  const Veu national{.id = "N",
                     .kind = "national",
                     .holder = "H",
                     .headquarters = c("AE"),
                     .regime = "us-ai-diffusion-2025",
                     .eccns = {"3A090.a"},
                     .country = c("AE"),
                     .valid_from = D("2025-01-01")};
  const Veu universal{.id = "U",
                      .kind = "universal",
                      .holder = "H",
                      .headquarters = c("US"),
                      .regime = "us-ai-diffusion-2025",
                      .eccns = {"3A090.a"},
                      .total_tpp = 1e9,
                      .valid_from = D("2025-01-01")};
  auto with = [](Veu v, auto change) {
    change(v);
    return v;
  };
  // A data centre in D:5, in Macau, or in Hong Kong (decided as China) is never eligible.
  for (const char* site : {"CN", "MO", "HK", "RU"}) {
    EXPECT_THAT(session_->AddVeu(with(national, [&](Veu& v) { v.country = c(site); })),
                StatusIs(StatusCode::kInvalidArgument, "is not eligible"))
        << site;
  }
  EXPECT_THAT(session_->AddVeu(with(universal, [&](Veu& v) { v.locations = {"CN: Shanghai 1"}; })),
              StatusIs(StatusCode::kInvalidArgument, "a data centre in CN is not eligible"));
  EXPECT_THAT(session_->AddVeu(with(universal, [&](Veu& v) { v.locations = {"Shanghai"}; })),
              StatusIs(StatusCode::kInvalidArgument, "veu.locations[0]"));
  // Holders: universal only from the US or Supp. 5(a), parent included; national never from
  // Macau or D:5.
  EXPECT_THAT(session_->AddVeu(with(universal, [&](Veu& v) { v.headquarters = c("CN"); })),
              StatusIs(StatusCode::kInvalidArgument, "headquartered in CN"));
  EXPECT_THAT(session_->AddVeu(with(universal, [&](Veu& v) { v.headquarters = c("AE"); })),
              StatusIs(StatusCode::kInvalidArgument, "Supp. 5(a)"));
  EXPECT_THAT(session_->AddVeu(with(universal, [&](Veu& v) { v.parent_headquarters = c("CN"); })),
              StatusIs(StatusCode::kInvalidArgument, "ultimate parent CN"));
  EXPECT_THAT(session_->AddVeu(with(national, [&](Veu& v) { v.headquarters = c("MO"); })),
              StatusIs(StatusCode::kInvalidArgument, "Macau or Country Group D:5"));
  EXPECT_THAT(session_->AddVeu(with(national, [&](Veu& v) { v.headquarters = Country(); })),
              StatusIs(StatusCode::kInvalidArgument, "veu.headquarters: required"));
  EXPECT_THAT(session_->AddVeu(with(universal, [&](Veu& v) { v.country_share = 0.10; })),
              StatusIs(StatusCode::kInvalidArgument, "above the 0.07"));
  // A regime without VEU rules (the one in force on the date, here) admits none.
  EXPECT_THAT(session_->AddVeu(with(national,
                                    [&](Veu& v) {
                                      v.regime.clear();
                                      v.valid_from = D("2023-01-01");
                                    })),
              StatusIs(StatusCode::kInvalidArgument, "has no Data Center VEU rules"));
  EXPECT_THAT(session_->AddVeu(with(universal, [&](Veu& v) { v.regime = "us-ac-2026"; })),
              StatusIs(StatusCode::kInvalidArgument, "admits no universal VEU"));
  // Nothing refused was recorded.
  auto listed = session_->ListVeus();
  ASSERT_THAT(listed, IsOk());
  EXPECT_TRUE(listed->items.empty());
  ASSERT_THAT(session_->AddVeu(national), IsOk());
  ASSERT_THAT(session_->AddVeu(universal), IsOk());
  ExpectConsistent();
}

TEST_P(LedgerTest, ANationalVeuFollowsTheQuarterlySchedule) {
  // No ceiling given: the schedule of 748.15(a)(2)(iii)(B) decides, quarter by quarter
  // (633,000,000 TPP in 2025 Q1 is 39,982 H100; 949,500,000 in Q2).
  const Veu v{.id = "N",
              .kind = "national",
              .holder = "V-1",
              .headquarters = *engine_->ParseCountry("AE"),
              .regime = "us-ai-diffusion-2025",
              .eccns = {"3A090.a"},
              .country = *engine_->ParseCountry("AE"),
              .valid_from = D("2025-01-01")};
  ASSERT_THAT(session_->AddVeu(v), IsOk());
  auto out = Ship(Order("Q1a", "V-1", 39000, "", "2025-03-01") +
                  Order("Q1b", "V-1", 1000, "", "2025-03-02") +
                  Order("Q2", "V-1", 1000, "", "2025-04-01"));
  EXPECT_THAT(out[0], HasSubstr("\"authorization\":\"N\""));
  EXPECT_THAT(out[1], Not(HasSubstr("\"authorization\":\"N\"")));  // past Q1's ceiling
  EXPECT_THAT(out[1], HasSubstr("veu-limit"));
  EXPECT_THAT(out[2], HasSubstr("\"authorization\":\"N\""));  // Q2 raises it
  ExpectConsistent();
}

TEST_P(LedgerTest, AVeuRecordedForChinaNeverLicensesAShipmentThere) {
  if (GetParam() == std::string("memory")) {
    GTEST_SKIP() << "writes the record through a store of its own";
  }
  // A record written before eligibility was checked (straight through the ledger, as an older
  // build could): decisions still refuse to let it cover a data centre in D:5.
  engine_.reset();
  {
    auto store = store::OpenStore(path_);
    ASSERT_THAT(store, IsOk());
    auto txn = (*store)->Begin();
    ASSERT_THAT(txn, IsOk());
    ledger::Ledger l(**txn, clock_, "test");
    Veu v{.id = "OLD",
          .kind = "national",
          .holder = "C-CN",
          .eccns = {"3A090.a"},
          .country = Country::FromAlpha2('C', 'N'),
          .limit_tpp = 1e9,
          .valid_from = D("2025-01-01")};
    ASSERT_THAT(l.AddVeu(v), IsOk());
    ASSERT_THAT(l.Finish(), IsOk());
    ASSERT_THAT((*txn)->Commit(), IsOk());
  }
  Open();
  auto out = Ship(
      R"({"id": "B", "date": "2026-03-01", "consignee": {"id": "C-CN", "country": "CN"}, "items": [{"part": "B200", "quantity": 10}]})"
      "\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_THAT(out[0], Not(HasSubstr("\"licensed\"")));
  EXPECT_THAT(out[0], HasSubstr("presumption_of_denial"));
}

TEST_P(LedgerTest, ANacLineIsRecordedOnlyAgainstAConfirmedNotification) {
  auto rtx = [](const std::string& id, const char* date, int quantity) {
    return R"({"id": ")" + id + R"(", "date": ")" + date +
           R"(", "consignee": {"id": "C-CN", "country": "CN"}, "items": [{"part": "RTX 4090", )"
           R"("quantity": )" +
           std::to_string(quantity) + "}]}\n";
  };
  // Without a ledger the exception stands, with the duty as a condition (a what-if).
  auto what_if = Engine::Open({.data_dir = "data", .regimes_dir = "regimes"});
  ASSERT_THAT(what_if, IsOk());
  auto wi = ::tg::testing::RunOverMemory(rtx("W", "2025-06-01", 10), [&](Source& in, Sink& out) {
    EXPECT_THAT((*what_if)->DetermineStream(in, out), IsOk());
  });
  ASSERT_EQ(wi.size(), 1u);
  EXPECT_THAT(wi[0], HasSubstr("\"authorization\":\"NAC\""));

  auto out = Ship(rtx("S1", "2025-06-01", 10));
  EXPECT_THAT(out[0], HasSubstr("\"outcome\":\"license_required\""));
  EXPECT_THAT(out[0], HasSubstr("no NAC notification on record for C-CN in CN"));

  Notification n{.id = "N-1",
                 .party = "C-CN",
                 .destination = *engine_->ParseCountry("CN"),
                 .filed = D("2025-05-20"),
                 .quantity_limit = 100};
  ASSERT_THAT(session_->FileNotification(n), IsOk());
  EXPECT_THAT(session_->FileNotification(n), StatusIs(StatusCode::kAlreadyExists));
  out = Ship(rtx("S2", "2025-06-20", 10));
  EXPECT_THAT(out[0], HasSubstr("has no confirmation number yet; once confirmed it serves from "
                                "2025-06-14"));
  EXPECT_THAT(session_->ConfirmNotification("N-1", "", D("2025-06-14")),
              StatusIs(StatusCode::kInvalidArgument, "confirmation number is required"));
  EXPECT_THAT(session_->ConfirmNotification("N-1", "C67-001", D("2025-05-01")),
              StatusIs(StatusCode::kFailedPrecondition, "before N-1 was filed"));
  EXPECT_THAT(session_->ConfirmNotification("N-9", "C67-001", D("2025-06-14")),
              StatusIs(StatusCode::kNotFound));
  ASSERT_THAT(session_->ConfirmNotification("N-1", "C67-001", D("2025-06-14")), IsOk());
  EXPECT_THAT(session_->RefuseNotification("N-1", D("2025-06-15")),
              StatusIs(StatusCode::kFailedPrecondition, "already confirmed"));

  // Before day 25 the exception is not open; from it, lines deplete the notified quantity.
  out = Ship(rtx("S3", "2025-06-13", 10) + rtx("S4", "2025-06-14", 60) +
             rtx("S5", "2025-06-15", 50) + rtx("S6", "2025-06-16", 40));
  EXPECT_THAT(out[0], HasSubstr("NAC exports under it may go from 2025-06-14"));
  EXPECT_THAT(out[0], HasSubstr("\"outcome\":\"license_required\""));
  EXPECT_THAT(out[1], HasSubstr("\"authorization\":\"NAC\""));
  EXPECT_THAT(out[1], HasSubstr("under notification N-1 (confirmation C67-001"));
  EXPECT_THAT(out[2], HasSubstr("N-1 has 40 units left; items[0] needs 50 units"));
  EXPECT_THAT(out[2], HasSubstr("\"outcome\":\"license_required\""));
  EXPECT_THAT(out[3], HasSubstr("\"authorization\":\"NAC\""));

  // A refused notification serves nothing and says so.
  Notification r{.id = "N-2",
                 .party = "C-HK",
                 .destination = *engine_->ParseCountry("HK"),
                 .filed = D("2025-05-01"),
                 .quantity_limit = 10};
  ASSERT_THAT(session_->FileNotification(r), IsOk());
  ASSERT_THAT(session_->RefuseNotification("N-2", D("2025-05-26")), IsOk());
  out = Ship(R"({"id": "S7", "date": "2025-07-01", "consignee": {"id": "C-HK", "country": "HK"}, )"
             R"("items": [{"part": "RTX 4090", "quantity": 1}]})"
             "\n");
  EXPECT_THAT(out[0], HasSubstr("N-2 was refused by BIS on 2025-05-26: a licence is needed"));
  auto listed = session_->ListNotifications();
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->items.size(), 2u);
  EXPECT_EQ(listed->items[0].state, NotificationState::kConfirmed);
  ExpectConsistent();
}

// Every listing pages the same way: pages of `limit` in key order, each naming the cursor of the
// next, together the whole listing once.
TEST_P(LedgerTest, ListingsPageThroughEveryRecordOnce) {
  const Country ae = *engine_->ParseCountry("AE");
  for (const char* id : {"P-5", "P-1", "P-4", "P-2", "P-3"}) {
    ASSERT_THAT(session_->AddParty({.id = id, .name = std::string("Party ") + id, .country = ae}),
                IsOk());
  }
  Ship(Order("A", "C-1", 10, "", "2025-06-01") + Order("B", "C-2", 10, "", "2025-06-01") +
       Order("C", "C-3", 10, "", "2025-06-01"));
  auto all_parties = session_->ListParties();
  ASSERT_THAT(all_parties, IsOk());
  ASSERT_EQ(all_parties->items.size(), 5u);
  EXPECT_EQ(all_parties->next, "");
  std::vector<std::string> paged;
  PageRequest page{.limit = 2};
  int pages = 0;
  do {
    auto p = session_->ListParties(page);
    ASSERT_THAT(p, IsOk());
    ASSERT_LE(p->items.size(), 2u);
    for (const PartyRecord& party : p->items) {
      paged.push_back(party.id);
    }
    page.after = p->next;
    ++pages;
  } while (!page.after.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(paged, (std::vector<std::string>{"P-1", "P-2", "P-3", "P-4", "P-5"}));

  // The caps the engine computes page the same way, by counter key.
  auto caps = session_->Caps();
  ASSERT_THAT(caps, IsOk());
  ASSERT_GE(caps->items.size(), 2u);
  auto first = session_->Caps({.limit = 1});
  ASSERT_THAT(first, IsOk());
  ASSERT_EQ(first->items.size(), 1u);
  auto rest = session_->Caps({.after = first->next});
  ASSERT_THAT(rest, IsOk());
  EXPECT_EQ(rest->items.size() + 1, caps->items.size());
  EXPECT_EQ(rest->next, "");
  EXPECT_EQ(rest->items[0].key, caps->items[1].key);
}

// Several documents shipped in one call: one transaction, one answer each in order, an error
// answered in its place, an id given twice answered as the duplicate it is.
TEST_P(LedgerTest, ShippingDocumentsCommitsThemTogether) {
  const std::string a = Order("A", "C-1", 10);
  const std::string b = Order("B", "C-2", 10);
  const std::vector<std::string_view> documents = {a, "{\"id\": 7}", a, b};
  auto answers = session_->Ship(documents, {});
  ASSERT_THAT(answers, IsOk());
  ASSERT_EQ(answers->size(), 4u);
  EXPECT_THAT((*answers)[0], HasSubstr("\"recorded\":true"));
  EXPECT_THAT((*answers)[1], HasSubstr("\"error\""));
  EXPECT_THAT((*answers)[1], HasSubstr("line 2"));
  EXPECT_THAT((*answers)[2], HasSubstr("\"duplicate\":true"));
  EXPECT_THAT((*answers)[3], HasSubstr("\"recorded\":true"));
  auto shipped = session_->ListMovements({});
  ASSERT_THAT(shipped, IsOk());
  ASSERT_EQ(shipped->items.size(), 2u);
  EXPECT_EQ(shipped->items[0].id, "A");
  // Each request is kept as the bytes given: the log proves it.
  EXPECT_THAT(session_->AuditProve("B", ""), IsOk());
  ExpectConsistent();
}

// A session made for one caller's request stamps that request's id on every record it writes,
// so an operator can find the records of one HTTP call; a session without one writes none.
TEST_P(LedgerTest, EachRecordNamesTheRequestThatMadeIt) {
  const Country ae = *engine_->ParseCountry("AE");
  const Session call(*engine_, {.actor = "erp", .clock = &clock_, .request_id = "req-42"});
  ASSERT_THAT(call.AddParty({.id = "P-1", .name = "Alpha", .country = ae}), IsOk());
  ASSERT_THAT(session_->AddParty({.id = "P-2", .name = "Beta", .country = ae}), IsOk());
  auto records = session_->AuditRecords(0, 0);
  ASSERT_THAT(records, IsOk());
  ASSERT_EQ(records->size(), 2u);
  EXPECT_THAT((*records)[0], HasSubstr("\"actor\":\"erp\",\"request_id\":\"req-42\""));
  EXPECT_THAT((*records)[1], Not(HasSubstr("request_id")));
  EXPECT_EQ(*session_->AuditRecords(1, 2), std::vector<std::string>{(*records)[1]});
  EXPECT_THAT(session_->AuditRecords(1, 3), StatusIs(StatusCode::kInvalidArgument, "[0, 2)"));

  // An id longer than a record may carry is refused with the change, never cut.
  const Session too_long(*engine_, {.clock = &clock_, .request_id = std::string(201, 'x')});
  EXPECT_THAT(too_long.AddParty({.id = "P-3", .name = "Gamma", .country = ae}),
              StatusIs(StatusCode::kInvalidArgument, "request_id: 201 bytes"));
  EXPECT_EQ(session_->ListParties()->items.size(), 2u);
  ExpectConsistent();
}

TEST_P(LedgerTest, CommandsWithoutALedgerSaySo) {
  // The library reads no environment: without a ledger in the options there is none, and
  // the message names what is missing, not a flag of one front end.
  auto e = Engine::Open({.data_dir = "data", .regimes_dir = "regimes"});
  ASSERT_THAT(e, IsOk());
  EXPECT_THAT(Session(**e).Check(), StatusIs(StatusCode::kFailedPrecondition, "needs a ledger"));
}

INSTANTIATE_TEST_SUITE_P(Backends, LedgerTest, ::testing::ValuesIn(::tg::testing::kBackends),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace tg
