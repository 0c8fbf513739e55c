// Name normalisation: former and other names split off as alternatives, and the normaliser on
// the data tables of data/screening.
#include "src/screen/normalize.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/common/csv.h"
#include "src/common/text.h"

namespace tg::screen {
namespace {

using ::testing::ElementsAre;

TEST(AlternativeNamesTest, AName_WithoutMarkers_IsItself) {
  EXPECT_THAT(AlternativeNames("Rosneft Trading S.A."), ElementsAre("Rosneft Trading S.A."));
  EXPECT_THAT(AlternativeNames("Texas Export Company"), ElementsAre("Texas Export Company"));
  EXPECT_THAT(AlternativeNames("Ex Libris Ltd"), ElementsAre("Ex Libris Ltd"));
}

TEST(AlternativeNamesTest, FormerNames_InParentheses) {
  EXPECT_THAT(AlternativeNames("M/T Rosalind Meadow (f.k.a. Meadow Spirit)"),
              ElementsAre("M/T Rosalind Meadow", "Meadow Spirit"));
  EXPECT_THAT(AlternativeNames("OCEAN PIONEER (ex-Cape Diamond) Panama"),
              ElementsAre("OCEAN PIONEER Panama", "Cape Diamond"));
  EXPECT_THAT(AlternativeNames("MV Stamatia Horizon (ex-Elenitsa Z, ex-Aegean Lynx)"),
              ElementsAre("MV Stamatia Horizon", "Elenitsa Z", "Aegean Lynx"));
  EXPECT_THAT(AlternativeNames("Theodosia K (ex-Lindos Harrier until 2019)"),
              ElementsAre("Theodosia K", "Lindos Harrier"));
}

TEST(AlternativeNamesTest, FormerNames_WithoutParentheses) {
  EXPECT_THAT(AlternativeNames("MT QUINTARA SPIRIT EX PALOMERA"),
              ElementsAre("MT QUINTARA SPIRIT", "PALOMERA"));
  EXPECT_THAT(AlternativeNames("Qamar Al Khaleej ex-Rimal Star"),
              ElementsAre("Qamar Al Khaleej", "Rimal Star"));
  EXPECT_THAT(AlternativeNames("BEIRUT CEDAR TRADING SAL, f.k.a. LEBANON CEDAR IMPORT EXPORT SAL"),
              ElementsAre("BEIRUT CEDAR TRADING SAL", "LEBANON CEDAR IMPORT EXPORT SAL"));
  EXPECT_THAT(AlternativeNames("Superior Harvester ex Duluth Harvester, ex Iron Range Harvester"),
              ElementsAre("Superior Harvester", "Duluth Harvester", "Iron Range Harvester"));
}

TEST(AlternativeNamesTest, VesselNames_WithoutVoyageNumberOrPort) {
  EXPECT_THAT(AlternativeNames("HALVERSTONE SPIRIT V.214W"),
              ElementsAre("HALVERSTONE SPIRIT V.214W", "HALVERSTONE SPIRIT"));
  EXPECT_THAT(AlternativeNames("MT Orla Bay, Laem Chabang"),
              ElementsAre("MT Orla Bay, Laem Chabang", "MT Orla Bay"));
  EXPECT_THAT(AlternativeNames("M/V Tamsin (Batumi)"),
              ElementsAre("M/V Tamsin (Batumi)", "M/V Tamsin"));
  // Without a vessel prefix a comma or parentheses are part of the name.
  EXPECT_THAT(AlternativeNames("PUTIN, Vladimir"), ElementsAre("PUTIN, Vladimir"));
  EXPECT_THAT(AlternativeNames("Marrowby Chemicals (Thailand) Co., Ltd."),
              ElementsAre("Marrowby Chemicals (Thailand) Co., Ltd."));
}

TEST(AlternativeNamesTest, NamesEitherSideOfASlash) {
  EXPECT_THAT(AlternativeNames("Jaysh al-Nasr/Victory Army"),
              ElementsAre("Jaysh al-Nasr/Victory Army", "Jaysh al-Nasr", "Victory Army"));
  // The slashes of abbreviations are not alternatives.
  EXPECT_THAT(AlternativeNames("Nordvik Shipping A/S"), ElementsAre("Nordvik Shipping A/S"));
  EXPECT_THAT(AlternativeNames("Unit 12/14 Holdings"), ElementsAre("Unit 12/14 Holdings"));
}

TEST(AlternativeNamesTest, ASwiftFieldTag_IsNoPartOfTheName) {
  EXPECT_THAT(AlternativeNames("FIELD 59: BLACKWOOD CATTLE CO PTY LTD"),
              ElementsAre("BLACKWOOD CATTLE CO PTY LTD"));
  EXPECT_THAT(AlternativeNames(":50K:ACME TRADING LTD"), ElementsAre("ACME TRADING LTD"));
  EXPECT_THAT(AlternativeNames("Field Services 24 Ltd"), ElementsAre("Field Services 24 Ltd"));
  EXPECT_THAT(AlternativeNames("FIELD 59:"), ElementsAre("FIELD 59:"));
}

TEST(AlternativeNamesTest, CareOf_IsAnotherParty) {
  EXPECT_THAT(AlternativeNames("Rancho Vercel SA de CV c/o Aduanas Pedraza, Nuevo Laredo"),
              ElementsAre("Rancho Vercel SA de CV"));
  EXPECT_THAT(AlternativeNames("Tidewell Process Equipment Inc, 12250 Brevard Ln, Pasadena TX"),
              ElementsAre("Tidewell Process Equipment Inc"));
  EXPECT_THAT(AlternativeNames("MV Apapa Falcon (ex Warri Osprey, 2020)"),
              ElementsAre("MV Apapa Falcon", "Warri Osprey, 2020"));
  EXPECT_THAT(AlternativeNames("HALVERSTONE SPIRIT (Marshall Islands flag)"),
              ElementsAre("HALVERSTONE SPIRIT"));
}

// The normaliser on data/, loaded once; null if it does not load.
const Normalizer* Loaded() {
  static const Normalizer* n = []() -> const Normalizer* {
    auto loaded = Normalizer::Load("data");
    return loaded ? new Normalizer(std::move(*loaded)) : nullptr;
  }();
  return n;
}

TEST(NormalizerTest, ALegalFormOfOneScript_IsNotAWordOfAnother) {
  const Normalizer* n = Loaded();
  ASSERT_NE(n, nullptr);
  // Georgian შპს (LLC) and Hebrew שחף (a gull) both transliterate to "shp".
  auto georgian = n->Normalize("შპს ალფა");
  auto hebrew = n->Normalize("שחף הצפון");
  ASSERT_TRUE(georgian && hebrew);
  ASSERT_FALSE(georgian->tokens.empty());
  ASSERT_FALSE(hebrew->tokens.empty());
  EXPECT_TRUE(georgian->tokens[0].Has(kLegalForm));
  EXPECT_FALSE(hebrew->tokens[0].Has(kLegalForm));
}

TEST(NormalizerTest, GenericWords_AddATranslatedVariant) {
  const Normalizer* n = Loaded();
  ASSERT_NE(n, nullptr);
  auto names = n->NormalizeAll("ရွှေမြင့် ကုန်သွယ်ရေး");
  ASSERT_TRUE(names);
  ASSERT_EQ(names->size(), 2u);
  EXPECT_EQ((*names)[0].Text(), "shwemyint konethweyay");
  EXPECT_EQ((*names)[1].Text(), "shwemyint trading");
}

TEST(NormalizerTest, LettersOfAScriptWithoutTransliteration_StayComparable) {
  const Normalizer* n = Loaded();
  ASSERT_NE(n, nullptr);
  // ICU has no Lao transliterator: the word is kept as its code points, not dropped.
  auto lao = n->Normalize("Ahmad ສົມຊາຍ");
  auto again = n->Normalize("ສົມຊາຍ");
  auto other = n->Normalize("ສົມສັກ");
  ASSERT_TRUE(lao && again && other);
  ASSERT_EQ(lao->tokens.size(), 2u);
  ASSERT_EQ(again->tokens.size(), 1u);
  EXPECT_EQ(lao->tokens[1].text, again->tokens[0].text);
  EXPECT_NE(again->tokens[0].text, other->tokens[0].text);
  EXPECT_TRUE(lao->tokens[1].Has(kForeign));
}

TEST(NormalizerTest, WordsOfOtherScripts_KeepTheirLetters) {
  const Normalizer* n = Loaded();
  ASSERT_NE(n, nullptr);
  // Persian ی and Arabic ي are one letter; the vowel mark (fatha) is dropped; each token points
  // at the word it romanises.
  auto persian = n->Normalize("علی کریمی");
  auto arabic = n->Normalize("عَلي كريمي");
  ASSERT_TRUE(persian && arabic);
  ASSERT_EQ(persian->script_words.size(), 2u);
  ASSERT_EQ(arabic->script_words.size(), 2u);
  EXPECT_EQ(persian->script_words[0].letters, arabic->script_words[0].letters);
  EXPECT_EQ(persian->script_words[1].letters, arabic->script_words[1].letters);
  EXPECT_EQ(persian->script_words[0].letters.size(), 3u);
  ASSERT_EQ(persian->tokens.size(), 2u);
  EXPECT_EQ(persian->tokens[0].word, 0);
  EXPECT_EQ(persian->tokens[1].word, 1);
  // Latin words and Han characters have none.
  auto latin = n->Normalize("Ali Karimi");
  auto han = n->Normalize("習近平");
  ASSERT_TRUE(latin && han);
  EXPECT_TRUE(latin->script_words.empty());
  EXPECT_TRUE(han->script_words.empty());
  ASSERT_FALSE(han->tokens.empty());
  EXPECT_EQ(han->tokens[0].word, kNoScriptWord);
  // Cyrillic lower-cased.
  auto upper = n->Normalize("ПУТИН");
  auto lower = n->Normalize("путин");
  ASSERT_TRUE(upper && lower);
  ASSERT_EQ(upper->script_words.size(), 1u);
  EXPECT_EQ(upper->script_words[0].letters, lower->script_words[0].letters);
}

// The tokens' text of a name, joined by spaces.
std::string Text(const std::string& name) {
  const Normalizer* n = Loaded();
  if (n == nullptr) {
    ADD_FAILURE() << "data/screening does not load";
    return "";
  }
  auto normalized = n->Normalize(name);
  EXPECT_TRUE(normalized);
  return normalized ? normalized->Text() : "";
}

TEST(NormalizerTest, DigitsWrittenForLetters_AreTheLetters) {
  EXPECT_EQ(Text("Ig0r Sech1n"), "igor sechin");
  EXPECT_EQ(Text("I9or"), "igor");
  // Not between letters, or more than one: numbers.
  EXPECT_EQ(Text("Victory 3"), "victory 3");
  EXPECT_EQ(Text("V.214W"), "v 214 w");
}

TEST(NormalizerTest, ATransliteratedApostrophe_IsNoPossessive) {
  // ICU writes א as an apostrophe: נחמיאס is "nchmy's", whose 's is the name's.
  EXPECT_EQ(Text("נחמיאס").back(), 's');
  EXPECT_EQ(Text("Deutsche Bank's"), "deutsche bank");
}

TEST(NormalizerTest, TensWordAndUnitDigit_AreOneNumber) {
  EXPECT_EQ(Text("Brigade Forty 4"), "brigade 44");
  EXPECT_EQ(Text("Brigade 40 4"), "brigade 40 4");  // written digits stay apart
}

TEST(NormalizerTest, ALegalFormGluedInCapitals_IsSetApart) {
  EXPECT_EQ(Text("SiemensAG"), Text("Siemens AG"));
  // Capitals that are no legal form, or a word that is all capitals, stay as written.
  EXPECT_EQ(Text("McDonaldXY"), "mcdonaldxy");
  EXPECT_EQ(Text("SIEMENSAG"), "siemensag");
}

TEST(NormalizerTest, ALegalFormCutShortOrMisspelt_IsTheForm) {
  // Cut where the name ends, as fixed-width fields cut names.
  EXPECT_EQ(Text("Tactical Missiles Corporation Joint Stock Compan"),
            Text("Tactical Missiles Corporation Joint Stock Company"));
  EXPECT_EQ(Text("Acme Incorpor"), Text("Acme Incorporated"));
  // One letter wrong in a long form.
  EXPECT_EQ(Text("Siemens Aktiengeselschaft"), Text("Siemens AG"));
  // Not inside the name, not a dictionary word, not a short stub.
  EXPECT_EQ(Text("Compan Trading"), "compan trading");
  EXPECT_EQ(Text("Acme Incorporate"), "acme incorporate");
  EXPECT_EQ(Text("Acme Comp"), "acme comp");
}

// The rows of the legal-form and title tables written in Latin letters with accents: a name in
// ASCII is read with them folded without ICU's transliterators, a name with accents with them
// romanised by ICU; both must read the row as the same phrase.
TEST(NormalizerTest, ATableRowWithAccents_ReadsAlikeInAsciiAndAsWritten) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> to_ascii(
      icu::Transliterator::createInstance("Latin-ASCII", UTRANS_FORWARD, status));
  ASSERT_TRUE(U_SUCCESS(status));
  int rows = 0;
  for (const char* table : {"data/screening/legal_forms.csv", "data/screening/titles.csv"}) {
    auto csv = CsvTable::Load(table);
    ASSERT_TRUE(csv) << csv.status().message();
    for (const CsvRecord& r : csv->records()) {
      const std::string& row = r.fields[0];
      icu::UnicodeString u = icu::UnicodeString::fromUTF8(row);
      to_ascii->transliterate(u);
      std::string ascii;
      u.toUTF8String(ascii);
      if (IsAscii(row) || !IsAscii(ascii)) {
        continue;  // in ASCII already, or in another script
      }
      ++rows;
      const bool title = std::string_view(table).ends_with("titles.csv");
      const std::string as_written = title ? row + " Ivanov" : "Acme " + row;
      const std::string in_ascii = title ? ascii + " Ivanov" : "Acme " + ascii;
      EXPECT_EQ(Text(in_ascii), Text(as_written)) << table << ":" << r.line;
      EXPECT_EQ(Text(in_ascii), title ? "ivanov" : "acme " + r.fields[1]) << table << ":" << r.line;
    }
  }
  EXPECT_GE(rows, 5);
}

TEST(NormalizerTest, TheWordListsCache_ReadsAsTheWordLists) {
  const std::string dir = ::testing::TempDir() + "/words_cache";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto kinds = [](const Normalizer& n) {
    std::vector<bool> words;
    auto name = n.Normalize("Mining Exports Ivanovich Zolotarev Star");
    EXPECT_TRUE(name);
    for (const Token& t : name->tokens) {
      words.push_back(t.Has(kWord));
    }
    return words;
  };
  const std::vector<bool> expected = {true, true, false, false, true};
  auto written = Normalizer::Load("data", dir);
  ASSERT_TRUE(written);
  EXPECT_EQ(kinds(*written), expected);
  ASSERT_TRUE(std::filesystem::exists(dir + "/words.fp"));
  auto read = Normalizer::Load("data", dir);
  ASSERT_TRUE(read);
  EXPECT_EQ(kinds(*read), expected);
  // One bit of the last fingerprint changed (they stay sorted): refused and written again,
  // never read as other words.
  auto good = ReadFile(dir + "/words.fp");
  ASSERT_TRUE(good);
  {
    std::string damage = *good;
    damage[damage.size() - 8] = static_cast<char>(damage[damage.size() - 8] ^ 1);
    std::ofstream(dir + "/words.fp", std::ios::binary | std::ios::trunc) << damage;
  }
  auto damaged = Normalizer::Load("data", dir);
  ASSERT_TRUE(damaged);
  EXPECT_EQ(kinds(*damaged), expected);
  auto rewritten = ReadFile(dir + "/words.fp");
  ASSERT_TRUE(rewritten);
  EXPECT_EQ(*rewritten, *good);
}

}  // namespace
}  // namespace tg::screen
