#include "src/models/transfer_json.h"

#include "src/common/json_fields.h"

namespace tg::models {

namespace {

constexpr std::string_view kKinds[] = {"export", "reexport", "in_country_transfer",
                                       "deemed_export"};
constexpr std::string_view kAccess[] = {"weights", "hosted"};

Result<Transfer> Parse(std::string_view json, const std::string& where,
                       const CountryTable& countries, bool stored) {
  simdjson::dom::parser parser;
  TG_ASSIGN_OR_RETURN(const simdjson::dom::element doc, json::ParseDocument(parser, json, where));
  Status error;
  std::initializer_list<std::string_view> request_keys = {"id",        "date",   "model", "kind",
                                                          "recipient", "access", "regime"};
  std::initializer_list<std::string_view> stored_keys = {
      "id",    "date",    "model",      "kind",     "recipient", "access",    "regime",
      "state", "outcome", "decided_as", "decision", "approver",  "requester", "reason"};
  json::Fields f(doc, where + ": transfer", countries, error, stored ? stored_keys : request_keys);
  Transfer t;
  t.id = f.Text("id", /*required=*/true);
  const auto date = f.Day("date");
  t.model = f.Text("model", /*required=*/true);
  t.kind = f.Text("kind");
  t.access = f.Text("access");
  t.regime = f.Text("regime");
  if (auto r = f.Object("recipient"); r && f.Ok()) {
    json::Fields rf(*r, f.Name("recipient"), countries, error,
                    {"id", "name", "country", "headquarters", "nationality", "employer"});
    t.recipient.id = rf.Text("id");
    t.recipient.name = rf.Text("name", /*required=*/true);
    t.recipient.country = rf.Place("country").value_or(Country());
    t.recipient.headquarters = rf.Place("headquarters").value_or(Country());
    t.recipient.nationality = rf.Place("nationality").value_or(Country());
    t.recipient.employer = rf.Text("employer");
    if (error.ok() && t.recipient.country.empty()) {
      error = InvalidArgument(rf.Name("country") + ": required");
    }
  } else if (error.ok()) {
    error = InvalidArgument(f.Name("recipient") + ": required");
  }
  if (stored) {
    t.requester = f.Text("requester");
    const std::string state = f.Text("state");
    t.outcome = f.Text("outcome");
    t.decided_as = f.Text("decided_as");
    t.approver = f.Text("approver");
    t.reason = f.Text("reason");
    if (auto d = f.Object("decision"); d && f.Ok()) {
      t.decision = simdjson::minify(*d);
    }
    if (error.ok() && !ParseTransferState(state, t.state)) {
      error = DataLoss(where + ": transfer.state: '" + state + "' is no state");
    }
  }
  TG_RETURN_IF_ERROR(error);
  if (!date) {
    return InvalidArgument(f.Name("date") + ": required");
  }
  t.date = *date;
  if (t.kind.empty()) {
    t.kind = "export";
  }
  if (std::find(std::begin(kKinds), std::end(kKinds), t.kind) == std::end(kKinds)) {
    return InvalidArgument(f.Name("kind") + ": '" + t.kind +
                           "' is not export, reexport, in_country_transfer or deemed_export");
  }
  if (t.access.empty()) {
    t.access = "weights";
  }
  if (std::find(std::begin(kAccess), std::end(kAccess), t.access) == std::end(kAccess)) {
    return InvalidArgument(f.Name("access") + ": '" + t.access + "' is not weights or hosted");
  }
  if (t.kind == "deemed_export" && t.recipient.nationality.empty()) {
    return InvalidArgument(f.Name("recipient.nationality") +
                           ": required for a deemed export (a release to a foreign national)");
  }
  return t;
}

}  // namespace

Result<Transfer> ParseTransferRequest(std::string_view json, int line,
                                      const CountryTable& countries) {
  return Parse(json, "line " + std::to_string(line), countries, /*stored=*/false);
}

Result<Transfer> ParseStoredTransfer(std::string_view json, const CountryTable& countries) {
  return Parse(json, "stored", countries, /*stored=*/true);
}

}  // namespace tg::models
