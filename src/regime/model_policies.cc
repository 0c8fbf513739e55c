#include "src/regime/model_policies.h"

#include <algorithm>

#include "src/regime/yaml_reader.h"

namespace tg::regime {

namespace {

// Whether `model` has, by `by`, passed an evaluation of `kind` (a dated one: an undated result
// proves nothing about when it came).
bool Passed(const ModelRecord& model, std::string_view kind, Date by) {
  for (const Release& r : model.releases) {
    for (const Evaluation& e : r.evaluations) {
      if (e.kind == kind && e.result == "pass" && e.date && *e.date <= by) {
        return true;
      }
    }
  }
  return false;
}

std::string Named(const ModelPolicy& p) { return p.id + ": " + p.text + " (" + p.citation + ")"; }

}  // namespace

Result<ModelPolicies> ModelPolicies::Load(const std::string& dir) {
  ModelPolicies out;
  TG_RETURN_IF_ERROR(ForEachListed(
      dir, "policies",
      [&](const YamlReader& r, const YAML::Node& n, const std::string& where) -> Status {
        TG_RETURN_IF_ERROR(r.CheckKeys(n, where,
                                       {"id", "effective", "min_operations", "before",
                                        "evaluations", "sign_off", "citation", "text"}));
        ModelPolicy p;
        TG_ASSIGN_OR_RETURN(p.id, r.String(n, where, "id", true));
        TG_ASSIGN_OR_RETURN(p.effective, r.Range(n, where, "effective"));
        TG_ASSIGN_OR_RETURN(auto min, r.Number(n, where, "min_operations"));
        if (!min || *min < 0 || *min > 1e40) {
          return r.Error(n, where + ".min_operations", "required: operations from 0 to 1e40");
        }
        p.min_operations = *min;
        TG_ASSIGN_OR_RETURN(auto before, r.StringList(n, where, "before"));
        for (const std::string& b : before) {
          if (b == "release") {
            p.before_release = true;
          } else if (b == "transfer") {
            p.before_transfer = true;
          } else {
            return r.Error(n["before"], where + ".before",
                           "'" + b + "' is not release or transfer");
          }
        }
        if (!p.before_release && !p.before_transfer) {
          return r.Error(n, where + ".before", "required: release, transfer or both");
        }
        TG_ASSIGN_OR_RETURN(p.evaluations, r.StringList(n, where, "evaluations"));
        TG_ASSIGN_OR_RETURN(auto sign_off, r.Bool(n, where, "sign_off"));
        p.sign_off = sign_off.value_or(false);
        TG_ASSIGN_OR_RETURN(p.citation, r.String(n, where, "citation", true));
        TG_ASSIGN_OR_RETURN(p.text, r.String(n, where, "text", true));
        out.policies_.push_back(std::move(p));
        return Status::Ok();
      }));
  return out;
}

std::vector<std::string> ModelPolicies::ReleaseFindings(const ModelRecord& model,
                                                        double operations) const {
  std::vector<std::string> out;
  for (const Release& release : model.releases) {
    for (const ModelPolicy& p : policies_) {
      if (!p.before_release || operations < p.min_operations ||
          !p.effective.Contains(release.date)) {
        continue;
      }
      for (const std::string& kind : p.evaluations) {
        if (!Passed(model, kind, release.date)) {
          out.push_back("release " + release.date.ToString() + ": no " + kind +
                        " evaluation passed before it, as " + Named(p) + " requires");
        }
      }
      if (p.sign_off && release.approved_by.empty()) {
        out.push_back("release " + release.date.ToString() + ": no sign-off, as " + Named(p) +
                      " requires");
      }
    }
  }
  return out;
}

std::string ModelPolicies::TransferBar(const ModelRecord& model, double operations,
                                       Date date) const {
  for (const ModelPolicy& p : policies_) {
    if (!p.before_transfer || operations < p.min_operations || !p.effective.Contains(date)) {
      continue;
    }
    for (const std::string& kind : p.evaluations) {
      if (!Passed(model, kind, date)) {
        return "no " + kind + " evaluation passed by " + date.ToString() + ", as " + Named(p) +
               " requires before a transfer";
      }
    }
  }
  return "";
}

}  // namespace tg::regime
