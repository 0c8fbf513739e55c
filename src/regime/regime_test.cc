#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/common/country_table.h"
#include "src/regime/country_groups.h"
#include "src/regime/letters.h"
#include "src/regime/regime_set.h"
#include "testing/status_matchers.h"

namespace tg::regime {
namespace {

using ::tg::testing::IsOk;
using ::tg::testing::StatusIs;

const std::vector<std::string> kEccns = {"none",  "3A090.a", "3A090.b", "3A090.c",
                                         "4E091", "4A090.a", "4A090.b"};

Date D(const char* s) { return *Date::Parse(s); }
Country C(const char* s) { return Country::FromAlpha2(s[0], s[1]); }

class RegimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto countries = CountryTable::Load("data/countries.csv");
    ASSERT_THAT(countries, IsOk());
    countries_ = std::move(*countries);
    auto groups = CountryGroups::Load("data/country_groups.csv", "data/decided_as.csv", countries_);
    ASSERT_THAT(groups, IsOk());
    groups_ = std::move(*groups);
    dir_ = std::filesystem::temp_directory_path() /
           ("tg_regime_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }

  Result<std::unique_ptr<Regime>> LoadText(const std::string& text) {
    return RegimeSet::LoadFile(Write("r.yaml", text), groups_, kEccns);
  }

  CountryTable countries_;
  CountryGroups groups_;
  std::filesystem::path dir_;
};

constexpr const char* kMinimal = R"(id: test
title: Test
status: in_force
effective: {from: 2024-01-01}
select_by_date: true
citations: [test]
sets:
  d5_macau: [D:5, MO]
requirements:
  - id: r1
    when: {eccn: [3A090.a], destination_in: d5_macau}
    citation: c
    text: t
)";

TEST_F(RegimeTest, ShippedRegimesLoadAndOnlyTheInForceOnesAreChosenByDate) {
  auto set = RegimeSet::LoadDir("regimes", groups_, kEccns);
  ASSERT_THAT(set, IsOk());
  EXPECT_EQ(set->all().size(), 6u);
  EXPECT_EQ((*set->ForDate(D("2022-10-07")))->id, "us-ac-2022");
  EXPECT_EQ((*set->ForDate(D("2023-11-16")))->id, "us-ac-2022");
  EXPECT_EQ((*set->ForDate(D("2023-11-17")))->id, "us-ac-2023");
  EXPECT_EQ((*set->ForDate(D("2026-01-14")))->id, "us-ac-2023");
  EXPECT_EQ((*set->ForDate(D("2026-01-15")))->id, "us-ac-2026");
  EXPECT_THAT(set->ForDate(D("2022-10-06")), StatusIs(StatusCode::kNotFound));
  ASSERT_NE(set->Find("us-ai-diffusion-2025"), nullptr);
  EXPECT_FALSE(set->Find("us-ai-diffusion-2025")->select_by_date);
}

// 46 countries, and Hong Kong with China (85 FR 83765).
TEST_F(RegimeTest, AcDestinationSetHas47MembersFromFebruary2026) {
  auto set = RegimeSet::LoadDir("regimes", groups_, kEccns);
  ASSERT_THAT(set, IsOk());
  const Regime* r = set->Find("us-ac-2026");
  for (size_t i = 0; i < r->set_exprs.size(); ++i) {
    if (r->set_exprs[i].name == "ac_destinations") {
      const auto& sets = r->SetsOn(D("2026-02-03"));
      EXPECT_EQ(sets[i].size(), 47u);
      EXPECT_TRUE(sets[i].Contains(C("HK")));
      EXPECT_TRUE(sets[i].Contains(C("KH")));   // D:1 keeps Cambodia in
      EXPECT_FALSE(sets[i].Contains(C("IL")));  // D:4 but also A:6
      EXPECT_TRUE(sets[i].Contains(C("AE")));
    }
  }
}

TEST_F(RegimeTest, D5LosesCambodiaOnFebruary3rd2026) {
  EXPECT_EQ(groups_.Members("D:5", D("2026-02-02")).size(), 23u);
  EXPECT_TRUE(groups_.Members("D:5", D("2026-02-02")).Contains(C("KH")));
  EXPECT_EQ(groups_.Members("D:5", D("2026-02-03")).size(), 22u);
  EXPECT_FALSE(groups_.Members("D:5", D("2026-02-03")).Contains(C("KH")));
  EXPECT_EQ(groups_.Members("SUPP5A", D("2025-06-01")).size(), 18u);
}

TEST_F(RegimeTest, DiffusionTiersFollowSupplement5AndD5) {
  auto set = RegimeSet::LoadDir("regimes", groups_, kEccns);
  ASSERT_THAT(set, IsOk());
  const Regime* r = set->Find("us-ai-diffusion-2025");
  const auto& sets = r->SetsOn(D("2025-06-01"));
  EXPECT_EQ(r->TierOf(C("US"), sets), 1);
  EXPECT_EQ(r->TierOf(C("TW"), sets), 1);
  EXPECT_EQ(r->TierOf(C("IN"), sets), 2);
  // Hong Kong is China for the EAR from 2020-12-23 (85 FR 83765): Tier 3 with it.
  EXPECT_EQ(r->TierOf(C("HK"), sets), 3);
  EXPECT_EQ(r->DecidedAsOn(C("HK"), D("2025-06-01")), C("CN"));
  EXPECT_EQ(r->DecidedAsOn(C("HK"), D("2020-12-22")), C("HK"));
  EXPECT_EQ(r->TierOf(C("MO"), sets), 3);
  EXPECT_EQ(r->TierOf(C("SD"), sets), 3);
}

TEST_F(RegimeTest, MinimalRegimeLoads) { EXPECT_THAT(LoadText(kMinimal), IsOk()); }

TEST_F(RegimeTest, TypoInAKeyNamesFileLineAndKey) {
  std::string text = kMinimal;
  text.replace(text.find("citation: c"), 11, "citaton: c");
  EXPECT_THAT(LoadText(text), StatusIs(StatusCode::kInvalidArgument,
                                       "r.yaml:12: requirements[0].citaton: unknown key"));
}

TEST_F(RegimeTest, TypoInAConditionKeyIsRefused) {
  std::string text = kMinimal;
  text.replace(text.find("destination_in"), 14, "destinaton_in");
  EXPECT_THAT(LoadText(text), StatusIs(StatusCode::kInvalidArgument,
                                       "requirements[0].when.destinaton_in: unknown key"));
}

TEST_F(RegimeTest, UnknownEccnIsRefused) {
  std::string text = kMinimal;
  text.replace(text.find("[3A090.a]"), 9, "[3A090.z]");
  EXPECT_THAT(LoadText(text), StatusIs(StatusCode::kInvalidArgument, "unknown ECCN '3A090.z'"));
}

TEST_F(RegimeTest, UnknownCountryGroupIsRefused) {
  std::string text = kMinimal;
  text.replace(text.find("[D:5, MO]"), 9, "[D:9, MO]");
  EXPECT_THAT(LoadText(text), StatusIs(StatusCode::kInvalidArgument, "'D:9' is not a set"));
}

TEST_F(RegimeTest, EffectiveRangeEndingBeforeItStartsIsRefused) {
  std::string text = kMinimal;
  text.replace(text.find("{from: 2024-01-01}"), 18, "{from: 2024-01-01, to: 2023-01-01}");
  EXPECT_THAT(LoadText(text), StatusIs(StatusCode::kInvalidArgument, "is before 'from'"));
}

TEST_F(RegimeTest, BadDateNamesTheKey) {
  std::string text = kMinimal;
  text.replace(text.find("2024-01-01"), 10, "2024-02-30");
  EXPECT_THAT(LoadText(text), StatusIs(StatusCode::kInvalidArgument, "effective.from"));
}

TEST_F(RegimeTest, DuplicateRuleIdIsRefused) {
  std::string text = kMinimal;
  text += "  - id: r1\n    citation: c\n    text: t\n";
  EXPECT_THAT(LoadText(text), StatusIs(StatusCode::kInvalidArgument, "duplicate rule id 'r1'"));
}

TEST_F(RegimeTest, YamlSyntaxErrorNamesTheLine) {
  EXPECT_THAT(LoadText("id: x\ntitle: [unclosed\n"),
              StatusIs(StatusCode::kInvalidArgument, "r.yaml:"));
}

// Issue 12: four levels of ten aliases (48,000 nodes expanded) took 57 s to load.
TEST_F(RegimeTest, AliasesThatExpandPastTheBoundAreRefused) {
  std::string text =
      "id: bomb\ntitle: b\nstatus: in_force\neffective: {from: 2020-01-01}\n"
      "citations: [x]\nrequirements:\n"
      "  - {id: r0, when: &a0 {destination_in: [CN]}, citation: c, text: t}\n";
  for (int level = 1; level <= 4; ++level) {
    std::string refs;
    for (int i = 0; i < 10; ++i) {
      refs += (i == 0 ? "*a" : ", *a") + std::to_string(level - 1);
    }
    text += "  - {id: r" + std::to_string(level) + ", when: &a" + std::to_string(level) +
            " {any_of: [" + refs + "]}, citation: c, text: t}\n";
  }
  EXPECT_THAT(LoadText(text), StatusIs(StatusCode::kInvalidArgument,
                                       "more than 10000 nodes with aliases expanded"));
}

TEST_F(RegimeTest, NestingDeeperThanTheBoundIsRefused) {
  std::string deep = std::string(80, '[') + std::string(80, ']');
  EXPECT_THAT(LoadText(std::string(kMinimal) + "summary: " + deep + "\n"),
              StatusIs(StatusCode::kInvalidArgument, "nesting deeper than 64"));
}

TEST_F(RegimeTest, AgreementAboveTheCapsMaximumIsRefused) {
  std::string text = kMinimal;
  text += R"(caps:
  - {id: alloc, per: destination, period: calendar_year, limit_tpp: 100, agreements_max_increase: 1.0, citation: c}
agreements:
  - {country: AE, cap: alloc, increase: 1.5, citation: c}
)";
  EXPECT_THAT(LoadText(text),
              StatusIs(StatusCode::kInvalidArgument, "agreements[0].increase: exceeds"));
}

TEST_F(RegimeTest, PolicyNameTypoIsRefused) {
  std::string text = kMinimal;
  text += "policies:\n  - {id: p, policy: presumption_of_aproval, citation: c, text: t}\n";
  EXPECT_THAT(LoadText(text), StatusIs(StatusCode::kInvalidArgument, "presumption_of_aproval"));
}

TEST_F(RegimeTest, TwoRegimesChosenByDateMayNotOverlap) {
  std::filesystem::create_directories(dir_ / "set");
  std::ofstream(dir_ / "set" / "a.yaml") << kMinimal;
  std::string other = kMinimal;
  other.replace(other.find("id: test"), 8, "id: other");
  other.replace(other.find("{from: 2024-01-01}"), 18, "{from: 2023-01-01, to: 2024-06-30}");
  std::ofstream(dir_ / "set" / "b.yaml") << other;
  EXPECT_THAT(RegimeSet::LoadDir((dir_ / "set").string(), groups_, kEccns),
              StatusIs(StatusCode::kInvalidArgument, "overlaps"));
}

TEST_F(RegimeTest, ConditionsNeedingAMissingFigureAreUnknownNotFalse) {
  auto r = LoadText(std::string(kMinimal) + R"(policies:
  - id: p
    policy: case_by_case
    when: {tpp: {below: 21000}, dram_bandwidth_gbps: {below: 6500}}
    citation: c
    text: t
)");
  ASSERT_THAT(r, IsOk());
  const auto& sets = (*r)->SetsOn(D("2025-01-01"));
  Facts f;
  f.metrics[static_cast<int>(Metric::kTpp)] = 15000;
  EXPECT_EQ(Evaluate((*r)->policies[0].when, f, sets).kind, Verdict::Kind::kUnknown);
  EXPECT_EQ(Evaluate((*r)->policies[0].when, f, sets).missing, Metric::kDramBandwidth);
  f.metrics[static_cast<int>(Metric::kTpp)] = 30000;  // a known failing test decides first
  EXPECT_EQ(Evaluate((*r)->policies[0].when, f, sets).kind, Verdict::Kind::kFalse);
}

constexpr const char* kLetter = R"(letters:
  - id: l1
    informed: [Acme Chips]
    effective: {from: 2025-04-09}
    items:
      names: [X20]
      meets: {any_of: [{dram_bandwidth_gbps: {min: 4000}}, {interconnect_gbps: {min: 900}}]}
    destinations: [CN, MO, D:5]
    headquartered_in: [CN, MO, D:5]
    policy: none
    citation: c
    text: t
    exemptions:
      - id: e1
        effective: {from: 2025-05-01}
        items: {names: [X20]}
        recipients: [Partner Ltd]
        employees_of: [informed]
        citation: c
        text: t
)";

class LetterTest : public RegimeTest {
 protected:
  Result<Letters> LoadLetters(const std::string& text) {
    std::filesystem::create_directories(dir_ / "letters");
    Write("letters/a.yaml", text);
    return Letters::Load((dir_ / "letters").string(), countries_, groups_, kEccns);
  }
  std::vector<Letters::Match> Ask(const Letters& l, const Party& to, std::string_view item,
                                  const Facts& f, const char* date) {
    return l.Applicable(LetterQuery{&exporter_, &to, item, &f, D(date)});
  }
  Party Named(const char* name, const char* country) {
    Party p;
    p.name = name;
    p.country = p.headquarters = p.parent_headquarters = C(country);
    p.present = true;
    return p;
  }
  Party exporter_ = Named("ACME CHIPS", "US");
};

TEST_F(LetterTest, ALetterBindsOnlyTheCompanyItInformsFromItsDate) {
  auto letters = LoadLetters(kLetter);
  ASSERT_THAT(letters, IsOk());
  Facts f;
  const Party buyer = Named("Buyer", "HK");  // Hong Kong is decided as China
  EXPECT_EQ(Ask(*letters, buyer, "X20", f, "2025-04-09").size(), 1u);
  EXPECT_TRUE(Ask(*letters, buyer, "X20", f, "2025-04-08").empty());
  EXPECT_TRUE(Ask(*letters, buyer, "X20 PCIe", f, "2025-04-08").empty());
  EXPECT_EQ(Ask(*letters, buyer, "X20 PCIe", f, "2025-04-10").size(), 1u);  // a family member
  EXPECT_TRUE(Ask(*letters, buyer, "X200", f, "2025-04-10").size() == 1u &&
              Ask(*letters, buyer, "X200", f, "2025-04-10")[0].missing.has_value());
  exporter_ = Named("Another Co", "US");
  EXPECT_TRUE(Ask(*letters, buyer, "X20", f, "2025-04-10").empty());
}

TEST_F(LetterTest, AParametricTestReachesOtherItemsAndAsksForMissingFigures) {
  auto letters = LoadLetters(kLetter);
  ASSERT_THAT(letters, IsOk());
  Facts f;
  f.metrics[static_cast<int>(Metric::kDramBandwidth)] = 4100;
  const Party sg_cn = [&] {
    Party p = Named("Sub", "SG");
    p.headquarters = C("CN");
    return p;
  }();
  EXPECT_EQ(Ask(*letters, sg_cn, "Y", f, "2025-06-01").size(), 1u);  // headquarters rule
  EXPECT_TRUE(Ask(*letters, Named("Sub", "SG"), "Y", f, "2025-06-01").empty());
  f.metrics[static_cast<int>(Metric::kDramBandwidth)] = 3000;  // below: interconnect decides
  auto m = Ask(*letters, Named("Buyer", "CN"), "Y", f, "2025-06-01");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].missing, Metric::kInterconnect);
  f.metrics[static_cast<int>(Metric::kInterconnect)] = 400;
  EXPECT_TRUE(Ask(*letters, Named("Buyer", "CN"), "Y", f, "2025-06-01").empty());
}

TEST_F(LetterTest, AnExemptionFreesItsRecipientsAndEmployeesFromItsOwnDate) {
  auto letters = LoadLetters(kLetter);
  ASSERT_THAT(letters, IsOk());
  Facts f;
  Party partner = Named("Partner Ltd", "CN");
  Party employee = Named("A. Person", "CN");
  employee.employer = "Acme Chips";
  Party stranger = Named("Other", "CN");
  for (const Party* p : {&partner, &employee}) {
    auto before = Ask(*letters, *p, "X20", f, "2025-04-30");
    ASSERT_EQ(before.size(), 1u);
    EXPECT_EQ(before[0].exemption, nullptr);
    auto after = Ask(*letters, *p, "X20", f, "2025-05-01");
    ASSERT_EQ(after.size(), 1u);
    ASSERT_NE(after[0].exemption, nullptr);
    EXPECT_EQ(after[0].exemption->id, "e1");
  }
  EXPECT_EQ(Ask(*letters, stranger, "X20", f, "2025-05-01")[0].exemption, nullptr);
}

TEST_F(LetterTest, BadLetterFilesAreRefusedNamingTheKey) {
  const std::string base(kLetter);
  // The same letter twice with overlapping dates.
  std::string twice = base + base.substr(std::string("letters:\n").size());
  EXPECT_THAT(LoadLetters(twice), StatusIs(StatusCode::kInvalidArgument, "may not overlap"));
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string t = base;
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  EXPECT_THAT(
      LoadLetters(replace("effective: {from: 2025-05-01}", "effective: {from: 2025-01-01}")),
      StatusIs(StatusCode::kInvalidArgument, "before its letter"));
  EXPECT_THAT(LoadLetters(replace("destinations: [CN, MO, D:5]", "destinations: [CN, QQ]")),
              StatusIs(StatusCode::kInvalidArgument, "destinations: 'QQ'"));
  EXPECT_THAT(LoadLetters(replace("informed:", "informd:")),
              StatusIs(StatusCode::kInvalidArgument, "informd: unknown key"));
  EXPECT_THAT(LoadLetters(replace("policy: none", "policy: nope")),
              StatusIs(StatusCode::kInvalidArgument, "policy"));
  EXPECT_THAT(LoadLetters(replace("meets: {any_of", "meets: {destination_in: [CN], any_of")),
              StatusIs(StatusCode::kInvalidArgument, "country tests are not allowed"));
  EXPECT_THAT(LoadLetters(replace("employees_of: [informed]", "employees_of: [everyone]")),
              StatusIs(StatusCode::kInvalidArgument, "'everyone' is not informed or recipients"));
}

TEST_F(LetterTest, ShippedLettersLoad) {
  auto letters = Letters::Load("data/letters", countries_, groups_, kEccns);
  ASSERT_THAT(letters, IsOk());
  std::vector<std::string> ids;
  for (const Letter& l : letters->all()) {
    ids.push_back(l.id);
  }
  EXPECT_THAT(ids, ::testing::IsSupersetOf({"nvidia-h20-2025-04", "anthropic-models-2026-06-12"}));
}

}  // namespace
}  // namespace tg::regime
