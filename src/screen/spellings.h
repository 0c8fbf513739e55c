// Spellings of one name across orthographies and romanisation systems: what the scorer
// counts as the same word written another way. Pure functions of the words.
#pragma once

#include <string>
#include <string_view>

#include "src/screen/normalize.h"

namespace tg::screen {

// A word with the American endings -ization, -ize, -yze, -or and -er written the British way
// (-isation, -ise, -yse, -our, -re), so that "Organization" and "Organisation" compare equal.
std::string BritishSpelling(std::string_view w);

// Whether one word is the English plural of the other: pearl/pearls, industry/industries,
// box/boxes. Words of four letters or more.
bool SingularAndPlural(std::string_view x, std::string_view y);

// A Han character in its simplified form (習 → 习), the same character when it has none.
char32_t Simplified(char32_t c);

// Whether a Han character is the simplified form of another (张 of 張): written so, a name is
// Chinese of the mainland, not Korean or (unless Japan writes it so too) Japanese.
bool IsSimplifiedForm(char32_t c);

// Whether two words of five letters or more differ only in one or two vowels, as
// romanisations of one name do (Osama, Usama; Laden, Ladin).
bool VowelsApart(std::string_view x, std::string_view y);

// Whether one word is the other with the nominative ending Latvian and Lithuanian give names
// (Sergejs, Lavrovs; Vladimiras, Putinas), the other four letters or more.
bool BalticEnding(const Token& a, const Token& b);

// Whether one of two different words begins the other ("nay", "nayhtun"). Jaro-Winkler
// rewards that, but it makes a word of its own, not another spelling.
bool BeginsOther(std::string_view x, std::string_view y);

// Whether a word transliterated from an abjad (Arabic, Hebrew, Syriac, Thaana, Thai) and a word
// in Latin letters can be one word: each written letter of the abjad read as one of the Latin
// spellings its script gives it (ب b or p, ف f or v; ב b or v, פ p or f; ח ch, kh or h; ض, which
// ICU writes d, d or z), w (و, ו) as v or w or a run of vowels with o or u, y (ي, י) as y or
// vowels with i or e, alef as a vowel, a final h or ة as a written vowel; every consonant of the
// Latin written (a doubled one once), its other vowels unwritten. False for two abjad words.
bool SameAbjadConsonants(const Token& x, const Token& y);

// A romanised syllable (or run of them) with the letters romanisation systems exchange made
// one: Pinyin, Wade-Giles, Korean Revised and McCune-Reischauer spellings of one syllable agree
// (Zhang, Chang; Xiao, Hsiao; Cai, Tsai; Jeong, Jong; Gim, Kim), while different syllables
// stay apart (Zheng, Zhang; Gang, Chang; Fei, Wei).
std::string SyllableKey(std::string_view w);

// A reading of Han characters against a word of another script. Han names are short and
// their syllables few: a letter apart is another character (Zheng, Zhang), so only the same
// syllables count (1), or the same syllables in another romanisation (0.93); else 0.
// `other_syllables` is SyllableKey(other), worked out once for the many readings compared.
double HanSyllables(std::string_view reading, std::string_view other,
                    std::string_view other_syllables);

}  // namespace tg::screen
