// The ledger's records as JSON: states are enums spelled by name, and a stored record whose
// state no state has is refused as damage, not read as some default.
#include "src/ledger/records.h"

#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tierguard/clock.h"

#include "src/ledger/ledger.h"
#include "src/store/store.h"
#include "testing/status_matchers.h"

namespace tg::ledger {
namespace {

using ::tg::testing::IsOk;
using ::tg::testing::StatusIs;

template <typename State>
void ExpectNamesRoundTrip(int count) {
  for (int i = 0; i < count; ++i) {
    const auto state = static_cast<State>(i);
    State read{};
    ASSERT_TRUE(ParseState(StateName(state), read)) << StateName(state);
    EXPECT_EQ(read, state);
  }
  State read{};
  EXPECT_FALSE(ParseState("Active", read));  // names are exact
  EXPECT_FALSE(ParseState("", read));
}

TEST(States, EveryNameReadsBackAsItsState) {
  ExpectNamesRoundTrip<LicenseState>(2);
  ExpectNamesRoundTrip<ApplicationState>(5);
  ExpectNamesRoundTrip<NotificationState>(3);
  ExpectNamesRoundTrip<MovementState>(6);
  EXPECT_EQ(StateName(ApplicationState::kReturnedWithoutAction), "returned_without_action");
}

TEST(Records, ALicenceKeepsItsStateAndAnUnknownStateIsDamage) {
  License l;
  l.number = "L-1";
  l.eccns = {"3A090.a"};
  l.destination = Country::FromAlpha2('A', 'E');
  l.valid_from = Date::FromCivil(2025, 1, 1);
  l.valid_to = Date::FromCivil(2026, 1, 1);
  l.state = LicenseState::kRevoked;
  l.revocation = "end-use concern";
  const std::string json = ToJson(l);
  EXPECT_THAT(json, ::testing::HasSubstr(R"("state":"revoked")"));
  License read;
  ASSERT_THAT(FromJson(json, "L-1", read), IsOk());
  EXPECT_EQ(read.state, LicenseState::kRevoked);
  std::string damaged = json;
  damaged.replace(damaged.find("revoked"), 7, "lapsed!");
  EXPECT_THAT(FromJson(damaged, "L-1", read),
              StatusIs(StatusCode::kDataLoss, "stored record 'L-1' is damaged (state)"));
}

// The lists' manifest holds every kept list's version, is complete only once every list kept
// before it is noted, and `check` finds a manifest that says another version than the list.
TEST(ListsManifest, NamesEveryKeptListsVersionAndCheckHoldsItToTheLists) {
  auto store = store::OpenMemoryStore();
  const FixedClock clock(1764000000);
  auto txn = store->Begin();
  ASSERT_THAT(txn.status(), IsOk());
  Ledger l(**txn, clock, "clerk");
  auto none = l.KeptListVersions();
  ASSERT_THAT(none.status(), IsOk());
  EXPECT_FALSE(none->has_value());  // no manifest yet: the lists must be read
  ASSERT_THAT(l.MarkListVersionsComplete(), IsOk());
  ASSERT_THAT(l.StoreList("UN", "sha256:aa", R"({"version":"sha256:aa","entries":[]})", "{}"),
              IsOk());
  ASSERT_THAT(l.StoreList("DPL", "sha256:bb", R"({"version":"sha256:bb","entries":[]})", "{}"),
              IsOk());
  auto versions = l.KeptListVersions();
  ASSERT_THAT(versions.status(), IsOk());
  ASSERT_TRUE(versions->has_value());
  EXPECT_EQ(**versions, (Ledger::ListVersions{{"DPL", "sha256:bb"}, {"UN", "sha256:aa"}}));
  ASSERT_THAT(l.Finish(), IsOk());
  auto clean = l.Check();
  ASSERT_THAT(clean.status(), IsOk());
  EXPECT_THAT(clean->problems, ::testing::IsEmpty());
  // A list rewritten past the manifest (as a program from before it would): check says so.
  ASSERT_THAT((*txn)->Put(kLists, "UN", R"({"version":"sha256:cc","entries":[]})"), IsOk());
  auto stale = l.Check();
  ASSERT_THAT(stale.status(), IsOk());
  EXPECT_THAT(stale->problems, ::testing::Contains(::testing::HasSubstr(
                                   "list UN is sha256:cc but the lists' manifest says sha256:aa")));
}

// The ledger and its log register their tables as the program starts: every table they write
// has a name for messages, and a dump of the registered tables sees all of their rows.
TEST(LedgerTables, AreRegisteredWithTheLogsBeforeAnyStoreOpens) {
  const std::vector<store::Table> registered = store::RegisteredTables();
  for (store::Table t : {kShipments, kReservations, kLicenses, kApplications, kAgreements, kVeus,
                         kParties, kPartyLinks, kAlerts, kNearThreshold, kLists, kClearances,
                         kHolds, kNotifications, kRefusals, audit::kAuditTable, store::kMeta}) {
    EXPECT_THAT(registered, ::testing::Contains(t));
    EXPECT_THAT(store::TableName(t), ::testing::Not(::testing::StartsWith("table ")));
  }
}

}  // namespace
}  // namespace tg::ledger
