// Burmese script to the romanisation Myanmar names are written in on documents and lists
// ("ရွှေ" → "shwe", "ဦးကျော်ဇော်ထွန်း" → "u kyawzawhtun"), syllable by syllable from the table in
// data/screening/burmese.csv. ICU's Burmese-Latin follows a scholarly system ("shway") in
// which such names are never written. Immutable after Load; safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "tierguard/status.h"

namespace tg::screen {

class BurmeseRomanizer {
 public:
  static Result<BurmeseRomanizer> Load(const std::string& path);

  // Whether the code point is a Burmese letter, sign or digit (U+1000..U+109F).
  static bool IsBurmese(char32_t c) { return c >= 0x1000 && c <= 0x109F; }

  // The romanisation of one word (no spaces) of Burmese script, lower-case ASCII: syllables
  // joined as the word joins them, a leading honorific (U, Daw) split off by a space. Code
  // points outside the Burmese block are left out.
  std::string Romanize(std::u32string_view word) const;

 private:
  // The romanisation of a rhyme (vowel signs, medial wa, final consonant, tones).
  std::string RhymeOf(std::u32string_view rhyme, bool independent) const;

  std::unordered_map<std::u32string, std::string> onsets_;
  std::unordered_map<std::u32string, std::string> rhymes_;
  std::unordered_map<std::u32string, std::string> honorifics_;
  std::unordered_map<char32_t, char> digits_;
};

}  // namespace tg::screen
