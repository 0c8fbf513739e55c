// Generic business words that English documents translate rather than transliterate ("ကုန်သွယ်ရေး"
// → "Trading", "חלקים מדויקים" → "Precision Parts", "航运" → "Shipping"), from
// data/screening/generic_words.csv. A name is matched as written and as each of its
// translated variants. Immutable after Load; safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tierguard/status.h"

namespace tg::screen {

class GenericWords {
 public:
  static Result<GenericWords> Load(const std::string& path);

  // The name (valid UTF-8) with its generic words in English, one variant per alternative
  // translation (at most kMaxVariants); empty when it has none.
  std::vector<std::string> Translate(std::string_view name) const;

  static constexpr size_t kMaxVariants = 3;

 private:
  struct Entry {
    std::u32string written;
    std::vector<std::string> english;  // alternatives
    bool whole_word;                   // a script written with spaces between words
    bool hebrew;
  };
  // Entries by their first code point, longest first.
  std::unordered_map<char32_t, std::vector<Entry>> by_first_;
};

}  // namespace tg::screen
