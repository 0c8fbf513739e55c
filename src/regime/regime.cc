#include "src/regime/regime.h"

#include <algorithm>
#include <functional>

namespace tg::regime {

namespace {
constexpr std::array<std::string_view, kMetricCount> kMetricNames = {"tpp",
                                                                     "performance_density",
                                                                     "dram_bandwidth_gbps",
                                                                     "interconnect_gbps",
                                                                     "memory_bandwidth_density",
                                                                     "training_ops"};
}  // namespace

std::string_view MetricName(Metric m) { return kMetricNames[static_cast<int>(m)]; }

std::optional<Metric> MetricFromName(std::string_view name) {
  for (int i = 0; i < kMetricCount; ++i) {
    if (kMetricNames[i] == name) {
      return static_cast<Metric>(i);
    }
  }
  return std::nullopt;
}

std::string_view RegimeStatusName(RegimeStatus s) {
  switch (s) {
    case RegimeStatus::kInForce:
      return "in_force";
    case RegimeStatus::kNotEnforced:
      return "not_enforced";
    case RegimeStatus::kProposal:
      return "proposal";
    case RegimeStatus::kRecommendation:
      return "recommendation";
  }
  return "unknown";
}

bool IsEndUse(std::string_view end_use) {
  return std::find(std::begin(kEndUses), std::end(kEndUses), end_use) != std::end(kEndUses);
}

bool IsPartyKind(std::string_view type) {
  return std::find(std::begin(kPartyKinds), std::end(kPartyKinds), type) != std::end(kPartyKinds);
}

std::string EndUseList() {
  std::string out;
  for (std::string_view e : kEndUses) {
    out += out.empty() ? "" : ", ";
    out += e;
  }
  return out;
}

const std::vector<CountrySet>& Regime::SetsOn(Date date) const {
  auto it = std::upper_bound(epoch_starts_.begin(), epoch_starts_.end(), date);
  return epochs_[static_cast<size_t>(it - epoch_starts_.begin()) - 1];
}

int Regime::TierOf(Country c, const std::vector<CountrySet>& sets) const {
  if (!has_tiers()) {
    return 0;
  }
  if (sets[tier1].Contains(c)) {
    return 1;
  }
  if (tier3 >= 0 && sets[tier3].Contains(c)) {
    return 3;
  }
  return 2;
}

double Regime::AgreementIncrease(Country c, const std::string& cap, Date date) const {
  double total = 0;
  for (const Agreement& a : agreements) {
    if (a.country == c && a.cap == cap && a.effective.Contains(date)) {
      total += a.increase;
    }
  }
  return total;
}

const CountryGroups::DecidedAs* Regime::DecidedAs(Country c, Date date) const {
  for (const CountryGroups::DecidedAs& d : decided_as_) {
    if (d.country == c && d.range.Contains(date)) {
      return &d;
    }
  }
  return nullptr;
}

Status Regime::Resolve(const CountryGroups& groups) {
  decided_as_ = groups.decided_as();
  epoch_starts_ = {Date::Min()};
  for (Date d : groups.Boundaries()) {
    epoch_starts_.push_back(d);
  }
  epochs_.clear();
  for (Date start : epoch_starts_) {
    std::vector<CountrySet> sets(set_exprs.size());
    std::vector<int> state(set_exprs.size(), 0);  // 0 new, 1 resolving, 2 done
    std::function<Status(size_t)> resolve = [&](size_t i) -> Status {
      if (state[i] == 2) {
        return Status::Ok();
      }
      if (state[i] == 1) {
        return InvalidArgument("set '" + set_exprs[i].name + "' refers to itself");
      }
      state[i] = 1;
      auto term_set = [&](const std::string& term, CountrySet& out) -> Status {
        for (size_t j = 0; j < set_exprs.size(); ++j) {
          if (!set_exprs[j].name.empty() && set_exprs[j].name == term) {
            TG_RETURN_IF_ERROR(resolve(j));
            out = sets[j];
            return Status::Ok();
          }
        }
        if (groups.Has(term)) {
          out = groups.Members(term, start);
          return Status::Ok();
        }
        auto c = ParseAlpha2(term);
        if (c && term.size() == 2 && term[0] >= 'A' && term[0] <= 'Z' && groups.Known(*c)) {
          out.Add(*c);
          return Status::Ok();
        }
        return InvalidArgument("'" + term + "' is not a set of this regime, a country group or " +
                               "the alpha-2 code of a country (data/countries.csv)");
      };
      for (const std::string& t : set_exprs[i].of) {
        CountrySet s;
        TG_RETURN_IF_ERROR(term_set(t, s));
        sets[i].AddAll(s);
      }
      for (const std::string& t : set_exprs[i].except) {
        CountrySet s;
        TG_RETURN_IF_ERROR(term_set(t, s));
        sets[i].RemoveAll(s);
      }
      state[i] = 2;
      return Status::Ok();
    };
    for (size_t i = 0; i < set_exprs.size(); ++i) {
      TG_RETURN_IF_ERROR(resolve(i));
    }
    // A destination decided as another is in every set that one is in (HK wherever CN is).
    for (CountrySet& set : sets) {
      groups.ApplyDecidedAs(start, set);
    }
    epochs_.push_back(std::move(sets));
  }
  return Status::Ok();
}

std::optional<TppMilli> VeuRules::NationalCeiling(Date date) const {
  if (!national || national->schedule.empty()) {
    return std::nullopt;
  }
  TppMilli ceiling = 0;
  for (const auto& [from, limit] : national->schedule) {
    if (from <= date) {
      ceiling = limit;
    }
  }
  return ceiling;
}

namespace {

bool InSet(SetId id, Country c, const std::vector<CountrySet>& sets) {
  return sets[id].Contains(c);
}

// The party's nationality or one of its supply chain's affiliations is in the set.
bool Affiliated(SetId id, const Facts& f, const std::vector<CountrySet>& sets) {
  bool hit = !f.nationality.empty() && InSet(id, f.nationality, sets);
  if (f.affiliations != nullptr) {
    for (Country a : *f.affiliations) {
      hit = hit || InSet(id, a, sets);
    }
  }
  return hit;
}

}  // namespace

Verdict Evaluate(const Condition& c, const Facts& f, const std::vector<CountrySet>& sets) {
  using K = Verdict::Kind;
  const Verdict not_met{K::kFalse};
  if (c.eccns != 0 && (c.eccns & f.eccn_bit) == 0) {
    return not_met;
  }
  if ((c.datacenter && *c.datacenter != f.datacenter) ||
      (c.is_model && *c.is_model != f.is_model) || (c.is_hbm && *c.is_hbm != f.is_hbm) ||
      (c.published && *c.published != f.published) ||
      (c.controlled_ai_asset && *c.controlled_ai_asset != f.controlled_ai_asset)) {
    return not_met;
  }
  if (c.kinds != 0 && (c.kinds & (1u << static_cast<int>(f.kind))) == 0) {
    return not_met;
  }
  if (c.destination_tiers != 0 && (c.destination_tiers & (1u << f.destination_tier)) == 0) {
    return not_met;
  }
  if (c.hq_tiers != 0 && (c.hq_tiers & (1u << f.hq_tier)) == 0) {
    return not_met;
  }
  if (c.destination_in >= 0 && !InSet(c.destination_in, f.destination, sets)) {
    return not_met;
  }
  if (c.destination_not_in >= 0 && InSet(c.destination_not_in, f.destination, sets)) {
    return not_met;
  }
  if (c.hq_any_in >= 0 && !InSet(c.hq_any_in, f.hq, sets) &&
      !InSet(c.hq_any_in, f.parent_hq, sets)) {
    return not_met;
  }
  if (c.hq_all_in >= 0 &&
      (!InSet(c.hq_all_in, f.hq, sets) || !InSet(c.hq_all_in, f.parent_hq, sets))) {
    return not_met;
  }
  if (c.hq_none_in >= 0 &&
      (InSet(c.hq_none_in, f.hq, sets) || InSet(c.hq_none_in, f.parent_hq, sets))) {
    return not_met;
  }
  if (c.exporter_in >= 0 && !InSet(c.exporter_in, f.exporter, sets)) {
    return not_met;
  }
  if (c.exporter_not_in >= 0 && InSet(c.exporter_not_in, f.exporter, sets)) {
    return not_met;
  }
  if (c.affiliated_in >= 0 && !Affiliated(c.affiliated_in, f, sets)) {
    return not_met;
  }
  if (c.affiliated_not_in >= 0 && Affiliated(c.affiliated_not_in, f, sets)) {
    return not_met;
  }
  if (!c.end_uses.empty() &&
      std::find(c.end_uses.begin(), c.end_uses.end(), f.end_use) == c.end_uses.end()) {
    return not_met;
  }
  // Known figures first, so that a failing known test never asks for a missing one.
  std::optional<Metric> missing;
  for (const auto& [metric, range] : c.ranges) {
    const auto& v = f.metrics[static_cast<int>(metric)];
    if (!v) {
      if (!missing) {
        missing = metric;
      }
      continue;
    }
    if (!range.Contains(*v)) {
      return not_met;
    }
  }
  if (!c.any_of.empty()) {
    std::optional<Metric> any_missing;
    bool any_true = false;
    for (const Condition& sub : c.any_of) {
      Verdict v = Evaluate(sub, f, sets);
      if (v.kind == K::kTrue) {
        any_true = true;
        break;
      }
      if (v.kind == K::kUnknown && !any_missing) {
        any_missing = v.missing;
      }
    }
    if (!any_true) {
      if (!any_missing) {
        return not_met;
      }
      if (!missing) {
        missing = any_missing;
      }
    }
  }
  if (missing) {
    return Verdict{K::kUnknown, *missing};
  }
  return Verdict{K::kTrue};
}

}  // namespace tg::regime
