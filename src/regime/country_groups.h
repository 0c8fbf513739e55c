// CountryGroups: named groups of countries (D:1, D:5, A:5, SUPP5A, …) whose membership changes
// on known dates, loaded from data/country_groups.csv. CountrySet is the bitset form a regime
// evaluates against. Immutable after Load; safe to share between threads.
#pragma once

#include <bitset>
#include <map>
#include <string>
#include <vector>

#include "tierguard/date.h"
#include "tierguard/status.h"
#include "tierguard/types.h"
#include "src/common/country_table.h"

namespace tg::regime {

class CountrySet {
 public:
  bool Contains(Country c) const { return bits_[c.index()]; }
  void Add(Country c) { bits_.set(c.index()); }
  void AddAll(const CountrySet& o) { bits_ |= o.bits_; }
  void RemoveAll(const CountrySet& o) { bits_ &= ~o.bits_; }
  size_t size() const { return bits_.count(); }
  std::vector<Country> Members() const;

 private:
  std::bitset<Country::kSlots> bits_;
};

class CountryGroups {
 public:
  static Result<CountryGroups> Load(const std::string& path, const CountryTable& countries);

  bool Has(const std::string& group) const { return groups_.count(group) > 0; }
  // REQUIRES: Has(group).
  CountrySet Members(const std::string& group, Date date) const;
  // Every date on which some membership starts or ends (the day after `to`), sorted.
  std::vector<Date> Boundaries() const;
  std::vector<std::string> Names() const;
  // The source note of a membership row, for `regimes show`.
  struct Membership {
    Country country;
    DateRange range;
    std::string source;
  };
  const std::vector<Membership>& Rows(const std::string& group) const {
    return groups_.at(group);
  }

 private:
  std::map<std::string, std::vector<Membership>> groups_;
};

}  // namespace tg::regime
