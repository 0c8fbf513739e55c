#include "src/screen/burmese.h"

#include "src/common/csv.h"
#include "src/screen/utf32.h"

namespace tg::screen {

namespace {

constexpr char32_t kVirama = 0x1039;    // the next consonant is stacked under this one
constexpr char32_t kAsat = 0x103A;      // this consonant ends the syllable
constexpr char32_t kDotBelow = 0x1037;  // creaky tone
constexpr char32_t kVisarga = 0x1038;   // heavy tone
constexpr char32_t kMedialWa = 0x103D;
constexpr char32_t kMedialHa = 0x103E;

bool IsConsonant(char32_t c) { return (c >= 0x1000 && c <= 0x1021) || c == 0x103F; }
bool IsIndependentVowel(char32_t c) { return c >= 0x1023 && c <= 0x102A; }
bool IsMedial(char32_t c) { return c >= 0x103B && c <= 0x103E; }
bool IsVowelSign(char32_t c) { return (c >= 0x102B && c <= 0x1032) || c == 0x1036; }
bool IsTone(char32_t c) { return c == kDotBelow || c == kVisarga; }

// A rhyme key with its tone marks moved to the end: the dot below is stored before or after
// the asat depending on the keyboard ("င့်", "င့်").
std::u32string ToneLast(std::u32string_view rhyme) {
  std::u32string plain;
  std::u32string tones;
  for (char32_t c : rhyme) {
    (IsTone(c) ? tones : plain) += c;
  }
  return plain + tones;
}

}  // namespace

Result<BurmeseRomanizer> BurmeseRomanizer::Load(const std::string& path) {
  TG_ASSIGN_OR_RETURN(CsvTable table, CsvTable::Load(path));
  TG_ASSIGN_OR_RETURN(size_t kind_col, table.Column("kind"));
  TG_ASSIGN_OR_RETURN(size_t burmese_col, table.Column("burmese"));
  TG_ASSIGN_OR_RETURN(size_t latin_col, table.Column("latin"));
  BurmeseRomanizer r;
  for (const CsvRecord& row : table.records()) {
    const std::string& kind = row.fields[kind_col];
    TG_ASSIGN_OR_RETURN(const std::u32string burmese,
                        RomanisationRow(table, row, burmese_col, "Burmese", IsBurmese, latin_col));
    const std::string& latin = row.fields[latin_col];
    if (kind == "onset" && !burmese.empty()) {
      r.onsets_[burmese] = latin;
    } else if (kind == "rhyme") {
      r.rhymes_[ToneLast(burmese)] = latin;
    } else if (kind == "honorific" && !burmese.empty()) {
      r.honorifics_[burmese] = latin;
    } else if (kind == "digit" && burmese.size() == 1 && latin.size() == 1) {
      r.digits_[burmese[0]] = latin[0];
    } else {
      return InvalidArgument(table.Where(row, "kind") + ": expected onset, rhyme, honorific or " +
                             "digit with a value of its kind");
    }
  }
  return r;
}

std::string BurmeseRomanizer::Romanize(std::u32string_view word) const {
  std::string out;
  const size_t n = word.size();
  size_t i = 0;
  // A leading honorific ends where the next syllable begins.
  for (const auto& [honorific, latin] : honorifics_) {
    if (n > honorific.size() && word.substr(0, honorific.size()) == honorific &&
        (IsConsonant(word[honorific.size()]) || IsIndependentVowel(word[honorific.size()]))) {
      out = latin + ' ';
      i = honorific.size();
      break;
    }
  }
  while (i < n) {
    const char32_t c = word[i];
    if (auto d = digits_.find(c); d != digits_.end()) {
      out += d->second;
      ++i;
      continue;
    }
    if (c == 0x104A || c == 0x104B) {  // section marks: a word ends
      out += ' ';
      ++i;
      continue;
    }
    if (!IsConsonant(c) && !IsIndependentVowel(c)) {
      ++i;  // a sign without its consonant, or another script
      continue;
    }
    // Onset: the letter and its medials ya, ra and ha; medial wa belongs to the rhyme.
    std::u32string onset(1, c);
    std::u32string rhyme;
    for (++i; i < n && IsMedial(word[i]); ++i) {
      (word[i] == kMedialWa ? rhyme : onset) += word[i];
    }
    // Rhyme: vowel signs, tones, and a final consonant (with asat, or with a stacked
    // consonant after it: "မင်္ဂလာ", "ကုမ္ပဏီ").
    while (i < n) {
      const char32_t ch = word[i];
      if (IsVowelSign(ch) || ch == kAsat || IsTone(ch) || ch == kMedialWa) {
        rhyme += ch;
        ++i;
        continue;
      }
      size_t k = i + 1;
      while (k < n && word[k] == kDotBelow) {
        ++k;
      }
      if (!IsConsonant(ch) || k >= n || (word[k] != kAsat && word[k] != kVirama)) {
        break;
      }
      rhyme += ch;
      rhyme.append(word.substr(i + 1, k - i - 1));
      rhyme += kAsat;
      i = k + 1;
      if (word[k] == kAsat && i < n && word[i] == kVirama) {
        ++i;  // kinzi: a final nga over the consonant that follows
      }
    }
    if (auto it = onsets_.find(onset); it != onsets_.end()) {
      out += it->second;
    } else {
      // Medials not in the table: ha voices nothing and comes first, ya and ra add a "y".
      if (onset.find(kMedialHa) != std::u32string::npos) {
        out += 'h';
      }
      if (auto base = onsets_.find(onset.substr(0, 1)); base != onsets_.end()) {
        out += base->second;
      }
      if (onset.find_first_of(U"\u103B\u103C") != std::u32string::npos) {
        out += 'y';
      }
    }
    out += RhymeOf(rhyme, IsIndependentVowel(c));
  }
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  return out;
}

std::string BurmeseRomanizer::RhymeOf(std::u32string_view rhyme, bool independent) const {
  const std::u32string key = ToneLast(rhyme);
  std::u32string plain;
  for (char32_t c : key) {
    if (!IsTone(c)) {
      plain += c;
    }
  }
  if (independent && plain.empty()) {
    return "";  // an independent vowel carries its own
  }
  if (auto it = rhymes_.find(key); it != rhymes_.end()) {
    return it->second;
  }
  if (auto it = rhymes_.find(plain); it != rhymes_.end()) {
    return it->second;
  }
  // Not in the table: medial wa as "w", then the vowel as listed and the final consonant as
  // it would begin a syllable.
  std::string out;
  if (!plain.empty() && plain[0] == kMedialWa) {
    out = "w";
    plain.erase(0, 1);
  }
  size_t final_at = plain.find(kAsat);
  final_at = final_at != std::u32string::npos && final_at > 0 && IsConsonant(plain[final_at - 1])
                 ? final_at - 1
                 : std::u32string::npos;
  const std::u32string vowel = plain.substr(0, final_at);
  if (auto it = rhymes_.find(vowel); it != rhymes_.end()) {
    out += it->second;
  }
  if (final_at != std::u32string::npos) {
    if (auto it = onsets_.find(plain.substr(final_at, 1)); it != onsets_.end()) {
      out += it->second;
    }
  }
  return out;
}

}  // namespace tg::screen
