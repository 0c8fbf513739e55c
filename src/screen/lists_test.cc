// The list loaders on the real published files in ../shared/data/sanctions (counts from that
// folder's README), and on damaged input.
#include "src/screen/lists.h"

#include <algorithm>
#include <cstdlib>
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace tg::screen {
namespace {

using ::testing::HasSubstr;
using ::tg::testing::IsOk;
using ::tg::testing::StatusIs;

std::string Shared(const std::string& file) {
  const char* dir = std::getenv("TIERGUARD_SHARED_DATA");
  return std::string(dir != nullptr ? dir : "../shared/data") + "/sanctions/" + file;
}

std::map<std::string, int> CountBy(const ScreeningList& list,
                                   std::string (*key)(const ListEntry&)) {
  std::map<std::string, int> out;
  for (const ListEntry& e : list.entries) {
    ++out[key(e)];
  }
  return out;
}

const ListEntry* Find(const ScreeningList& list, const std::string& id) {
  for (const ListEntry& e : list.entries) {
    if (e.entry_id == id) {
      return &e;
    }
  }
  return nullptr;
}

TEST(Lists, OfacSdnWithItsCompanionFiles) {
  auto list = LoadList(Shared("ofac_sdn/sdn_2024-05-03.csv"));
  ASSERT_THAT(list.status(), IsOk());
  EXPECT_EQ(list->format, "ofac-csv");
  EXPECT_EQ(list->entries.size(), 14965u);
  auto types = CountBy(*list, [](const ListEntry& e) { return e.type; });
  EXPECT_EQ(types["person"], 6854);
  EXPECT_EQ(types["entity"], 6884);
  EXPECT_EQ(types["vessel"], 851);
  EXPECT_EQ(types["aircraft"], 376);
  const ListEntry* putin = Find(*list, "SDN-35096");
  ASSERT_NE(putin, nullptr);
  EXPECT_EQ(putin->name, "PUTIN, Vladimir Vladimirovich");
  EXPECT_THAT(putin->programs, ::testing::Contains("RUSSIA-EO14024"));
  EXPECT_THAT(putin->birth_dates, ::testing::Contains("07 Oct 1952"));
  size_t aliases = 0;
  size_t imo = 0;
  for (const ListEntry& e : list->entries) {
    aliases += e.aliases.size();
    imo += std::count_if(e.identifiers.begin(), e.identifiers.end(),
                         [](const std::string& s) { return s.rfind("IMO ", 0) == 0; });
  }
  // 17,647 aliases of alt_2025-12-24.csv join; inline a.k.a.s in remarks add to them.
  EXPECT_GE(aliases, 17647u);
  EXPECT_GE(imo, 900u);  // 996 remarks carry an IMO number
  EXPECT_EQ(list->version.rfind("sha256:", 0), 0u);
}

TEST(Lists, OfacConsolidatedIsItsOwnList) {
  auto list = LoadList(Shared("ofac_non_sdn/cons_prim.csv"));
  ASSERT_THAT(list.status(), IsOk());
  EXPECT_EQ(list->entries.size(), 442u);
  EXPECT_EQ(list->entries[0].list, "NONSDN");
  size_t aliases = 0;
  for (const ListEntry& e : list->entries) {
    aliases += e.aliases.size();
  }
  EXPECT_GE(aliases, 1073u);
}

TEST(Lists, UnXmlKeepsOriginalScriptNames) {
  auto list = LoadList(Shared("un/UN_consolidated.xml"));
  ASSERT_THAT(list.status(), IsOk());
  auto types = CountBy(*list, [](const ListEntry& e) { return e.type; });
  EXPECT_EQ(types["person"], 730);
  EXPECT_EQ(types["entity"], 273);
  size_t non_latin = 0;
  for (const ListEntry& e : list->entries) {
    for (const std::string& a : e.aliases) {
      non_latin += (!a.empty() && static_cast<unsigned char>(a[0]) >= 0xC0) ? 1 : 0;
    }
  }
  EXPECT_GE(non_latin, 370u);  // 378 NAME_ORIGINAL_SCRIPT elements, a few empty
  const ListEntry* e = Find(*list, "UN-CDi.002");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name, "FRANK KAKOLELE BWAMBALE");
  EXPECT_THAT(e->aliases, ::testing::Contains("FRANK KAKORERE"));
}

TEST(Lists, DeniedPersonsKeepTheirDates) {
  auto list = LoadList(Shared("bis/dpl.txt"));
  ASSERT_THAT(list.status(), IsOk());
  EXPECT_EQ(list->format, "dpl");
  EXPECT_EQ(list->entries.size(), 581u);
  const ListEntry& first = list->entries[0];
  EXPECT_EQ(first.name, "I. ASH");  // the leading space is trimmed
  EXPECT_EQ(first.start_date, "2003-06-19");
  EXPECT_EQ(first.end_date, "2056-06-29");
}

TEST(Lists, CslKeepsEntityListLicensePolicy) {
  auto list = LoadList(Shared("csl_us/csl_sample_2019.csv"));
  ASSERT_THAT(list.status(), IsOk());
  EXPECT_EQ(list->entries.size(), 115u);
  auto by_list = CountBy(*list, [](const ListEntry& e) { return e.list; });
  EXPECT_EQ(by_list["EL"], 22);
  EXPECT_EQ(by_list["UVL"], 4);
  EXPECT_EQ(by_list["DPL"], 8);
  EXPECT_EQ(by_list["SDN"], 28);
  for (const ListEntry& e : list->entries) {
    if (e.list == "EL") {
      EXPECT_FALSE(e.license_requirement.empty()) << e.name;
    }
  }
  auto recent = LoadList(Shared("csl_us/consolidated_sample.csv"));
  ASSERT_THAT(recent.status(), IsOk());
  EXPECT_EQ(recent->entries.size(), 13u);
  auto recent_lists = CountBy(*recent, [](const ListEntry& e) { return e.list; });
  EXPECT_EQ(recent_lists["MEU"], 1);
  EXPECT_EQ(recent_lists["EL"], 1);
}

// Windows-1252 punctuation decoded as Latin-1 and written as UTF-8 (a C1 control character)
// is put back: the name prints as the list meant it.
TEST(Lists, DoubleEncodedPunctuationIsDecoded) {
  auto list = ParseList("csl.json",
                        "{\"results\": [{\"id\": \"e1\", \"source\": "
                        "\"Entity List (EL) - Bureau of Industry and Security\", "
                        "\"name\": \"Gui\\u0092an Huawei \\u0093Investment\\u0094\", "
                        "\"alt_names\": [\"Gui\\u0092an Co\\u0081\"]}]}");
  ASSERT_THAT(list.status(), IsOk());
  ASSERT_EQ(list->entries.size(), 1u);
  EXPECT_EQ(list->entries[0].name, "Gui\u2019an Huawei \u201CInvestment\u201D");
  // A code point Windows-1252 leaves undefined stays as it was.
  EXPECT_THAT(list->entries[0].aliases, ::testing::ElementsAre("Gui\u2019an Co\u0081"));
}

TEST(Lists, CslJsonReadsTheSameRows) {
  auto list = ParseList("csl.json", R"({"results": [
      {"id": "e1", "source": "Entity List (EL) - Bureau of Industry and Security",
       "name": "Example Semiconductor Co.", "alt_names": ["ESC"],
       "addresses": [{"address": "1 Road", "country": "CN"}],
       "license_requirement": "For all items subject to the EAR.",
       "license_policy": "Presumption of denial."}]})");
  ASSERT_THAT(list.status(), IsOk());
  ASSERT_EQ(list->entries.size(), 1u);
  const ListEntry& e = list->entries[0];
  EXPECT_EQ(e.list, "EL");
  EXPECT_EQ(e.entry_id, "EL-e1");
  EXPECT_THAT(e.aliases, ::testing::ElementsAre("ESC"));
  EXPECT_EQ(e.license_policy, "Presumption of denial.");
}

TEST(Lists, FollowTheMoneyEntities) {
  auto list = LoadList(Shared("opensanctions/yente_t1_eu_fsf_entities.ftm.json"));
  ASSERT_THAT(list.status(), IsOk());
  EXPECT_EQ(list->entries.size(), 6u);  // 7 entities, one of them an address
  size_t names = 0;
  for (const ListEntry& e : list->entries) {
    names += 1 + e.aliases.size();
  }
  EXPECT_GE(names, 21u);  // 3 to 12 name variants each
  auto donations = LoadList(Shared("opensanctions/nomenklatura_donations.ftm.ijson"));
  ASSERT_THAT(donations.status(), IsOk());
  // 56 companies, 22 people and 17 organisations; 290 payments and 89 addresses are not parties.
  EXPECT_EQ(donations->entries.size(), 95u);
}

TEST(Lists, DeltaBetweenTwoSdnVersions) {
  auto old_list = LoadList(Shared("ofac_sdn_2021_consistent/sdn.csv"));
  auto new_list = LoadList(Shared("ofac_sdn/sdn_2024-05-03.csv"));
  ASSERT_THAT(old_list.status(), IsOk());
  ASSERT_THAT(new_list.status(), IsOk());
  EXPECT_EQ(old_list->entries.size(), 8976u);
  ListDelta d = DiffLists(*old_list, *new_list);
  // README: from 2021-07 to 2024-05, 6,870 entries were added and 881 removed.
  EXPECT_EQ(d.added.size(), 6870u);
  EXPECT_EQ(d.removed.size(), 881u);
  EXPECT_GT(d.changed.size(), 60u);  // 60 primary names changed; aliases and ids changed too
  ListDelta none = DiffLists(*new_list, *new_list);
  EXPECT_TRUE(none.added.empty() && none.removed.empty() && none.changed.empty());
}

TEST(Lists, BadInputIsAnErrorNamingTheFileAndLine) {
  EXPECT_THAT(ParseList("empty.csv", "").status(), StatusIs(StatusCode::kInvalidArgument));
  auto truncated = ParseList("sdn.csv",
                             "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,"
                             "-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n173,\"ANGLO-CARIB");
  EXPECT_THAT(truncated.status(), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(truncated.status().message(), HasSubstr("sdn.csv:2"));
  auto short_row = ParseList("sdn.csv", "36,\"AEROCARIBBEAN AIRLINES\",-0- \r\n");
  EXPECT_THAT(short_row.status().message(), HasSubstr("sdn.csv:1: expected 12 fields"));
  auto unknown = ParseList("un.xml",
                           "<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL>\n<FIRST_NAME>A"
                           "</FIRST_NAME>\n<SHOE_SIZE>9</SHOE_SIZE>\n</INDIVIDUAL>\n"
                           "</INDIVIDUALS>\n</CONSOLIDATED_LIST>\n");
  EXPECT_THAT(unknown.status().message(), HasSubstr("un.xml:5: unknown element <SHOE_SIZE>"));
  auto broken = ParseList("un.xml", "<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL>");
  EXPECT_THAT(broken.status().message(), HasSubstr("malformed XML"));
  auto ftm = ParseList("x.ftm.json",
                       "{\"id\": \"a\", \"schema\": \"Person\", \"properties\": "
                       "{\"name\": [\"A\"]}}\n{\"id\": 5}\n");
  EXPECT_THAT(ftm.status().message(), HasSubstr("x.ftm.json:2"));
  EXPECT_THAT(ParseList("x.txt", "hello\n").status().message(), HasSubstr("not a list format"));
}

}  // namespace
}  // namespace tg::screen
