#include "src/screen/spellings.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <memory>
#include <unordered_map>

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
      {"ization", "isation"}, {"izations", "isations"}, {"ize", "ise"}, {"izes", "ises"},
      {"yze", "yse"},         {"or", "our"},            {"ors", "ours"}, {"ter", "tre"},
      {"ters", "tres"}};
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

// A letter's class when an abjad spelling meets another: finer than PhoneticKey's, since an
// abjad writes each of d and t, r and l, j and s with a letter of its own (د ت ر ل ج س; ד ת ר ל),
// so that no transliteration trades them. The labials pair as the script writes them: Hebrew's
// ב is b or v and פ is p or f; Arabic's ب is b and p (it has no p: بوتين, Putin) and ف is f and
// v (فلاديمير, Vladimir). 0 for a vowel.
char AbjadClass(char c, bool hebrew) {
  switch (c) {
    case 'b': return 'b';
    case 'f': return 'f';
    case 'v': return hebrew ? 'b' : 'f';
    case 'p': return hebrew ? 'f' : 'b';
    case 'c': case 'k': case 'q': case 'g': case 'x': return 'k';
    case 's': case 'z': return 's';
    case 'a': case 'e': case 'i': case 'o': case 'u': case 'y': case 'w': return 0;
    default: return c;  // d, t, r, l, j, h, m, n and digits: each its own
  }
}

// The consonant classes of a spelling. Equal classes side by side are one sound written twice
// (Muhammad, mhmd); with a vowel between they are two (David, dwd: not Dida's one d twice).
// `initial_y`: a word's first y is the consonant (Yusuf), not a vowel. `hebrew`: the abjad
// spelling compared is Hebrew.
std::string AbjadKey(std::string_view spelling, bool initial_y, bool hebrew) {
  std::string key;
  char last = 0;
  for (const char letter : spelling) {
    const char c = initial_y && key.empty() && last == 0 && letter == 'y'
                       ? 'y'
                       : AbjadClass(letter, hebrew);
    if (c != 0 && c != last) {
      key += c;
    }
    last = c;
  }
  return key;
}

}  // namespace

bool SameAbjadConsonants(const Token& x, const Token& y) {
  const bool hebrew = x.Has(kHebrew) || y.Has(kHebrew);
  auto readings = [hebrew](const Token& t) {
    // Spelling k takes the other reading of a letter when the letter's bit is set in k.
    // Hebrew: ch (ח) as h (bit 0), sh (ש) as s (bit 1). The other side: kh as k (bit 0), a
    // word's first j before a vowel as y (bit 1: Jusuf, Yusuf).
    const bool abjad = t.Has(kAbjad);
    std::array<std::string, 4> spellings;
    for (size_t i = 0; i < t.text.size(); ++i) {
      const char c = t.text[i];
      const char next = i + 1 < t.text.size() ? t.text[i + 1] : '\0';
      // The letters here as written and as read the other way, and the bit that picks.
      std::string_view written(&t.text[i], 1);
      std::string_view read = written;
      size_t bit = 0;
      size_t letters = 2;  // a digraph, unless none of these
      if (c == 't' && (next == 'z' || next == 's')) {
        written = read = "z";
      } else if (abjad && hebrew && c == 'c' && next == 'h') {
        written = "ch", read = "h", bit = 1;
      } else if (abjad && hebrew && c == 's' && next == 'h') {
        written = "sh", read = "s", bit = 2;
      } else if (!abjad && c == 'k' && next == 'h') {
        written = "kh", read = "k", bit = 1;
      } else if (!abjad && c == 'd' && next == 'j') {
        written = read = "j";  // French dj for ج (Djamel)
      } else {
        letters = 1;
        if (!abjad && i == 0 && c == 'j' && AbjadClass(next, hebrew) == 0 && next != '\0') {
          read = "y", bit = 2;
        }
      }
      i += letters - 1;
      for (size_t k = 0; k < spellings.size(); ++k) {
        spellings[k] += (k & bit) != 0 ? read : written;
      }
    }
    // w (و, ו) is a vowel or the consonant v. A first y is the consonant in an alphabet; in
    // an abjad it may be a vowel after an alef that ICU's ASCII drops (אילנה, "ylnh", Ilana).
    std::array<std::string, 16> keys;
    for (size_t k = 0; k < spellings.size(); ++k) {
      for (size_t v = 0; v < 2; ++v) {
        if (v == 1) {
          std::replace(spellings[k].begin(), spellings[k].end(), 'w', 'v');
        }
        keys[4 * k + 2 * v] = AbjadKey(spellings[k], true, hebrew);
        keys[4 * k + 2 * v + 1] =
            abjad ? AbjadKey(spellings[k], false, hebrew) : keys[4 * k + 2 * v];
      }
    }
    return keys;
  };
  // An abjad word's final h may be a written vowel (ה, ه: Levana, lbnh) where the other word
  // ends in a vowel, unless the consonant before it would be all that is left (Allah is not
  // "al"; Abdullah is not Abdul).
  auto ends_in_written_vowel = [](const Token& abjad, const Token& other) {
    return abjad.Has(kAbjad) && !other.Has(kAbjad) && !other.text.empty() &&
           AbjadClass(other.text.back(), false) == 0;
  };
  const bool strip_x = ends_in_written_vowel(x, y);
  const bool strip_y = ends_in_written_vowel(y, x);
  auto strip_h = [](const std::string& k, bool strip) {
    return strip && k.size() > 2 && k.back() == 'h' ? k.substr(0, k.size() - 1) : k;
  };
  // A word an abjad begins with a vowel letter (alef: أحمد, "ahmd") begins with a vowel in any
  // spelling: Ahmad is not Hamid. (Ayn, which ICU's ASCII drops, is why the converse fails:
  // عبد, "bd", is Abd.)
  auto starts_with_vowel = [](const Token& t) {
    return !t.text.empty() && AbjadClass(t.text[0], false) == 0 && t.text[0] != 'y' &&
           t.text[0] != 'w';
  };
  for (const auto& [p, q] : {std::pair(&x, &y), std::pair(&y, &x)}) {
    if (p->Has(kAbjad) && !q->Has(kAbjad) && starts_with_vowel(*p) && !starts_with_vowel(*q)) {
      return false;
    }
  }
  const auto keys_x = readings(x);
  const auto keys_y = readings(y);
  for (const std::string& kx : keys_x) {
    for (const std::string& ky : keys_y) {
      if (!kx.empty() && (kx == ky || strip_h(kx, strip_x) == strip_h(ky, strip_y))) {
        return true;
      }
    }
  }
  return false;
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
