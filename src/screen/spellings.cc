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

// The abjad key with d apart from t and r apart from l: an abjad writes each with a letter of
// its own (د ت, ر ل; ד ת, ר ל), so a transliteration never trades them, though the coarse
// classes of PhoneticKey do ("bd allh" would read as "Peter").
std::string FineAbjadKey(std::string word) {
  for (char& c : word) {
    c = c == 'd' ? '1' : c == 'r' ? '2' : c;  // outside every class: kept as they are
  }
  return PhoneticKey(word, true);
}

}  // namespace

bool SameAbjadConsonants(const Token& x, const Token& y) {
  auto readings = [](const Token& t) {
    // Spelling k reads ch as h when bit 0 of k is set, sh as s when bit 1 is: Hebrew's ח and
    // ש; the other side's kh as k when bit 0 is set.
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
      } else if (abjad && c == 'c' && next == 'h') {
        written = "ch", read = "h", bit = 1;
      } else if (abjad && c == 's' && next == 'h') {
        written = "sh", read = "s", bit = 2;
      } else if (!abjad && c == 'k' && next == 'h') {
        written = "kh", read = "k", bit = 1;
      } else {
        letters = 1;
      }
      i += letters - 1;
      for (size_t k = 0; k < spellings.size(); ++k) {
        spellings[k] += (k & bit) != 0 ? read : written;
      }
    }
    std::array<std::string, 8> keys;
    for (size_t k = 0; k < spellings.size(); ++k) {
      keys[2 * k] = FineAbjadKey(spellings[k]);
      std::replace(spellings[k].begin(), spellings[k].end(), 'w', 'v');
      keys[2 * k + 1] = FineAbjadKey(spellings[k]);
    }
    return keys;
  };
  auto strip_h = [](std::string k) {
    if (k.size() > 1 && k.back() == 'h') {
      k.pop_back();
    }
    return k;
  };
  const auto keys_x = readings(x);
  const auto keys_y = readings(y);
  for (const std::string& kx : keys_x) {
    for (const std::string& ky : keys_y) {
      if (!kx.empty() && (kx == ky || strip_h(kx) == strip_h(ky))) {
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
