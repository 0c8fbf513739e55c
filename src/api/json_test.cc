// The API encodings: what a caller reads is what the records hold, whatever the ledger's storage
// encoding; balances are derived, open-ended dates are empty, pages say whether more follow.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include "tierguard/api_json.h"

#include "testing/status_matchers.h"

namespace tg::api {
namespace {

simdjson::dom::object Parse(simdjson::dom::parser& parser, const std::string& json) {
  simdjson::dom::object obj;
  EXPECT_FALSE(parser.parse(json).get(obj)) << json;
  return obj;
}

double NumberOf(simdjson::dom::object obj, const char* key) {
  double v = 0;
  EXPECT_FALSE(obj[key].get_double().get(v)) << key;
  return v;
}

std::string TextOf(simdjson::dom::object obj, const char* key) {
  std::string_view v;
  EXPECT_FALSE(obj[key].get_string().get(v)) << key;
  return std::string(v);
}

TEST(ApiJsonTest, ALicenceSaysWhatIsLeftOfEachLimitItSets) {
  LicenseStatus status;
  status.license.number = "BIS-1";
  status.license.quantity_limit = 1200;
  status.license.tpp_limit = 0;  // no TPP limit
  status.license.value_limit_usd = 5e6;
  status.license.valid_from = *Date::Parse("2026-01-01");
  status.license.valid_to = *Date::Parse("2026-12-31");
  status.quantity_used = 200;
  status.tpp_used = 1234.5;
  status.value_used_usd = 1.25e6;
  simdjson::dom::parser parser;
  const auto obj = Parse(parser, ToJson(status));
  EXPECT_EQ(TextOf(obj, "number"), "BIS-1");
  EXPECT_EQ(NumberOf(obj, "quantity_left"), 1000);
  EXPECT_EQ(NumberOf(obj, "value_left_usd"), 3.75e6);
  EXPECT_EQ(NumberOf(obj, "tpp_left"), -1);  // no limit of that kind
  EXPECT_EQ(NumberOf(obj, "tpp_used"), 1234.5);
  EXPECT_EQ(TextOf(obj, "state"), "active");
  EXPECT_EQ(obj["revocation"].error(), simdjson::NO_SUCH_FIELD);

  status.license.state = LicenseState::kRevoked;
  status.license.revocation = "end user diverted";
  EXPECT_EQ(TextOf(Parse(parser, ToJson(status)), "revocation"), "end user diverted");
}

TEST(ApiJsonTest, OpenEndedDatesAreEmptyAndKnownOnesAreIso) {
  Agreement a{.id = "G2G-1", .cap = "country_allocation", .increase = 0.5};
  a.country = Country::FromAlpha2('A', 'E');
  a.from = *Date::Parse("2026-05-13");
  simdjson::dom::parser parser;
  auto obj = Parse(parser, ToJson(a));
  EXPECT_EQ(TextOf(obj, "to"), "");
  EXPECT_EQ(TextOf(obj, "from"), "2026-05-13");
  EXPECT_EQ(TextOf(obj, "country"), "AE");
  a.to = *Date::Parse("2027-05-12");
  EXPECT_EQ(TextOf(Parse(parser, ToJson(a)), "to"), "2027-05-12");
}

TEST(ApiJsonTest, OnlyAReservationCarriesItsExpiry) {
  MovementRecord m{.id = "O-1", .date = "2026-03-01", .expires_at = 99};
  simdjson::dom::parser parser;
  EXPECT_EQ(Parse(parser, ToJson(m))["expires_at"].error(), simdjson::NO_SUCH_FIELD);
  EXPECT_EQ(TextOf(Parse(parser, ToJson(m)), "kind"), "shipment");
  m.reservation = true;
  m.state = MovementState::kHeld;
  auto obj = Parse(parser, ToJson(m));
  EXPECT_EQ(NumberOf(obj, "expires_at"), 99);
  EXPECT_EQ(TextOf(obj, "state"), "held");
}

TEST(ApiJsonTest, ACapGivesEachRegimesLimitAndHeadroom) {
  CapUsage usage{.cap = "lpp", .key = "C-1:2026", .used_tpp = 100};
  usage.limits.push_back({.regime = "a", .limit_tpp = 500, .headroom_tpp = 400});
  usage.limits.push_back({.regime = "b", .limit_tpp = 50, .headroom_tpp = -50});
  simdjson::dom::parser parser;
  auto obj = Parse(parser, ToJson(usage));
  simdjson::dom::object limits;
  ASSERT_FALSE(obj["limits"].get_object().get(limits));
  simdjson::dom::object b;
  ASSERT_FALSE(limits["b"].get_object().get(b));
  EXPECT_EQ(NumberOf(b, "headroom"), -50);
  EXPECT_EQ(limits.size(), 2U);
}

TEST(ApiJsonTest, APageSaysWhetherMoreFollow) {
  Page<PartyRecord> page;
  page.items.push_back({.id = "P-1", .name = "Acme \"Quoted\" Ltd"});
  page.items.push_back({.id = "P-2", .name = "Beta"});
  simdjson::dom::parser parser;
  auto obj = Parse(parser, PageJson(Encoded(page), ""));
  simdjson::dom::array items;
  ASSERT_FALSE(obj["items"].get_array().get(items));
  ASSERT_EQ(items.size(), 2U);
  std::string_view name;
  ASSERT_FALSE(items.at(0)["name"].get_string().get(name));
  EXPECT_EQ(name, page.items[0].name);
  EXPECT_TRUE(obj["next"].is_null());

  page.next = "P-2";
  EXPECT_EQ(TextOf(Parse(parser, PageJson(Encoded(page), page.next)), "next"), "P-2");
}

TEST(ApiJsonTest, AnAlertIsAnsweredAsTheLogHoldsIt) {
  const Alert alert{.id = "k", .kind = "screening", .record = R"({"kind":"screening","x":1})"};
  EXPECT_EQ(ToJson(alert), alert.record);
}

// Each refused body, with the text its error must name.
template <typename Parse>
void ExpectRefused(Parse parse, const std::vector<std::pair<std::string, std::string>>& refused) {
  for (const auto& [body, message] : refused) {
    auto r = parse(body);
    ASSERT_FALSE(r.has_value()) << body;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument) << body;
    EXPECT_THAT(r.error().message(), ::testing::HasSubstr(message)) << body;
  }
}

TEST(ApiBodies, AnApplicationIsReadStrictlyAndNamesTheFieldAtFault) {
  auto app = ParseApplicationBody(
      R"({"eccn": "3A090.a", "destination": "SA", "quantity": 2000, "to": "2027-06-30"})");
  ASSERT_TRUE(app.has_value());
  EXPECT_EQ(app->eccns, std::vector<std::string>{"3A090.a"});
  EXPECT_EQ(app->quantity, 2000);
  EXPECT_TRUE(app->submit);  // submitted unless the body says otherwise
  EXPECT_FALSE(app->from.has_value());
  const std::vector<std::pair<std::string, std::string>> refused = {
      {R"({"destination": "SA", "to": "2027-06-30"})", "eccn: required"},
      {R"({"eccn": "3A090.a", "destination": "SA"})", "to: required"},
      {R"({"eccn": "3A090.a", "destination": "SA", "to": "2027-13-01"})", "to"},
      {R"({"eccn": 7, "destination": "SA", "to": "2027-06-30"})", "eccn: a string"},
      {R"({"eccn": "3A090.a", "destination": "SA", "to": "2027-06-30", "quantity": -1})",
       "quantity: a whole number"},
      {R"({"eccn": "3A090.a", "destination": "SA", "to": "2027-06-30", "colour": "red"})",
       "colour: unknown key"},
      {R"({"eccn": "3A090.a", "destination": "SA", "from": "2027-07-01", "to": "2027-06-30"})",
       "is after to"},
      {R"([1, 2])", "not a JSON object"},
  };
  ExpectRefused(ParseApplicationBody, refused);
}

TEST(ApiBodies, AnEmptyApprovalTakesTheDefaultsAndAKeyNeedsAKnownRole) {
  auto approval = ParseApprovalBody("");
  ASSERT_TRUE(approval.has_value());
  EXPECT_EQ(approval->number, "");
  EXPECT_FALSE(approval->valid_from.has_value());
  EXPECT_FALSE(ParseReasonBody("{}").has_value());
  EXPECT_EQ(*ParseReasonBody(R"({"reason": "end use unclear"})"), "end use unclear");
  EXPECT_EQ(ParseKeyBody(R"({"name": "erp", "role": "clerk"})")->role, Role::kClerk);
  EXPECT_THAT(ParseKeyBody(R"({"name": "erp", "role": "root"})").error().message(),
              ::testing::HasSubstr("'root' is none of"));
}

TEST(ApiBodies, ALicenceNeedsItsNumberTermsAndPeriod) {
  auto licence = ParseLicenseBody(
      R"({"number": "L-1", "eccns": ["3A090.a", "4A090.a"], "destination": "AE",
          "tpp": 1e9, "from": "2026-01-01", "to": "2026-12-31", "conditions": "none"})");
  ASSERT_TRUE(licence.has_value());
  EXPECT_EQ(licence->eccns.size(), 2u);
  EXPECT_EQ(licence->tpp, 1e9);
  EXPECT_EQ(licence->from.ToString(), "2026-01-01");
  ExpectRefused(ParseLicenseBody,
                {{R"({"eccn": "3A090.a", "destination": "AE", "from": "2026-01-01",
                      "to": "2026-12-31"})",
                  "number: required"},
                 {R"({"number": "L", "eccn": "3A090.a", "destination": "AE", "to": "2026-12-31"})",
                  "from: required"},
                 {R"({"number": "L", "eccn": "3A090.a", "destination": "AE",
                      "from": "2027-01-01", "to": "2026-12-31"})",
                  "is after to"},
                 {R"({"number": "L", "limit": 3})", "limit: unknown key"}});
}

TEST(ApiBodies, PartiesLinksAgreementsAndClearancesNameWhatIsMissing) {
  auto party = ParsePartyBody(
      R"({"id": "P-1", "name": "Acme", "country": "AE", "beneficial_owners": "Jane Roe"})");
  ASSERT_TRUE(party.has_value());
  EXPECT_EQ(party->beneficial_owners, std::vector<std::string>{"Jane Roe"});
  ExpectRefused(ParsePartyBody, {{R"({"id": "P-1", "name": "Acme"})", "country: required"}});
  ExpectRefused(ParseLinkBody, {{R"({"to": "P-2", "share": 0.5})", "kind: required"},
                                {R"({"to": "P-2", "kind": "owns", "share": -1})", "share"}});
  auto agreement = ParseAgreementBody(
      R"({"id": "G", "country": "AE", "cap": "c", "increase": 1, "from": "2025-06-01"})");
  ASSERT_TRUE(agreement.has_value());
  EXPECT_FALSE(agreement->to.has_value());  // open-ended
  ExpectRefused(
      ParseAgreementBody,
      {{R"({"id": "G", "country": "AE", "cap": "c", "from": "2025-06-01"})", "increase: required"},
       {R"({"id": "G", "country": "AE", "cap": "c", "increase": 1,
                      "from": "2025-06-01", "to": "2025-01-01"})",
        "is after to"}});
  ExpectRefused(ParseClearanceBody,
                {{R"({"party_name": "Acme", "entry": "SDN-1"})", "reason: required"}});
}

TEST(ApiBodies, AVeuANotificationAndTheirAnswers) {
  auto veu = ParseVeuBody(
      R"({"id": "V", "kind": "universal", "holder": "C", "eccn": "3A090.a", "total_tpp": 1e9,
          "locations": ["AE: 1", "SA: 2"], "from": "2025-01-01"})");
  ASSERT_TRUE(veu.has_value());
  EXPECT_EQ(veu->locations.size(), 2u);
  EXPECT_FALSE(veu->to.has_value());
  ExpectRefused(ParseVeuBody, {{R"({"id": "V", "kind": "universal", "holder": "C",
                                    "from": "2025-01-01"})",
                                "eccn: required"},
                               {R"({"id": "V", "kind": "national", "holder": "C",
                                    "eccn": "3A090.a", "from": "2025-01-01",
                                    "limit_tpp": "lots"})",
                                "limit_tpp"}});
  ExpectRefused(ParseNotificationBody,
                {{R"({"id": "N", "party": "P", "destination": "CN"})", "filed: required"}});
  auto confirmed = ParseAnswerBody(R"({"confirmation": "X-1", "date": "2025-06-14"})", true);
  ASSERT_TRUE(confirmed.has_value());
  EXPECT_EQ(confirmed->confirmation, "X-1");
  EXPECT_THAT(ParseAnswerBody(R"({"date": "2025-06-14"})", true).status(),
              ::tg::testing::StatusIs(StatusCode::kInvalidArgument, "confirmation: required"));
  EXPECT_THAT(ParseAnswerBody(R"({"confirmation": "X-1", "date": "2025-06-14"})", false).status(),
              ::tg::testing::StatusIs(StatusCode::kInvalidArgument, "a refusal carries none"));
  EXPECT_TRUE(ParseAnswerBody(R"({"date": "2025-06-14"})", false).has_value());
}

TEST(ApiJsonTest, DepthCountsBracketsOutsideStrings) {
  EXPECT_EQ(JsonDepth(R"({"a": [1, {"b": "[[[{{{"}]})"), 3);
  EXPECT_EQ(JsonDepth("7"), 0);
  EXPECT_EQ(JsonDepth(std::string(70, '[') + std::string(70, ']')), 70);
}

}  // namespace
}  // namespace tg::api
