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
  void Remove(Country c) { bits_.reset(c.index()); }
  size_t size() const { return bits_.count(); }
  std::vector<Country> Members() const;

 private:
  std::bitset<Country::kSlots> bits_;
};

class CountryGroups {
 public:
  // Loads the memberships (data/country_groups.csv) and the destinations decided as another
  // (`decided_as`, data/decided_as.csv: Hong Kong as China from 2020-12-23).
  static Result<CountryGroups> Load(const std::string& path, const std::string& decided_as,
                                    const CountryTable& countries);

  bool Has(const std::string& group) const { return groups_.count(group) > 0; }
  // REQUIRES: Has(group).
  CountrySet Members(const std::string& group, Date date) const;
  // Every date on which some membership or decided-as row starts or ends (the day after `to`),
  // sorted.
  std::vector<Date> Boundaries() const;
  // A destination the EAR decides as another on a date (HK as CN), with the row's source.
  struct DecidedAs {
    Country country;
    Country as;
    DateRange range;
    std::string source;
  };
  const std::vector<DecidedAs>& decided_as() const { return decided_as_; }
  // The country `c` is decided as on `date`: itself, or the one a row names.
  Country DecidedAsOn(Country c, Date date) const;
  // Gives every country decided as another the other's membership of `set` on `date`.
  void ApplyDecidedAs(Date date, CountrySet& set) const;
  // Whether `c` is a country of the country table (a regime file may name only those).
  bool Known(Country c) const { return known_.Contains(c); }
  std::vector<std::string> Names() const;
  // The source note of a membership row, for `regimes show`.
  struct Membership {
    Country country;
    DateRange range;
    std::string source;
  };
  const std::vector<Membership>& Rows(const std::string& group) const { return groups_.at(group); }

 private:
  std::map<std::string, std::vector<Membership>> groups_;
  std::vector<DecidedAs> decided_as_;
  CountrySet known_;
};

}  // namespace tg::regime
