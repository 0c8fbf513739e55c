#include "src/regime/regime_set.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "src/common/csv.h"
#include "src/common/digest.h"
#include "src/common/text.h"
#include "src/regime/yaml_reader.h"

namespace tg::regime {

namespace {

class Loader {
 public:
  Loader(const std::string& file, const CountryGroups& groups,
         const std::vector<std::string>& eccns)
      : r_(file), groups_(groups), eccns_(eccns) {}

  Result<std::unique_ptr<Regime>> Load(const std::string& text) {
    TG_ASSIGN_OR_RETURN(YAML::Node root, r_.Parse(text));
    auto regime = std::make_unique<Regime>();
    regime_ = regime.get();
    regime_->file = r_.file();
    regime_->content_hash = "sha256:" + Sha256Hex(text);
    regime_->source = text;
    TG_RETURN_IF_ERROR(r_.CheckKeys(root, "",
                                    {"id",
                                     "title",
                                     "summary",
                                     "status",
                                     "effective",
                                     "not_enforced_from",
                                     "compliance_date",
                                     "select_by_date",
                                     "citations",
                                     "classification",
                                     "sets",
                                     "tiers",
                                     "requirements",
                                     "exceptions",
                                     "policies",
                                     "obligations",
                                     "caps",
                                     "agreements",
                                     "structuring",
                                     "veu",
                                     "training_reports"}));
    TG_ASSIGN_OR_RETURN(regime_->id, r_.String(root, "", "id", true));
    TG_ASSIGN_OR_RETURN(regime_->title, r_.String(root, "", "title", true));
    TG_ASSIGN_OR_RETURN(regime_->summary, r_.String(root, "", "summary", false));
    TG_ASSIGN_OR_RETURN(std::string status, r_.String(root, "", "status", true));
    if (status == "in_force") {
      regime_->status = RegimeStatus::kInForce;
    } else if (status == "not_enforced") {
      regime_->status = RegimeStatus::kNotEnforced;
    } else if (status == "proposal") {
      regime_->status = RegimeStatus::kProposal;
    } else if (status == "recommendation") {
      regime_->status = RegimeStatus::kRecommendation;
    } else {
      return r_.Error(root["status"], "status",
                      "'" + status + "' is not in_force, not_enforced, proposal or recommendation");
    }
    TG_ASSIGN_OR_RETURN(regime_->effective, r_.Range(root, "", "effective"));
    TG_ASSIGN_OR_RETURN(regime_->not_enforced_from, r_.DateValue(root, "", "not_enforced_from"));
    TG_ASSIGN_OR_RETURN(regime_->compliance_date, r_.DateValue(root, "", "compliance_date"));
    TG_ASSIGN_OR_RETURN(auto by_date, r_.Bool(root, "", "select_by_date"));
    regime_->select_by_date = by_date.value_or(false);
    if (regime_->select_by_date && regime_->status != RegimeStatus::kInForce) {
      return r_.Error(root["select_by_date"], "select_by_date",
                      "only a regime in force can be chosen by date");
    }
    TG_ASSIGN_OR_RETURN(regime_->citations, r_.StringList(root, "", "citations"));
    TG_RETURN_IF_ERROR(LoadClassification(root["classification"]));
    TG_RETURN_IF_ERROR(LoadSets(root["sets"]));
    TG_RETURN_IF_ERROR(LoadTiers(root["tiers"]));
    TG_RETURN_IF_ERROR(LoadCaps(root["caps"]));
    TG_RETURN_IF_ERROR(LoadAgreements(root["agreements"]));
    TG_RETURN_IF_ERROR(LoadStructuring(root["structuring"]));
    TG_RETURN_IF_ERROR(LoadVeu(root["veu"]));
    TG_RETURN_IF_ERROR(LoadTrainingReports(root["training_reports"]));
    TG_RETURN_IF_ERROR(LoadRules(root["requirements"], "requirements", regime_->requirements));
    TG_RETURN_IF_ERROR(LoadRules(root["exceptions"], "exceptions", regime_->exceptions));
    TG_RETURN_IF_ERROR(LoadRules(root["policies"], "policies", regime_->policies));
    TG_RETURN_IF_ERROR(LoadRules(root["obligations"], "obligations", regime_->obligations));
    if (regime_->requirements.empty()) {
      return r_.Error(root, "requirements", "a regime needs at least one requirement");
    }
    Status s = regime_->Resolve(groups_);
    if (!s.ok()) {
      return s.WithPrefix(r_.file() + ": sets");
    }
    return regime;
  }

 private:
  Status LoadClassification(const YAML::Node& n) {
    if (!n.IsDefined()) {
      return Status::Ok();
    }
    TG_RETURN_IF_ERROR(r_.CheckKeys(n, "classification", {"chip", "model", "model_threshold_ops"}));
    TG_ASSIGN_OR_RETURN(regime_->chip_classification,
                        r_.String(n, "classification", "chip", false));
    TG_ASSIGN_OR_RETURN(regime_->model_classification,
                        r_.String(n, "classification", "model", false));
    TG_ASSIGN_OR_RETURN(regime_->model_threshold_ops,
                        r_.Number(n, "classification", "model_threshold_ops"));
    if (regime_->model_threshold_ops && *regime_->model_threshold_ops <= 0) {
      return r_.Error(n["model_threshold_ops"], "classification.model_threshold_ops",
                      "must be positive");
    }
    return Status::Ok();
  }

  // A set value is a list of terms, or {of: [...], except: [...]}.
  Result<SetExpr> ParseSetExpr(const YAML::Node& n, const std::string& path) {
    SetExpr e;
    if (n.IsMap()) {
      TG_RETURN_IF_ERROR(r_.CheckKeys(n, path, {"of", "except"}));
      TG_ASSIGN_OR_RETURN(e.of, r_.StringList(n, path, "of"));
      TG_ASSIGN_OR_RETURN(e.except, r_.StringList(n, path, "except"));
    } else {
      YAML::Node wrap;
      wrap["v"] = n;
      TG_ASSIGN_OR_RETURN(e.of, r_.StringList(wrap, path, "v"));
    }
    if (e.of.empty()) {
      return r_.Error(n, path, "a country set needs at least one member");
    }
    for (const auto* list : {&e.of, &e.except}) {
      for (const std::string& term : *list) {
        if (!IsKnownTerm(term)) {
          return r_.Error(n, path,
                          "'" + term +
                              "' is not a set of this regime, a country group or an "
                              "alpha-2 code");
        }
      }
    }
    return e;
  }

  bool IsKnownTerm(const std::string& term) const {
    if (groups_.Has(term)) {
      return true;
    }
    for (const SetExpr& s : regime_->set_exprs) {
      if (s.name == term) {
        return true;
      }
    }
    return term.size() == 2 && term[0] >= 'A' && term[0] <= 'Z' && term[1] >= 'A' && term[1] <= 'Z';
  }

  Result<SetId> AddSet(const YAML::Node& n, const std::string& path) {
    // A bare name of a declared set refers to it instead of making a copy.
    if (n.IsScalar()) {
      for (size_t i = 0; i < regime_->set_exprs.size(); ++i) {
        if (regime_->set_exprs[i].name == n.Scalar()) {
          return static_cast<SetId>(i);
        }
      }
    }
    TG_ASSIGN_OR_RETURN(SetExpr e, ParseSetExpr(n, path));
    regime_->set_exprs.push_back(std::move(e));
    return static_cast<SetId>(regime_->set_exprs.size() - 1);
  }

  Status LoadSets(const YAML::Node& n) {
    if (!n.IsDefined()) {
      return Status::Ok();
    }
    TG_RETURN_IF_ERROR(r_.RequireMap(n, "sets"));
    for (const auto& kv : n) {
      const std::string name = kv.first.as<std::string>();
      if (groups_.Has(name)) {
        return r_.Error(kv.first, "sets." + name, "shadows the country group of the same name");
      }
      // Declare first so that later sets may refer to it.
      regime_->set_exprs.push_back(SetExpr{name, {}, {}});
      const size_t index = regime_->set_exprs.size() - 1;
      TG_ASSIGN_OR_RETURN(SetExpr e, ParseSetExpr(kv.second, "sets." + name));
      e.name = name;
      regime_->set_exprs[index] = std::move(e);
    }
    return Status::Ok();
  }

  Status LoadTiers(const YAML::Node& n) {
    if (!n.IsDefined()) {
      return Status::Ok();
    }
    TG_RETURN_IF_ERROR(r_.CheckKeys(n, "tiers", {"1", "3"}));
    if (!n["1"].IsDefined()) {
      return r_.Error(n, "tiers", "tier 1 must be defined (tier 2 is everything else)");
    }
    TG_ASSIGN_OR_RETURN(regime_->tier1, AddSet(n["1"], "tiers.1"));
    if (n["3"].IsDefined()) {
      TG_ASSIGN_OR_RETURN(regime_->tier3, AddSet(n["3"], "tiers.3"));
    }
    return Status::Ok();
  }

  Status LoadCaps(const YAML::Node& n) {
    if (!n.IsDefined()) {
      return Status::Ok();
    }
    if (!n.IsSequence()) {
      return r_.Error(n, "caps", "expected a list");
    }
    for (size_t i = 0; i < n.size(); ++i) {
      const std::string path = "caps[" + std::to_string(i) + "]";
      const YAML::Node c = n[i];
      TG_RETURN_IF_ERROR(r_.CheckKeys(c, path,
                                      {"id", "per", "period", "outside_window", "limit_tpp",
                                       "agreements_max_increase", "citation", "text"}));
      Cap cap;
      TG_ASSIGN_OR_RETURN(cap.id, r_.String(c, path, "id", true));
      for (const Cap& other : regime_->caps) {
        if (other.id == cap.id) {
          return r_.Error(c["id"], path + ".id", "duplicate cap id '" + cap.id + "'");
        }
      }
      TG_ASSIGN_OR_RETURN(std::string per, r_.String(c, path, "per", true));
      if (per == "consignee") {
        cap.key = Cap::Key::kConsignee;
      } else if (per == "destination") {
        cap.key = Cap::Key::kDestination;
      } else if (per == "group") {
        cap.key = Cap::Key::kGroup;
      } else {
        return r_.Error(c["per"], path + ".per",
                        "'" + per + "' is not consignee, destination or group");
      }
      const YAML::Node period = c["period"];
      if (period.IsScalar() && period.Scalar() == "calendar_year") {
        cap.period = Cap::Period::kCalendarYear;
      } else if (period.IsScalar() && period.Scalar() == "quarter") {
        cap.period = Cap::Period::kQuarter;
      } else if (period.IsMap()) {
        cap.period = Cap::Period::kFixed;
        TG_ASSIGN_OR_RETURN(cap.fixed, r_.Range(c, path, "period"));
        // What holds outside the window must be said, never left to mean "no cap".
        TG_ASSIGN_OR_RETURN(std::string after, r_.String(c, path, "outside_window", true));
        if (after == "uncapped") {
          cap.uncapped_outside_window = true;
        } else {
          TG_ASSIGN_OR_RETURN(cap.outside_window, ParsePolicyName(r_, c["outside_window"],
                                                                  path + ".outside_window", after));
        }
      } else {
        return r_.Error(period.IsDefined() ? period : c, path + ".period",
                        "expected calendar_year, quarter or {from: DATE, to: DATE}");
      }
      if (cap.period != Cap::Period::kFixed && c["outside_window"].IsDefined()) {
        return r_.Error(c["outside_window"], path + ".outside_window",
                        "only a cap with a fixed period {from, to} has a window");
      }
      TG_ASSIGN_OR_RETURN(auto limit, r_.Number(c, path, "limit_tpp"));
      if (!limit || *limit <= 0 || *limit > 1e15) {
        return r_.Error(c["limit_tpp"].IsDefined() ? c["limit_tpp"] : c, path + ".limit_tpp",
                        "required: a positive TPP figure below 1e15");
      }
      cap.limit = static_cast<TppMilli>(std::llround(*limit * 1000.0));
      TG_ASSIGN_OR_RETURN(auto inc, r_.Number(c, path, "agreements_max_increase"));
      if (inc && (*inc < 0 || *inc > 10)) {
        return r_.Error(c["agreements_max_increase"], path + ".agreements_max_increase",
                        "must be between 0 and 10 (1.0 = +100 %)");
      }
      cap.max_agreement_increase = inc.value_or(0);
      if (*limit * (1 + cap.max_agreement_increase) > 1e15) {
        return r_.Error(c["limit_tpp"], path + ".limit_tpp",
                        "raised by agreements_max_increase, the limit must stay below 1e15 TPP");
      }
      TG_ASSIGN_OR_RETURN(cap.citation, r_.String(c, path, "citation", true));
      TG_ASSIGN_OR_RETURN(cap.text, r_.String(c, path, "text", false));
      regime_->caps.push_back(std::move(cap));
    }
    return Status::Ok();
  }

  Status LoadAgreements(const YAML::Node& n) {
    if (!n.IsDefined()) {
      return Status::Ok();
    }
    if (!n.IsSequence()) {
      return r_.Error(n, "agreements", "expected a list");
    }
    for (size_t i = 0; i < n.size(); ++i) {
      const std::string path = "agreements[" + std::to_string(i) + "]";
      const YAML::Node a = n[i];
      TG_RETURN_IF_ERROR(
          r_.CheckKeys(a, path, {"country", "cap", "increase", "effective", "citation", "note"}));
      Agreement ag;
      TG_ASSIGN_OR_RETURN(std::string country, r_.String(a, path, "country", true));
      auto c = ParseAlpha2(country);
      if (!c || country != c->ToString()) {
        return r_.Error(a["country"], path + ".country", "expected an alpha-2 code");
      }
      ag.country = *c;
      TG_ASSIGN_OR_RETURN(ag.cap, r_.String(a, path, "cap", true));
      const Cap* cap = nullptr;
      for (const Cap& k : regime_->caps) {
        cap = k.id == ag.cap ? &k : cap;
      }
      if (cap == nullptr) {
        return r_.Error(a["cap"], path + ".cap", "no cap '" + ag.cap + "' in this regime");
      }
      TG_ASSIGN_OR_RETURN(auto inc, r_.Number(a, path, "increase"));
      if (!inc || *inc <= 0) {
        return r_.Error(a["increase"].IsDefined() ? a["increase"] : a, path + ".increase",
                        "required: a positive fraction (1.0 doubles the cap)");
      }
      if (*inc > cap->max_agreement_increase) {
        return r_.Error(a["increase"], path + ".increase",
                        "exceeds the cap's agreements_max_increase of " +
                            std::to_string(cap->max_agreement_increase));
      }
      ag.increase = *inc;
      TG_ASSIGN_OR_RETURN(ag.effective, r_.Range(a, path, "effective"));
      TG_ASSIGN_OR_RETURN(ag.citation, r_.String(a, path, "citation", true));
      TG_ASSIGN_OR_RETURN(ag.note, r_.String(a, path, "note", false));
      regime_->agreements.push_back(std::move(ag));
    }
    return Status::Ok();
  }

  Result<double> Share(const YAML::Node& n, const std::string& path, const std::string& key) {
    TG_ASSIGN_OR_RETURN(auto v, r_.Number(n, path, key));
    if (!v || *v <= 0 || *v > 1) {
      return r_.Error(n[key].IsDefined() ? n[key] : n, path + "." + key,
                      "required: a fraction above 0 and at most 1");
    }
    return *v;
  }

  Status LoadVeu(const YAML::Node& n) {
    if (!n.IsDefined()) {
      return Status::Ok();
    }
    const std::string path = "veu";
    TG_RETURN_IF_ERROR(
        r_.CheckKeys(n, path, {"locations_not_in", "citation", "universal", "national"}));
    VeuRules v;
    if (!n["locations_not_in"].IsDefined()) {
      return r_.Error(n, path + ".locations_not_in", "required: where no data centre may be");
    }
    TG_ASSIGN_OR_RETURN(v.locations_not_in,
                        AddSet(n["locations_not_in"], path + ".locations_not_in"));
    TG_ASSIGN_OR_RETURN(v.citation, r_.String(n, path, "citation", true));
    if (const YAML::Node u = n["universal"]; u.IsDefined()) {
      const std::string up = path + ".universal";
      TG_RETURN_IF_ERROR(r_.CheckKeys(
          u, up, {"headquarters_in", "max_tier2_share", "max_country_share", "citation"}));
      VeuRules::Universal uv;
      if (!u["headquarters_in"].IsDefined()) {
        return r_.Error(u, up + ".headquarters_in",
                        "required: where a holder may be headquartered");
      }
      TG_ASSIGN_OR_RETURN(uv.headquarters_in,
                          AddSet(u["headquarters_in"], up + ".headquarters_in"));
      TG_ASSIGN_OR_RETURN(uv.max_tier2_share, Share(u, up, "max_tier2_share"));
      TG_ASSIGN_OR_RETURN(uv.max_country_share, Share(u, up, "max_country_share"));
      TG_ASSIGN_OR_RETURN(uv.citation, r_.String(u, up, "citation", true));
      v.universal = std::move(uv);
    }
    if (const YAML::Node nn = n["national"]; nn.IsDefined()) {
      const std::string np = path + ".national";
      TG_RETURN_IF_ERROR(r_.CheckKeys(nn, np, {"headquarters_not_in", "schedule", "citation"}));
      VeuRules::National nv;
      if (!nn["headquarters_not_in"].IsDefined()) {
        return r_.Error(nn, np + ".headquarters_not_in",
                        "required: where a holder may not be headquartered");
      }
      TG_ASSIGN_OR_RETURN(nv.headquarters_not_in,
                          AddSet(nn["headquarters_not_in"], np + ".headquarters_not_in"));
      if (const YAML::Node sch = nn["schedule"]; sch.IsDefined()) {
        TG_RETURN_IF_ERROR(r_.RequireMap(sch, np + ".schedule"));
        for (const auto& kv : sch) {
          const std::string q = kv.first.as<std::string>();
          const std::string qp = np + ".schedule." + q;
          // YYYYQn: the quarter from which the cumulative ceiling applies.
          int year = 0, quarter = 0;
          if (q.size() != 6 || q[4] != 'Q' ||
              std::sscanf(q.c_str(), "%4dQ%1d", &year, &quarter) != 2 || quarter < 1 ||
              quarter > 4) {
            return r_.Error(kv.first, qp, "a quarter is written YYYYQn (2025Q1)");
          }
          if (year < 1900 || year > 9999) {
            return r_.Error(kv.first, qp, "not a quarter of a valid year");
          }
          const Date from = Date::FromCivil(year, (quarter - 1) * 3 + 1, 1);
          YAML::Node wrap;
          wrap["v"] = kv.second;
          TG_ASSIGN_OR_RETURN(auto tpp, r_.Number(wrap, qp, "v"));
          if (!tpp || *tpp <= 0 || *tpp > 1e15) {
            return r_.Error(kv.second, qp, "a positive TPP figure below 1e15");
          }
          const auto milli = static_cast<TppMilli>(std::llround(*tpp * 1000.0));
          if (!nv.schedule.empty() &&
              (nv.schedule.back().first >= from || nv.schedule.back().second > milli)) {
            return r_.Error(kv.first, qp,
                            "quarters must rise and their cumulative ceilings never fall");
          }
          nv.schedule.emplace_back(from, milli);
        }
      }
      TG_ASSIGN_OR_RETURN(nv.citation, r_.String(nn, np, "citation", true));
      v.national = std::move(nv);
    }
    regime_->veu = std::move(v);
    return Status::Ok();
  }

  Status LoadTrainingReports(const YAML::Node& n) {
    if (!n.IsDefined()) {
      return Status::Ok();
    }
    const std::string path = "training_reports";
    TG_RETURN_IF_ERROR(r_.CheckKeys(
        n, path, {"operations", "biological_operations", "cluster_ops_per_second", "citation"}));
    TrainingReportRule t;
    for (auto [key, out] : {std::pair{"operations", &t.operations},
                            std::pair{"biological_operations", &t.biological_operations},
                            std::pair{"cluster_ops_per_second", &t.cluster_ops_per_second}}) {
      TG_ASSIGN_OR_RETURN(auto v, r_.Number(n, path, key));
      if (!v || !(*v >= 1) || *v > 1e40) {
        return r_.Error(n[key].IsDefined() ? n[key] : n, path + "." + key,
                        "required: a count of operations from 1 to 1e40");
      }
      *out = *v;
    }
    TG_ASSIGN_OR_RETURN(t.citation, r_.String(n, path, "citation", true));
    regime_->training_reports = t;
    return Status::Ok();
  }

  Status LoadStructuring(const YAML::Node& n) {
    if (!n.IsDefined()) {
      return Status::Ok();
    }
    const std::string path = "structuring";
    TG_RETURN_IF_ERROR(
        r_.CheckKeys(n, path, {"cap", "window_days", "min_orders", "margin", "citation"}));
    StructuringRule s;
    TG_ASSIGN_OR_RETURN(s.cap, r_.String(n, path, "cap", true));
    bool known = false;
    for (const Cap& c : regime_->caps) {
      known = known || c.id == s.cap;
    }
    if (!known) {
      return r_.Error(n["cap"], path + ".cap", "no cap '" + s.cap + "' in this regime");
    }
    TG_ASSIGN_OR_RETURN(auto window, r_.Number(n, path, "window_days"));
    TG_ASSIGN_OR_RETURN(auto orders, r_.Number(n, path, "min_orders"));
    TG_ASSIGN_OR_RETURN(auto margin, r_.Number(n, path, "margin"));
    if (!window || *window < 1 || *window > 3660) {
      return r_.Error(n, path + ".window_days", "required: 1 to 3660 days");
    }
    if (!orders || *orders < 2 || *orders > 1000) {
      return r_.Error(n, path + ".min_orders", "required: 2 to 1000 orders");
    }
    if (!margin || *margin <= 0 || *margin >= 1) {
      return r_.Error(n, path + ".margin", "required: a fraction between 0 and 1");
    }
    s.window_days = static_cast<int>(*window);
    s.min_orders = static_cast<int>(*orders);
    s.margin = *margin;
    TG_ASSIGN_OR_RETURN(s.citation, r_.String(n, path, "citation", true));
    regime_->structuring = s;
    return Status::Ok();
  }

  Status LoadCommon(const YAML::Node& n, const std::string& path, RuleInfo& rule) {
    TG_ASSIGN_OR_RETURN(rule.id, r_.String(n, path, "id", true));
    TG_ASSIGN_OR_RETURN(rule.effective, r_.Range(n, path, "effective"));
    ConditionScope scope{
        &eccns_, [this](const YAML::Node& s, const std::string& p) { return AddSet(s, p); }};
    TG_ASSIGN_OR_RETURN(rule.when, ParseCondition(r_, n["when"], path + ".when", scope));
    TG_ASSIGN_OR_RETURN(rule.citation, r_.String(n, path, "citation", true));
    TG_ASSIGN_OR_RETURN(rule.text, r_.String(n, path, "text", true));
    TG_ASSIGN_OR_RETURN(rule.conditions, r_.StringList(n, path, "conditions"));
    rule.source_line = n.Mark().line + 1;
    return Status::Ok();
  }

  Result<int> CapIndex(const YAML::Node& n, const std::string& path) {
    if (!n["cap"].IsDefined()) {
      return -1;
    }
    TG_ASSIGN_OR_RETURN(std::string id, r_.String(n, path, "cap", true));
    for (size_t i = 0; i < regime_->caps.size(); ++i) {
      if (regime_->caps[i].id == id) {
        return static_cast<int>(i);
      }
    }
    return r_.Error(n["cap"], path + ".cap", "no cap '" + id + "' in this regime");
  }

  Status LoadOne(const YAML::Node& n, const std::string& path, Requirement& rule) {
    TG_RETURN_IF_ERROR(
        r_.CheckKeys(n, path, {"id", "effective", "when", "citation", "text", "conditions"}));
    return LoadCommon(n, path, rule);
  }

  Status LoadOne(const YAML::Node& n, const std::string& path, Obligation& rule) {
    TG_RETURN_IF_ERROR(
        r_.CheckKeys(n, path, {"id", "effective", "when", "citation", "text", "conditions"}));
    return LoadCommon(n, path, rule);
  }

  Status LoadOne(const YAML::Node& n, const std::string& path, Exception& rule) {
    TG_RETURN_IF_ERROR(r_.CheckKeys(n, path,
                                    {"id", "effective", "when", "citation", "text", "conditions",
                                     "authorization", "cap", "notification_days"}));
    TG_RETURN_IF_ERROR(LoadCommon(n, path, rule));
    TG_ASSIGN_OR_RETURN(rule.authorization, r_.String(n, path, "authorization", true));
    TG_ASSIGN_OR_RETURN(auto days, r_.Number(n, path, "notification_days"));
    if (days && (*days < 1 || *days > 365 || *days != std::floor(*days))) {
      return r_.Error(n["notification_days"], path + ".notification_days",
                      "a whole number of days from 1 to 365");
    }
    rule.notification_days = static_cast<int>(days.value_or(0));
    TG_ASSIGN_OR_RETURN(rule.cap, CapIndex(n, path));
    return Status::Ok();
  }

  Status LoadOne(const YAML::Node& n, const std::string& path, Policy& rule) {
    TG_RETURN_IF_ERROR(r_.CheckKeys(n, path,
                                    {"id", "effective", "when", "citation", "text", "conditions",
                                     "policy", "outcome", "cap", "over_cap"}));
    TG_RETURN_IF_ERROR(LoadCommon(n, path, rule));
    TG_ASSIGN_OR_RETURN(std::string outcome, r_.String(n, path, "outcome", false));
    if (!outcome.empty() && outcome != "prohibited" && outcome != "license_required") {
      return r_.Error(n["outcome"], path + ".outcome",
                      "'" + outcome + "' is not license_required or prohibited");
    }
    rule.prohibited = outcome == "prohibited";
    TG_ASSIGN_OR_RETURN(std::string policy, r_.String(n, path, "policy", !rule.prohibited));
    if (!policy.empty()) {
      TG_ASSIGN_OR_RETURN(rule.policy, ParsePolicyName(r_, n["policy"], path + ".policy", policy));
    }
    TG_ASSIGN_OR_RETURN(rule.cap, CapIndex(n, path));
    TG_ASSIGN_OR_RETURN(std::string over, r_.String(n, path, "over_cap", false));
    if (!over.empty()) {
      if (rule.cap < 0) {
        return r_.Error(n["over_cap"], path + ".over_cap", "needs a cap");
      }
      TG_ASSIGN_OR_RETURN(rule.over_cap,
                          ParsePolicyName(r_, n["over_cap"], path + ".over_cap", over));
    }
    return Status::Ok();
  }

  template <typename Rule>
  Status LoadRules(const YAML::Node& n, const std::string& section, std::vector<Rule>& out) {
    if (!n.IsDefined()) {
      return Status::Ok();
    }
    if (!n.IsSequence()) {
      return r_.Error(n, section, "expected a list of rules");
    }
    for (size_t i = 0; i < n.size(); ++i) {
      Rule rule;
      const std::string path = section + "[" + std::to_string(i) + "]";
      TG_RETURN_IF_ERROR(LoadOne(n[i], path, rule));
      for (const Rule& other : out) {
        if (other.id == rule.id) {
          return r_.Error(n[i]["id"], path + ".id", "duplicate rule id '" + rule.id + "'");
        }
      }
      out.push_back(std::move(rule));
    }
    return Status::Ok();
  }

  YamlReader r_;
  const CountryGroups& groups_;
  const std::vector<std::string>& eccns_;
  Regime* regime_ = nullptr;
};

}  // namespace

Result<std::unique_ptr<Regime>> RegimeSet::LoadFile(const std::string& path,
                                                    const CountryGroups& groups,
                                                    const std::vector<std::string>& eccns) {
  TG_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return LoadText(path, text, groups, eccns);
}

Result<std::unique_ptr<Regime>> RegimeSet::LoadText(const std::string& name,
                                                    const std::string& text,
                                                    const CountryGroups& groups,
                                                    const std::vector<std::string>& eccns) {
  const std::string& path = name;
  Loader loader(path, groups, eccns);
  try {
    return loader.Load(text);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

Result<RegimeSet> RegimeSet::LoadDir(const std::string& dir, const CountryGroups& groups,
                                     const std::vector<std::string>& eccns) {
  TG_ASSIGN_OR_RETURN(const std::vector<std::string> files, YamlFilesIn(dir));
  RegimeSet set;
  for (const std::string& f : files) {
    TG_ASSIGN_OR_RETURN(auto regime, LoadFile(f, groups, eccns));
    for (const auto& other : set.regimes_) {
      if (other->id == regime->id) {
        return InvalidArgument(f + ": id '" + regime->id + "' is also used by " + other->file);
      }
      if (other->select_by_date && regime->select_by_date &&
          other->effective.Overlaps(regime->effective)) {
        return InvalidArgument(f + ": effective " + regime->effective.ToString() + " overlaps " +
                               other->file + " (" + other->effective.ToString() +
                               "); two regimes chosen by date cannot share a day");
      }
    }
    set.regimes_.push_back(std::move(regime));
  }
  if (set.regimes_.empty()) {
    return NotFound(dir + ": no regime files (*.yaml)");
  }
  std::sort(set.regimes_.begin(), set.regimes_.end(),
            [](const auto& a, const auto& b) { return a->id < b->id; });
  return set;
}

const Regime* RegimeSet::Find(std::string_view id) const {
  for (const auto& r : regimes_) {
    if (r->id == id) {
      return r.get();
    }
  }
  return nullptr;
}

Result<const Regime*> RegimeSet::ForDate(Date date) const {
  for (const auto& r : regimes_) {
    if (r->select_by_date && r->effective.Contains(date)) {
      return r.get();
    }
  }
  return NotFound("no regime is in force on " + date.ToString() + "; name one with \"regime\"");
}

}  // namespace tg::regime
