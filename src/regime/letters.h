// Letters: company-specific "is-informed" letters (15 CFR 744.21(b), 744.23(b)) as data with
// effective dates. BIS tells one company that named items, or any item meeting a parametric
// test ("memory bandwidth at least the H20's"), need a licence to named destinations, to
// entities headquartered there, or to any foreign person. A letter binds only the company it
// informs (the request's exporter); where it applies the item needs a licence, no licence
// exception may be used (it is a Part 744 requirement, 15 CFR 740.2), and the decision names the
// letter. A later letter may exempt items and recipients (trusted partners, employees) from an
// earlier one from its own date. Loaded from data/letters/*.yaml; immutable after Load.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tierguard/date.h"
#include "tierguard/status.h"
#include "tierguard/types.h"

#include "src/common/country_table.h"
#include "src/regime/country_groups.h"
#include "src/regime/regime.h"

namespace tg::regime {

// Which items a letter (or an exemption) reaches: by name, or by figures, or both (either holds).
struct LetterItems {
  // Name families, compared without case: "H20" reaches "H20" and "H20 …", "Mythos" reaches
  // "Mythos 5"; the item's catalog name or the name the request gives.
  std::vector<std::string> names;
  std::optional<Condition> meets;  // figures only (no country tests)
  std::optional<bool> models;      // true: model weights only; false: hardware only
};

struct LetterExemption {
  std::string id;
  DateRange effective;
  LetterItems items;
  // Recipients by party id or name; and natural persons employed by the informed company or by
  // one of these recipients (the party's `employer`).
  std::vector<std::string> recipients;
  bool employees_of_informed = false;
  bool employees_of_recipients = false;
  std::string citation;
  std::string text;
};

struct Letter {
  std::string id;
  std::vector<std::string> informed;  // the exporter's id or name, compared without case
  DateRange effective;
  LetterItems items;
  // Where it reaches: destinations (countries and groups, HK with CN), entities headquartered
  // (or with an ultimate parent) in `headquartered_in`, or every foreign person (any party
  // outside the US, and a party in the US whose nationality is another country's).
  std::vector<Country> destinations;
  std::vector<std::string> groups;
  std::vector<Country> hq_countries;
  std::vector<std::string> hq_groups;
  bool foreign_persons = false;
  uint8_t kinds = 0;  // bitmask of TransferKind; 0 = every kind
  LicensePolicy policy = LicensePolicy::kNone;
  std::string citation;
  std::string text;
  std::vector<LetterExemption> exemptions;
};

// What a letter is tested against: one item going to one party.
struct LetterQuery {
  const Party* exporter = nullptr;
  const Party* party = nullptr;
  std::string_view item_name;
  const Facts* facts = nullptr;  // the item's figures and flags, the transfer kind
  Date date;
};

class Letters {
 public:
  // Loads every *.yaml in `dir` (a missing folder holds no letters). InvalidArgument names the
  // file, line and key; two letters of one id whose dates overlap, and an exemption dated
  // before its letter, are refused.
  static Result<Letters> Load(const std::string& dir, const CountryTable& countries,
                              const CountryGroups& groups, const std::vector<std::string>& eccns);

  struct Match {
    const Letter* letter = nullptr;
    const LetterExemption* exemption = nullptr;  // non-null: the item is exempted by it
    // Set when the letter reaches the party but its parametric test needs a figure the item
    // lacks: the caller refuses the request, naming the field (never a silent "not reached").
    std::optional<Metric> missing;
  };
  // The letters in force on the date that reach this item and party.
  std::vector<Match> Applicable(const LetterQuery& q) const;
  const std::vector<Letter>& all() const { return letters_; }

 private:
  std::vector<Letter> letters_;
  const CountryGroups* groups_ = nullptr;  // not owned; the Engine's, which outlives this
};

}  // namespace tg::regime
