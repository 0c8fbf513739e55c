// CountryTable: every ISO 3166-1 country with its names and aliases, loaded from
// data/countries.csv. Immutable after Load; safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tierguard/status.h"
#include "tierguard/types.h"

namespace tg {

class CountryTable {
 public:
  static Result<CountryTable> Load(const std::string& path);

  // Accepts alpha-2 (any case), alpha-3, the ISO name or a common alias ("UK", "Burma").
  // Returns NotFound with the text when nothing matches.
  Result<Country> Lookup(std::string_view text) const;
  bool Known(Country c) const { return c.index() < names_.size() && !names_[c.index()].empty(); }
  std::string_view Name(Country c) const;
  size_t size() const { return count_; }
  std::vector<Country> All() const;

 private:
  std::unordered_map<std::string, Country> by_key_;
  std::vector<std::string> names_;  // indexed by Country::index()
  size_t count_ = 0;
};

// Parses two ASCII letters (any case) into a Country; nullopt for anything else.
std::optional<Country> ParseAlpha2(std::string_view text);
// Whether `code` has the form of an ISO 3166-2 subdivision code: an upper-case alpha-2 code,
// '-', one to three upper-case letters or digits (UA-43).
bool IsSubdivisionCode(std::string_view code);

}  // namespace tg
