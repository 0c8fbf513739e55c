// Spellings of one name across orthographies and romanisation systems, word by word.
#include "src/screen/spellings.h"

#include <string>

#include <gtest/gtest.h>

namespace tg::screen {
namespace {

Token Word(std::string text, uint8_t flags = 0) {
  Token t;
  t.text = std::move(text);
  t.flags = flags;
  return t;
}

TEST(SpellingsTest, BritishSpelling) {
  EXPECT_EQ(BritishSpelling("organization"), "organisation");
  EXPECT_EQ(BritishSpelling("center"), "centre");
  EXPECT_EQ(BritishSpelling("or"), "or");  // too short to carry the ending
}

TEST(SpellingsTest, SingularAndPlural) {
  EXPECT_TRUE(SingularAndPlural("guard", "guards"));
  EXPECT_TRUE(SingularAndPlural("industries", "industry"));
  EXPECT_FALSE(SingularAndPlural("boxes", "box"));  // under four letters
  EXPECT_TRUE(SingularAndPlural("churches", "church"));
  EXPECT_FALSE(SingularAndPlural("industries", "industrial"));
  EXPECT_FALSE(SingularAndPlural("guard", "guardian"));
  EXPECT_FALSE(SingularAndPlural("guard", "guard"));
}

TEST(SpellingsTest, VowelsApart_OneOrTwoVowelsOfFiveLettersOrMore) {
  EXPECT_TRUE(VowelsApart("osama", "usama"));
  EXPECT_TRUE(VowelsApart("rashad", "rushed"));
  EXPECT_FALSE(VowelsApart("osama", "osama"));  // not apart
  EXPECT_FALSE(VowelsApart("laden", "lamen"));  // a consonant apart
  EXPECT_FALSE(VowelsApart("bob", "bib"));      // too short
  EXPECT_FALSE(VowelsApart("abaca", "ebece"));  // three vowels apart
}

TEST(SpellingsTest, BalticEnding) {
  EXPECT_TRUE(BalticEnding(Word("lavrovs"), Word("lavrov")));
  EXPECT_TRUE(BalticEnding(Word("putin"), Word("putinas")));
  EXPECT_TRUE(BalticEnding(Word("sergejs"), Word("sergey")));
  EXPECT_FALSE(BalticEnding(Word("petrovic"), Word("petrov")));
  EXPECT_FALSE(BalticEnding(Word("ivas"), Word("iv")));  // too short
  EXPECT_FALSE(BalticEnding(Word("putinas", kForeign), Word("putin")));
}

TEST(SpellingsTest, BeginsOther) {
  EXPECT_TRUE(BeginsOther("nay", "nayhtun"));
  EXPECT_TRUE(BeginsOther("nayhtun", "nay"));
  EXPECT_FALSE(BeginsOther("nay", "nay"));
  EXPECT_FALSE(BeginsOther("nay", "hnay"));
}

TEST(SpellingsTest, SameAbjadConsonants) {
  const uint8_t hebrew = kAbjad | kForeign | kHebrew;
  const uint8_t arabic_or_thai = kAbjad | kForeign;
  EXPECT_TRUE(SameAbjadConsonants(Word("dwd", hebrew), Word("david")));           // ו as v
  EXPECT_TRUE(SameAbjadConsonants(Word("lbnh", hebrew), Word("levana")));         // final ה
  EXPECT_TRUE(SameAbjadConsonants(Word("shchp", hebrew), Word("shachaf")));       // ש, ח
  EXPECT_TRUE(SameAbjadConsonants(Word("chyph", hebrew), Word("haifa")));         // ח as h
  EXPECT_TRUE(SameAbjadConsonants(Word("zwr", hebrew), Word("tzur")));            // צ as tz
  EXPECT_FALSE(SameAbjadConsonants(Word("hdr", hebrew), Word("cheder")));         // ה is not ח
  EXPECT_FALSE(SameAbjadConsonants(Word("dwd", hebrew), Word("taatta")));         // ד is not ת
  EXPECT_FALSE(SameAbjadConsonants(Word("bd", arabic_or_thai), Word("fadi")));    // ب is not ف
  EXPECT_FALSE(SameAbjadConsonants(Word("allh", arabic_or_thai), Word("al")));    // h of Allah
  EXPECT_TRUE(SameAbjadConsonants(Word("ywsf", arabic_or_thai), Word("jusuf")));  // j as y
  EXPECT_TRUE(SameAbjadConsonants(Word("ahmd", arabic_or_thai), Word("ahmed")));
  EXPECT_FALSE(SameAbjadConsonants(Word("ahmd", arabic_or_thai), Word("hamid")));  // أ is a vowel
  EXPECT_TRUE(SameAbjadConsonants(Word("bd", arabic_or_thai), Word("abd")));  // ع left unwritten
  EXPECT_FALSE(SameAbjadConsonants(Word("bdallh", arabic_or_thai), Word("abdul")));
  EXPECT_FALSE(SameAbjadConsonants(Word("mshh", hebrew), Word("mawas")));
  EXPECT_FALSE(SameAbjadConsonants(Word("mhmwd", arabic_or_thai), Word("jumahhamid")));
  EXPECT_TRUE(SameAbjadConsonants(Word("smchay", arabic_or_thai), Word("somchai")));
  // A written و is read: o or u as a vowel (Mahmoud), v or w as a consonant; never a.
  EXPECT_TRUE(SameAbjadConsonants(Word("mhmwd", arabic_or_thai), Word("mahmoud")));
  EXPECT_FALSE(SameAbjadConsonants(Word("mhmwd", arabic_or_thai), Word("mohammad")));
  EXPECT_FALSE(SameAbjadConsonants(Word("dwd", hebrew), Word("dida")));
  // Letters ICU folds together keep both readings: ض (written d) is Fazl's z.
  EXPECT_TRUE(SameAbjadConsonants(Word("fdl", arabic_or_thai), Word("fazl")));
  EXPECT_TRUE(SameAbjadConsonants(Word("hmzt", arabic_or_thai), Word("hamza")));  // ة
  // Thai's ch is ช, never read as h: Somchai is not Jammeh.
  EXPECT_FALSE(SameAbjadConsonants(Word("smchay", arabic_or_thai), Word("jammeh")));
}

TEST(SpellingsTest, SyllableKey_RomanisationsOfOneSyllableAgree) {
  EXPECT_EQ(SyllableKey("zhang"), SyllableKey("chang"));  // Pinyin, Wade-Giles
  EXPECT_EQ(SyllableKey("xiao"), SyllableKey("hsiao"));
  EXPECT_EQ(SyllableKey("cai"), SyllableKey("tsai"));
  EXPECT_EQ(SyllableKey("jeong"), SyllableKey("jong"));  // Korean RR, McCune-Reischauer
  EXPECT_EQ(SyllableKey("gim"), SyllableKey("kim"));
  EXPECT_NE(SyllableKey("zheng"), SyllableKey("zhang"));
  EXPECT_NE(SyllableKey("gang"), SyllableKey("chang"));
  EXPECT_NE(SyllableKey("fei"), SyllableKey("wei"));
}

TEST(SpellingsTest, HanSyllables) {
  const std::string chang = SyllableKey("chang");
  EXPECT_EQ(HanSyllables("chang", "chang", chang), 1.0);
  EXPECT_DOUBLE_EQ(HanSyllables("zhang", "chang", chang), 0.93);
  EXPECT_EQ(HanSyllables("zheng", "chang", chang), 0.0);
}

TEST(SpellingsTest, IsSimplifiedForm) {
  EXPECT_TRUE(IsSimplifiedForm(U'张'));
  EXPECT_FALSE(IsSimplifiedForm(U'張'));
  EXPECT_FALSE(IsSimplifiedForm(U'山'));  // one form for both
}

TEST(SpellingsTest, Simplified) {
  EXPECT_EQ(Simplified(U'習'), U'习');
  EXPECT_EQ(Simplified(U'习'), U'习');
  EXPECT_EQ(Simplified(U'山'), U'山');
}

}  // namespace
}  // namespace tg::screen
