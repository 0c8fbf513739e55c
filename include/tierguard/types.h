// The request and decision model of tierguard: what an order line says (parties, items, date,
// regime) and what the engine decides about it. Plain value types; thread-compatible.
// Decisions hold string_views into the Engine's immutable regime data, which lives as long as
// the Engine, and owned strings for everything taken from the request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tierguard/date.h"
#include "tierguard/status.h"

namespace tg {

// An ISO 3166-1 alpha-2 code packed into 16 bits; 0 means "not given".
class Country {
 public:
  constexpr Country() = default;
  // REQUIRES: two upper-case ASCII letters.
  static constexpr Country FromAlpha2(char a, char b) {
    return Country(static_cast<uint16_t>((a - 'A') * 26 + (b - 'A') + 1));
  }
  static constexpr int kSlots = 26 * 26 + 1;

  bool empty() const { return code_ == 0; }
  uint16_t index() const { return code_; }
  std::string ToString() const;
  auto operator<=>(const Country&) const = default;

 private:
  constexpr explicit Country(uint16_t code) : code_(code) {}
  uint16_t code_ = 0;
};

// TPP in thousandths, so that caps add and compare exactly (no floating-point drift).
using TppMilli = int64_t;
inline double TppFromMilli(TppMilli m) { return static_cast<double>(m) / 1000.0; }

enum class TransferKind : uint8_t { kExport, kReexport, kInCountryTransfer };
std::string_view TransferKindName(TransferKind kind);

enum class Outcome : uint8_t {
  kNoLicenseRequired,
  kLicenseException,
  kLicensed,
  kLicenseRequired,
  kProhibited,
};
std::string_view OutcomeName(Outcome outcome);
// True for the outcomes under which the goods may ship.
inline bool IsAllowed(Outcome o) { return o <= Outcome::kLicensed; }

enum class LicensePolicy : uint8_t {
  kNone,
  kPresumptionOfApproval,
  kCaseByCase,
  kPresumptionOfDenial,
};
std::string_view LicensePolicyName(LicensePolicy policy);

struct Party {
  std::string id;
  std::string name;
  Country country;
  Country headquarters;               // defaults to country
  Country parent_headquarters;        // ultimate parent; defaults to headquarters
  std::string group;                  // party group for aggregated caps
  Country nationality;                // for natural persons
  std::string employer;               // for natural persons: the employer's id or name
  std::vector<Country> affiliations;  // countries its supply chain is affiliated with
  std::string region;                 // ISO 3166-2 subdivision (UA-43), where a rule needs it
  // Qualifiers of its restricted-party screening, as `screen` takes them: person | entity |
  // vessel | aircraft (empty: unknown), a birth date (YYYY or YYYY-MM-DD), identifiers
  // (registration, tax, passport, IMO numbers).
  std::string type;
  std::string birth_date;
  std::vector<std::string> identifiers;
  bool present = false;
};

struct PrecisionFigure {
  std::string precision;
  double tops = 0;  // dense tera-operations per second
  int bits = 0;
};

// A chip described by its figures rather than by catalog name.
struct ChipSpec {
  std::string name;
  std::optional<double> tpp;  // wins over `performance` when given
  std::vector<PrecisionFigure> performance;
  int units = 1;
  std::optional<double> die_area_mm2;
  bool datacenter = true;
  std::optional<double> dram_bandwidth_gbps;
  std::optional<double> interconnect_gbps;  // aggregate bidirectional I/O, GB/s (3A090 of 2022)
  bool hbm = false;                         // a high-bandwidth-memory stack (3A090.c)
  std::optional<double> memory_bandwidth_gbps;
  std::optional<double> package_area_mm2;
};

struct ModelSpec {
  std::string name;
  std::optional<double> training_ops;  // all training including fine-tuning
  bool published = false;
  std::vector<Country> origin_data;
  std::vector<Country> origin_weights;
  std::vector<Country> origin_compute;
};

struct Item {
  enum class Kind : uint8_t { kPart, kChip, kModel };
  Kind kind = Kind::kPart;
  std::string part;
  ChipSpec chip;
  ModelSpec model;
  int64_t quantity = 1;
  std::optional<double> value_usd;  // value of the line, for licences with a value limit
  // A computer, electronic assembly or component holding `accelerators` of the part or chip
  // (a server, a board): then `quantity` counts systems, the item is classified under 4A090
  // by its ICs, and the line's TPP is quantity x accelerators x the IC's. 0: not a system.
  int64_t accelerators = 0;
  std::string system_name;
};

struct Request {
  std::string id;
  Date date;
  std::string regime;  // empty: the regime in force on `date`
  TransferKind kind = TransferKind::kExport;
  Party exporter;
  Party consignee;
  Party end_user;
  std::string end_use;
  std::string license;  // a licence on record the exporter ships under; empty: any that fits
  std::vector<Item> items;
  int line = 0;  // 1-based input line, for error messages
};

// What classification says about one item.
struct Classification {
  std::string_view name;  // points into the request or the chip catalog
  std::string_view eccn = "none";
  int eccn_id = 0;             // index of `eccn` in the classification catalog; 0 is "none"
  std::string_view paragraph;  // e.g. "3A090.a.1"; empty when none
  std::string_view version;    // classification version id
  std::optional<double> tpp;
  std::optional<double> performance_density;
  std::optional<double> memory_bandwidth_density;
  std::optional<double> dram_bandwidth_gbps;
  std::optional<double> interconnect_gbps;
  bool datacenter = true;
  bool is_model = false;
  bool controlled_ai_asset = false;
  std::optional<double> training_ops;
  bool published = false;
  std::string_view note;  // why, in words, when no paragraph applies (e.g. the carve-out)
  // Below the advanced-computing entries: the item's own entry (EAR99, or a CCL entry such as
  // 3A991) when on record, else "unknown"; empty for items in those entries.
  std::string_view fallback;
  int64_t accelerators = 0;  // a system's ICs (its TPP per unit is this times `tpp`); 0: an IC
};

// One rule that contributed to a decision. `rule`, `citation` and `text` point into regime
// data; `detail` carries figures computed for this decision.
struct Reason {
  std::string_view rule;
  std::string_view citation;
  std::string_view text;
  std::string detail;
  const std::vector<std::string>* conditions = nullptr;  // obligations that come with it
};

struct CapUse {
  std::string_view cap;
  std::string key;
  TppMilli used = 0;
  TppMilli requested = 0;
  TppMilli limit = 0;
  bool exceeded = false;
};

struct ItemDecision {
  Classification classification;
  int64_t quantity = 0;
  TppMilli total_tpp = 0;
  Outcome outcome = Outcome::kNoLicenseRequired;
  std::string_view authorization;
  LicensePolicy policy = LicensePolicy::kNone;
};

// A restricted-party list entry that one of the request's parties matched.
// The one default screening threshold: a name score at or above it is a match (screen hits,
// `match`, the hits that decide). Chosen as docs/screening-quality.md describes.
inline constexpr double kDefaultScreeningThreshold = 0.80;

struct ScreeningHit {
  std::string party;  // exporter | consignee | end_user
  std::string party_name;
  std::string list;
  std::string list_version;
  std::string entry_id;
  std::string name;          // the entry's name
  std::string matched_name;  // the name or alias that matched
  double score = 0;
  std::string cleared;  // non-empty: a reviewer cleared this hit (the clearance's reason)
};

struct Decision {
  std::string id;
  std::string_view regime;
  bool regime_enforced = true;
  Outcome outcome = Outcome::kNoLicenseRequired;
  std::string authorization;  // "LPP", or "ACA+LPP" when items use different exceptions
  LicensePolicy policy = LicensePolicy::kNone;
  int destination_tier = 0;  // 0: the regime has no tiers
  std::vector<ItemDecision> items;
  std::vector<CapUse> caps;
  std::vector<Reason> reasons;
  std::vector<ScreeningHit> screening;  // empty when nothing matched or no lists are loaded
  // What recording this decision adds to the ledger's counters (cap and licence balances).
  std::vector<std::pair<std::string, int64_t>> counter_deltas;
  Status error;  // non-OK: the request could not be decided
  int line = 0;
};

}  // namespace tg
