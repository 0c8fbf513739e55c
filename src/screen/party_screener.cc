#include "src/screen/party_screener.h"

#include <algorithm>

#include "src/common/csv.h"
#include "src/common/text.h"
#include "src/screen/normalize.h"

namespace tg::screen {

Result<std::vector<ListConsequence>> LoadListConsequences(const std::string& data_dir) {
  const std::string path = data_dir + "/screening/list_consequences.csv";
  TG_ASSIGN_OR_RETURN(CsvTable table, CsvTable::Load(path));
  TG_ASSIGN_OR_RETURN(size_t list_c, table.Column("list"));
  TG_ASSIGN_OR_RETURN(size_t outcome_c, table.Column("outcome"));
  TG_ASSIGN_OR_RETURN(size_t citation_c, table.Column("citation"));
  TG_ASSIGN_OR_RETURN(size_t text_c, table.Column("text"));
  std::vector<ListConsequence> out;
  for (const CsvRecord& r : table.records()) {
    const std::string& outcome = r.fields[outcome_c];
    if (outcome != "prohibited" && outcome != "license_required" && outcome != "red_flag") {
      return InvalidArgument(table.Where(r, "outcome") + ": '" + outcome +
                             "' is not prohibited, license_required or red_flag");
    }
    out.push_back({r.fields[list_c], outcome, "screening." + r.fields[list_c], r.fields[citation_c],
                   r.fields[text_c]});
  }
  return out;
}

PartyScreener::PartyScreener(const Index& index, const std::vector<ListConsequence>& consequences,
                             double threshold, std::vector<Clearance> clearances)
    : index_(index),
      default_(&red_flag_),
      red_flag_{"", "red_flag", "screening.other", "15 CFR 732.6 (red flags)",
                "A party matches an entry of a restricted-party list: resolve it before export."},
      unread_{"", "red_flag", "screening.unread_script",
              "Supp. No. 3 to 15 CFR Part 732 (Know Your Customer guidance)",
              "A party's name is written in a script tierguard does not romanise: it was screened "
              "only as written, and a list may hold it romanised. Check it by hand."},
      threshold_(threshold) {
  for (const ListConsequence& c : consequences) {
    by_list_[c.list] = &c;
  }
  for (Clearance& c : clearances) {
    const auto key = std::make_pair(c.party_key, c.entry_id);
    clearances_[key] = std::move(c);
  }
}

const std::vector<Hit>& PartyScreener::HitsFor(const Party& party) {
  const std::string country = party.country.ToString();
  // Each field prefixed with its length: no two queries share a key. The query itself is
  // built only when it is not cached (a batch names the same parties line after line).
  std::string key;
  auto add = [&key](const std::string& field) {
    key += std::to_string(field.size());
    key += ':';
    key += field;
  };
  for (const std::string* field : {&party.name, &country, &party.type, &party.birth_date}) {
    add(*field);
  }
  for (const std::string& id : party.identifiers) {
    add(id);
  }
  auto it = cache_.find(key);
  if (it != cache_.end()) {
    return it->second;
  }
  const bool screening_type = party.type.empty() || IsScreeningType(party.type);
  auto hits = index_.Search(Query{.name = party.name,
                                  .country = country,
                                  .type = screening_type ? party.type : std::string("entity"),
                                  .birth_date = party.birth_date,
                                  .identifiers = party.identifiers},
                            threshold_, 5);
  // A party name that cannot be screened (not UTF-8) was refused when the request was read.
  return cache_.emplace(std::move(key), hits ? std::move(*hits) : std::vector<Hit>{}).first->second;
}

bool IsScreeningType(std::string_view type) {
  return type == "person" || type == "entity" || type == "vessel" || type == "aircraft";
}

void PartyScreener::Apply(const Request& request, Decision& decision) {
  const std::pair<const char*, const Party*> parties[] = {{"exporter", &request.exporter},
                                                          {"consignee", &request.consignee},
                                                          {"end_user", &request.end_user}};
  const std::string today = request.date.ToString();
  for (const auto& [role, party] : parties) {
    if (!party->present || party->name.empty()) {
      continue;
    }
    if (const std::string script = UnreadScript(party->name); !script.empty()) {
      decision.reasons.push_back(
          Reason{unread_.rule, unread_.citation, unread_.text,
                 std::string(role) + " '" + party->name + "': " + script + " script", nullptr});
    }
    const std::vector<std::string> keys =
        PartyKeys(party->id, party->name, party->country.ToString(), party->birth_date);
    for (const Hit& h : HitsFor(*party)) {
      ScreeningHit sh{role,
                      party->name,
                      h.entry->list,
                      h.list->version,
                      h.entry->entry_id,
                      h.entry->name,
                      *h.matched_name,
                      h.score,
                      ""};
      const Clearance* clearance = nullptr;
      for (const std::string& key : keys) {
        if (auto c = clearances_.find({key, h.entry->entry_id}); c != clearances_.end()) {
          clearance = &c->second;
        }
      }
      if (clearance != nullptr && clearance->entry_digest == EntryDigest(*h.entry) &&
          (clearance->expires.empty() || clearance->expires >= today)) {
        sh.cleared = clearance->reason.empty() ? "cleared" : clearance->reason;
        decision.screening.push_back(std::move(sh));
        continue;
      }
      auto it = by_list_.find(h.entry->list);
      const ListConsequence& consequence = it == by_list_.end() ? *default_ : *it->second;
      std::string detail = std::string(role) + " '" + party->name + "' matches " +
                           h.entry->entry_id + " '" + h.entry->name + "' (score " +
                           std::to_string(h.score).substr(0, 4) + ")";
      if (!h.entry->license_policy.empty()) {
        detail += "; licence policy: " + h.entry->license_policy;
      }
      decision.reasons.push_back(
          Reason{consequence.rule, consequence.citation, consequence.text, detail, nullptr});
      const Outcome o = consequence.outcome == "prohibited"         ? Outcome::kProhibited
                        : consequence.outcome == "license_required" ? Outcome::kLicenseRequired
                                                                    : decision.outcome;
      if (o > decision.outcome) {
        decision.outcome = o;
      }
      // A licence the entry requires is reviewed under the entry's own policy (Entity List
      // entries state one), where that is stricter than the regime's.
      if (o == Outcome::kLicenseRequired) {
        decision.policy = std::max(decision.policy, PolicyOfEntry(h.entry->license_policy));
      }
      decision.screening.push_back(std::move(sh));
    }
  }
  // What the hits made of the decision: a prohibited export has no review policy, and one that
  // may no longer ship relies on no exception or licence.
  if (decision.outcome == Outcome::kProhibited) {
    decision.policy = LicensePolicy::kNone;
  }
  if (!IsAllowed(decision.outcome)) {
    decision.authorization.clear();
  }
}

std::vector<std::string> PartyKeys(std::string_view id, std::string_view name,
                                   std::string_view country, std::string_view birth_date) {
  std::vector<std::string> keys;
  if (!id.empty()) {
    keys.push_back("id:" + std::string(id));
  }
  std::string key = "name:" + LookupKey(name);
  key += '|';
  key.append(country);
  key += '|';
  key.append(birth_date);
  keys.push_back(std::move(key));
  return keys;
}

LicensePolicy PolicyOfEntry(std::string_view text) {
  const std::string lower = AsciiLower(text);
  if (lower.find("denial") != std::string::npos) {
    return LicensePolicy::kPresumptionOfDenial;
  }
  if (lower.find("case-by-case") != std::string::npos ||
      lower.find("case by case") != std::string::npos) {
    return LicensePolicy::kCaseByCase;
  }
  if (lower.find("approval") != std::string::npos) {
    return LicensePolicy::kPresumptionOfApproval;
  }
  return LicensePolicy::kNone;
}

}  // namespace tg::screen
