// Controls: the Part 744 and Part 746 controls that apply on top of every regime, as data with
// effective dates. An embargo (data/embargoes.yaml: Cuba, Iran, North Korea, Syria, Russia and
// Belarus, the occupied regions of Ukraine) reaches every order to its places; an end-use or
// end-user control (data/end_use_controls.yaml: military end use and end user, military
// intelligence, supercomputers, advanced-node IC production) reaches only the orders that state
// its end use or go to a party of its kind. Each says which items need a licence (every item
// subject to the EAR, the CCL items, or the CCL items and the EAR99 items the supplements list)
// and under which review policy; no licence exception may be used where one applies
// (15 CFR 740.2). Immutable after Load; safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tierguard/date.h"
#include "tierguard/status.h"
#include "tierguard/types.h"

#include "src/common/country_table.h"
#include "src/regime/country_groups.h"

namespace tg::regime {

struct Control {
  enum class Scope : uint8_t {
    kAllItems,           // every item subject to the EAR
    kCclItems,           // items on the Commerce Control List (not EAR99)
    kCclAndListedEar99,  // CCL items and the EAR99 items the supplements list
  };
  std::string id;
  std::vector<Country> destinations;  // whole countries (and those decided as them: HK as CN)
  std::vector<std::string> groups;    // country groups (D:5), as in force on the order's date
  std::vector<std::string> regions;   // ISO 3166-2 subdivisions (UA-43), for parts of a country
  // Triggers: a control with neither reaches every order to its places (an embargo); else it
  // reaches an order stating one of `end_uses` or going to a party of one of `party_types`.
  std::vector<std::string> end_uses;
  std::vector<std::string> party_types;
  DateRange effective;
  Scope scope = Scope::kAllItems;
  LicensePolicy policy = LicensePolicy::kPresumptionOfDenial;
  std::string citation;
  std::string text;
};
std::string_view ControlScopeName(Control::Scope scope);

class Controls {
 public:
  // Loads the lists under `list_key` of each file (`embargoes` in data/embargoes.yaml,
  // `controls` in data/end_use_controls.yaml). InvalidArgument names the file, line and key;
  // two embargoes of one place on one day are refused.
  static Result<Controls> Load(const std::vector<std::pair<std::string, std::string>>& files,
                               const CountryTable& countries, const CountryGroups& groups);

  // The controls in force on `date` that reach a party in `country` (and `region`, when given)
  // of kind `party_type`, for an order stating `end_use`.
  std::vector<const Control*> Applicable(Country country, std::string_view region,
                                         std::string_view party_type, std::string_view end_use,
                                         Date date) const;
  // Whether `country` has embargoed regions, so that a party there must say its region.
  bool HasRegions(Country country) const { return countries_with_regions_.Contains(country); }
  const std::vector<Control>& all() const { return controls_; }

 private:
  std::vector<Control> controls_;
  CountrySet countries_with_regions_;      // asked for every party of every line: worked out once
  const CountryGroups* groups_ = nullptr;  // not owned; outlives this (the Engine's)
};

}  // namespace tg::regime
