#include "src/screen/spellings.h"

#include <algorithm>
#include <memory>
#include <span>
#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <unordered_map>
#include <vector>

#include "src/screen/similarity.h"

namespace tg::screen {

namespace {

bool IsVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

std::unique_ptr<icu::Transliterator> MakeTransliterator(const char* id) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> t(
      icu::Transliterator::createInstance(id, UTRANS_FORWARD, status));
  return U_SUCCESS(status) ? std::move(t) : nullptr;
}

// A Han character in its other form, by ICU's Traditional-Simplified (to_simplified) or
// Simplified-Traditional, cached; the character itself when it has none.
char32_t InOtherForm(char32_t c, bool to_simplified) {
  thread_local const std::unique_ptr<icu::Transliterator> kConverters[2] = {
      MakeTransliterator("Traditional-Simplified"), MakeTransliterator("Simplified-Traditional")};
  thread_local std::unordered_map<char32_t, char32_t> seen[2];
  const int k = to_simplified ? 0 : 1;
  if (kConverters[k] == nullptr) {
    return c;
  }
  auto [it, added] = seen[k].emplace(c, c);
  if (added) {
    icu::UnicodeString s(static_cast<UChar32>(c));
    kConverters[k]->transliterate(s);
    if (s.countChar32() == 1) {
      it->second = static_cast<char32_t>(s.char32At(0));
    }
  }
  return it->second;
}

}  // namespace

std::string BritishSpelling(std::string_view w) {
  static constexpr std::pair<std::string_view, std::string_view> kEndings[] = {
      {"ization", "isation"}, {"izations", "isations"}, {"ize", "ise"},
      {"izes", "ises"},       {"yze", "yse"},           {"or", "our"},
      {"ors", "ours"},        {"ter", "tre"},           {"ters", "tres"}};
  for (const auto& [american, british] : kEndings) {
    if (w.size() > american.size() + 2 && w.substr(w.size() - american.size()) == american) {
      return std::string(w.substr(0, w.size() - american.size())) + std::string(british);
    }
  }
  return std::string(w);
}

bool SingularAndPlural(std::string_view x, std::string_view y) {
  if (x.size() > y.size()) {
    std::swap(x, y);
  }
  if (x.size() < 4 || !y.starts_with(x.substr(0, x.size() - 1))) {
    return false;
  }
  const std::string_view rest = y.substr(x.size());
  return (y.starts_with(x) && (rest == "s" || rest == "es")) ||
         (x.back() == 'y' && y.size() == x.size() + 2 && y.ends_with("ies"));
}

char32_t Simplified(char32_t c) { return InOtherForm(c, true); }

bool IsSimplifiedForm(char32_t c) { return InOtherForm(c, false) != c; }

bool VowelsApart(std::string_view x, std::string_view y) {
  if (x.size() != y.size() || x.size() < 5) {
    return false;
  }
  int apart = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i] != y[i]) {
      if (!IsVowel(x[i]) || !IsVowel(y[i])) {
        return false;
      }
      ++apart;
    }
  }
  return apart > 0 && apart <= 2;
}

bool BalticEnding(const Token& a, const Token& b) {
  const Token& shorter = a.text.size() < b.text.size() ? a : b;
  const Token& longer = a.text.size() < b.text.size() ? b : a;
  const size_t extra = longer.text.size() - shorter.text.size();
  if (extra == 0 || extra > 2 || shorter.text.size() < 4 || longer.Has(kForeign) ||
      shorter.Has(kForeign)) {
    return false;
  }
  const std::string_view word = longer.text;
  for (std::string_view ending : {"s", "as", "is", "us"}) {
    if (word.size() <= ending.size() || word.substr(word.size() - ending.size()) != ending) {
      continue;
    }
    const std::string_view base = word.substr(0, word.size() - ending.size());
    // Sergejs: the -j- of the stem is the -y of Sergey.
    if (base == shorter.text ||
        (base.back() == 'j' && shorter.text.back() == 'y' &&
         base.substr(0, base.size() - 1) ==
             std::string_view(shorter.text).substr(0, shorter.text.size() - 1))) {
      return true;
    }
  }
  return false;
}

bool BeginsOther(std::string_view x, std::string_view y) {
  if (x.size() > y.size()) {
    std::swap(x, y);
  }
  return x.size() < y.size() && y.substr(0, x.size()) == x;
}

namespace {

// A letter or two as an abjad's transliteration writes them, and one way a Latin spelling
// writes the same sound. The abjad keeps apart what its letters keep apart (د ت, ر ل, ج س; ד ת),
// so that no pair here trades them; the labials pair as the script writes them: Arabic's ب is b
// and p (it has no p: بوتين, Putin) and ف f and v (فلاديمير, Vladimir), Hebrew's ב b and v and פ
// p and f. ICU writes the Arabic letters it folds into one Latin letter as that letter (ض and
// د as d, ظ and ز as z): those keep both readings (فضل, Fazl; ظاهر, Dahir).
struct Correspondence {
  std::string_view abjad;
  std::string_view latin;
};

constexpr Correspondence kArabicLetters[] = {
    {"b", "b"},    {"b", "p"},   {"p", "p"},    {"t", "t"},   {"th", "th"}, {"th", "s"},
    {"th", "t"},   {"j", "j"},   {"j", "dj"},   {"j", "dzh"}, {"j", "g"},   {"j", "zh"},
    {"h", "h"},    {"kh", "kh"}, {"kh", "h"},   {"kh", "k"},  {"kh", "ch"}, {"d", "d"},
    {"d", "dh"},   {"d", "z"},   {"dh", "dh"},  {"dh", "z"},  {"dh", "d"},  {"dh", "th"},
    {"r", "r"},    {"z", "z"},   {"z", "dh"},   {"z", "d"},   {"s", "s"},   {"s", "c"},
    {"sh", "sh"},  {"sh", "ch"}, {"sh", "sch"}, {"gh", "gh"}, {"gh", "g"},  {"gh", "r"},
    {"f", "f"},    {"f", "v"},   {"f", "ph"},   {"q", "q"},   {"q", "k"},   {"q", "g"},
    {"q", "c"},    {"k", "k"},   {"k", "c"},    {"k", "ch"},  {"k", "q"},   {"l", "l"},
    {"m", "m"},    {"n", "n"},   {"g", "g"},    {"v", "v"},   {"v", "w"},   {"ch", "ch"},
    {"ch", "tch"}, {"zh", "zh"}, {"zh", "j"},   {"w", "w"},   {"w", "v"},   {"y", "y"},
    {"y", "j"},
};

constexpr Correspondence kHebrewLetters[] = {
    {"b", "b"},  {"b", "v"},   {"v", "v"},   {"v", "b"},   {"g", "g"},   {"d", "d"},   {"h", "h"},
    {"w", "v"},  {"w", "w"},   {"z", "z"},   {"z", "tz"},  {"z", "ts"},  {"ch", "ch"}, {"ch", "kh"},
    {"ch", "h"}, {"t", "t"},   {"t", "th"},  {"y", "y"},   {"y", "j"},   {"k", "k"},   {"k", "kh"},
    {"k", "ch"}, {"k", "c"},   {"kh", "kh"}, {"kh", "ch"}, {"kh", "k"},  {"l", "l"},   {"m", "m"},
    {"n", "n"},  {"s", "s"},   {"p", "p"},   {"p", "f"},   {"p", "ph"},  {"f", "f"},   {"f", "p"},
    {"f", "ph"}, {"ts", "tz"}, {"ts", "ts"}, {"ts", "z"},  {"ts", "c"},  {"tz", "tz"}, {"tz", "ts"},
    {"tz", "z"}, {"q", "k"},   {"q", "q"},   {"r", "r"},   {"sh", "sh"}, {"sh", "s"},
};

// Whether the abjad spelling `a` (from `i`) and the Latin spelling `l` (from `j`) can be one
// name: every written letter of the abjad is read, every consonant of the Latin is written.
class AbjadReading {
 public:
  AbjadReading(std::string_view abjad, std::string_view latin, bool hebrew)
      : a_(abjad), l_(latin), hebrew_(hebrew), seen_((a_.size() + 1) * (l_.size() + 1), 0) {}

  bool Matches() { return From(0, 0); }

 private:
  bool From(size_t i, size_t j) {
    uint8_t& state = seen_[i * (l_.size() + 1) + j];
    if (state == 0) {
      state = 1;  // false while being decided: no path returns to a state
      state = Decide(i, j) ? 2 : 1;
    }
    return state == 2;
  }

  bool Decide(size_t i, size_t j) {
    if (i == a_.size() && j == l_.size()) {
      return true;
    }
    // The Latin writes vowels the abjad leaves out, and doubles consonants it writes once.
    if (j < l_.size() && (IsVowel(l_[j]) || (j > 0 && l_[j] == l_[j - 1]))) {
      if (From(i, j + 1)) {
        return true;
      }
    }
    if (i == a_.size()) {
      return false;
    }
    // A final h (ה, ه) or ta marbuta (ة, written t) after the Latin's last vowel: a written
    // vowel (Levana, lbnh; Hamza, hmzt), or the h the Latin writes too (Fatimah).
    if (i + 1 == a_.size() && (a_[i] == 'h' || (a_[i] == 't' && !hebrew_)) && j > 0 &&
        IsVowel(l_[j - 1]) && (j == l_.size() || l_.substr(j) == "h")) {
      return true;
    }
    // The abjad's vowel letters: alef a vowel, w (و, ו) o or u, y (ي, י) i or e, each a run of
    // the Latin's vowels; ICU's other vowels (from vowel signs, or Thai) any run, or none.
    const char c = a_[i];
    if (IsVowel(c) || c == 'w' || c == 'y') {
      size_t end = j;
      bool fits = IsVowel(c);
      while (end < l_.size() && IsVowel(l_[end])) {
        const char v = l_[end++];
        fits = fits || (c == 'w' ? v == 'o' || v == 'u' : v == 'i' || v == 'e');
        if (fits && From(i + 1, end)) {
          return true;
        }
      }
      if (IsVowel(c) && c != 'a' && From(i + 1, j)) {
        return true;
      }
    }
    for (const Correspondence& k : hebrew_ ? std::span<const Correspondence>(kHebrewLetters)
                                           : std::span<const Correspondence>(kArabicLetters)) {
      if (a_.substr(i, k.abjad.size()) == k.abjad && l_.substr(j, k.latin.size()) == k.latin &&
          From(i + k.abjad.size(), j + k.latin.size())) {
        return true;
      }
    }
    return false;
  }

  std::string_view a_;
  std::string_view l_;
  bool hebrew_;
  std::vector<uint8_t> seen_;  // per (i, j): 0 unknown, 1 no, 2 yes
};

}  // namespace

bool SameAbjadConsonants(const Token& x, const Token& y) {
  if (x.Has(kAbjad) == y.Has(kAbjad)) {
    return false;  // two abjads of different scripts; one script compares in its own letters
  }
  const Token& abjad = x.Has(kAbjad) ? x : y;
  const Token& latin = x.Has(kAbjad) ? y : x;
  return !abjad.text.empty() && AbjadReading(abjad.text, latin.text, abjad.Has(kHebrew)).Matches();
}

std::string SyllableKey(std::string_view w) {
  std::string out;
  for (size_t i = 0; i < w.size(); ++i) {
    const char c = w[i];
    const char next = i + 1 < w.size() ? w[i + 1] : '\0';
    if ((c == 'z' || c == 'c' || c == 't') && (next == 'h' || next == 's' || next == 'z') &&
        !(c == 't' && next == 'h')) {
      out += 'c';  // zh, ch, ts, tz, cz
      ++i;
    } else if ((c == 's' || c == 'h') && (next == 'h' || next == 's') && c != next) {
      out += 's';  // sh, hs
      ++i;
    } else if (c == 'e' && (next == 'o' || next == 'u')) {
      continue;  // Korean eo, eu: o, u
    } else if (c == 'j' || c == 'z' || c == 'c') {
      out += 'c';
    } else if (c == 'x') {
      out += 's';
    } else if (c == 'g') {
      out += 'k';
    } else if (c == 'b') {
      out += 'p';
    } else if (c == 'd') {
      out += 't';
    } else {
      out += c;
    }
  }
  return out;
}

double HanSyllables(std::string_view reading, std::string_view other,
                    std::string_view other_syllables) {
  if (reading == other) {
    return 1.0;
  }
  return SyllableKey(reading) == other_syllables ? 0.93 : 0.0;
}

}  // namespace tg::screen
