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
// The same over code points (words of other scripts), on their first 64.
int EditDistance(std::u32string_view a, std::u32string_view b);

// A spelling key of a lower-case ASCII word that folds the ways European languages write the
// same sounds: w → v, oe/ou → u, ph → f, ck → k, (t)sch/tch/tj → ch, dj/dzh → j, kh → h,
// y → i, x → ks, doubled letters once. "Wladimir Poetin" and "Vladimir Putin" agree.
std::string Orthographic(std::string_view word);

// A consonant key of a lower-case ASCII word: the first letter's class (a vowel as 'a'), then
// the class of each consonant, repeats collapsed even across vowels; h, y and inner vowels
// dropped. With `abjad` (for words from Arabic, Hebrew, …): w is read as a vowel (those
// scripts write long u/o with it), h is kept, and an initial vowel is dropped. Digits stay.
std::string PhoneticKey(std::string_view word, bool abjad = false);

}  // namespace tg::screen
