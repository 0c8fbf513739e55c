// The screening index on a small list: candidates found across scripts.
#include "src/screen/index.h"

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

}  // namespace
}  // namespace tg::screen
