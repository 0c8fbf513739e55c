#include "src/screen/generic_words.h"

#include <algorithm>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include "src/common/csv.h"
#include "src/common/text.h"
#include "src/screen/utf32.h"

namespace tg::screen {

namespace {

constexpr char32_t kVav = 0x05D5;  // ו, "and" as a prefix
constexpr char32_t kHe = 0x05D4;   // ה, "the" as a prefix

// Letters and the marks written on them belong to a word.
bool InWord(char32_t c) {
  const auto type = static_cast<UCharCategory>(u_charType(static_cast<UChar32>(c)));
  return u_isalnum(static_cast<UChar32>(c)) || type == U_NON_SPACING_MARK ||
         type == U_COMBINING_SPACING_MARK;
}

// Scripts written without spaces between words: their generic words end other words.
bool WrittenWithoutSpaces(UScriptCode s) {
  return s == USCRIPT_HAN || s == USCRIPT_HIRAGANA || s == USCRIPT_KATAKANA ||
         s == USCRIPT_HANGUL || s == USCRIPT_MYANMAR || s == USCRIPT_THAI || s == USCRIPT_KHMER ||
         s == USCRIPT_LAO;
}

}  // namespace

Result<GenericWords> GenericWords::Load(const std::string& path) {
  TG_ASSIGN_OR_RETURN(CsvTable table, CsvTable::Load(path));
  TG_ASSIGN_OR_RETURN(size_t written_col, table.Column("written"));
  TG_ASSIGN_OR_RETURN(size_t english_col, table.Column("english"));
  GenericWords g;
  for (const CsvRecord& row : table.records()) {
    Entry e;
    e.written = NfkcUtf32(row.fields[written_col], true);
    if (e.written.empty()) {
      return InvalidArgument(table.Where(row, "written") + ": empty");
    }
    e.english = SplitList(row.fields[english_col], '|');
    for (const std::string& english : e.english) {
      if (english.find_first_not_of("abcdefghijklmnopqrstuvwxyz ") != std::string::npos) {
        return InvalidArgument(table.Where(row, "english") +
                               ": lower-case English words, alternatives separated by '|'");
      }
    }
    if (e.english.empty()) {
      return InvalidArgument(table.Where(row, "english") + ": empty");
    }
    UErrorCode status = U_ZERO_ERROR;
    const UScriptCode script = uscript_getScript(static_cast<UChar32>(e.written[0]), &status);
    e.whole_word = !WrittenWithoutSpaces(script);
    e.hebrew = script == USCRIPT_HEBREW;
    g.by_first_[e.written[0]].push_back(std::move(e));
  }
  for (auto& [first, entries] : g.by_first_) {
    std::stable_sort(entries.begin(), entries.end(), [](const Entry& x, const Entry& y) {
      return x.written.size() > y.written.size();
    });
  }
  return g;
}

std::vector<std::string> GenericWords::Translate(std::string_view name) const {
  const std::u32string text = NfkcUtf32(name, true);
  const size_t n = text.size();
  struct Match {
    size_t begin, end;
    const Entry* entry;
    bool with_and;  // Hebrew ו before it
  };
  std::vector<Match> matches;
  for (size_t i = 0; i < n;) {
    const bool word_start = i == 0 || !InWord(text[i - 1]);
    // Where the word itself may start: here, or after Hebrew's ו, ה or וה.
    size_t starts[3] = {i, i, i};
    size_t count = 1;
    if (word_start && (text[i] == kVav || text[i] == kHe) && i + 1 < n) {
      starts[count++] = i + 1;
      if (text[i] == kVav && text[i + 1] == kHe && i + 2 < n) {
        starts[count++] = i + 2;
      }
    }
    const Entry* found = nullptr;
    size_t found_at = i;
    for (size_t s = 0; s < count && found == nullptr; ++s) {
      const size_t at = starts[s];
      auto it = by_first_.find(text[at]);
      if (it == by_first_.end()) {
        continue;
      }
      for (const Entry& e : it->second) {
        const size_t end = at + e.written.size();
        if (end > n || text.compare(at, e.written.size(), e.written) != 0) {
          continue;
        }
        if (at != i && !e.hebrew) {
          continue;  // the prefixes are Hebrew's
        }
        if (e.whole_word && (!word_start || (end < n && InWord(text[end])))) {
          continue;
        }
        found = &e;
        found_at = at;
        break;
      }
    }
    if (found == nullptr) {
      ++i;
      continue;
    }
    matches.push_back(
        {i, found_at + found->written.size(), found, found_at > i && text[i] == kVav});
    i = matches.back().end;
  }
  if (matches.empty()) {
    return {};
  }
  size_t variants = 1;
  for (const Match& m : matches) {
    variants = std::max(variants, std::min(m.entry->english.size(), kMaxVariants));
  }
  std::vector<std::string> out;
  for (size_t v = 0; v < variants; ++v) {
    std::u32string translated;
    size_t copied = 0;
    for (size_t k = 0; k < matches.size();) {
      translated.append(text, copied, matches[k].begin - copied);
      // A run of Hebrew words separated by spaces only, read in English order.
      size_t last = k;
      while (matches[k].entry->hebrew && last + 1 < matches.size() &&
             matches[last + 1].entry->hebrew && !matches[last + 1].with_and) {
        bool spaces = true;
        for (size_t p = matches[last].end; p < matches[last + 1].begin && spaces; ++p) {
          spaces = u_isUWhiteSpace(static_cast<UChar32>(text[p]));
        }
        if (!spaces) {
          break;
        }
        ++last;
      }
      translated += U' ';
      if (matches[k].with_and) {
        translated += U"and ";
      }
      for (size_t r = last + 1; r-- > k;) {
        const auto& english = matches[r].entry->english;
        for (char c : english[std::min(v, english.size() - 1)]) {
          translated += static_cast<char32_t>(c);
        }
        translated += U' ';
      }
      copied = matches[last].end;
      k = last + 1;
    }
    translated.append(text, copied);
    out.push_back(Utf8(translated));
  }
  return out;
}

}  // namespace tg::screen
