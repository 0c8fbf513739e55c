// The screening index: every name and alias of the loaded lists, normalised once, with
// postings from each token, its phonetic key and its first four letters to the names holding
// them. A search gathers candidates from the query's tokens (rarest first, common tokens
// capped), scores the best of them with the NameScorer, and adjusts by the qualifiers given
// (country, type). Immutable after building; Search may run on several threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "src/screen/lists.h"
#include "src/screen/normalize.h"
#include "src/screen/scorer.h"

namespace tg::screen {

struct Query {
  std::string id;
  std::string name;
  std::string country;  // alpha-2, or empty
  std::string type;     // person | entity | vessel | aircraft, or empty
  std::string birth_date;                // YYYY or YYYY-MM-DD, or empty
  std::vector<std::string> identifiers;  // IMO, registration, tax, passport numbers …
};

struct Hit {
  const ScreeningList* list = nullptr;
  const ListEntry* entry = nullptr;
  const std::string* matched_name = nullptr;  // the entry's name or alias that matched
  double score = 0;        // name score adjusted by the qualifiers, in [0, 1]
  double name_score = 0;
  double country = 0;      // adjustment for the country (+ same, - different, 0 unknown)
  double type = 0;         // adjustment for the party type
  double birth = 0;        // adjustment for the birth year (+ same, - different)
  double identifier = 0;   // raise for an identifier both sides give; - for another IMO number
};

class Index {
 public:
  // Turns a country as a list writes it ("Russia", "RU", "Iran (Islamic Republic of)") into
  // its alpha-2 code, or "" when unknown.
  using CountryResolver = std::function<std::string(std::string_view)>;

  Index(const Normalizer& normalizer, const NameScorer& scorer, CountryResolver countries)
      : normalizer_(normalizer), scorer_(scorer), countries_(std::move(countries)) {}

  // Adds every entry of `list`, which must outlive the index. Names that do not normalise
  // (no letters) are skipped; returns how many names were indexed.
  Result<size_t> Add(const ScreeningList& list);

  // Hits at or above `threshold`, best first, at most `limit`; one per entry (its best name).
  // InvalidArgument when the query name is not valid UTF-8 or too long.
  Result<std::vector<Hit>> Search(const Query& query, double threshold, size_t limit) const;

  size_t names() const { return names_.size(); }
  size_t entries() const { return entries_.size(); }

 private:
  struct Name {
    uint32_t entry;
    const std::string* text;
    NormalizedName norm;
  };
  struct EntryRef {
    const ScreeningList* list;
    const ListEntry* entry;
    std::vector<std::string> countries;  // alpha-2, as far as known
    std::vector<int> birth_years;        // every four-digit year in the birth dates
    std::vector<std::string> identifiers;  // IdentifierKey of each, its IMO numbers first
    NameKind kind;                         // of the entry's type
    uint8_t imo_count = 0;                 // how many of the identifiers are IMO numbers
  };
  void Post(const std::string& key, uint32_t name);

  const Normalizer& normalizer_;
  const NameScorer& scorer_;
  CountryResolver countries_;
  std::vector<Name> names_;
  std::vector<EntryRef> entries_;
  std::unordered_map<std::string, std::vector<uint32_t>> postings_;
};

}  // namespace tg::screen
