#include "src/screen/khmer.h"

#include "src/common/csv.h"
#include "src/screen/utf32.h"

namespace tg::screen {

namespace {

constexpr char32_t kCoeng = 0x17D2;        // the next consonant is written under this one
constexpr char32_t kMuusikatoan = 0x17C9;  // moves an o-series consonant to the a-series
constexpr char32_t kTriisap = 0x17CA;      // moves an a-series consonant to the o-series
constexpr char32_t kToandakhiat = 0x17CD;  // the letter under it is not pronounced

bool IsConsonant(char32_t c) { return c >= 0x1780 && c <= 0x17A2; }
bool IsVowelSign(char32_t c) { return c >= 0x17B6 && c <= 0x17C8; }
bool IsShifter(char32_t c) { return c == kMuusikatoan || c == kTriisap; }

}  // namespace

Result<KhmerRomanizer> KhmerRomanizer::Load(const std::string& path) {
  TG_ASSIGN_OR_RETURN(CsvTable table, CsvTable::Load(path));
  TG_ASSIGN_OR_RETURN(size_t kind_col, table.Column("kind"));
  TG_ASSIGN_OR_RETURN(size_t khmer_col, table.Column("khmer"));
  TG_ASSIGN_OR_RETURN(size_t latin_col, table.Column("latin"));
  TG_ASSIGN_OR_RETURN(size_t series_col, table.Column("series"));
  KhmerRomanizer r;
  for (const CsvRecord& row : table.records()) {
    const std::string& kind = row.fields[kind_col];
    TG_ASSIGN_OR_RETURN(const std::u32string khmer,
                        RomanisationRow(table, row, khmer_col, "Khmer", IsKhmer, latin_col));
    const std::string& latin = row.fields[latin_col];
    const std::string& series = row.fields[series_col];
    const bool one = khmer.size() == 1;
    if (kind == "consonant" && one && IsConsonant(khmer[0]) && (series == "a" || series == "o")) {
      r.consonants_[khmer[0]] = Consonant{latin, latin, series == "o"};
    } else if (kind == "final" && one && r.consonants_.count(khmer[0]) != 0) {
      r.consonants_[khmer[0]].final = latin;
    } else if (kind == "vowel_a" || kind == "vowel_o") {
      r.vowels_[kind == "vowel_o" ? 1 : 0][khmer] = latin;
    } else if (kind == "independent" && one) {
      r.independent_[khmer[0]] = latin;
    } else if (kind == "digit" && one && latin.size() == 1) {
      r.digits_[khmer[0]] = latin[0];
    } else {
      return InvalidArgument(table.Where(row, "kind") +
                             ": expected consonant (after its series), final (after its "
                             "consonant), vowel_a, vowel_o, independent or digit");
    }
  }
  return r;
}

std::string KhmerRomanizer::Vowel(std::u32string_view signs, bool o_series) const {
  const auto& vowels = vowels_[o_series ? 1 : 0];
  if (auto it = vowels.find(std::u32string(signs)); it != vowels.end()) {
    return it->second;
  }
  std::string out;  // not listed together: each sign as listed alone
  for (char32_t c : signs) {
    if (auto it = vowels.find(std::u32string(1, c)); it != vowels.end()) {
      out += it->second;
    }
  }
  return out;
}

std::string KhmerRomanizer::Romanize(std::u32string_view word) const {
  std::string out;
  const size_t n = word.size();
  auto starts_syllable = [&](size_t at) {
    return at + 1 < n &&
           (IsVowelSign(word[at + 1]) || word[at + 1] == kCoeng || IsShifter(word[at + 1]));
  };
  for (size_t i = 0; i < n;) {
    const char32_t c = word[i];
    if (auto d = digits_.find(c); d != digits_.end()) {
      out += d->second;
      ++i;
      continue;
    }
    if (auto v = independent_.find(c); v != independent_.end()) {
      out += v->second;
      ++i;
      continue;
    }
    auto onset = consonants_.find(c);
    if (onset == consonants_.end()) {
      ++i;  // a sign without its consonant, punctuation, another script
      continue;
    }
    std::string syllable = onset->second.onset;
    bool o_series = onset->second.o_series;
    for (++i; i < n;) {
      if (IsShifter(word[i])) {
        o_series = word[i] == kTriisap;
        ++i;
      } else if (word[i] == kCoeng && i + 1 < n && consonants_.count(word[i + 1]) != 0) {
        syllable += consonants_.at(word[i + 1]).onset;  // a cluster: "vl" in វ៉្លា
        i += 2;
      } else {
        break;
      }
    }
    std::u32string signs;
    while (i < n && IsVowelSign(word[i])) {
      signs += word[i++];
    }
    syllable += Vowel(signs, o_series);
    // A consonant that does not begin a syllable of its own ends this one.
    if (i < n && IsConsonant(word[i]) && !starts_syllable(i)) {
      auto final = consonants_.find(word[i]);
      const bool silent = i + 1 < n && word[i + 1] == kToandakhiat;
      if (final != consonants_.end() && !silent) {
        syllable += final->second.final;
      }
      ++i;
    }
    while (i < n && IsKhmer(word[i]) && !IsConsonant(word[i]) && !IsVowelSign(word[i]) &&
           digits_.count(word[i]) == 0 && independent_.count(word[i]) == 0) {
      ++i;  // bantoc, toandakhiat and the other signs after a syllable
    }
    out += syllable;
  }
  return out;
}

}  // namespace tg::screen
