// Embargoes: the Part 746 embargoes and comprehensive sanctions that apply on top of every
// regime (Cuba, Iran, North Korea, Syria, Russia and Belarus, the occupied regions of Ukraine),
// as data with effective dates (data/embargoes.yaml). Each says which items need a licence there
// (every item subject to the EAR, or the CCL items, or the CCL items and the EAR99 items the
// supplements list), under which review policy; no licence exception may be used where one
// applies (15 CFR 740.2). Immutable after Load; safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tierguard/date.h"
#include "tierguard/status.h"
#include "tierguard/types.h"
#include "src/common/country_table.h"

namespace tg::regime {

struct Embargo {
  enum class Scope : uint8_t {
    kAllItems,            // every item subject to the EAR
    kCclItems,            // items on the Commerce Control List (not EAR99)
    kCclAndListedEar99,   // CCL items and the EAR99 items the supplements list
  };
  std::string id;
  std::vector<Country> destinations;  // whole countries
  std::vector<std::string> regions;   // ISO 3166-2 subdivisions (UA-43), for parts of a country
  DateRange effective;
  Scope scope = Scope::kAllItems;
  LicensePolicy policy = LicensePolicy::kPresumptionOfDenial;
  std::string citation;
  std::string text;
};
std::string_view EmbargoScopeName(Embargo::Scope scope);

class Embargoes {
 public:
  // Loads data/embargoes.yaml. InvalidArgument names the file, line and key.
  static Result<Embargoes> Load(const std::string& path, const CountryTable& countries);

  // The embargo in force on `date` for a party in `country` (and `region`, ISO 3166-2, when
  // given), or null. REQUIRES: at most one applies (Load refuses overlaps).
  const Embargo* For(Country country, std::string_view region, Date date) const;
  // Whether `country` has embargoed regions, so that a party there must say its region.
  bool HasRegions(Country country) const;
  const std::vector<Embargo>& all() const { return embargoes_; }

 private:
  std::vector<Embargo> embargoes_;
};

}  // namespace tg::regime
