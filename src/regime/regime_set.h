// RegimeSet: every regime in regimes/*.yaml, validated and resolved, with selection by name
// or by date. Immutable after loading; safe to share between threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tierguard/date.h"
#include "tierguard/status.h"

#include "src/regime/country_groups.h"
#include "src/regime/regime.h"

namespace tg::regime {

class RegimeSet {
 public:
  // Loads one file. `eccns` are the ECCN names by id that conditions may name.
  static Result<std::unique_ptr<Regime>> LoadFile(const std::string& path,
                                                  const CountryGroups& groups,
                                                  const std::vector<std::string>& eccns);
  // The same from the text of a regime file; `name` stands for the file in messages.
  static Result<std::unique_ptr<Regime>> LoadText(const std::string& name, const std::string& text,
                                                  const CountryGroups& groups,
                                                  const std::vector<std::string>& eccns);
  // Loads every *.yaml in `dir`; fails on a bad file, a duplicate id, or two regimes chosen
  // by date whose periods overlap.
  static Result<RegimeSet> LoadDir(const std::string& dir, const CountryGroups& groups,
                                   const std::vector<std::string>& eccns);

  const Regime* Find(std::string_view id) const;
  // The regime chosen by date for `date`, or NotFound when none is in force.
  Result<const Regime*> ForDate(Date date) const;
  const std::vector<std::unique_ptr<Regime>>& all() const { return regimes_; }

 private:
  std::vector<std::unique_ptr<Regime>> regimes_;  // sorted by id
};

}  // namespace tg::regime
