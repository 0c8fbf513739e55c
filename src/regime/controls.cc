#include "src/regime/controls.h"

#include <algorithm>

#include "src/common/csv.h"
#include "src/regime/regime.h"
#include "src/regime/yaml_reader.h"

namespace tg::regime {

std::string_view ControlScopeName(Control::Scope scope) {
  switch (scope) {
    case Control::Scope::kAllItems:
      return "all_items";
    case Control::Scope::kCclItems:
      return "ccl_items";
    case Control::Scope::kCclAndListedEar99:
      return "ccl_and_listed_ear99";
  }
  return "unknown";
}

Result<Controls> Controls::Load(const std::vector<std::pair<std::string, std::string>>& files,
                                const CountryTable& countries, const CountryGroups& groups) {
  Controls out;
  out.groups_ = &groups;
  for (const auto& [path, list_key] : files) {
    TG_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
    YamlReader r(path);
    TG_ASSIGN_OR_RETURN(YAML::Node root, r.Parse(text));
    try {
      TG_RETURN_IF_ERROR(r.CheckKeys(root, "", {list_key}));
      const YAML::Node list = root[list_key];
      if (!list.IsSequence()) {
        return r.Error(root, list_key, "expected a list");
      }
      for (size_t i = 0; i < list.size(); ++i) {
        const std::string where = list_key + "[" + std::to_string(i) + "]";
        const YAML::Node n = list[i];
        TG_RETURN_IF_ERROR(
            r.CheckKeys(n, where,
                        {"id", "destinations", "groups", "regions", "end_uses", "party_types",
                         "effective", "scope", "policy", "citation", "text"}));
        Control e;
        TG_ASSIGN_OR_RETURN(e.id, r.String(n, where, "id", true));
        TG_ASSIGN_OR_RETURN(auto codes, r.StringList(n, where, "destinations"));
        for (const std::string& code : codes) {
          auto c = ParseAlpha2(code);
          if (!c || code != c->ToString() || !countries.Known(*c)) {
            return r.Error(n["destinations"], where + ".destinations",
                           "'" + code + "' is not the alpha-2 code of a country");
          }
          e.destinations.push_back(*c);
        }
        TG_ASSIGN_OR_RETURN(e.groups, r.StringList(n, where, "groups"));
        for (const std::string& g : e.groups) {
          if (!groups.Has(g)) {
            return r.Error(n["groups"], where + ".groups", "no country group '" + g + "'");
          }
        }
        TG_ASSIGN_OR_RETURN(e.regions, r.StringList(n, where, "regions"));
        for (const std::string& region : e.regions) {
          auto c = ParseAlpha2(region.substr(0, 2));
          if (!IsSubdivisionCode(region) || !c || !countries.Known(*c)) {
            return r.Error(n["regions"], where + ".regions",
                           "'" + region + "' is not an ISO 3166-2 subdivision code");
          }
        }
        if (e.destinations.empty() && e.groups.empty() && e.regions.empty()) {
          return r.Error(n, where, "needs destinations, groups or regions");
        }
        TG_ASSIGN_OR_RETURN(e.end_uses, r.StringList(n, where, "end_uses"));
        for (const std::string& u : e.end_uses) {
          if (!IsEndUse(u)) {
            return r.Error(n["end_uses"], where + ".end_uses",
                           "'" + u + "' is not an end use (" + EndUseList() + ")");
          }
        }
        TG_ASSIGN_OR_RETURN(e.party_types, r.StringList(n, where, "party_types"));
        for (const std::string& t : e.party_types) {
          if (!IsPartyKind(t)) {  // a misspelt kind would make the control reach no one
            return r.Error(n["party_types"], where + ".party_types",
                           "'" + t + "' is not military, government, research or commercial");
          }
        }
        TG_ASSIGN_OR_RETURN(e.effective, r.Range(n, where, "effective"));
        TG_ASSIGN_OR_RETURN(std::string scope, r.String(n, where, "scope", true));
        if (scope == "all_items") {
          e.scope = Control::Scope::kAllItems;
        } else if (scope == "ccl_items") {
          e.scope = Control::Scope::kCclItems;
        } else if (scope == "ccl_and_listed_ear99") {
          e.scope = Control::Scope::kCclAndListedEar99;
        } else {
          return r.Error(n["scope"], where + ".scope",
                         "'" + scope + "' is not all_items, ccl_items or ccl_and_listed_ear99");
        }
        TG_ASSIGN_OR_RETURN(std::string policy, r.String(n, where, "policy", true));
        TG_ASSIGN_OR_RETURN(e.policy, ParsePolicyName(r, n["policy"], where + ".policy", policy));
        if (e.policy == LicensePolicy::kNone) {
          return r.Error(n["policy"], where + ".policy", "a control needs a review policy");
        }
        TG_ASSIGN_OR_RETURN(e.citation, r.String(n, where, "citation", true));
        TG_ASSIGN_OR_RETURN(e.text, r.String(n, where, "text", true));
        // At most one embargo a place a day: which one decides must never depend on file order.
        const bool embargo = e.end_uses.empty() && e.party_types.empty();
        for (const Control& other : out.controls_) {
          if (!embargo || !other.end_uses.empty() || !other.party_types.empty()) {
            continue;
          }
          bool shared = false;
          for (Country c : e.destinations) {
            shared = shared || std::count(other.destinations.begin(), other.destinations.end(), c);
          }
          for (const std::string& region : e.regions) {
            shared = shared || std::count(other.regions.begin(), other.regions.end(), region);
          }
          if (shared && other.effective.Overlaps(e.effective)) {
            return r.Error(n, where, "overlaps embargo '" + other.id + "' in place and dates");
          }
        }
        for (const std::string& region : e.regions) {
          out.countries_with_regions_.Add(*ParseAlpha2(region.substr(0, 2)));  // checked above
        }
        out.controls_.push_back(std::move(e));
      }
    } catch (const YAML::Exception& ex) {
      return InvalidArgument(path + ":" + std::to_string(ex.mark.line + 1) + ": " + ex.msg);
    }
  }
  return out;
}

std::vector<const Control*> Controls::Applicable(Country country, std::string_view region,
                                                 std::string_view party_type,
                                                 std::string_view end_use, Date date) const {
  std::vector<const Control*> out;
  const Country as = groups_->DecidedAsOn(country, date);
  for (const Control& e : controls_) {
    if (!e.effective.Contains(date)) {
      continue;
    }
    if (!e.end_uses.empty() || !e.party_types.empty()) {
      const bool stated =
          std::find(e.end_uses.begin(), e.end_uses.end(), end_use) != e.end_uses.end() ||
          std::find(e.party_types.begin(), e.party_types.end(), party_type) != e.party_types.end();
      if (!stated) {
        continue;
      }
    }
    bool place = std::count(e.destinations.begin(), e.destinations.end(), country) > 0 ||
                 std::count(e.destinations.begin(), e.destinations.end(), as) > 0 ||
                 (!region.empty() && std::count(e.regions.begin(), e.regions.end(), region) > 0);
    for (const std::string& g : e.groups) {
      CountrySet members = groups_->Members(g, date);
      groups_->ApplyDecidedAs(date, members);
      place = place || members.Contains(country);
    }
    if (place) {
      out.push_back(&e);
    }
  }
  return out;
}

}  // namespace tg::regime
