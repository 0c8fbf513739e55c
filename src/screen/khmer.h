// Khmer script to the romanisation Cambodian names are written in ("ហ៊ុន" → "hun",
// "ពូទីន" → "putin"), syllable by syllable from data/screening/khmer.csv. ICU has no Khmer
// transliterator. Immutable after Load; safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "tierguard/status.h"

namespace tg::screen {

class KhmerRomanizer {
 public:
  static Result<KhmerRomanizer> Load(const std::string& path);

  // Whether the code point is in the Khmer block (U+1780..U+17FF).
  static bool IsKhmer(char32_t c) { return c >= 0x1780 && c <= 0x17FF; }

  // The romanisation of one word of Khmer script, lower-case ASCII, syllables joined. Code
  // points outside the Khmer block are left out.
  std::string Romanize(std::u32string_view word) const;

 private:
  struct Consonant {
    std::string onset;
    std::string final;
    bool o_series;
  };
  // The vowel written by `signs` after a consonant of the series.
  std::string Vowel(std::u32string_view signs, bool o_series) const;

  std::unordered_map<char32_t, Consonant> consonants_;
  std::unordered_map<std::u32string, std::string> vowels_[2];  // a-series, o-series
  std::unordered_map<char32_t, std::string> independent_;
  std::unordered_map<char32_t, char> digits_;
};

}  // namespace tg::screen
