// The ledger's records as JSON: states are enums spelled by name, and a stored record whose
// state no state has is refused as damage, not read as some default.
#include "src/ledger/records.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace tg::ledger
