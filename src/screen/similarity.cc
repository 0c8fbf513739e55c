#include "src/screen/similarity.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace tg::screen {

double JaroWinkler(std::string_view a, std::string_view b) {
  if (a == b) {
    return a.empty() ? 0.0 : 1.0;
  }
  if (a.empty() || b.empty()) {
    return 0.0;
  }
  if (a.size() > b.size()) {
    std::swap(a, b);
  }
  // Names are short; longer strings are compared on their first 64 bytes.
  constexpr size_t kMax = 64;
  const size_t la = std::min(a.size(), kMax);
  const size_t lb = std::min(b.size(), kMax);
  const size_t window = std::max<size_t>(lb / 2, 1) - 1;
  std::array<bool, kMax> ma{};
  std::array<bool, kMax> mb{};
  size_t matches = 0;
  for (size_t i = 0; i < la; ++i) {
    const size_t lo = i > window ? i - window : 0;
    const size_t hi = std::min(i + window + 1, lb);
    for (size_t j = lo; j < hi; ++j) {
      if (!mb[j] && a[i] == b[j]) {
        ma[i] = mb[j] = true;
        ++matches;
        break;
      }
    }
  }
  if (matches == 0) {
    return 0.0;
  }
  size_t transpositions = 0;
  for (size_t i = 0, j = 0; i < la; ++i) {
    if (!ma[i]) {
      continue;
    }
    while (!mb[j]) {
      ++j;
    }
    transpositions += a[i] != b[j] ? 1 : 0;
    ++j;
  }
  const double m = static_cast<double>(matches);
  const double jaro = (m / static_cast<double>(la) + m / static_cast<double>(lb) +
                       (m - static_cast<double>(transpositions) / 2.0) / m) /
                      3.0;
  size_t prefix = 0;
  while (prefix < 4 && prefix < la && a[prefix] == b[prefix]) {
    ++prefix;
  }
  return jaro + static_cast<double>(prefix) * 0.1 * (1.0 - jaro);
}

int EditDistance(std::string_view a, std::string_view b) {
  // Hyyro's bit-parallel algorithm (2003) for the optimal-string-alignment distance: one
  // column of the dynamic-programming table is kept as bit vectors of vertical differences
  // (+1/-1) over a's positions, so each letter of b costs a few word operations.
  constexpr size_t kMax = 64;
  a = a.substr(0, std::min(a.size(), kMax));
  b = b.substr(0, std::min(b.size(), kMax));
  if (a.empty() || b.empty()) {
    return static_cast<int>(a.size() + b.size());
  }
  std::array<uint64_t, 256> peq;  // positions of each byte in a; only a's and b's are read
  for (char c : b) {
    peq[static_cast<unsigned char>(c)] = 0;
  }
  for (char c : a) {
    peq[static_cast<unsigned char>(c)] = 0;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    peq[static_cast<unsigned char>(a[i])] |= uint64_t{1} << i;
  }
  const uint64_t last = uint64_t{1} << (a.size() - 1);
  uint64_t vp = a.size() == 64 ? ~uint64_t{0} : (uint64_t{1} << a.size()) - 1;
  uint64_t vn = 0;
  uint64_t d0 = 0;
  uint64_t pm_prev = 0;
  int distance = static_cast<int>(a.size());
  for (char c : b) {
    const uint64_t pm = peq[static_cast<unsigned char>(c)];
    const uint64_t transposed = (((~d0) & pm) << 1) & pm_prev;
    d0 = (((pm & vp) + vp) ^ vp) | pm | vn | transposed;
    uint64_t hp = vn | ~(d0 | vp);
    uint64_t hn = d0 & vp;
    distance += (hp & last) != 0 ? 1 : 0;
    distance -= (hn & last) != 0 ? 1 : 0;
    hp = (hp << 1) | 1;
    hn <<= 1;
    vp = hn | ~(d0 | hp);
    vn = hp & d0;
    pm_prev = pm;
  }
  return distance;
}

int EditDistance(std::u32string_view a, std::u32string_view b) {
  // Each distinct code point becomes one byte: two words hold far fewer than 256.
  std::u32string seen;
  auto bytes = [&seen](std::u32string_view word) {
    std::string out;
    for (char32_t c : word.substr(0, std::min(word.size(), size_t{64}))) {
      size_t id = seen.find(c);
      if (id == std::u32string::npos) {
        id = seen.size();
        seen += c;
      }
      out += static_cast<char>(id);
    }
    return out;
  };
  const std::string x = bytes(a);
  const std::string y = bytes(b);
  return EditDistance(x, y);
}

std::string Orthographic(std::string_view w) {
  static constexpr std::pair<std::string_view, std::string_view> kRules[] = {
      {"tsch", "ch"}, {"sch", "sh"}, {"tch", "ch"}, {"tj", "ch"}, {"dzh", "j"},
      {"dj", "j"},    {"ph", "f"},   {"ck", "k"},   {"kh", "h"},  {"oe", "u"},
      {"ou", "u"},    {"w", "v"},    {"y", "i"},    {"x", "ks"}};
  std::string out;
  out.reserve(w.size() + 2);
  for (size_t i = 0; i < w.size();) {
    bool replaced = false;
    for (const auto& [from, to] : kRules) {
      if (from[0] == w[i] && w.compare(i, from.size(), from) == 0) {
        out += to;
        i += from.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      if (out.empty() || out.back() != w[i]) {
        out += w[i];
      }
      ++i;
    }
  }
  return out;
}

namespace {

// The class of a consonant; 0 for letters that are dropped.
char ClassOf(char c, bool abjad) {
  switch (c) {
    case 'b':
    case 'p':
    case 'f':
    case 'v':
      return 'p';
    case 'w':
      return abjad ? 0 : 'p';
    case 'c':
    case 'k':
    case 'q':
    case 'g':
    case 'x':
      return 'k';
    case 's':
    case 'z':
    case 'j':
      return 's';
    case 'd':
    case 't':
      return 't';
    case 'l':
    case 'r':
      return 'l';
    case 'm':
      return 'm';
    case 'n':
      return 'n';
    case 'h':
      return abjad ? 'h' : 0;  // abjads write h (ح, ه, ה) as a letter of its own
    case 'a':
    case 'e':
    case 'i':
    case 'o':
    case 'u':
    case 'y':
      return 0;
    default:
      return c;  // digits
  }
}

}  // namespace

std::string PhoneticKey(std::string_view word, bool abjad) {
  std::string key;
  char last = 0;
  for (size_t i = 0; i < word.size(); ++i) {
    char c = ClassOf(word[i], abjad);
    if (i == 0 && c == 0 && !abjad && word[i] != 'h' && word[i] != 'y') {
      c = 'a';  // an initial vowel (an abjad may write it as alef, ayn or not at all)
    }
    // Equal classes collapse even across vowels: abjad spellings have none between them
    // (mhmd, Mohammad → "mt").
    if (c != 0 && c != last) {
      key += c;
      last = c;
    }
  }
  return key;
}

}  // namespace tg::screen
