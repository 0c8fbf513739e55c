// String similarity for screening: Jaro-Winkler, and a phonetic key that folds the spelling
// differences between romanisation systems (v/w/f/b/p, c/k/q/g, s/z/j, d/t, l/r, vowels).
#pragma once

#include <string>
#include <string_view>

namespace tg::screen {

// Jaro-Winkler similarity in [0, 1] (prefix scale 0.1, prefix up to 4). Byte-wise.
double JaroWinkler(std::string_view a, std::string_view b);

// Optimal-string-alignment edit distance (insertions, deletions, substitutions, adjacent
// transpositions), byte-wise; strings are compared on their first 64 bytes.
int EditDistance(std::string_view a, std::string_view b);

// A consonant key of a lower-case ASCII word: the first letter's class (a vowel as 'a'), then
// the class of each consonant, repeats collapsed even across vowels; h, y and inner vowels dropped. When
// `drop_w`, w is read as a vowel (Arabic and Hebrew write long u/o with it). Digits stay.
std::string PhoneticKey(std::string_view word, bool drop_w = false);

}  // namespace tg::screen
