// The name scorer on the data tables of data/: how company words, numbers and former names
// move a score across the default threshold.
#include "src/screen/scorer.h"

#include <cstdlib>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "src/screen/han_readings.h"

namespace tg::screen {
namespace {

struct Tools {
  Normalizer normalizer;
  NameScorer scorer;
};

// The normaliser and scorer on data/, loaded once for all tests; null if they do not load.
const Tools* LoadedTools() {
  static const Tools* tools = []() -> const Tools* {
    auto n = Normalizer::Load("data");
    auto s = NameScorer::Load("data");
    return n && s ? new Tools{std::move(*n), std::move(*s)} : nullptr;
  }();
  return tools;
}

double Score(const std::string& a, const std::string& b, NameKind kind = NameKind::kUnknown) {
  const Tools* tools = LoadedTools();
  if (tools == nullptr) {
    ADD_FAILURE() << "data/screening does not load";
    return -1;
  }
  auto x = tools->normalizer.NormalizeAll(a);
  auto y = tools->normalizer.NormalizeAll(b);
  EXPECT_TRUE(x && y);
  for (auto* names : {&*x, &*y}) {
    for (NormalizedName& n : *names) {
      tools->scorer.Prepare(n);
    }
  }
  return tools->scorer.Best(*x, *y, kind).score;
}

TEST(ScorerTest, KindOfType) {
  EXPECT_EQ(KindOfType("Person"), NameKind::kPerson);
  EXPECT_EQ(KindOfType("individual"), NameKind::kPerson);
  EXPECT_EQ(KindOfType("Company"), NameKind::kEntity);
  EXPECT_EQ(KindOfType("vessel"), NameKind::kVessel);
  EXPECT_EQ(KindOfType("Organization"), NameKind::kEntity);
  EXPECT_EQ(KindOfType(""), NameKind::kUnknown);
}

TEST(ScorerTest, DifferentCommonWords_BesideAProperName_AreDifferentCompanies) {
  const char* a = "Ashcorran Mining Supplies Ltd";
  const char* b = "Ashcorran Dining Supplies Ltd";
  EXPECT_LT(Score(a, b, NameKind::kEntity), kDefaultThreshold);
  // Without the kind a one-letter difference is read as a spelling.
  EXPECT_GE(Score(a, b), kDefaultThreshold);
  // A misspelt word that is no word still matches.
  EXPECT_GE(
      Score("Ashcorran Minning Supplies Ltd", "Ashcorran Mining Supplies Ltd", NameKind::kEntity),
      kDefaultThreshold);
}

TEST(ScorerTest, CompanyNamesOfCommonWordsAlone_StayTolerant) {
  EXPECT_GE(Score("Fjord Motor Company", "Ford Motor Company", NameKind::kEntity),
            kDefaultThreshold);
}

TEST(ScorerTest, BritishAndAmericanSpellings_AreOneWord) {
  EXPECT_GE(Score("Kestrelby Organisation", "Kestrelby Organization", NameKind::kEntity),
            kDefaultThreshold);
}

TEST(ScorerTest, ANumberOnOneSideOnly_TellsSisterShipsApart) {
  EXPECT_LT(Score("Gulf Sunbird", "MV Gulf Sunbird II", NameKind::kEntity), kDefaultThreshold);
  EXPECT_GE(Score("Gulf Sunbird II", "MV Gulf Sunbird 2", NameKind::kEntity), kDefaultThreshold);
}

TEST(ScorerTest, AnotherNumberOfOneSeries_IsAHitForReview) {
  // Equal but for the numbers: just above the threshold, below a spelling variant's score.
  for (const auto& [a, b] : {std::pair{"Blackstone Real Estate Partners V L.P.",
                                       "Blackstone Real Estate Partners VI L.P."},
                             std::pair{"Hoshikaze Maru No. 8", "Hoshikaze Maru No. 6"},
                             std::pair{"Goldman Sachs Mortgage Loan Trust 2004-1",
                                       "Goldman Sachs Mortgage Loan Trust 2004-2"}}) {
    const double s = Score(a, b, NameKind::kEntity);
    EXPECT_GE(s, kDefaultThreshold) << a << " | " << b;
    EXPECT_LT(s, 0.85) << a << " | " << b;
  }
  // With any other difference it is no hit.
  EXPECT_LT(Score("Hoshikaze Maru No. 8", "Hoshikaze Trader No. 6", NameKind::kVessel),
            kDefaultThreshold);
}

TEST(ScorerTest, FormerNames_MatchAsAlternatives) {
  EXPECT_GE(Score("M/T Rosalind Meadow (f.k.a. Meadow Spirit)", "Meadow Spirit", NameKind::kEntity),
            kDefaultThreshold);
  EXPECT_LT(Score("MV Bahari Tamu (ex Gulf Sunbird)", "MV Gulf Sunbird II", NameKind::kEntity),
            kDefaultThreshold);
}

TEST(ScorerTest, PossessiveS_IsIgnored) {
  EXPECT_GE(Score("Deutsche Bank's AG", "Deutsche Bank AG", NameKind::kEntity), kDefaultThreshold);
}

TEST(ScorerTest, BurmeseScript_MatchesItsDocumentRomanisation) {
  // Syllables joined in the script, apart in the romanisation; the generic word translated.
  const char* burmese = "ဦးမြင့်ဇော် ကုန်သွယ်ရေး ကုမ္ပဏီလီမိတက်";
  EXPECT_GE(Score(burmese, "U Myint Zaw Trading Co., Ltd.", NameKind::kEntity), kDefaultThreshold);
  EXPECT_LT(Score(burmese, "U Myint Zaw Construction Co., Ltd.", NameKind::kEntity),
            kDefaultThreshold);
}

TEST(ScorerTest, AShortWord_ThatBeginsALongOne_IsNotItsSpelling) {
  // Transliterated words are compared by Jaro-Winkler, which rewards a shared beginning.
  EXPECT_LT(Score("နေထွန်း", "Nay Myo", NameKind::kPerson), kDefaultThreshold);
}

TEST(ScorerTest, AbjadLetters_ReadAsConsonantOrVowel) {
  // ו as v, and a final ה as a written vowel.
  EXPECT_GE(Score("משה דוד לוי", "Moshe David Levi", NameKind::kPerson), kDefaultThreshold);
  EXPECT_GE(Score("אילנה", "Ilana", NameKind::kPerson), kDefaultThreshold);
  // ח and ש as romanisations write them (ch, kh; sh), and as h and s.
  EXPECT_GE(Score("שמואל חרמוני", "Shmuel Khermoni", NameKind::kPerson), kDefaultThreshold);
  EXPECT_GE(Score("שמואל חרמוני", "Samuel Hermoni", NameKind::kPerson), kDefaultThreshold);
  // A one-letter abjad word is a word without its vowels, not an initial (עץ, "z", is Etz).
  EXPECT_GE(Score("לוי עץ", "Levi Etz", NameKind::kPerson), kDefaultThreshold);
  // ה is not ח: Hadar is not Cheder.
  EXPECT_LT(Score("הדר", "Cheder", NameKind::kPerson), kDefaultThreshold);
}

TEST(ScorerTest, AbjadConsonants_AreComparedLetterByLetter) {
  // The letters an abjad keeps apart stay apart: ד is not ת, ب is not ف, Thai ช is not j.
  EXPECT_LT(Score("דוד", "TAATTA, AO", NameKind::kEntity), kDefaultThreshold);
  EXPECT_LT(Score("عبد الله", "AL-RAHYAH, Fadi", NameKind::kPerson), kDefaultThreshold);
  EXPECT_LT(Score("สมชาย", "JAMMEH, Yahya", NameKind::kPerson), kDefaultThreshold);
  EXPECT_GE(Score("สมชาย", "Somchai", NameKind::kPerson), kDefaultThreshold);
  // A short abjad word is one name, not two run together.
  EXPECT_LT(Score("משה", "WIN, Myo Swe", NameKind::kPerson), kDefaultThreshold);
  // Arabic writes p with ب and v with ف; its article is a word of its own.
  EXPECT_GE(Score("فلاديمير بوتين", "Vladimir Putin", NameKind::kPerson), kDefaultThreshold);
  EXPECT_GE(Score("عبد الواحد شفيق", "ABDUL WAHED SHAFIQ", NameKind::kPerson), kDefaultThreshold);
}

TEST(ScorerTest, HanNames_MatchTheirKoreanAndJapaneseReadings) {
  // ICU reads Han in Mandarin only ("jin da zhong", "ling mu yi lang").
  EXPECT_GE(Score("金大中", "Kim Dae Jung", NameKind::kPerson), kDefaultThreshold);
  EXPECT_GE(Score("鈴木一郎", "Suzuki Ichiro", NameKind::kPerson), kDefaultThreshold);
  EXPECT_LT(Score("鈴木一郎", "Suzuki Jiro", NameKind::kPerson), kDefaultThreshold);
}

TEST(ScorerTest, TwoNeighboursExchanged_IsALesserChange_ButNotAcrossAParticle) {
  EXPECT_GE(
      Score("Northgate Bank International", "Northgate International Bank", NameKind::kEntity),
      kDefaultThreshold);
  EXPECT_GE(Score("Ramon Tomas Ignacio Velarde", "Ramon Ignacio Tomas Velarde", NameKind::kPerson),
            kDefaultThreshold);
  // Salman son of Muhammad is not Muhammad son of Salman.
  EXPECT_LT(
      Score("Salman bin Muhammad al-Qasimi", "Muhammad bin Salman al-Qasimi", NameKind::kPerson),
      kDefaultThreshold);
}

TEST(ScorerTest, HanReadings_AreSyllables_InAnyRomanisation) {
  // Pinyin, Wade-Giles: one syllable, two spellings.
  EXPECT_GE(Score("张伟", "Chang Wei", NameKind::kPerson), kDefaultThreshold);
  EXPECT_GE(Score("张伟", "Zhang Wei", NameKind::kPerson), kDefaultThreshold);
  // A letter apart is another character: 郑 (Zheng) is not 张 (Zhang).
  EXPECT_LT(Score("张伟", "Zheng Wei", NameKind::kPerson), kDefaultThreshold);
}

TEST(ScorerTest, ANameInSimplifiedCharacters_IsReadInMandarinOnly) {
  // 敏 is "bin" in Japanese: 張敏 may be a Japanese name, 张敏 (simplified 张) is Chinese.
  EXPECT_GE(Score("張敏", "Zhang Bin", NameKind::kPerson), kDefaultThreshold);
  EXPECT_LT(Score("张敏", "Zhang Bin", NameKind::kPerson), kDefaultThreshold);
}

TEST(ScorerTest, HanCharacters_AreComparedAsCharacters) {
  // Traditional and simplified forms are one character.
  EXPECT_GE(Score("習近平", "习近平", NameKind::kPerson), kDefaultThreshold);
  // Two characters read alike ("shi") are two names.
  EXPECT_LT(Score("高石早苗", "高市早苗", NameKind::kPerson), kDefaultThreshold);
}

TEST(ScorerTest, AWordCutShortWithADot_StandsForTheWordItBegins) {
  EXPECT_GE(Score("Tecelagem Norte Ind. e Com. Ltda", "Tecelagem Norte Industria e Comercio Ltda",
                  NameKind::kEntity),
            kDefaultThreshold);
  // Without the dot a shorter word is a word of its own.
  EXPECT_LT(Score("Tecelagem Norte Ind e Com Ltda", "Tecelagem Norte Industria e Comercio Ltda",
                  NameKind::kEntity),
            kDefaultThreshold);
}

TEST(ScorerTest, RomanisationsOfOneName_VowelsAndBalticEndings) {
  // Two vowels apart, the consonants in place: one name in two romanisations.
  EXPECT_GE(Score("Rashad", "Rushed", NameKind::kPerson), kDefaultThreshold);
  // Not in the names of companies that share a proper name: there they are two words.
  EXPECT_LT(Score("Harlow Rashad Trading", "Harlow Rushed Trading", NameKind::kEntity),
            kDefaultThreshold);
  // Latvian and Lithuanian nominative endings.
  EXPECT_GE(Score("Sergejs", "Sergey", NameKind::kPerson), kDefaultThreshold);
  EXPECT_GE(Score("Petrovas", "Petrov", NameKind::kPerson), kDefaultThreshold);
  EXPECT_LT(Score("Petrovic", "Petrov", NameKind::kPerson), kDefaultThreshold);
}

TEST(ScorerTest, NamesInOneScript_AreComparedInIt) {
  // Romanised, 종 and 정 are both "jong"; in Hangul they are two syllables, two names.
  EXPECT_LT(Score("김종은", "김정은", NameKind::kPerson), kDefaultThreshold);
  EXPECT_LT(Score("Аляксандр Лукашэвіч", "Аляксандр Лукашэнка", NameKind::kPerson),
            kDefaultThreshold);
  EXPECT_LT(Score("مسعود پزشک‌فر", "مسعود پزشکیان", NameKind::kPerson),
            kDefaultThreshold);
  // One typo in a long word of the script still matches, as do letter variants.
  EXPECT_GE(Score("Владимир Владимирович Путин", "Владимир Владимировч Путин", NameKind::kPerson),
            kDefaultThreshold);
  EXPECT_GE(Score("علی کریمی", "علي كريمي", NameKind::kPerson), kDefaultThreshold);
  // Against another script the romanisations are compared as before.
  EXPECT_GE(Score("김정은", "Kim Jong Un", NameKind::kPerson), kDefaultThreshold);
  EXPECT_GE(Score("Лукашэнка", "Lukashenka", NameKind::kPerson), kDefaultThreshold);
}

TEST(ScorerTest, CompanyCorporationAndIncorporated_AreOneForm) {
  // OFAC writes one entity both ways.
  EXPECT_GE(Score("Shazand Petrochemical Corporation", "Shazand Petrochemical Company",
                  NameKind::kEntity),
            0.95);
  EXPECT_GE(Score("Khaybarco", "Khaybar Company", NameKind::kEntity), kDefaultThreshold);
  // A form of another class still differs.
  EXPECT_LT(
      Score("Shazand Petrochemical Corporation", "Shazand Petrochemical GmbH", NameKind::kEntity),
      0.95);
}

TEST(ScorerTest, AQueryThatContainsAListedNameOfTwoNames_IsThatNameInFull) {
  // Aliases of one SDN entry each (2021 snapshot).
  EXPECT_GE(Score("MORENO BRIONES, Fidel Antonio", "MORENO, Fidel", NameKind::kPerson),
            kDefaultThreshold);
  EXPECT_GE(Score("AL-ARMANAZI, Amr Muhammad Najib", "ARMANAZI, Amr", NameKind::kPerson),
            kDefaultThreshold);
  // A listed name of one word found in a query is a coincidence.
  EXPECT_LT(Score("Dan Crenshaw", "DAN", NameKind::kPerson), kDefaultThreshold);
  // As is a query that lacks a word of the listed name while adding its own.
  EXPECT_LT(Score("Fidel Antonio Briones", "MORENO, Fidel", NameKind::kPerson), kDefaultThreshold);
}

TEST(ScorerTest, APlural_IsTheSameWordOfACompany_ButAnotherShip) {
  EXPECT_GE(Score("Islamic Revolutionary Guards Corps", "ISLAMIC REVOLUTIONARY GUARD CORPS",
                  NameKind::kEntity),
            0.95);
  EXPECT_GE(Score("Shiraz Electronic Industries", "Shiraz Electronics Industry", NameKind::kEntity),
            kDefaultThreshold);
  EXPECT_LT(Score("ALTAIR STARS", "ALTAIR STAR", NameKind::kVessel), kDefaultThreshold);
  EXPECT_LT(Score("N/M Rio Paranaguás", "N/M Rio Paranaguá", NameKind::kUnknown),
            kDefaultThreshold);
  // Also when the ship's name is made of common words alone.
  EXPECT_LT(Score("MV Fraternités des Mers", "MV Fraternité des Mers", NameKind::kEntity),
            kDefaultThreshold);
  // A name that begins as a ship's does is a ship's, whatever its type says.
  EXPECT_LT(Score("MV Espoirs d'Abidjan", "MV Espoir d'Abidjan", NameKind::kEntity),
            Score("Espoirs d'Abidjan", "Espoir d'Abidjan", NameKind::kEntity));
}

TEST(ScorerTest, NamesWithoutHanCharacters_DoNotLoadTheHanReadings) {
  // In a process of its own: another test may have loaded them in this one. Loading the
  // data tables normalises their Han entries (株式会社) without reading them.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        Score("Vladimir Putin", "PUTIN, Vladimir Vladimirovich", NameKind::kPerson);
        Score("Toyota Motor KK", "Toyota Jidosha Kabushiki Kaisha", NameKind::kEntity);
        const bool latin_loaded = HanReadings::DefaultLoaded();
        Score("金正恩", "Kim Jong Un", NameKind::kPerson);
        std::exit(!latin_loaded && HanReadings::DefaultLoaded() ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace tg::screen
