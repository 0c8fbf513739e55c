#include "src/decide/determiner.h"

#include <algorithm>
#include <cmath>
#include <span>

#include "src/common/checked.h"
#include "src/common/text.h"
#include "src/ledger/ledger.h"

namespace tg::decide {

namespace {

using regime::Verdict;

constexpr std::string_view kNoRequirementText =
    "No licence requirement of this regime applies to the item for this destination and party.";
constexpr std::string_view kWindowText =
    "The regime is not in force on the request date; the decision is a what-if.";
constexpr std::string_view kNotEnforcedText =
    "The regime is not enforced on the request date (announced rescission); the decision is a "
    "what-if.";
constexpr std::string_view kProposalText =
    "The regime is a proposal or recommendation, not law; the decision is a what-if.";
constexpr std::string_view kComplianceText =
    "The request date is before the regime's compliance date.";
constexpr std::string_view kOverCapText = "The cap would be exceeded, so this path is not open.";
constexpr std::string_view kCapWindowText =
    "The request falls outside the cap's window: the path bound to the cap is not open, and a "
    "review policy bound to it is what the regime states for outside the window.";
constexpr std::string_view kNotifiedText =
    "Shipped under a License Exception NAC notification on record, confirmed by BIS, which this "
    "export depletes.";
constexpr std::string_view kNotNotifiedText =
    "License Exception NAC needs a notification on record, filed in SNAP-R at least 25 days "
    "before export and confirmed by BIS; without one the exception is not open and a licence is "
    "required.";
constexpr std::string_view kLicensedText =
    "Covered by a licence on record, which this export depletes.";
constexpr std::string_view kVeuText =
    "Covered by a Validated End-User authorisation on record (15 CFR 748.15), within its limits.";
constexpr std::string_view kDecidedAsText =
    "The EAR decides this destination as another country: every rule, country group, tier, "
    "headquarters rule and allocation that names that country applies to it.";
constexpr std::string_view kUnknownFallbackText =
    "; the item is below the advanced-computing entries and its own classification (EAR99 or a "
    "CCL entry such as 3A991) is not on record, so it is taken as a CCL item";
constexpr std::string_view kListedEar99Text =
    "; EAR99, and the supplements' lists of EAR99 items are not held here, so it is taken as "
    "listed";
constexpr std::string_view kNoPolicyText =
    "A licence is required; the regime states no review policy for this case.";

// Severity for combining item verdicts: outcome first, then licence policy.
int Severity(Outcome o, LicensePolicy p) { return static_cast<int>(o) * 8 + static_cast<int>(p); }

void AddReason(Decision& out, std::string_view rule, std::string_view citation,
               std::string_view text, std::string detail = {},
               const std::vector<std::string>* conditions = nullptr) {
  for (const Reason& r : out.reasons) {
    if (r.rule.data() == rule.data() && r.detail == detail) {
      return;
    }
  }
  Reason r;
  r.rule = rule;
  r.citation = citation;
  r.text = text;
  r.detail = std::move(detail);
  r.conditions = conditions != nullptr && !conditions->empty() ? conditions : nullptr;
  out.reasons.push_back(std::move(r));
}

std::string_view FirstCitation(const regime::Regime& regime) {
  return regime.citations.empty() ? std::string_view(regime.id)
                                  : std::string_view(regime.citations.front());
}

bool InCapWindow(const regime::Cap& cap, Date date) {
  return cap.period != regime::Cap::Period::kFixed || cap.fixed.Contains(date);
}

Result<int64_t> UsedWithPending(const BatchState& batch,
                                const std::vector<Determiner::Pending>& pending,
                                const std::string& key) {
  TG_ASSIGN_OR_RETURN(int64_t used, batch.Used(key));
  for (const Determiner::Pending& p : pending) {
    if (p.key == key) {
      TG_ASSIGN_OR_RETURN(used, CheckedAdd(used, p.amount, key));
    }
  }
  return used;
}

// The line's declared value in cents (0 when not given), which licence and notification value
// limits are counted in.
Result<int64_t> ValueCents(const Item& in, const std::string& path) {
  if (!in.value_usd) {
    return int64_t{0};
  }
  return ScaledFigure(*in.value_usd, 100.0, kMaxValueUsd, path + ".value_usd");
}

// A balance an authorisation on record keeps in a counter (a licence's, a NAC notification's):
// the line takes `amount` of it, within `limit` (0: no limit).
struct Balance {
  std::string counter;
  int64_t amount;
  int64_t limit;
};

// The first balance the line would take past its limit, with what the records and the line's
// earlier items already use of it; nullopt when every balance fits.
Result<std::optional<std::pair<size_t, int64_t>>> FirstExceeded(
    const BatchState& batch, const std::vector<Determiner::Pending>& pending,
    std::span<const Balance> balances) {
  for (size_t i = 0; i < balances.size(); ++i) {
    const Balance& b = balances[i];
    if (b.limit <= 0) {
      continue;
    }
    TG_ASSIGN_OR_RETURN(const int64_t used, UsedWithPending(batch, pending, b.counter));
    if (Exceeds(used, b.amount, b.limit)) {
      return std::optional<std::pair<size_t, int64_t>>(std::pair{i, used});
    }
  }
  return std::optional<std::pair<size_t, int64_t>>();
}

// Queues what the line takes of each limited balance.
void Take(std::span<const Balance> balances, std::vector<Determiner::Pending>& pending) {
  for (const Balance& b : balances) {
    if (b.limit > 0) {
      pending.push_back({b.counter, b.amount});
    }
  }
}

// The TPP of `quantity` units of `unit_tpp`, in thousandths; InvalidArgument naming the item
// when the unit figure or the total is beyond what tierguard accepts (kMaxUnitTpp,
// kMaxTotalTpp): such a line is refused, never wrapped into a negative total that skips caps.
Result<TppMilli> TotalTpp(double unit_tpp, int64_t quantity, size_t item_index) {
  const std::string path = "items[" + std::to_string(item_index) + "]";
  if (!std::isfinite(unit_tpp) || unit_tpp < 0 || unit_tpp > kMaxUnitTpp) {
    return InvalidArgument(path + ": a TPP of " + FormatNumber(unit_tpp) +
                           " per unit is outside 0 to 1e9");
  }
  const long double total = static_cast<long double>(unit_tpp) * 1000.0L * quantity;
  if (quantity < 0 || total > static_cast<long double>(kMaxTotalTppMilli)) {
    return InvalidArgument(path + ".quantity: " + std::to_string(quantity) + " units of " +
                           FormatNumber(unit_tpp) +
                           " TPP exceed the most one line may carry (1e15 TPP)");
  }
  return static_cast<TppMilli>(std::llround(static_cast<double>(total)));
}

// Why licence `l` does not cover this item for this party on this date; empty when it does.
std::string LicenseGap(const License& l, const Request& req, const regime::Regime& regime,
                       const Classification& cls, const Party& party) {
  if (!l.regime.empty() && l.regime != regime.id) {
    return "is for regime " + l.regime + ", not " + regime.id;
  }
  if (std::find(l.eccns.begin(), l.eccns.end(), cls.eccn) == l.eccns.end()) {
    return "does not cover ECCN " + std::string(cls.eccn);
  }
  if (l.destination != party.country) {
    return "is for " + l.destination.ToString() + ", not " + party.country.ToString();
  }
  if (!l.consignee.empty() && l.consignee != party.id) {
    return "is for consignee " + l.consignee + ", not " + party.id;
  }
  if (req.date < l.valid_from) {
    return "is valid only from " + l.valid_from.ToString();
  }
  if (req.date > l.valid_to) {
    return "expired on " + l.valid_to.ToString();
  }
  return {};
}

}  // namespace

Result<bool> Determiner::TryLicenses(const Request& req, const regime::Regime& regime,
                                     const ItemDecision& item, size_t item_index,
                                     const Party& party, const BatchState& batch,
                                     std::vector<Pending>& pending, Decision& out,
                                     ItemVerdict& verdict) const {
  const bool named = !req.license.empty();
  if (batch.view() == nullptr) {
    if (named) {
      return FailedPrecondition(
          "license: shipping under a named licence needs a ledger, which holds its balance");
    }
    return false;
  }
  TG_ASSIGN_OR_RETURN(const std::vector<License>* licenses, batch.view()->Licenses());
  const std::string path = "items[" + std::to_string(item_index) + "]";
  const Item& in = req.items[item_index];
  TG_ASSIGN_OR_RETURN(const int64_t cents, ValueCents(in, path));
  bool seen = false;
  for (const License& l : *licenses) {
    if (named && l.number != req.license) {
      continue;
    }
    if (l.state != LicenseState::kActive) {
      if (named) {
        return FailedPrecondition("license: " + l.number + " is " +
                                  std::string(StateName(l.state)) +
                                  (l.revocation.empty() ? "" : " (" + l.revocation + ")"));
      }
      continue;  // only an active licence licenses anything
    }
    seen = true;
    const std::string gap = LicenseGap(l, req, regime, item.classification, party);
    if (!gap.empty()) {
      if (named) {
        return FailedPrecondition("license: " + l.number + " " + gap);
      }
      continue;
    }
    // A licence read back from the store is checked again: its limits feed the comparison.
    TG_ASSIGN_OR_RETURN(
        const int64_t tpp_limit,
        ScaledFigure(l.tpp_limit, 1000.0, kMaxTotalTpp, "licence " + l.number + " tpp_limit"));
    TG_ASSIGN_OR_RETURN(const int64_t value_limit,
                        ScaledFigure(l.value_limit_usd, 100.0, kMaxValueUsd,
                                     "licence " + l.number + " value_limit_usd"));
    // Quantity in units, TPP in thousandths, value in cents; shown in units, TPP and dollars.
    static constexpr const char* kWhat[] = {"quantity", "tpp", "value"};
    static constexpr int64_t kShownPer[] = {1, 1000, 100};
    const Balance balances[] = {
        {ledger::LicenseCounter(l.number, kWhat[0]), item.quantity, l.quantity_limit},
        {ledger::LicenseCounter(l.number, kWhat[1]), item.total_tpp, tpp_limit},
        {ledger::LicenseCounter(l.number, kWhat[2]), cents, value_limit}};
    std::string shortfall;
    if (l.value_limit_usd > 0 && !in.value_usd) {
      shortfall = "has a value limit and " + path + ".value_usd is not given";
    } else {
      TG_ASSIGN_OR_RETURN(const auto exceeded, FirstExceeded(batch, pending, balances));
      if (exceeded) {
        const auto [i, used] = *exceeded;
        shortfall = "has " + std::to_string((balances[i].limit - used) / kShownPer[i]) + " " +
                    kWhat[i] + " left; " + path + " needs " +
                    std::to_string(balances[i].amount / kShownPer[i]);
      }
    }
    if (!shortfall.empty()) {
      if (named) {
        return FailedPrecondition("license: " + l.number + " " + shortfall);
      }
      continue;
    }
    Take(balances, pending);
    verdict = ItemVerdict{Outcome::kLicensed, LicensePolicy::kNone, l.number};
    AddReason(out, "licence-on-record", l.number, kLicensedText,
              std::string(item.classification.name) + " x " + std::to_string(item.quantity) +
                  " under " + l.number + " (valid to " + l.valid_to.ToString() +
                  (l.approved_by.empty() ? "" : ", approved by " + l.approved_by) + ")");
    return true;
  }
  if (named && !seen) {
    return NotFound("license: no active licence '" + req.license + "' on record");
  }
  return false;
}

Result<bool> Determiner::TryNotification(const Request& req, const regime::Exception& e,
                                         const ItemDecision& item, size_t item_index,
                                         const Party& party, bool consume, const BatchState& batch,
                                         std::vector<Pending>& pending, Decision& out,
                                         const std::string& subject) const {
  TG_ASSIGN_OR_RETURN(const std::vector<Notification>* notifications,
                      batch.view()->Notifications());
  const Item& in = req.items[item_index];
  const std::string path = "items[" + std::to_string(item_index) + "]";
  TG_ASSIGN_OR_RETURN(const int64_t cents, ValueCents(in, path));
  std::string why;  // why the last notification for this line's parties does not serve
  // One notification covers the line: it names the consignee or the end user (the party the
  // exports go to), in that party's country.
  const auto names_a_party = [&](const Notification& n) {
    for (const Party* p : {&req.consignee, req.end_user.present ? &req.end_user : nullptr}) {
      if (p != nullptr && !p->id.empty() && n.party == p->id && n.destination == p->country) {
        return true;
      }
    }
    return false;
  };
  for (const Notification& n : *notifications) {
    if (!names_a_party(n)) {
      continue;
    }
    const Date usable = n.filed.AddDays(e.notification_days);
    if (n.state == NotificationState::kRefused) {
      why = n.id + " was refused by BIS on " + n.answered.ToString() + ": a licence is needed";
      continue;
    }
    if (n.state != NotificationState::kConfirmed) {
      why = n.id + " (filed " + n.filed.ToString() +
            ") has no confirmation number yet; once "
            "confirmed it serves from " +
            usable.ToString();
      continue;
    }
    if (req.date < usable) {
      why = n.id + " was filed " + n.filed.ToString() + "; NAC exports under it may go from " +
            usable.ToString() + " (" + std::to_string(e.notification_days) + " days)";
      continue;
    }
    if (n.value_limit_usd > 0 && !in.value_usd) {
      why = n.id + " covers a value, and " + path + ".value_usd is not given";
      continue;
    }
    TG_ASSIGN_OR_RETURN(const int64_t value_limit,
                        ScaledFigure(n.value_limit_usd, 100.0, kMaxValueUsd,
                                     "notification " + n.id + " value_limit_usd"));
    // Quantity in units, value in cents (shown in dollars).
    const Balance balances[] = {
        {ledger::NotificationCounter(n.id, "quantity"), item.quantity, n.quantity_limit},
        {ledger::NotificationCounter(n.id, "value"), cents, value_limit}};
    TG_ASSIGN_OR_RETURN(const auto exceeded, FirstExceeded(batch, pending, balances));
    if (exceeded) {
      const size_t i = exceeded->first;
      const int64_t used = exceeded->second;
      const auto show = [i](int64_t v) {
        return i == 0 ? std::to_string(v) + " units" : "$" + std::to_string(v / 100);
      };
      why = n.id + " has " + show(balances[i].limit - used) + " left; " + path + " needs " +
            show(balances[i].amount);
      continue;
    }
    if (consume) {
      Take(balances, pending);
    }
    AddReason(out, "nac-notification", e.citation, kNotifiedText,
              subject + " under notification " + n.id + " (confirmation " + n.confirmation +
                  ", filed " + n.filed.ToString() + ")");
    return true;
  }
  AddReason(
      out, "nac-notification", e.citation, kNotNotifiedText,
      subject + ": " +
          (why.empty() ? "no NAC notification on record for " +
                             (party.id.empty() ? std::string("this party (no id)") : party.id) +
                             " in " + party.country.ToString()
                       : why));
  return false;
}

Result<bool> Determiner::TryVeus(const Request& req, const regime::Regime& regime,
                                 const std::vector<regime::CountrySet>& sets,
                                 const ItemDecision& item, const Party& party,
                                 const BatchState& batch, std::vector<Pending>& pending,
                                 Decision& out, ItemVerdict& verdict) const {
  // A regime without VEU rules admits none; no VEU covers a data centre where its rules bar one
  // (Macau and D:5), whatever was recorded.
  if (batch.view() == nullptr || party.id.empty() || !regime.veu ||
      sets[regime.veu->locations_not_in].Contains(party.country)) {
    return false;
  }
  TG_ASSIGN_OR_RETURN(const std::vector<Veu>* veus, batch.view()->Veus());
  const std::string_view eccn = item.classification.eccn;
  for (const Veu& v : *veus) {
    if (v.holder != party.id || (!v.regime.empty() && v.regime != regime.id) ||
        std::find(v.eccns.begin(), v.eccns.end(), eccn) == v.eccns.end() ||
        req.date < v.valid_from || req.date > v.valid_to) {
      continue;
    }
    struct Need {
      std::string key;
      int64_t limit;  // thousandths of TPP
    };
    std::vector<Need> needs;
    const std::string prefix = "veu:" + v.id + ":";
    if (v.kind == "national") {
      if (v.country != party.country) {
        continue;
      }
      TG_ASSIGN_OR_RETURN(int64_t limit, ScaledFigure(v.limit_tpp, 1000.0, kMaxTotalTpp,
                                                      "VEU " + v.id + " limit_tpp"));
      // The cumulative installed base allowed by the quarter of the request (748.15(a)(2)(iii)).
      if (const auto quarter = regime.veu->NationalCeiling(req.date); quarter) {
        limit = std::min(limit, *quarter);
      }
      needs.push_back({prefix + party.country.ToString(), limit});
    } else {
      // Universal: data centres anywhere outside Tier 3, within shares of the installed base.
      const int tier = regime.TierOf(party.country, sets);
      if (!regime.has_tiers() || tier == 3) {
        continue;
      }
      if (tier == 2) {
        TG_ASSIGN_OR_RETURN(const int64_t base, ScaledFigure(v.total_tpp, 1000.0, kMaxTotalTpp,
                                                             "VEU " + v.id + " total_tpp"));
        if (!(v.country_share > 0 && v.country_share <= 1 && v.tier2_share > 0 &&
              v.tier2_share <= 1)) {
          return DataLoss("VEU " + v.id + ": shares outside (0, 1] on record");
        }
        const auto share = [&](double f) {
          return static_cast<int64_t>(std::llround(static_cast<double>(base) * f));
        };
        needs.push_back({prefix + party.country.ToString(), share(v.country_share)});
        needs.push_back({prefix + "tier2", share(v.tier2_share)});
      }
    }
    bool fits = true;
    for (const Need& n : needs) {
      TG_ASSIGN_OR_RETURN(int64_t used, UsedWithPending(batch, pending, n.key));
      if (Exceeds(used, item.total_tpp, n.limit)) {
        fits = false;
        AddReason(out, "veu-limit", v.id, kOverCapText,
                  n.key.substr(4) + ": " + std::to_string((n.limit - used) / 1000) + " TPP left, " +
                      std::to_string(item.total_tpp / 1000) + " requested");
      }
    }
    if (!fits) {
      continue;
    }
    for (const Need& n : needs) {
      pending.push_back({n.key, item.total_tpp});
    }
    verdict = ItemVerdict{Outcome::kLicensed, LicensePolicy::kNone, v.id};
    AddReason(out, "veu-on-record", v.id, kVeuText,
              std::string(item.classification.name) + " to " + party.country.ToString() +
                  " under " + v.kind + " VEU " + v.id);
    return true;
  }
  return false;
}

regime::Facts Determiner::BuildFacts(const Request& req, const regime::Regime& regime,
                                     const std::vector<regime::CountrySet>& sets,
                                     const ItemDecision& item, const Party& party) const {
  const Classification& cls = item.classification;
  regime::Facts f;
  f.eccn_bit = uint64_t{1} << cls.eccn_id;
  f.datacenter = cls.datacenter;
  f.is_model = cls.is_model;
  f.is_hbm = cls.memory_bandwidth_density.has_value();
  f.published = cls.published;
  f.controlled_ai_asset = cls.controlled_ai_asset;
  f.metrics[static_cast<int>(regime::Metric::kTpp)] = cls.tpp;
  f.metrics[static_cast<int>(regime::Metric::kPerformanceDensity)] = cls.performance_density;
  f.metrics[static_cast<int>(regime::Metric::kMemoryBandwidthDensity)] =
      cls.memory_bandwidth_density;
  f.metrics[static_cast<int>(regime::Metric::kTrainingOps)] = cls.training_ops;
  f.metrics[static_cast<int>(regime::Metric::kDramBandwidth)] = cls.dram_bandwidth_gbps;
  f.metrics[static_cast<int>(regime::Metric::kInterconnect)] = cls.interconnect_gbps;
  f.kind = req.kind;
  f.destination = party.country;
  f.hq = party.headquarters;
  f.parent_hq = party.parent_headquarters;
  f.exporter = req.exporter.country;
  f.nationality = party.nationality;
  f.affiliations = &party.affiliations;
  f.end_use = req.end_use;
  f.destination_tier = regime.TierOf(party.country, sets);
  f.hq_tier = std::max(regime.TierOf(party.headquarters, sets),
                       regime.TierOf(party.parent_headquarters, sets));
  return f;
}

Determiner::Determiner(const classify::Classifier& classifier, const regime::RegimeSet& regimes,
                       const regime::Controls* controls, const regime::Letters* letters)
    : classifier_(classifier), regimes_(regimes), controls_(controls), letters_(letters) {}

Result<bool> Determiner::CheckCap(const Request& req, const regime::Regime& regime,
                                  const regime::Cap& cap, const Party& party, TppMilli amount,
                                  const BatchState& batch, std::vector<Pending>& pending,
                                  bool record, bool consume, Decision& out) const {
  std::string who;
  switch (cap.key) {
    case regime::Cap::Key::kGroup:
      // The group the request names, else the party group on record, else the consignee.
      who = req.consignee.group;
      if (who.empty() && batch.view() != nullptr && !party.id.empty()) {
        TG_ASSIGN_OR_RETURN(who, batch.view()->GroupOf(party.id));
      }
      [[fallthrough]];
    case regime::Cap::Key::kConsignee:
      if (who.empty()) {
        who = !party.id.empty() ? party.id : party.name;
      }
      if (who.empty()) {
        return InvalidArgument("consignee.id: required by cap " + cap.id +
                               " (give the consignee an id or a name)");
      }
      break;
    case regime::Cap::Key::kDestination:
      // A destination decided as another counts against the other's allocation (HK: CN's).
      who = regime.DecidedAsOn(party.country, req.date).ToString();
      break;
  }
  std::string period;
  switch (cap.period) {
    case regime::Cap::Period::kCalendarYear:
      period = std::to_string(req.date.year());
      break;
    case regime::Cap::Period::kQuarter:
      period = std::to_string(req.date.year()) + "Q" + std::to_string(req.date.quarter());
      break;
    case regime::Cap::Period::kFixed:
      if (!cap.fixed.Contains(req.date)) {
        if (cap.uncapped_outside_window) {
          return true;  // the regime says so: nothing is counted outside the window
        }
        AddReason(out, "cap-window", cap.citation, kCapWindowText,
                  cap.id + " runs " + cap.fixed.ToString() + "; the request is dated " +
                      req.date.ToString());
        return false;
      }
      period = std::to_string(cap.fixed.from.year()) + "-" + std::to_string(cap.fixed.to.year());
      break;
  }
  CapUse use;
  use.cap = cap.id;
  use.key = who + "/" + period;
  std::string ledger_key = cap.id + ":" + use.key;
  TG_ASSIGN_OR_RETURN(TppMilli used, UsedWithPending(batch, pending, ledger_key));
  use.used = used;
  use.requested = amount;
  use.limit = cap.limit;
  if (cap.max_agreement_increase > 0 && cap.key == regime::Cap::Key::kDestination) {
    double recorded = 0;  // agreements on record in the ledger, beside the regime's own
    const Country country = regime.DecidedAsOn(party.country, req.date);
    if (batch.view() != nullptr) {
      TG_ASSIGN_OR_RETURN(recorded, batch.view()->AgreementIncrease(country, cap.id, req.date));
    }
    const double inc = std::min(cap.max_agreement_increase,
                                regime.AgreementIncrease(country, cap.id, req.date) + recorded);
    // The regime bounds limit × (1 + max increase) by kMaxTotalTpp, so this stays in range.
    const auto raise = static_cast<TppMilli>(std::llround(static_cast<double>(cap.limit) * inc));
    TG_ASSIGN_OR_RETURN(use.limit, CheckedAdd(cap.limit, raise, cap.id + " limit"));
  }
  use.exceeded = Exceeds(used, amount, use.limit);
  if (record) {
    for (CapUse& existing : out.caps) {
      if (existing.cap.data() == use.cap.data() && existing.key == use.key) {
        TG_ASSIGN_OR_RETURN(existing.requested,
                            CheckedAdd(existing.requested, amount, ledger_key + " requested"));
        existing.exceeded = existing.exceeded || use.exceeded;
        if (consume && !use.exceeded) {
          pending.push_back({std::move(ledger_key), amount});
        }
        return !use.exceeded;
      }
    }
    if (consume && !use.exceeded) {
      pending.push_back({std::move(ledger_key), amount});
    }
    const bool fits = !use.exceeded;
    out.caps.push_back(std::move(use));
    return fits;
  }
  return !use.exceeded;
}

Status Determiner::DecideItem(const Request& req, const regime::Regime& regime,
                              const std::vector<regime::CountrySet>& sets, const ItemDecision& item,
                              const Party& party, bool is_consignee, size_t item_index,
                              const BatchState& batch, std::vector<Pending>& pending, Decision& out,
                              ItemVerdict& verdict) const {
  const Item& in = req.items[item_index];
  const Classification& cls = item.classification;
  const regime::Facts f = BuildFacts(req, regime, sets, item, party);
  auto test = [&](const regime::RuleInfo& rule) -> Result<bool> {
    if (!rule.effective.Contains(req.date)) {
      return false;
    }
    Verdict v = regime::Evaluate(rule.when, f, sets);
    if (v.kind == Verdict::Kind::kUnknown) {
      return InvalidArgument(
          "items[" + std::to_string(item_index) + "]." +
          std::string(classify::MetricField(v.missing, in.kind == Item::Kind::kPart)) +
          ": needed by rule " + rule.id + " of " + regime.id);
    }
    return v.kind == Verdict::Kind::kTrue;
  };
  const std::string subject =
      std::string(cls.name) + " (" + std::string(cls.eccn) + ") to " + party.country.ToString();

  // Parts 744 and 746 and is-informed letters first: one reaching the item needs a licence
  // whatever the regime says, under the strictest of their policies, and bars every licence
  // exception.
  TG_ASSIGN_OR_RETURN(const std::optional<LicensePolicy> control_policy,
                      SpecialControls(req, party, cls, f, item_index, out, subject));
  const bool controlled = control_policy.has_value();
  const ItemVerdict control_verdict{
      Outcome::kLicenseRequired, control_policy.value_or(LicensePolicy::kNone), {}};
  // The regime's verdict, or the controls' where that is stricter.
  const auto with_controls = [&]() {
    if (controlled && Severity(control_verdict.outcome, control_verdict.policy) >
                          Severity(verdict.outcome, verdict.policy)) {
      verdict = control_verdict;
    }
  };

  const regime::Requirement* requirement = nullptr;
  for (const regime::Requirement& r : regime.requirements) {
    TG_ASSIGN_OR_RETURN(bool hit, test(r));
    if (hit) {
      requirement = &r;
      break;
    }
  }
  if (requirement == nullptr) {
    if (controlled) {
      verdict = control_verdict;
      return Status::Ok();
    }
    verdict = ItemVerdict{};
    AddReason(out, "no-licence-requirement", FirstCitation(regime), kNoRequirementText, subject);
    return Status::Ok();
  }
  AddReason(out, requirement->id, requirement->citation, requirement->text, subject);

  if (is_consignee) {
    TG_ASSIGN_OR_RETURN(bool licensed, TryLicenses(req, regime, item, item_index, party, batch,
                                                   pending, out, verdict));
    if (!licensed && req.license.empty()) {
      TG_ASSIGN_OR_RETURN(licensed,
                          TryVeus(req, regime, sets, item, party, batch, pending, out, verdict));
    }
    if (licensed) {
      // A licensed export counts against the allocation its review policy is bound to.
      for (const regime::Policy& p : regime.policies) {
        TG_ASSIGN_OR_RETURN(bool hit, test(p));
        if (hit) {
          if (p.cap >= 0 && item.total_tpp > 0) {
            TG_RETURN_IF_ERROR(CheckCap(req, regime, regime.caps[p.cap], party, item.total_tpp,
                                        batch, pending, true, /*consume=*/true, out)
                                   .status());
          }
          break;
        }
      }
      return Status::Ok();
    }
  }

  // 15 CFR 740.2: no licence exception where Part 744 or 746 requires a licence.
  for (const regime::Exception& e :
       controlled ? std::span<const regime::Exception>() : std::span(regime.exceptions)) {
    TG_ASSIGN_OR_RETURN(bool hit, test(e));
    if (!hit) {
      continue;
    }
    // With a ledger at hand (ship, determine --db), a notified exception rests on a
    // notification on record; a what-if without one states the duty as a condition.
    if (e.notification_days > 0 && batch.view() != nullptr) {
      TG_ASSIGN_OR_RETURN(bool notified,
                          TryNotification(req, e, item, item_index, party, is_consignee, batch,
                                          pending, out, subject));
      if (!notified) {
        continue;
      }
    }
    if (e.cap >= 0 && item.total_tpp > 0) {
      TG_ASSIGN_OR_RETURN(bool fits, CheckCap(req, regime, regime.caps[e.cap], party,
                                              item.total_tpp, batch, pending, is_consignee,
                                              /*consume=*/true, out));
      if (!fits) {
        if (InCapWindow(regime.caps[e.cap], req.date)) {
          AddReason(out, e.id, e.citation, kOverCapText, regime.caps[e.cap].id + " for " + subject);
        }
        continue;
      }
    }
    verdict = ItemVerdict{Outcome::kLicenseException, LicensePolicy::kNone, e.authorization};
    AddReason(out, e.id, e.citation, e.text, subject, &e.conditions);
    return Status::Ok();
  }

  for (const regime::Policy& p : regime.policies) {
    TG_ASSIGN_OR_RETURN(bool hit, test(p));
    if (!hit) {
      continue;
    }
    if (p.prohibited) {
      verdict = ItemVerdict{Outcome::kProhibited, LicensePolicy::kNone, {}};
      AddReason(out, p.id, p.citation, p.text, subject, &p.conditions);
      return Status::Ok();  // nothing is stricter
    }
    LicensePolicy policy = p.policy;
    if (p.cap >= 0 && item.total_tpp > 0) {
      // An allocation counts what is licensed; a what-if batch records nothing against it, so
      // only the history (and earlier licensed lines) are compared with this request.
      TG_ASSIGN_OR_RETURN(bool fits, CheckCap(req, regime, regime.caps[p.cap], party,
                                              item.total_tpp, batch, pending, is_consignee,
                                              /*consume=*/false, out));
      const regime::Cap& cap = regime.caps[p.cap];
      if (!fits && !InCapWindow(cap, req.date)) {
        policy = cap.outside_window;
      } else if (!fits) {
        policy = p.over_cap;
        AddReason(out, p.id, cap.citation, kOverCapText, cap.id + " allocation for " + subject);
      }
    }
    verdict = ItemVerdict{Outcome::kLicenseRequired, policy, {}};
    AddReason(out, p.id, p.citation, p.text, subject, &p.conditions);
    with_controls();
    return Status::Ok();
  }
  verdict = ItemVerdict{Outcome::kLicenseRequired, LicensePolicy::kNone, {}};
  AddReason(out, "no-review-policy", requirement->citation, kNoPolicyText, subject);
  with_controls();
  return Status::Ok();
}

Result<std::optional<LicensePolicy>> Determiner::SpecialControls(
    const Request& req, const Party& party, const Classification& cls, const regime::Facts& facts,
    size_t item_index, Decision& out, const std::string& subject) const {
  std::optional<LicensePolicy> strictest;
  const auto stricter = [&](LicensePolicy p) {
    strictest = strictest ? std::max(*strictest, p) : p;
  };
  if (letters_ != nullptr && !(cls.is_model && cls.published)) {
    regime::LetterQuery q{&req.exporter, &party, cls.name, &facts, req.date};
    for (const regime::Letters::Match& m : letters_->Applicable(q)) {
      if (m.missing) {
        return InvalidArgument("items[" + std::to_string(item_index) + "]." +
                               std::string(classify::MetricField(
                                   *m.missing, req.items[item_index].kind == Item::Kind::kPart)) +
                               ": needed by letter " + m.letter->id);
      }
      if (m.exemption != nullptr) {
        AddReason(out, m.exemption->id, m.exemption->citation, m.exemption->text,
                  subject + " (exempted from letter " + m.letter->id + ")");
        continue;
      }
      AddReason(out, m.letter->id, m.letter->citation, m.letter->text,
                subject + " (is-informed letter to " +
                    (req.exporter.name.empty() ? req.exporter.id : req.exporter.name) + ")");
      stricter(m.letter->policy);
    }
  }
  if (controls_ == nullptr) {
    return strictest;
  }
  if (party.region.empty() && controls_->HasRegions(party.country)) {
    return InvalidArgument(std::string(&party == &req.consignee ? "consignee" : "end_user") +
                           ".region: required for " + party.country.ToString() +
                           " (ISO 3166-2): parts of it are under an embargo of their own");
  }
  if (cls.is_model && cls.published) {
    return strictest;  // published weights are not subject to the EAR (15 CFR 734.7)
  }
  const bool ccl = cls.eccn != "none";
  for (const regime::Control* e :
       controls_->Applicable(party.country, party.region, party.type, req.end_use, req.date)) {
    std::string detail = subject + " (" + std::string(regime::ControlScopeName(e->scope)) + ")";
    switch (e->scope) {
      case regime::Control::Scope::kAllItems:
        break;
      case regime::Control::Scope::kCclItems:
        if (!ccl && cls.fallback == "EAR99") {
          continue;
        }
        if (!ccl) {
          detail += kUnknownFallbackText;
        }
        break;
      case regime::Control::Scope::kCclAndListedEar99:
        if (!ccl) {
          detail += cls.fallback == "EAR99" ? kListedEar99Text : kUnknownFallbackText;
        }
        break;
    }
    AddReason(out, e->id, e->citation, e->text, std::move(detail));
    stricter(e->policy);
  }
  return strictest;
}

void Determiner::Decide(const Request& req, BatchState& batch, Decision& out) const {
  out.id = req.id;
  out.line = req.line;
  out.regime = {};
  out.regime_enforced = true;
  out.outcome = Outcome::kNoLicenseRequired;
  out.authorization.clear();
  out.policy = LicensePolicy::kNone;
  out.destination_tier = 0;
  out.items.clear();
  out.caps.clear();
  out.reasons.clear();
  out.counter_deltas.clear();
  out.screening.clear();
  out.error = Status::Ok();
  auto fail = [&](const Status& s) {
    out.error = req.line > 0 ? s.WithPrefix("line " + std::to_string(req.line)) : s;
  };

  const regime::Regime* regime = nullptr;
  if (req.regime.empty()) {
    auto r = regimes_.ForDate(req.date);
    if (!r) {
      fail(r.error().WithPrefix("date"));
      return;
    }
    regime = *r;
  } else {
    regime = regimes_.Find(req.regime);
    if (regime == nullptr) {
      std::string known;
      for (const auto& r : regimes_.all()) {
        known += known.empty() ? "" : ", ";
        known += r->id;
      }
      fail(NotFound("regime: unknown regime '" + Excerpt(req.regime, 80) + "' (known: " + known +
                    ")"));
      return;
    }
  }
  DecideUnder(*regime, req, batch, out);
}

void Determiner::DecideUnder(const regime::Regime& regime_ref, const Request& req,
                             BatchState& batch, Decision& out) const {
  const regime::Regime* regime = &regime_ref;
  auto fail = [&](const Status& s) {
    out.error = req.line > 0 ? s.WithPrefix("line " + std::to_string(req.line)) : s;
  };
  out.regime = regime->id;
  const auto& sets = regime->SetsOn(req.date);

  if (!regime->effective.Contains(req.date)) {
    out.regime_enforced = false;
    AddReason(out, "regime-window", FirstCitation(*regime), kWindowText,
              regime->id + " is in force " + regime->effective.ToString());
  }
  if (regime->not_enforced_from && req.date >= *regime->not_enforced_from) {
    out.regime_enforced = false;
    AddReason(out, "regime-not-enforced", FirstCitation(*regime), kNotEnforcedText,
              "not enforced from " + regime->not_enforced_from->ToString());
  }
  if (regime->status == regime::RegimeStatus::kProposal ||
      regime->status == regime::RegimeStatus::kRecommendation) {
    out.regime_enforced = false;
    AddReason(out, "regime-status", FirstCitation(*regime), kProposalText,
              std::string(regime::RegimeStatusName(regime->status)));
  }
  if (regime->compliance_date && req.date < *regime->compliance_date &&
      regime->effective.Contains(req.date)) {
    AddReason(out, "compliance-date", FirstCitation(*regime), kComplianceText,
              "compliance required from " + regime->compliance_date->ToString());
  }

  // A country decided as another (HK as CN) is named in the reasons, with its source.
  for (const Party* p : {&req.consignee, req.end_user.present ? &req.end_user : nullptr}) {
    if (p == nullptr) {
      continue;
    }
    for (Country c : {p->country, p->headquarters, p->parent_headquarters}) {
      if (const auto* d = regime->DecidedAs(c, req.date); d != nullptr) {
        AddReason(out, "decided-as", d->source, kDecidedAsText,
                  c.ToString() + " is decided as " + d->as.ToString() + " from " +
                      d->range.from.ToString());
      }
    }
  }
  classify::ClassifyOptions options{regime->chip_classification, regime->model_classification,
                                    regime->model_threshold_ops};
  out.items.resize(req.items.size());
  for (size_t i = 0; i < req.items.size(); ++i) {
    ItemDecision& item = out.items[i];
    item = ItemDecision();
    Status s = classifier_.Classify(req.items[i], req.date, options,
                                    "items[" + std::to_string(i) + "]", item.classification);
    if (!s.ok()) {
      fail(s);
      return;
    }
    item.quantity = req.items[i].quantity;
    if (item.classification.tpp) {
      // A system's TPP is its ICs' added up: quantity systems of `accelerators` ICs each.
      const int64_t ics = item.quantity * std::max<int64_t>(1, item.classification.accelerators);
      auto total = TotalTpp(*item.classification.tpp, ics, i);
      if (!total) {
        fail(total.error());
        return;
      }
      item.total_tpp = *total;
    }
  }

  std::vector<Pending> pending;
  const Party* parties[2] = {&req.consignee, req.end_user.present ? &req.end_user : nullptr};
  for (const Party* p : parties) {
    if (p != nullptr) {
      out.destination_tier = std::max(out.destination_tier, regime->TierOf(p->country, sets));
    }
  }
  int worst = -1;
  for (size_t i = 0; i < req.items.size(); ++i) {
    ItemDecision& item = out.items[i];
    ItemVerdict item_worst;
    int item_sev = -1;
    for (int k = 0; k < 2; ++k) {
      const Party* party = parties[k];
      if (party == nullptr) {
        continue;
      }
      ItemVerdict v;
      Status s = DecideItem(req, *regime, sets, item, *party, k == 0, i, batch, pending, out, v);
      if (!s.ok()) {
        fail(s);
        return;
      }
      const int sev = Severity(v.outcome, v.policy);
      if (sev > item_sev) {
        item_sev = sev;
        item_worst = v;
      }
    }
    item.outcome = item_worst.outcome;
    item.policy = item_worst.policy;
    item.authorization = item_worst.authorization;
    if (item_sev > worst) {
      worst = item_sev;
      out.outcome = item.outcome;
      out.policy = item.policy;
    }
  }
  // The authorizations the export relies on: the exceptions and licences of its items.
  if (out.outcome == Outcome::kLicenseException || out.outcome == Outcome::kLicensed) {
    for (size_t i = 0; i < out.items.size(); ++i) {
      const ItemDecision& item = out.items[i];
      if (item.authorization.empty()) {
        continue;
      }
      bool seen = false;
      for (size_t j = 0; j < i; ++j) {
        seen = seen || out.items[j].authorization == item.authorization;
      }
      if (!seen) {
        if (!out.authorization.empty()) {
          out.authorization += '+';
        }
        out.authorization += item.authorization;
      }
    }
  }
  if (!IsAllowed(out.outcome)) {
    return;
  }
  for (Pending& p : pending) {
    if (Status s = batch.Add(p.key, p.amount); !s.ok()) {
      fail(s);
      return;
    }
    out.counter_deltas.emplace_back(std::move(p.key), p.amount);
  }
  // Duties that come with an allowed export (notices, declarations).
  for (size_t i = 0; i < req.items.size(); ++i) {
    const ItemDecision& item = out.items[i];
    for (const regime::Obligation& o : regime->obligations) {
      if (!o.effective.Contains(req.date)) {
        continue;
      }
      const regime::Facts f = BuildFacts(req, *regime, sets, item, req.consignee);
      if (regime::Evaluate(o.when, f, sets).kind == Verdict::Kind::kTrue) {
        AddReason(out, o.id, o.citation, o.text, std::string(item.classification.name),
                  &o.conditions);
      }
    }
  }
}

}  // namespace tg::decide
