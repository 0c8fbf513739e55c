#include "src/regime/letters.h"

#include <algorithm>

#include "src/common/text.h"
#include "src/regime/yaml_reader.h"

namespace tg::regime {

namespace {

// `text` equals `lower` (already lower case) but for the case of ASCII letters. Asked for every
// party of every line with an exporter, so it allocates nothing.
bool EqualsLower(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) {
    return false;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i] >= 'A' && text[i] <= 'Z' ? static_cast<char>(text[i] + 32) : text[i];
    if (c != lower[i]) {
      return false;
    }
  }
  return true;
}

// "h20" reaches "h20" and "h20 …": a family is the name itself or the name and more words.
bool InFamily(std::string_view name, const std::vector<std::string>& families) {
  for (const std::string& f : families) {
    if (EqualsLower(name, f) || (name.size() > f.size() && name[f.size()] == ' ' &&
                                 EqualsLower(name.substr(0, f.size()), f))) {
      return true;
    }
  }
  return false;
}

bool Named(const Party& p, const std::vector<std::string>& names) {
  for (const std::string& n : names) {
    if ((!p.id.empty() && EqualsLower(p.id, n)) || (!p.name.empty() && EqualsLower(p.name, n))) {
      return true;
    }
  }
  return false;
}

bool EmployedBy(const Party& p, const std::vector<std::string>& names) {
  for (const std::string& n : names) {
    if (!p.employer.empty() && EqualsLower(p.employer, n)) {
      return true;
    }
  }
  return false;
}

std::vector<std::string> Lowered(std::vector<std::string> names) {
  for (std::string& n : names) {
    n = AsciiLower(n);
  }
  return names;
}

class LetterReader {
 public:
  LetterReader(const YamlReader& r, const CountryTable& countries, const CountryGroups& groups,
               const std::vector<std::string>& eccns)
      : r_(r), countries_(countries), groups_(groups), eccns_(eccns) {}

  // A list of places: alpha-2 codes and country groups, split into the two.
  Status Places(const YAML::Node& n, const std::string& path, const std::string& key,
                std::vector<Country>& countries, std::vector<std::string>& groups) const {
    TG_ASSIGN_OR_RETURN(auto terms, r_.StringList(n, path, key));
    for (const std::string& t : terms) {
      if (groups_.Has(t)) {
        groups.push_back(t);
        continue;
      }
      auto c = ParseAlpha2(t);
      if (!c || t != c->ToString() || !countries_.Known(*c)) {
        return r_.Error(n[key], path + "." + key,
                        "'" + t + "' is neither a country code nor a country group");
      }
      countries.push_back(*c);
    }
    return Status::Ok();
  }

  Result<LetterItems> Items(const YAML::Node& parent, const std::string& parent_path) const {
    const YAML::Node n = parent["items"];
    const std::string path = parent_path + ".items";
    if (!n.IsDefined() || !n.IsMap()) {
      return r_.Error(n.IsDefined() ? n : parent, path,
                      "required: {names: [...]} and/or {meets: {...}}");
    }
    TG_RETURN_IF_ERROR(r_.CheckKeys(n, path, {"names", "meets", "models"}));
    LetterItems items;
    TG_ASSIGN_OR_RETURN(items.names, r_.StringList(n, path, "names"));
    items.names = Lowered(std::move(items.names));
    TG_ASSIGN_OR_RETURN(items.models, r_.Bool(n, path, "models"));
    if (n["meets"].IsDefined()) {
      ConditionScope scope{&eccns_, nullptr};  // figures and flags only: no country tests
      TG_ASSIGN_OR_RETURN(Condition c, ParseCondition(r_, n["meets"], path + ".meets", scope));
      items.meets = std::move(c);
    }
    if (items.names.empty() && !items.meets) {
      return r_.Error(n, path, "needs names or meets: a letter must say which items it reaches");
    }
    return items;
  }

  Result<LetterExemption> Exemption(const YAML::Node& n, const std::string& path) const {
    TG_RETURN_IF_ERROR(r_.CheckKeys(
        n, path, {"id", "effective", "items", "recipients", "employees_of", "citation", "text"}));
    LetterExemption e;
    TG_ASSIGN_OR_RETURN(e.id, r_.String(n, path, "id", true));
    TG_ASSIGN_OR_RETURN(e.effective, r_.Range(n, path, "effective"));
    TG_ASSIGN_OR_RETURN(e.items, Items(n, path));
    TG_ASSIGN_OR_RETURN(e.recipients, r_.StringList(n, path, "recipients"));
    e.recipients = Lowered(std::move(e.recipients));
    TG_ASSIGN_OR_RETURN(auto employers, r_.StringList(n, path, "employees_of"));
    for (const std::string& who : employers) {
      if (who == "informed") {
        e.employees_of_informed = true;
      } else if (who == "recipients") {
        e.employees_of_recipients = true;
      } else {
        return r_.Error(n["employees_of"], path + ".employees_of",
                        "'" + who + "' is not informed or recipients");
      }
    }
    if (e.recipients.empty() && !e.employees_of_informed) {
      return r_.Error(n, path, "needs recipients or employees_of: informed");
    }
    TG_ASSIGN_OR_RETURN(e.citation, r_.String(n, path, "citation", true));
    TG_ASSIGN_OR_RETURN(e.text, r_.String(n, path, "text", true));
    return e;
  }

  Result<Letter> One(const YAML::Node& n, const std::string& path) const {
    TG_RETURN_IF_ERROR(
        r_.CheckKeys(n, path,
                     {"id", "informed", "effective", "items", "destinations", "headquartered_in",
                      "foreign_persons", "kind", "policy", "citation", "text", "exemptions"}));
    Letter l;
    TG_ASSIGN_OR_RETURN(l.id, r_.String(n, path, "id", true));
    TG_ASSIGN_OR_RETURN(l.informed, r_.StringList(n, path, "informed"));
    if (l.informed.empty()) {
      return r_.Error(n, path + ".informed", "required: the informed company's id or names");
    }
    l.informed = Lowered(std::move(l.informed));
    TG_ASSIGN_OR_RETURN(l.effective, r_.Range(n, path, "effective"));
    if (l.effective.from == Date::Min()) {
      return r_.Error(n, path + ".effective.from", "required: the date the letter took effect");
    }
    TG_ASSIGN_OR_RETURN(l.items, Items(n, path));
    TG_RETURN_IF_ERROR(Places(n, path, "destinations", l.destinations, l.groups));
    TG_RETURN_IF_ERROR(Places(n, path, "headquartered_in", l.hq_countries, l.hq_groups));
    TG_ASSIGN_OR_RETURN(auto foreign, r_.Bool(n, path, "foreign_persons"));
    l.foreign_persons = foreign.value_or(false);
    if (l.destinations.empty() && l.groups.empty() && l.hq_countries.empty() &&
        l.hq_groups.empty() && !l.foreign_persons) {
      return r_.Error(n, path, "needs destinations, headquartered_in or foreign_persons: true");
    }
    TG_ASSIGN_OR_RETURN(l.kinds, ParseTransferKinds(r_, n, path));
    TG_ASSIGN_OR_RETURN(std::string policy, r_.String(n, path, "policy", true));
    TG_ASSIGN_OR_RETURN(l.policy, ParsePolicyName(r_, n["policy"], path + ".policy", policy));
    TG_ASSIGN_OR_RETURN(l.citation, r_.String(n, path, "citation", true));
    TG_ASSIGN_OR_RETURN(l.text, r_.String(n, path, "text", true));
    const YAML::Node ex = n["exemptions"];
    if (ex.IsDefined() && !ex.IsSequence()) {
      return r_.Error(ex, path + ".exemptions", "expected a list");
    }
    for (size_t i = 0; ex.IsDefined() && i < ex.size(); ++i) {
      const std::string where = path + ".exemptions[" + std::to_string(i) + "]";
      TG_ASSIGN_OR_RETURN(LetterExemption e, Exemption(ex[i], where));
      if (e.effective.from < l.effective.from) {
        return r_.Error(ex[i], where + ".effective",
                        "the exemption starts " + e.effective.from.ToString() +
                            ", before its letter (" + l.effective.from.ToString() + ")");
      }
      l.exemptions.push_back(std::move(e));
    }
    return l;
  }

 private:
  const YamlReader& r_;
  const CountryTable& countries_;
  const CountryGroups& groups_;
  const std::vector<std::string>& eccns_;
};

}  // namespace

Result<Letters> Letters::Load(const std::string& dir, const CountryTable& countries,
                              const CountryGroups& groups, const std::vector<std::string>& eccns) {
  Letters out;
  out.groups_ = &groups;
  TG_RETURN_IF_ERROR(ForEachListed(
      dir, "letters",
      [&](const YamlReader& r, const YAML::Node& item, const std::string& where) -> Status {
        TG_ASSIGN_OR_RETURN(Letter l, LetterReader(r, countries, groups, eccns).One(item, where));
        for (const Letter& other : out.letters_) {
          if (other.id == l.id && other.effective.Overlaps(l.effective)) {
            return r.Error(item, where + ".effective",
                           "letter '" + l.id + "' is already in force " +
                               other.effective.ToString() + "; its dates may not overlap");
          }
        }
        out.letters_.push_back(std::move(l));
        return Status::Ok();
      }));
  return out;
}

namespace {

// Whether the item is one the letter (or exemption) names; kUnknown when a figure is missing.
Verdict ItemsReach(const LetterItems& items, const LetterQuery& q) {
  static const std::vector<CountrySet> kNoSets;
  if (items.models && *items.models != q.facts->is_model) {
    return Verdict{Verdict::Kind::kFalse};
  }
  if (!items.names.empty() && InFamily(q.item_name, items.names)) {
    return Verdict{Verdict::Kind::kTrue};
  }
  if (items.meets) {
    return Evaluate(*items.meets, *q.facts, kNoSets);
  }
  return Verdict{Verdict::Kind::kFalse};
}

}  // namespace

std::vector<Letters::Match> Letters::Applicable(const LetterQuery& q) const {
  std::vector<Match> out;
  if (letters_.empty() || q.exporter == nullptr || !q.exporter->present) {
    return out;
  }
  const Party& p = *q.party;
  for (const Letter& l : letters_) {
    if (!l.effective.Contains(q.date) || !Named(*q.exporter, l.informed) ||
        (l.kinds != 0 && (l.kinds & (1u << static_cast<int>(q.facts->kind))) == 0)) {
      continue;
    }
    const auto in = [&](Country c, const std::vector<Country>& countries,
                        const std::vector<std::string>& groups) {
      if (c.empty()) {
        return false;
      }
      const Country as = groups_->DecidedAsOn(c, q.date);
      if (std::count(countries.begin(), countries.end(), c) > 0 ||
          std::count(countries.begin(), countries.end(), as) > 0) {
        return true;
      }
      for (const std::string& g : groups) {
        CountrySet members = groups_->Members(g, q.date);
        groups_->ApplyDecidedAs(q.date, members);
        if (members.Contains(c)) {
          return true;
        }
      }
      return false;
    };
    const Country us = Country::FromAlpha2('U', 'S');
    const bool foreign = p.country != us || (!p.nationality.empty() && p.nationality != us);
    const bool reaches = in(p.country, l.destinations, l.groups) ||
                         in(p.headquarters, l.hq_countries, l.hq_groups) ||
                         in(p.parent_headquarters, l.hq_countries, l.hq_groups) ||
                         (l.foreign_persons && foreign);
    if (!reaches) {
      continue;
    }
    const Verdict v = ItemsReach(l.items, q);
    if (v.kind == Verdict::Kind::kUnknown) {
      out.push_back(Match{&l, nullptr, v.missing});
      continue;
    }
    if (v.kind == Verdict::Kind::kFalse) {
      continue;
    }
    Match m{&l, nullptr};
    for (const LetterExemption& e : l.exemptions) {
      if (!e.effective.Contains(q.date)) {
        continue;
      }
      const Verdict ev = ItemsReach(e.items, q);
      if (ev.kind != Verdict::Kind::kTrue) {
        continue;  // an exemption never frees an item whose figures are not known
      }
      if (Named(p, e.recipients) || (e.employees_of_informed && EmployedBy(p, l.informed)) ||
          (e.employees_of_recipients && EmployedBy(p, e.recipients))) {
        m.exemption = &e;
        break;
      }
    }
    out.push_back(m);
  }
  return out;
}

}  // namespace tg::regime
