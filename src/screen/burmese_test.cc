// The Burmese romaniser on data/screening/burmese.csv: syllables, stacked consonants, tones,
// honorifics and digits.
#include "src/screen/burmese.h"

#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include "src/screen/utf32.h"

namespace tg::screen {
namespace {

const BurmeseRomanizer* Loaded() {
  static const BurmeseRomanizer* r = []() -> const BurmeseRomanizer* {
    auto loaded = BurmeseRomanizer::Load("data/screening/burmese.csv");
    return loaded ? new BurmeseRomanizer(std::move(*loaded)) : nullptr;
  }();
  return r;
}

std::string Romanize(const std::string& burmese) {
  const BurmeseRomanizer* r = Loaded();
  if (r == nullptr) {
    ADD_FAILURE() << "data/screening/burmese.csv does not load";
    return "";
  }
  return r->Romanize(NfkcUtf32(burmese));
}

TEST(BurmeseTest, Syllables_AsNamesAreWritten) {
  EXPECT_EQ(Romanize("ရွှေ"), "shwe");          // medials wa and ha
  EXPECT_EQ(Romanize("အောင်"), "aung");        // the vowel carrier
  EXPECT_EQ(Romanize("ကျော်ဇော်"), "kyawzaw");  // medial ya; a word keeps its syllables joined
  EXPECT_EQ(Romanize("လှိုင်"), "hlaing");        // medial ha before the onset
  EXPECT_EQ(Romanize("ငြိမ်း"), "nyein");       // the heavy tone says nothing
}

TEST(BurmeseTest, StackedConsonants_CloseTheSyllableBefore) {
  EXPECT_EQ(Romanize("မင်္ဂလာ"), "mingalar");  // kinzi
  EXPECT_EQ(Romanize("သစ္စာ"), "thitsar");    // virama
}

TEST(BurmeseTest, ToneMarks_InEitherOrder_SameRhyme) {
  // The creaky tone changes this rhyme ("Pyae", not "Pyi"); keyboards store the dot below
  // before or after the asat.
  EXPECT_EQ(Romanize("ပြည်"), "pyi");
  EXPECT_EQ(Romanize("ပြ\u100A\u1037\u103A"), "pyae");
  EXPECT_EQ(Romanize("ပြ\u100A\u103A\u1037"), "pyae");
}

TEST(BurmeseTest, LeadingHonorific_IsSplitOff) {
  EXPECT_EQ(Romanize("ဦးထွန်း"), "u htun");
  // Not first, ဦ is a syllable of the name.
  EXPECT_EQ(Romanize("ဝင်းဦး"), "winoo");
  // Alone it is the whole word.
  EXPECT_EQ(Romanize("ဦး"), "oo");
}

TEST(BurmeseTest, Digits) { EXPECT_EQ(Romanize("၁၆"), "16"); }

TEST(BurmeseTest, MedialsNotInTheTable_FollowTheGeneralRule) {
  // မျ (m + ya) is not listed: the onset's letter and a "y".
  EXPECT_EQ(Romanize("မျ"), "mya");
}

TEST(BurmeseTest, Load_RejectsRowsOfAnotherScript) {
  const std::string path = ::testing::TempDir() + "/burmese_bad.csv";
  std::FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("kind,burmese,latin\nonset,k,k\n", f);
  std::fclose(f);
  auto r = BurmeseRomanizer::Load(path);
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find(":2: burmese"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace tg::screen
