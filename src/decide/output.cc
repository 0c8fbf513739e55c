#include "src/decide/output.h"

#include <cmath>
#include <cstdio>

#include "src/common/json_writer.h"

namespace tg::decide {

namespace {

void WriteTppMilli(JsonWriter& w, TppMilli m) {
  if (m % 1000 == 0) {
    w.Int(m / 1000);
  } else {
    w.Number(TppFromMilli(m));
  }
}

double Round(double v, double scale) { return std::round(v * scale) / scale; }

}  // namespace

void WriteErrorJson(std::string_view id, int line, const Status& error, std::string& out) {
  JsonWriter w(out);
  w.BeginObject();
  w.Key("id");
  if (id.empty()) {
    w.Null();
  } else {
    w.String(id);
  }
  if (line > 0) {
    w.Key("line").Int(line);
  }
  w.Key("error").BeginObject();
  w.Key("code").String(StatusCodeName(error.code()));
  w.Key("message").String(error.message());
  w.EndObject();
  w.EndObject();
}

void WriteDecisionJson(const Decision& d, std::string& out) {
  if (!d.error.ok()) {
    WriteErrorJson(d.id, d.line, d.error, out);
    return;
  }
  JsonWriter w(out);
  w.BeginObject();
  w.Key("id");
  if (d.id.empty()) {
    w.Null();
  } else {
    w.String(d.id);
  }
  w.Key("regime").String(d.regime);
  w.Key("regime_enforced").Bool(d.regime_enforced);
  w.Key("outcome").String(OutcomeName(d.outcome));
  w.Key("authorization");
  if (d.authorization.empty()) {
    w.Null();
  } else {
    w.String(d.authorization);
  }
  w.Key("license_policy");
  if (d.policy == LicensePolicy::kNone) {
    w.Null();
  } else {
    w.String(LicensePolicyName(d.policy));
  }
  w.Key("destination_tier");
  if (d.destination_tier == 0) {
    w.Null();
  } else {
    w.Int(d.destination_tier);
  }
  w.Key("items").BeginArray();
  for (const ItemDecision& item : d.items) {
    const Classification& c = item.classification;
    w.BeginObject();
    w.Key("name").String(c.name);
    w.Key("eccn").String(c.eccn);
    if (!c.paragraph.empty()) {
      w.Key("paragraph").String(c.paragraph);
    }
    if (!c.fallback.empty()) {
      w.Key("fallback").String(c.fallback);
    }
    if (c.tpp) {
      w.Key("tpp").Number(Round(*c.tpp, 1000));
    }
    w.Key("quantity").Int(item.quantity);
    if (c.accelerators > 0) {
      w.Key("accelerators").Int(c.accelerators);  // ICs per system (4A090)
    }
    if (c.tpp) {
      w.Key("total_tpp");
      WriteTppMilli(w, item.total_tpp);
    }
    if (c.is_model) {
      w.Key("controlled_ai_asset").Bool(c.controlled_ai_asset);
    }
    w.Key("outcome").String(OutcomeName(item.outcome));
    if (!item.authorization.empty()) {
      w.Key("authorization").String(item.authorization);
    }
    if (item.policy != LicensePolicy::kNone) {
      w.Key("license_policy").String(LicensePolicyName(item.policy));
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("caps").BeginArray();
  for (const CapUse& cap : d.caps) {
    w.BeginObject();
    w.Key("cap").String(cap.cap);
    w.Key("key").String(cap.key);
    w.Key("used");
    WriteTppMilli(w, cap.used);
    w.Key("requested");
    WriteTppMilli(w, cap.requested);
    w.Key("limit");
    WriteTppMilli(w, cap.limit);
    if (cap.exceeded) {
      w.Key("exceeded").Bool(true);
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("reasons").BeginArray();
  for (const Reason& r : d.reasons) {
    w.BeginObject();
    w.Key("rule").String(r.rule);
    w.Key("citation").String(r.citation);
    w.Key("text").String(r.text);
    if (!r.detail.empty()) {
      w.Key("detail").String(r.detail);
    }
    if (r.conditions != nullptr) {
      w.Key("conditions").BeginArray();
      for (const std::string& c : *r.conditions) {
        w.String(c);
      }
      w.EndArray();
    }
    w.EndObject();
  }
  w.EndArray();
  if (!d.screening.empty()) {
    w.Key("screening").BeginArray();
    for (const ScreeningHit& h : d.screening) {
      w.BeginObject().Key("party").String(h.party).Key("party_name").String(h.party_name);
      w.Key("list").String(h.list).Key("list_version").String(h.list_version);
      w.Key("entry_id").String(h.entry_id).Key("name").String(h.name);
      w.Key("matched_name").String(h.matched_name);
      w.Key("score").Number(Round(h.score, 10000));
      if (!h.cleared.empty()) {
        w.Key("cleared").String(h.cleared);
      }
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

void WriteClassificationJson(const Classification& c, std::string& out) {
  JsonWriter w(out);
  w.BeginObject();
  w.Key("name").String(c.name);
  w.Key("eccn").String(c.eccn);
  w.Key("paragraph");
  if (c.paragraph.empty()) {
    w.Null();
  } else {
    w.String(c.paragraph);
  }
  if (!c.fallback.empty()) {
    w.Key("fallback").String(c.fallback);
  }
  if (c.is_model) {
    w.Key("training_ops").Number(*c.training_ops);
    w.Key("published").Bool(c.published);
    w.Key("controlled_ai_asset").Bool(c.controlled_ai_asset);
  } else if (c.memory_bandwidth_density) {
    w.Key("memory_bandwidth_density").Number(Round(*c.memory_bandwidth_density, 1000));
  } else {
    w.Key("tpp");
    if (c.tpp) {
      w.Number(Round(*c.tpp, 1000));
    } else {
      w.Null();
    }
    w.Key("performance_density");
    if (c.performance_density) {
      w.Number(Round(*c.performance_density, 100));
    } else {
      w.Null();
    }
    w.Key("datacenter").Bool(c.datacenter);
  }
  w.Key("classification");
  if (c.version.empty()) {
    w.Null();
  } else {
    w.String(c.version);
  }
  if (c.eccn_id == 0) {
    // Outside the advanced-computing entries; EAR99 unless another entry of the CCL applies.
    w.Key("fallback").String("EAR99 unless another CCL entry applies");
  }
  if (!c.note.empty()) {
    w.Key("note").String(c.note);
  }
  w.EndObject();
}

namespace {

std::string SetText(const regime::Regime& r, regime::SetId id,
                    const std::vector<regime::CountrySet>& sets) {
  const regime::SetExpr& e = r.set_exprs[id];
  std::string out;
  if (!e.name.empty()) {
    out += e.name + " ";
  }
  out += "{";
  bool first = true;
  for (Country c : sets[id].Members()) {
    out += first ? "" : " ";
    out += c.ToString();
    first = false;
  }
  out += "}";
  return out;
}

std::string RangeText(const regime::NumRange& r) {
  std::string out;
  auto add = [&](const char* op, const std::optional<double>& v) {
    if (v) {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%s%g", op, *v);
      out += out.empty() ? "" : " and ";
      out += buf;
    }
  };
  add(">= ", r.min);
  add("<= ", r.max);
  add("> ", r.above);
  add("< ", r.below);
  return out;
}

void DescribeCondition(const regime::Condition& c, const regime::Regime& r,
                       const std::vector<regime::CountrySet>& sets,
                       const std::vector<std::string>& eccns, const std::string& indent,
                       std::string& out) {
  auto line = [&](const std::string& text) { out += indent + text + "\n"; };
  if (c.eccns != 0) {
    std::string list;
    for (size_t i = 0; i < eccns.size(); ++i) {
      if (c.eccns & (uint64_t{1} << i)) {
        list += list.empty() ? eccns[i] : ", " + eccns[i];
      }
    }
    line("eccn in " + list);
  }
  auto flag = [&](const char* name, const std::optional<bool>& v) {
    if (v) {
      line(std::string(name) + " is " + (*v ? "true" : "false"));
    }
  };
  flag("datacenter", c.datacenter);
  flag("model", c.is_model);
  flag("hbm", c.is_hbm);
  flag("published", c.published);
  flag("controlled_ai_asset", c.controlled_ai_asset);
  if (c.kinds != 0) {
    std::string list;
    for (int k = 0; k < 3; ++k) {
      if (c.kinds & (1u << k)) {
        list += std::string(list.empty() ? "" : ", ") +
                std::string(TransferKindName(static_cast<TransferKind>(k)));
      }
    }
    line("kind in " + list);
  }
  auto tiers = [&](const char* name, uint8_t mask) {
    if (mask != 0) {
      std::string list;
      for (int t = 1; t <= 3; ++t) {
        if (mask & (1u << t)) {
          list += (list.empty() ? "" : ", ") + std::to_string(t);
        }
      }
      line(std::string(name) + " in " + list);
    }
  };
  tiers("destination tier", c.destination_tiers);
  tiers("headquarters tier (worst of entity and parent)", c.hq_tiers);
  const std::pair<const char*, regime::SetId> set_tests[] = {
      {"destination in", c.destination_in},
      {"destination not in", c.destination_not_in},
      {"headquarters or parent headquarters in", c.hq_any_in},
      {"headquarters and parent headquarters in", c.hq_all_in},
      {"neither headquarters nor parent headquarters in", c.hq_none_in},
      {"exporter in", c.exporter_in},
      {"exporter not in", c.exporter_not_in},
      {"supply chain or nationality affiliated with", c.affiliated_in}};
  for (const auto& [name, id] : set_tests) {
    if (id >= 0) {
      line(std::string(name) + " " + SetText(r, id, sets));
    }
  }
  if (!c.end_uses.empty()) {
    std::string list;
    for (const auto& e : c.end_uses) {
      list += list.empty() ? e : ", " + e;
    }
    line("end use in " + list);
  }
  for (const auto& [metric, range] : c.ranges) {
    line(std::string(regime::MetricName(metric)) + " " + RangeText(range));
  }
  for (size_t i = 0; i < c.any_of.size(); ++i) {
    line(i == 0 ? "any of:" : "or:");
    DescribeCondition(c.any_of[i], r, sets, eccns, indent + "    ", out);
  }
}

void DescribeRule(const regime::RuleInfo& rule, const std::string& extra, const regime::Regime& r,
                  const std::vector<regime::CountrySet>& sets,
                  const std::vector<std::string>& eccns, std::string& out) {
  out += "  - " + rule.id + extra + "  [" + rule.citation + "]\n";
  out += "    " + rule.text + "\n";
  if (rule.effective.from != Date::Min() || rule.effective.to != Date::Max()) {
    out += "    effective " + rule.effective.ToString() + "\n";
  }
  out += "    when:\n";
  const size_t before = out.size();
  DescribeCondition(rule.when, r, sets, eccns, "      ", out);
  if (out.size() == before) {
    out += "      always\n";
  }
  for (const std::string& c : rule.conditions) {
    out += "    condition: " + c + "\n";
  }
}

std::string TppText(TppMilli m) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.0f", TppFromMilli(m));
  return buf;
}

}  // namespace

std::string DescribeRegime(const regime::Regime& r, Date as_of,
                           const std::vector<std::string>& eccns) {
  const auto& sets = r.SetsOn(as_of);
  std::string out;
  out += r.id + ": " + r.title + "\n";
  out += "status: " + std::string(regime::RegimeStatusName(r.status)) + "; effective " +
         r.effective.ToString();
  if (r.not_enforced_from) {
    out += "; not enforced from " + r.not_enforced_from->ToString();
  }
  if (r.compliance_date) {
    out += "; compliance from " + r.compliance_date->ToString();
  }
  out += r.select_by_date ? "; chosen by date" : "; chosen by name";
  out +=
      "\nfile: " + r.file + " (" + r.content_hash + ")\nresolved as of " + as_of.ToString() + "\n";
  if (!r.summary.empty()) {
    out += "\n" + r.summary + "\n";
  }
  for (const std::string& c : r.citations) {
    out += "citation: " + c + "\n";
  }
  if (r.has_tiers()) {
    out += "\ntiers:\n  1: " + SetText(r, r.tier1, sets) + "\n";
    if (r.tier3 >= 0) {
      out += "  3: " + SetText(r, r.tier3, sets) + "\n";
    }
    out += "  2: every other destination\n";
  }
  out += "\nsets:\n";
  for (size_t i = 0; i < r.set_exprs.size(); ++i) {
    if (!r.set_exprs[i].name.empty()) {
      out += "  " + SetText(r, static_cast<regime::SetId>(i), sets) + " (" +
             std::to_string(sets[i].size()) + ")\n";
    }
  }
  if (!r.caps.empty()) {
    out += "\ncaps:\n";
    for (const regime::Cap& c : r.caps) {
      out += "  - " + c.id + ": " + TppText(c.limit) + " TPP per " +
             (c.key == regime::Cap::Key::kConsignee     ? "consignee"
              : c.key == regime::Cap::Key::kDestination ? "destination"
                                                        : "party group") +
             ", " +
             (c.period == regime::Cap::Period::kCalendarYear ? "calendar year"
              : c.period == regime::Cap::Period::kQuarter    ? "quarter"
                                                             : c.fixed.ToString()) +
             "  [" + c.citation + "]\n";
      if (c.max_agreement_increase > 0) {
        char buf[64];
        std::snprintf(buf, sizeof(buf), "%.0f %%", c.max_agreement_increase * 100);
        out += "    agreements may raise it by up to " + std::string(buf) + "\n";
      }
    }
  }
  for (const regime::Agreement& a : r.agreements) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "+%.0f %%", a.increase * 100);
    out += "  agreement: " + a.country.ToString() + " " + a.cap + " " + buf + ", " +
           a.effective.ToString() + "  [" + a.citation + "]" +
           (a.note.empty() ? "" : " " + a.note) + "\n";
  }
  out += "\nlicence requirements (first match applies):\n";
  for (const auto& rule : r.requirements) {
    DescribeRule(rule, "", r, sets, eccns, out);
  }
  out += "\nlicence exceptions (first that holds and fits its cap):\n";
  for (const auto& rule : r.exceptions) {
    DescribeRule(
        rule, " -> " + rule.authorization + (rule.cap >= 0 ? " within " + r.caps[rule.cap].id : ""),
        r, sets, eccns, out);
  }
  out += "\nlicence review policies (first match applies):\n";
  for (const auto& rule : r.policies) {
    std::string extra = " -> " + (rule.prohibited ? std::string("prohibited")
                                                  : std::string(LicensePolicyName(rule.policy)));
    if (rule.cap >= 0) {
      extra += " within " + r.caps[rule.cap].id + ", then " +
               std::string(LicensePolicyName(rule.over_cap));
    }
    DescribeRule(rule, extra, r, sets, eccns, out);
  }
  if (!r.obligations.empty()) {
    out += "\nobligations on allowed exports:\n";
    for (const auto& rule : r.obligations) {
      DescribeRule(rule, "", r, sets, eccns, out);
    }
  }
  return out;
}

}  // namespace tg::decide
