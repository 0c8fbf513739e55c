// The screening index on a small list: candidates found across scripts.
#include "src/screen/index.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace tg::screen {
namespace {

struct Fixture {
  Normalizer normalizer;
  NameScorer scorer;
  ScreeningList list;
};

// A list of four people and a ship, indexed once.
const Fixture* Loaded() {
  static const Fixture* f = []() -> const Fixture* {
    auto n = Normalizer::Load("data");
    auto s = NameScorer::Load("data");
    if (!n || !s) {
      return nullptr;
    }
    auto* out = new Fixture{std::move(*n), std::move(*s), {}};
    out->list.source = "test";
    auto add = [&](const std::string& id, const std::string& name, const std::string& type,
                   std::vector<std::string> identifiers) {
      ListEntry e;
      e.list = "SDN";
      e.entry_id = id;
      e.name = name;
      e.type = type;
      e.identifiers = std::move(identifiers);
      out->list.entries.push_back(e);
    };
    auto person = [&](const std::string& id, const std::string& name) {
      add(id, name, "person", {});
    };
    person("P1", "YAMADA, Taro");
    person("P2", "SUZUKI, Jiro");
    person("P3", "金大中");
    person("P4", "KIM, Yong Chol");
    person("P5", "ရွှေ အောင်");
    add("V1", "HOSHIKAZE MARU NO. 8", "vessel", {"IMO 9000008"});
    return out;
  }();
  return f;
}

// The entry ids of the hits for a query, best first.
std::vector<std::string> Hits(const Query& query) {
  const Fixture* f = Loaded();
  if (f == nullptr) {
    ADD_FAILURE() << "data/screening does not load";
    return {};
  }
  Index index(f->normalizer, f->scorer, [](std::string_view) { return std::string(); });
  EXPECT_TRUE(index.Add(f->list));
  auto hits = index.Search(query, kDefaultThreshold, 10);
  EXPECT_TRUE(hits);
  std::vector<std::string> ids;
  for (const Hit& h : *hits) {
    ids.push_back(h.entry->entry_id);
  }
  return ids;
}

std::vector<std::string> Hits(const std::string& name) { return Hits(Query{.name = name}); }

TEST(IndexTest, AJapaneseNameInKanji_FindsItsRomanisation) {
  EXPECT_EQ(Hits("山田太郎"), std::vector<std::string>{"P1"});
}

TEST(IndexTest, ALatinQuery_FindsAListedNameInHan) {
  EXPECT_EQ(Hits("Kim Dae Jung"), std::vector<std::string>{"P3"});
}

TEST(IndexTest, LatinAgainstLatin_Unchanged) {
  EXPECT_EQ(Hits("Taro Yamada"), std::vector<std::string>{"P1"});
  EXPECT_TRUE(Hits("Hanako Tanaka").empty());
}

TEST(IndexTest, ASisterShip_IsAHitUntilItsImoNumberSaysOtherwise) {
  EXPECT_EQ(Hits("Hoshikaze Maru No. 6"), std::vector<std::string>{"V1"});
  EXPECT_TRUE(Hits(Query{.name = "Hoshikaze Maru No. 6", .identifiers = {"IMO 9000006"}}).empty());
  EXPECT_EQ(Hits(Query{.name = "Hoshikaze Maru No. 6", .identifiers = {"IMO 9000008"}}),
            std::vector<std::string>{"V1"});
  // Another kind of number is no IMO number.
  EXPECT_EQ(Hits(Query{.name = "Hoshikaze Maru No. 6", .identifiers = {"MMSI 431000006"}}),
            std::vector<std::string>{"V1"});
}

// The hits of a query as entry ids and scores, for comparing two indexes.
std::vector<std::pair<std::string, double>> Found(const Index& index, const std::string& name) {
  std::vector<std::pair<std::string, double>> out;
  auto hits = index.Search(Query{.name = name}, kDefaultThreshold, 10);
  EXPECT_TRUE(hits);
  for (const Hit& h : *hits) {
    out.emplace_back(h.entry->entry_id, h.score);
  }
  return out;
}

TEST(IndexTest, ASnapshot_FindsWhatTheIndexItWasWrittenFromFinds) {
  const Fixture* f = Loaded();
  ASSERT_NE(f, nullptr);
  auto no_countries = [](std::string_view) { return std::string(); };
  Index built(f->normalizer, f->scorer, no_countries);
  ASSERT_TRUE(built.Add(f->list));
  const std::string path = ::testing::TempDir() + "/index.snapshot";
  ASSERT_TRUE(built.SaveSnapshot(path, "lists v1").ok());

  Index read(f->normalizer, f->scorer, no_countries);
  ASSERT_TRUE(read.LoadSnapshot(path, "lists v1", {&f->list}).ok());
  EXPECT_EQ(read.names(), built.names());
  for (const char* q : {"山田太郎", "Kim Dae Jung", "Taro Yamada", "Hoshikaze Maru No. 6",
                        "Suzuki Jiro", "Hanako Tanaka"}) {
    EXPECT_EQ(Found(read, q), Found(built, q)) << q;
  }
  EXPECT_FALSE(Found(read, "Taro Yamada").empty());

  // Written for other lists: not this one's.
  Index other(f->normalizer, f->scorer, no_countries);
  EXPECT_EQ(other.LoadSnapshot(path, "lists v2", {&f->list}).code(), StatusCode::kNotFound);
  // One byte changed: the checksum refuses it, rather than reading other postings.
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(-3, std::ios::end);
    char c = 0;
    f.read(&c, 1);
    f.seekp(-3, std::ios::end);
    c = static_cast<char>(c ^ 0x10);
    f.write(&c, 1);
  }
  Index flipped(f->normalizer, f->scorer, no_countries);
  EXPECT_EQ(flipped.LoadSnapshot(path, "lists v1", {&f->list}).code(), StatusCode::kDataLoss);
  EXPECT_EQ(flipped.names(), 0u);
  // Cut short: refused whole, never read past its end.
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 8);
  Index cut(f->normalizer, f->scorer, no_countries);
  EXPECT_EQ(cut.LoadSnapshot(path, "lists v1", {&f->list}).code(), StatusCode::kDataLoss);
  EXPECT_EQ(cut.names(), 0u);
}

// A snapshot holds the lists it was built from: read with them, it needs no list at all, and
// the entries come back field for field.
TEST(IndexTest, ASnapshot_HoldsItsListsEntryForEntry) {
  const Fixture* f = Loaded();
  ASSERT_NE(f, nullptr);
  auto no_countries = [](std::string_view) { return std::string(); };
  Index built(f->normalizer, f->scorer, no_countries);
  ASSERT_TRUE(built.Add(f->list));
  const std::string path = ::testing::TempDir() + "/index.lists.snapshot";
  ASSERT_TRUE(built.SaveSnapshot(path, "lists v1").ok());

  std::vector<ScreeningList> lists;
  Index read(f->normalizer, f->scorer, no_countries);
  ASSERT_TRUE(read.LoadSnapshotWithLists(path, "lists v1", lists).ok());
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(ListToJson(lists[0]), ListToJson(f->list));
  EXPECT_EQ(read.names(), built.names());
  for (const char* q : {"山田太郎", "Taro Yamada", "Hoshikaze Maru No. 6", "Shwe Aung"}) {
    EXPECT_EQ(Found(read, q), Found(built, q)) << q;
  }
  // Other lists' snapshot: nothing is read, and the lists are left empty.
  std::vector<ScreeningList> other_lists;
  Index other(f->normalizer, f->scorer, no_countries);
  EXPECT_EQ(other.LoadSnapshotWithLists(path, "lists v2", other_lists).code(),
            StatusCode::kNotFound);
  EXPECT_TRUE(other_lists.empty());
}

TEST(IndexTest, ASnapshot_KeepsTheNamesOfOtherScriptsNormalised) {
  const Fixture* f = Loaded();
  ASSERT_NE(f, nullptr);
  auto no_countries = [](std::string_view) { return std::string(); };
  Index built(f->normalizer, f->scorer, no_countries);
  ASSERT_TRUE(built.Add(f->list));
  const std::string path = ::testing::TempDir() + "/index.scripts.snapshot";
  ASSERT_TRUE(built.SaveSnapshot(path, "lists v1").ok());
  ASSERT_EQ(Found(built, "Shwe Aung").size(), 1u);
  // Read back with a normaliser without tables: the Burmese name would not be romanised again
  // (its letters would stay as written), so it is found only as the snapshot kept it.
  const Normalizer bare;
  Index read(bare, f->scorer, no_countries);
  ASSERT_TRUE(read.LoadSnapshot(path, "lists v1", {&f->list}).ok());
  EXPECT_EQ(Found(read, "Shwe Aung"), Found(built, "Shwe Aung"));
  Index rebuilt(bare, f->scorer, no_countries);
  ASSERT_TRUE(rebuilt.Add(f->list));
  EXPECT_TRUE(Found(rebuilt, "Shwe Aung").empty());
}

// The entry ids of the hits for `query` in a list of people named `names` (ids N0, N1, …).
std::vector<std::string> HitsAmong(const std::vector<std::string>& names,
                                   const std::string& query) {
  const Fixture* f = Loaded();
  if (f == nullptr) {
    ADD_FAILURE() << "data/screening does not load";
    return {};
  }
  ScreeningList list;
  list.source = "namesakes";
  for (size_t i = 0; i < names.size(); ++i) {
    ListEntry e;
    e.list = "SDN";
    e.entry_id = "N" + std::to_string(i);
    e.name = names[i];
    e.type = "person";
    list.entries.push_back(std::move(e));
  }
  Index index(f->normalizer, f->scorer, [](std::string_view) { return std::string(); });
  EXPECT_TRUE(index.Add(list));
  auto hits = index.Search(Query{.name = query}, kDefaultThreshold, 1000);
  EXPECT_TRUE(hits);
  std::vector<std::string> ids;
  for (const Hit& h : *hits) {
    ids.push_back(h.entry->entry_id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

// Surnames that no query here shares, for names that hold the query's words but are not hits.
std::string Surname(size_t i) {
  const std::array<std::string_view, 8> syllables = {"bor", "vek", "tal", "mun",
                                                     "dri", "sol", "kep", "ran"};
  return std::string(syllables[i % 8]) + std::string(syllables[(i / 8) % 8]) +
         std::string(syllables[(i / 64) % 8]);
}

TEST(IndexTest, EveryHitAmongManyNamesakes_IsFound) {
  // Names holding the query's one word as written, with words the query lacks, vote ahead of
  // the namesakes spelt another way; once a hit is found, the search goes on past them while
  // they hold the word as well.
  std::vector<std::string> names;
  for (size_t i = 0; i < 120; ++i) {
    names.push_back(Surname(i) + ", Alexander " + Surname(i + 1) + "ovich " + Surname(i + 2));
  }
  names.push_back("PETROV, Alexander");
  names.push_back("SHUBIN, Alexandr");
  names.push_back("OMELCHENKO, Aleksander");
  EXPECT_EQ(HitsAmong(names, "Alexander"), (std::vector<std::string>{"N120", "N121", "N122"}));
}

TEST(IndexTest, ANameHoldingTwoQueryWords_RanksAboveOnesHoldingOneWordManyWays) {
  // MOHAMED is found by its text, its prefix and its other spellings; a name that holds ALI
  // and one spelling of Muhammad holds more of the query.
  std::vector<std::string> names;
  for (size_t i = 0; i < 120; ++i) {
    names.push_back("MOHAMED, " + Surname(i) + " " + Surname(i + 3));
  }
  names.push_back("'ALI, Muhammad");
  EXPECT_EQ(HitsAmong(names, "Mohamed Ali"), std::vector<std::string>{"N120"});
}

TEST(IndexTest, AHanName_FindsItsKoreanRomanisationAsAWhole) {
  std::vector<std::string> names;
  for (size_t i = 0; i < 60; ++i) {
    names.push_back("KIM, " + Surname(i));
    names.push_back("JONG, " + Surname(i + 7) + " " + Surname(i));
  }
  names.push_back("KIM, Jong Un");
  EXPECT_EQ(HitsAmong(names, "金正恩"), std::vector<std::string>{"N120"});
}

}  // namespace
}  // namespace tg::screen
