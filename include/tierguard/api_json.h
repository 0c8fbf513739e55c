// The API's encodings: the JSON that `tierguard serve` answers with and the command line
// prints, one object per record. They are the contract with callers, so they are written here
// and nowhere else, apart from how the ledger stores the same records (a stored field may be
// renamed or added without changing what a caller reads).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tierguard/access.h"
#include "tierguard/cloud.h"
#include "tierguard/date.h"
#include "tierguard/ledger.h"
#include "tierguard/models.h"
#include "tierguard/status.h"

namespace tg::api {

std::string ToJson(const LicenseStatus& v);  // the licence and its balances
std::string ToJson(const LicenseApplication& v);
std::string ToJson(const Notification& v);
std::string ToJson(const Veu& v);
std::string ToJson(const Agreement& v);
std::string ToJson(const PartyRecord& v);
std::string ToJson(const PartyView& v);
std::string ToJson(const MovementRecord& v);
std::string ToJson(const CapUsage& v);
std::string ToJson(const Alert& v);
std::string ToJson(const KeptList& v);
std::string ToJson(const ClearedHit& v);
std::string ToJson(const OpenHit& v);
std::string ToJson(const ApiKey& v);  // name, role, created, last used, revoked: never a secret
// A customer as its CIP record (../shared/spec/models-cloud.md), the answer to adding one (its
// screening alerts, its standing for controlled compute per regime), one with its linked
// customers, and what a usage ingest did.
std::string ToJson(const CustomerRecord& v);
std::string ToJson(const CustomerAdded& v);
std::string ToJson(const CustomerView& v);
std::string ToJson(const UsageIngest& v);
// A registry's model record (as models add reads it), a model with its operations, its
// classification under one regime, and a transfer with its decision and state.
std::string ToJson(const ModelRecord& v);
std::string ToJson(const ModelAdded& v);  // {"id", "state": "added" | "updated", "findings"}
std::string ToJson(const ModelView& v);
std::string ToJson(const ModelClassification& v);
std::string ToJson(const Transfer& v);

// How deep `json` nests: the most [ and { open at once, outside strings.
int JsonDepth(std::string_view json);

// `text` as a JSON string, quoted and escaped.
std::string QuoteJson(std::string_view text);
// An object of string fields, in order: {"id": "APP-1", "state": "submitted"}.
std::string FieldsJson(std::initializer_list<std::pair<std::string_view, std::string_view>> fields);

// An error as the HTTP API answers it: {"error": {"code": CODE, "message": TEXT}}.
std::string ErrorJson(std::string_view code, std::string_view message);

// The bodies callers send (../shared/spec/http.md), read strictly: a key the body may not
// have, a value of the wrong type or a required one missing is InvalidArgument naming it.
// An empty body has every field absent.
//
// POST /v1/applications: {"eccn"|"eccns", "destination", "to", and "id", "regime",
// "consignee", "quantity", "value_usd", "tpp", "from", "submit" (default true)}.
struct ApplicationBody {
  std::string id;
  std::string regime;
  std::vector<std::string> eccns;
  std::string destination;  // a country, as the caller wrote it
  std::string consignee;
  int64_t quantity = 0;
  double value_usd = 0;
  double tpp = 0;
  std::optional<Date> from;  // the first day the caller wants the licence valid
  Date to;
  bool submit = true;
};
Result<ApplicationBody> ParseApplicationBody(std::string_view json);
// …/approve: {"number", "valid_from"}, both optional.
struct ApprovalBody {
  std::string number;
  std::optional<Date> valid_from;
};
Result<ApprovalBody> ParseApprovalBody(std::string_view json);
// …/deny and …/return: {"reason"}.
Result<std::string> ParseReasonBody(std::string_view json);
// POST /v1/licenses: a licence BIS issued, {"number", "eccn"|"eccns", "destination", "from",
// "to", and "regime", "consignee", "quantity", "value_usd", "tpp", "conditions"}.
struct LicenseBody {
  std::string number;
  std::string regime;
  std::vector<std::string> eccns;
  std::string destination;
  std::string consignee;
  int64_t quantity = 0;
  double value_usd = 0;
  double tpp = 0;
  Date from;
  Date to;
  std::string conditions;
};
Result<LicenseBody> ParseLicenseBody(std::string_view json);
// POST /v1/parties: {"id", "name", "country", and "address", "beneficial_owners"}.
struct PartyBody {
  std::string id;
  std::string name;
  std::string country;
  std::string address;
  std::vector<std::string> beneficial_owners;
};
Result<PartyBody> ParsePartyBody(std::string_view json);
// POST /v1/parties/{id}/links: {"to", "kind" (owns | shares_address | shares_owner), "share"}.
struct LinkBody {
  std::string to;
  std::string kind;
  double share = 0;
};
Result<LinkBody> ParseLinkBody(std::string_view json);
// POST /v1/agreements: {"id", "country", "cap", "increase", "from", and "to", "citation"}.
struct AgreementBody {
  std::string id;
  std::string country;
  std::string cap;
  double increase = 0;
  Date from;
  std::optional<Date> to;
  std::string citation;
};
Result<AgreementBody> ParseAgreementBody(std::string_view json);
// POST /v1/veus: {"id", "kind" (universal | national), "holder", "eccn"|"eccns", "from", and
// "headquarters", "parent_headquarters", "regime", "country", "locations", "limit_tpp",
// "total_tpp", "tier2_share", "country_share", "to"}.
struct VeuBody {
  std::string id;
  std::string kind;
  std::string holder;
  std::string headquarters;
  std::string parent_headquarters;
  std::string regime;
  std::vector<std::string> eccns;
  std::string country;
  std::vector<std::string> locations;
  double limit_tpp = 0;
  double total_tpp = 0;
  double tier2_share = 0;
  double country_share = 0;
  Date from;
  std::optional<Date> to;
};
Result<VeuBody> ParseVeuBody(std::string_view json);
// POST /v1/notifications: a License Exception NAC notification filed, {"id", "party",
// "destination", "filed", and "quantity", "value_usd"}.
struct NotificationBody {
  std::string id;
  std::string party;
  std::string destination;
  Date filed;
  int64_t quantity = 0;
  double value_usd = 0;
};
Result<NotificationBody> ParseNotificationBody(std::string_view json);
// …/{id}/confirm: {"confirmation", "date"}; …/{id}/refuse: {"date"}.
struct AnswerBody {
  std::string confirmation;
  Date date;
};
Result<AnswerBody> ParseAnswerBody(std::string_view json, bool confirmation);
// POST /v1/hits/clear: {"party_name", "entry", "reason", and "party_id", "country",
// "birth_date", "expires"}.
struct ClearanceBody {
  std::string party_id;
  std::string party_name;
  std::string country;
  std::string birth_date;
  std::string entry;
  std::string reason;
  std::string expires;
};
Result<ClearanceBody> ParseClearanceBody(std::string_view json);
// POST /v1/keys: {"name", "role"}.
struct KeyBody {
  std::string name;
  Role role = Role::kViewer;
};
Result<KeyBody> ParseKeyBody(std::string_view json);

// A page of a listing as the HTTP API answers it: {"items":[ITEM…],"next":CURSOR|null}, each
// item already encoded.
std::string PageJson(const std::vector<std::string>& items, std::string_view next);

// Every item of `page`, encoded.
template <typename T>
std::vector<std::string> Encoded(const Page<T>& page) {
  std::vector<std::string> out;
  out.reserve(page.items.size());
  for (const T& item : page.items) {
    out.push_back(ToJson(item));
  }
  return out;
}

}  // namespace tg::api
