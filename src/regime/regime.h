// The regime model: one export-control regime (tiers, licence requirements, licence
// exceptions, licence review policies, caps, agreements) as compiled from regimes/*.yaml.
//
// Taxonomy:
//   Condition      a conjunction of tests on the Facts of one item going to one party;
//   Requirement    when a licence is required at all;
//   Exception      a licence exception that lifts the requirement (optionally within a Cap);
//   Policy         the licence review policy when no exception applies (optionally a Cap);
//   Obligation     a duty attached to an allowed decision (a notice, a declaration).
// A Regime is immutable once loaded and safe to share between threads.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tierguard/date.h"
#include "tierguard/types.h"

#include "src/regime/country_groups.h"

namespace tg::regime {

enum class Metric : uint8_t {
  kTpp,
  kPerformanceDensity,
  kDramBandwidth,
  kInterconnect,
  kMemoryBandwidthDensity,
  kTrainingOps,
};
inline constexpr int kMetricCount = 6;
std::string_view MetricName(Metric m);
std::optional<Metric> MetricFromName(std::string_view name);

// Bounds on a number: min ≤ v ≤ max, above < v < below; unset bounds are open.
struct NumRange {
  std::optional<double> min, max, above, below;
  bool Contains(double v) const {
    return (!min || v >= *min) && (!max || v <= *max) && (!above || v > *above) &&
           (!below || v < *below);
  }
};

// Index of a set expression in Regime::set_exprs; -1 means "not used".
using SetId = int;

// Everything a condition can test about one item going to one party.
// The end uses a request may state and rules may name; anything else is an input error.
inline constexpr std::string_view kEndUses[] = {
    "datacenter",    "military",      "military_intelligence",
    "supercomputer", "ic_production", "development",
    "production",    "storage",       "research",
    "consumer"};
bool IsEndUse(std::string_view end_use);
// "datacenter, military, …" for error messages.
std::string EndUseList();
// The kinds of end user a party's `type` may give, for end-user rules.
inline constexpr std::string_view kPartyKinds[] = {"military", "government", "research",
                                                   "commercial"};
bool IsPartyKind(std::string_view type);

struct Facts {
  uint64_t eccn_bit = 0;  // 1 << eccn id (0 for "none")
  bool datacenter = true;
  bool is_model = false;
  bool is_hbm = false;
  bool published = false;
  bool controlled_ai_asset = false;
  std::array<std::optional<double>, kMetricCount> metrics;
  TransferKind kind = TransferKind::kExport;
  Country destination, hq, parent_hq, exporter, nationality;
  const std::vector<Country>* affiliations = nullptr;
  std::string_view end_use;
  int destination_tier = 0;
  int hq_tier = 0;  // the highest tier of hq and parent_hq
};

struct Condition {
  uint64_t eccns = 0;  // bitmask of ECCN ids; 0 = any
  std::optional<bool> datacenter, is_model, is_hbm, published, controlled_ai_asset;
  uint8_t kinds = 0;              // bitmask of TransferKind; 0 = any
  uint8_t destination_tiers = 0;  // bitmask of 1 << tier; 0 = any
  uint8_t hq_tiers = 0;
  SetId destination_in = -1, destination_not_in = -1;
  SetId hq_any_in = -1, hq_all_in = -1, hq_none_in = -1;
  SetId exporter_in = -1, exporter_not_in = -1;
  SetId affiliated_in = -1;      // supply-chain affiliation or nationality in the set
  SetId affiliated_not_in = -1;  // neither affiliation nor nationality in the set
  std::vector<std::string> end_uses;
  std::vector<std::pair<Metric, NumRange>> ranges;
  std::vector<Condition> any_of;
};

struct RuleInfo {
  std::string id;
  DateRange effective;
  Condition when;
  std::string citation;
  std::string text;
  std::vector<std::string> conditions;  // obligations that come with the rule
  int source_line = 0;
};

struct Requirement : RuleInfo {};

struct Exception : RuleInfo {
  std::string authorization;
  int cap = -1;  // index into Regime::caps
  // > 0: the exception needs a notification on record (NAC, 15 CFR 740.8(a)(2)), confirmed by
  // BIS and filed at least this many days before the export, when a ledger is at hand.
  int notification_days = 0;
};

struct Policy : RuleInfo {
  LicensePolicy policy = LicensePolicy::kNone;
  bool prohibited = false;
  int cap = -1;
  LicensePolicy over_cap = LicensePolicy::kPresumptionOfDenial;
};

struct Obligation : RuleInfo {};

struct Cap {
  enum class Key : uint8_t { kConsignee, kDestination, kGroup };
  enum class Period : uint8_t { kCalendarYear, kQuarter, kFixed };
  std::string id;
  Key key = Key::kConsignee;
  Period period = Period::kCalendarYear;
  DateRange fixed;  // for kFixed
  // Outside a fixed window: uncapped only when the regime says so; otherwise the cap's path is
  // closed (an exception is not open) and a policy bound to it falls to `outside_window`.
  bool uncapped_outside_window = false;
  LicensePolicy outside_window = LicensePolicy::kNone;
  TppMilli limit = 0;
  double max_agreement_increase = 0;  // 0: agreements do not raise this cap
  std::string citation;
  std::string text;
};

struct Agreement {
  Country country;
  std::string cap;
  double increase = 0;  // 1.0 doubles the cap
  DateRange effective;
  std::string citation;
  std::string note;
};

// Structuring: related consignees whose orders come within `margin` of the remaining headroom
// of `cap` at least `min_orders` times within `window_days` raise an alert.
struct StructuringRule {
  std::string cap;
  int window_days = 30;
  int min_orders = 3;
  double margin = 0.10;
  std::string citation;
};

// When a cloud provider must report a customer's training run (reference s4.3): its operations
// reach `operations` (`biological_operations` for training on biological sequence data), or the
// cluster it ran on reaches `cluster_ops_per_second` of theoretical peak.
struct TrainingReportRule {
  double operations = 0;
  double biological_operations = 0;
  double cluster_ops_per_second = 0;
  std::string citation;
};

// Data Center Validated End-User rules (15 CFR 748.15), where a regime has them: where data
// centres may be, who may hold each kind, the universal kind's shares of the holder's installed
// base and the national kind's quarterly schedule. A regime without them admits no VEU.
struct VeuRules {
  SetId locations_not_in = -1;  // no authorised data centre may be in this set
  std::string citation;
  struct Universal {
    SetId headquarters_in = -1;    // the holder and its ultimate parent must be headquartered here
    double max_tier2_share = 0;    // of the installed base, in all Tier 2 destinations together
    double max_country_share = 0;  // in any one Tier 2 destination
    std::string citation;
  };
  struct National {
    SetId headquarters_not_in = -1;  // neither the holder nor its ultimate parent here
    // Cumulative installed-base TPP allowed per holder and country, from each quarter on
    // (sorted by quarter start); before the first quarter nothing is allowed.
    std::vector<std::pair<Date, TppMilli>> schedule;
    std::string citation;
  };
  std::optional<Universal> universal;
  std::optional<National> national;
  // The national schedule's ceiling for the quarter of `date`: nullopt without a schedule, 0
  // before its first quarter.
  std::optional<TppMilli> NationalCeiling(Date date) const;
};

enum class RegimeStatus : uint8_t { kInForce, kNotEnforced, kProposal, kRecommendation };
std::string_view RegimeStatusName(RegimeStatus s);

// A set expression: the union of `of` minus the union of `except`. Terms are names of other
// sets, country groups or alpha-2 codes, resolved at load time.
struct SetExpr {
  std::string name;  // empty for inline expressions
  std::vector<std::string> of, except;
};

class Regime {
 public:
  std::string id;
  std::string title;
  std::string summary;
  RegimeStatus status = RegimeStatus::kInForce;
  DateRange effective;
  std::optional<Date> not_enforced_from;
  std::optional<Date> compliance_date;
  bool select_by_date = false;
  std::vector<std::string> citations;
  std::string chip_classification;   // pinned version id, or empty: by date
  std::string model_classification;  // pinned version id, or empty: by date
  std::optional<double> model_threshold_ops;
  SetId tier1 = -1, tier3 = -1;

  std::vector<Requirement> requirements;
  std::vector<Exception> exceptions;
  std::vector<Policy> policies;
  std::vector<Obligation> obligations;
  std::vector<Cap> caps;
  std::vector<Agreement> agreements;
  std::optional<StructuringRule> structuring;
  std::optional<VeuRules> veu;
  std::optional<TrainingReportRule> training_reports;
  std::vector<SetExpr> set_exprs;

  std::string file;
  std::string content_hash;  // "sha256:…" of the file bytes
  std::string source;        // the file bytes, kept so that the ledger can store them for replay

  bool has_tiers() const { return tier1 >= 0; }
  // The sets in force on `date` (memberships change on dated boundaries).
  const std::vector<CountrySet>& SetsOn(Date date) const;
  int TierOf(Country c, const std::vector<CountrySet>& sets) const;
  // Sum of agreement increases in force for the country and cap on the date.
  double AgreementIncrease(Country c, const std::string& cap, Date date) const;

  // The row deciding `c` as another country on `date` (Hong Kong as China), or null.
  const CountryGroups::DecidedAs* DecidedAs(Country c, Date date) const;
  // The country `c` is decided as on `date`: the other, or itself.
  Country DecidedAsOn(Country c, Date date) const {
    const CountryGroups::DecidedAs* d = DecidedAs(c, date);
    return d != nullptr ? d->as : c;
  }

  // Resolves every set expression for every epoch; called once by the loader.
  Status Resolve(const CountryGroups& groups);

 private:
  std::vector<CountryGroups::DecidedAs> decided_as_;
  std::vector<Date> epoch_starts_;               // sorted; epoch i starts at epoch_starts_[i]
  std::vector<std::vector<CountrySet>> epochs_;  // [epoch][set id]
};

// Outcome of testing a condition: kUnknown names a metric the item lacks.
struct Verdict {
  enum class Kind : uint8_t { kFalse, kTrue, kUnknown };
  Kind kind;
  Metric missing = Metric::kTpp;
};

Verdict Evaluate(const Condition& c, const Facts& f, const std::vector<CountrySet>& sets);

}  // namespace tg::regime
