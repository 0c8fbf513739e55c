// Screening inside a decision: each party of a request (exporter, consignee, end user) is
// searched in the index of the loaded lists; a hit adds itself to the decision with a reason,
// and, by what data/screening/list_consequences.csv says of its list, makes the outcome
// prohibited or licence required (or stays a red flag). Hits a reviewer cleared (and whose
// list entry has not changed since) are shown as cleared and change nothing.
// A party is screened as `screen` screens a query: its name, country, and the type, birth date
// and identifiers it gives. One PartyScreener per batch: it caches each party's hits. Not
// thread-safe.
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "tierguard/types.h"

#include "src/screen/index.h"

namespace tg::screen {

// The review policy an entry's own licence policy text states ("Presumption of denial",
// "Case-by-case review", …), or kNone when it names none of them.
LicensePolicy PolicyOfEntry(std::string_view text);

struct ListConsequence {
  std::string list;
  std::string outcome;  // prohibited | license_required | red_flag
  std::string rule;     // "screening.SDN"
  std::string citation;
  std::string text;
};

// Reads data_dir/screening/list_consequences.csv.
Result<std::vector<ListConsequence>> LoadListConsequences(const std::string& data_dir);

// Whether a party's `type` is one screening knows (person, entity, vessel, aircraft); any other
// (an end user's kind, such as military) is screened as an entity.
bool IsScreeningType(std::string_view type);

// The keys a clearance can name a party by: "id:ID" when it has an id, and always
// "name:NAME|CC|BIRTH" (its name's lookup key, country and birth date), so that a clearance of
// one Abdullah Hassan never clears another with a different country or birth date.
std::vector<std::string> PartyKeys(std::string_view id, std::string_view name,
                                   std::string_view country, std::string_view birth_date);

// A reviewer's decision that a party's hit on an entry is a false positive.
struct Clearance {
  std::string party_key;  // one of PartyKeys() of the cleared party
  std::string entry_id;
  std::string entry_digest;  // EntryDigest when cleared: the clearance lapses when it changes
  std::string reason;
  std::string expires;  // YYYY-MM-DD, or "" for no expiry
};

class PartyScreener {
 public:
  PartyScreener(const Index& index, const std::vector<ListConsequence>& consequences,
                double threshold, std::vector<Clearance> clearances);

  // Screens the request's parties and applies the consequences to `decision`.
  void Apply(const Request& request, Decision& decision);

 private:
  const std::vector<Hit>& HitsFor(const Party& party);

  const Index& index_;
  std::map<std::string, const ListConsequence*> by_list_;
  const ListConsequence* default_;  // the red flag for lists without a row
  ListConsequence red_flag_;
  // The notice for a party name in a script nothing here romanises (UnreadScript).
  ListConsequence unread_;
  double threshold_;
  std::map<std::pair<std::string, std::string>, Clearance> clearances_;
  std::unordered_map<std::string, std::vector<Hit>> cache_;
};

}  // namespace tg::screen
