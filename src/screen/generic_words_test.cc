// Generic business words in English on data/screening/generic_words.csv: where they match,
// Hebrew's prefixes and word order, alternatives.
#include "src/screen/generic_words.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace tg::screen {
namespace {

std::vector<std::string> Translate(const std::string& name) {
  static const GenericWords* words = []() -> const GenericWords* {
    auto loaded = GenericWords::Load("data/screening/generic_words.csv");
    return loaded ? new GenericWords(std::move(*loaded)) : nullptr;
  }();
  if (words == nullptr) {
    ADD_FAILURE() << "data/screening/generic_words.csv does not load";
    return {};
  }
  return words->Translate(name);
}

// Spaces collapsed, for comparing the variants.
std::string Squeezed(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' || (!out.empty() && out.back() != ' ')) {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  return out;
}

TEST(GenericWordsTest, NameWithoutThem_HasNoVariant) {
  EXPECT_TRUE(Translate("Shwe Myint").empty());
  EXPECT_TRUE(Translate("ရွှေမြင့်").empty());
}

TEST(GenericWordsTest, WordsOfScriptsWithoutSpaces_MatchInsideWords) {
  const auto v = Translate("ရွှေမြင့် ကုန်သွယ်ရေး");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(Squeezed(v[0]), "ရွှေမြင့် trading");
  const auto zh = Translate("长河航运有限公司");
  ASSERT_EQ(zh.size(), 1u);
  EXPECT_EQ(Squeezed(zh[0]), "长河 shipping 有限公司");
}

TEST(GenericWordsTest, HebrewWords_MatchWholeWords_InEnglishOrder) {
  // חלקים מדויקים, "parts precise": the modifier follows its noun.
  const auto v = Translate("לוי חלקים מדויקים");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(Squeezed(v[0]), "לוי precision parts");
  // Part of a longer word is not the word.
  EXPECT_TRUE(Translate("סחרן").empty());
}

TEST(GenericWordsTest, HebrewPrefixes_AndIsKept_TheIsDropped) {
  const auto v = Translate("לוי ספנות וסחר");
  ASSERT_FALSE(v.empty());
  EXPECT_EQ(Squeezed(v[0]), "לוי shipping and trading");
  const auto the = Translate("האחים לוי");
  ASSERT_FALSE(the.empty());
  EXPECT_EQ(Squeezed(the[0]), "brothers לוי");
}

TEST(GenericWordsTest, Alternatives_EachMakeAVariant) {
  // ပို့ဆောင်ရေး is written "Logistics" or "Transport".
  const auto v = Translate("ရွှေ ပို့ဆောင်ရေး");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(Squeezed(v[0]), "ရွှေ logistics");
  EXPECT_EQ(Squeezed(v[1]), "ရွှေ transport");
}

TEST(GenericWordsTest, LatinRows_MatchWholeWords_AnyCase) {
  const auto v = Translate("Tsiklauri GVINO LLC");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(Squeezed(v[0]), "tsiklauri wine llc");
  EXPECT_TRUE(Translate("Gvinoteka LLC").empty());
}

}  // namespace
}  // namespace tg::screen
