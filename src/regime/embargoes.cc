#include "src/regime/embargoes.h"

#include <algorithm>

#include "src/common/csv.h"
#include "src/regime/yaml_reader.h"

namespace tg::regime {

namespace {

// An ISO 3166-2 subdivision code: the country's alpha-2 code, '-', one to three letters or
// digits (UA-43).
bool IsSubdivisionCode(std::string_view code) {
  if (code.size() < 4 || code.size() > 6 || code[2] != '-') {
    return false;
  }
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    const bool upper = c >= 'A' && c <= 'Z';
    const bool digit = c >= '0' && c <= '9';
    if (i != 2 && !(upper || (digit && i > 2))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string_view EmbargoScopeName(Embargo::Scope scope) {
  switch (scope) {
    case Embargo::Scope::kAllItems:
      return "all_items";
    case Embargo::Scope::kCclItems:
      return "ccl_items";
    case Embargo::Scope::kCclAndListedEar99:
      return "ccl_and_listed_ear99";
  }
  return "unknown";
}

Result<Embargoes> Embargoes::Load(const std::string& path, const CountryTable& countries) {
  TG_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  YamlReader r(path);
  TG_ASSIGN_OR_RETURN(YAML::Node root, r.Parse(text));
  TG_RETURN_IF_ERROR(r.CheckKeys(root, "", {"embargoes"}));
  const YAML::Node list = root["embargoes"];
  if (!list.IsSequence()) {
    return r.Error(root, "embargoes", "expected a list");
  }
  Embargoes out;
  try {
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string where = "embargoes[" + std::to_string(i) + "]";
      const YAML::Node n = list[i];
      TG_RETURN_IF_ERROR(r.CheckKeys(n, where, {"id", "destinations", "regions", "effective",
                                                "scope", "policy", "citation", "text"}));
      Embargo e;
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
      TG_ASSIGN_OR_RETURN(e.regions, r.StringList(n, where, "regions"));
      for (const std::string& region : e.regions) {
        auto c = ParseAlpha2(region.substr(0, 2));
        if (!IsSubdivisionCode(region) || !c || !countries.Known(*c)) {
          return r.Error(n["regions"], where + ".regions",
                         "'" + region + "' is not an ISO 3166-2 subdivision code");
        }
      }
      if (e.destinations.empty() == e.regions.empty()) {
        return r.Error(n, where, "needs destinations or regions (one of the two)");
      }
      TG_ASSIGN_OR_RETURN(e.effective, r.Range(n, where, "effective"));
      TG_ASSIGN_OR_RETURN(std::string scope, r.String(n, where, "scope", true));
      if (scope == "all_items") {
        e.scope = Embargo::Scope::kAllItems;
      } else if (scope == "ccl_items") {
        e.scope = Embargo::Scope::kCclItems;
      } else if (scope == "ccl_and_listed_ear99") {
        e.scope = Embargo::Scope::kCclAndListedEar99;
      } else {
        return r.Error(n["scope"], where + ".scope",
                       "'" + scope + "' is not all_items, ccl_items or ccl_and_listed_ear99");
      }
      TG_ASSIGN_OR_RETURN(std::string policy, r.String(n, where, "policy", true));
      TG_ASSIGN_OR_RETURN(e.policy, ParsePolicyName(r, n["policy"], where + ".policy", policy));
      TG_ASSIGN_OR_RETURN(e.citation, r.String(n, where, "citation", true));
      TG_ASSIGN_OR_RETURN(e.text, r.String(n, where, "text", true));
      // At most one embargo a place a day: which one decides must never depend on file order.
      for (const Embargo& other : out.embargoes_) {
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
      out.embargoes_.push_back(std::move(e));
    }
  } catch (const YAML::Exception& ex) {
    return InvalidArgument(path + ":" + std::to_string(ex.mark.line + 1) + ": " + ex.msg);
  }
  return out;
}

const Embargo* Embargoes::For(Country country, std::string_view region, Date date) const {
  for (const Embargo& e : embargoes_) {
    if (!e.effective.Contains(date)) {
      continue;
    }
    if (std::find(e.destinations.begin(), e.destinations.end(), country) != e.destinations.end()) {
      return &e;
    }
    if (!region.empty() && std::find(e.regions.begin(), e.regions.end(), region) != e.regions.end()) {
      return &e;
    }
  }
  return nullptr;
}

bool Embargoes::HasRegions(Country country) const {
  for (const Embargo& e : embargoes_) {
    for (const std::string& region : e.regions) {
      if (region.compare(0, 2, country.ToString()) == 0) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace tg::regime
