#include "src/ledger/reconcile.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>

#include <simdjson.h>

#include "tierguard/audit.h"

#include "src/audit/audit_log.h"
#include "src/audit/merkle.h"
#include "src/common/checked.h"
#include "src/common/digest.h"
#include "src/common/text.h"

namespace tg::ledger {

namespace {

std::map<std::string, store::Table, std::less<>>& LoggedRowKinds() {
  static auto* kinds = new std::map<std::string, store::Table, std::less<>>();
  return *kinds;
}

std::set<std::string, std::less<>>& UnrowedKinds() {
  static auto* kinds = new std::set<std::string, std::less<>>{"key.add", "key.revoke"};
  return *kinds;
}

}  // namespace

bool RegisterLoggedRows(std::initializer_list<LoggedRows> kinds) {
  for (const LoggedRows& k : kinds) {
    LoggedRowKinds().emplace(std::string(k.kind), k.table);
  }
  return true;
}

bool RegisterUnrowedKinds(std::initializer_list<std::string_view> kinds) {
  for (std::string_view k : kinds) {
    UnrowedKinds().emplace(k);
  }
  return true;
}

namespace {

using simdjson::dom::element;
using simdjson::dom::object;
using store::Table;

// Rows named per table before the rest are only counted.
constexpr int kNamedPerTable = 5;

std::array<uint8_t, 32> Digest(std::string_view bytes) { return audit::Sha256(bytes); }

std::string TppText(int64_t milli) {
  return milli % 1000 == 0 ? std::to_string(milli / 1000) : FormatNumber(TppFromMilli(milli));
}

// A decimal TPP figure as printed in a decision, in thousandths.
bool NearlyEqualMilli(double tpp, int64_t milli) {
  const double scaled = tpp * 1000.0;
  return std::fabs(scaled - static_cast<double>(milli)) <=
         std::max(0.5, std::fabs(static_cast<double>(milli)) * 1e-12);
}

// The first top-level field in which two JSON objects differ, in words.
std::string FirstJsonDifference(std::string_view log_json, std::string_view ledger_json) {
  simdjson::dom::parser a_parser;
  simdjson::dom::parser b_parser;
  object a;
  object b;
  if (a_parser.parse(log_json.data(), log_json.size()).get(a)) {
    return "its record does not parse";
  }
  if (b_parser.parse(ledger_json.data(), ledger_json.size()).get(b)) {
    return "the row is not a JSON object";
  }
  for (auto field : a) {
    element other;
    if (b[field.key].get(other)) {
      return "field \"" + std::string(field.key) + "\" is missing from the row";
    }
    const std::string want = simdjson::minify(field.value);
    const std::string have = simdjson::minify(other);
    if (want != have) {
      return "field \"" + std::string(field.key) + "\" is " + Excerpt(have, 80) +
             " in the ledger but " + Excerpt(want, 80) + " in the log";
    }
  }
  for (auto field : b) {
    element other;
    if (a[field.key].get(other)) {
      return "field \"" + std::string(field.key) + "\" is not in the log";
    }
  }
  return "the row is written differently from its record";
}

// What one row of a table is called in a finding ("licence L-1 differs …").
std::string RowNoun(Table t) {
  switch (t) {
    case kShipments:
      return "shipment";
    case kReservations:
      return "reservation";
    case kLicenses:
      return "licence";
    case kApplications:
      return "application";
    case kAgreements:
      return "agreement";
    case kVeus:
      return "VEU";
    case kParties:
      return "party";
    case kPartyLinks:
      return "party link";
    case kAlerts:
      return "alert";
    case kNearThreshold:
      return "near-threshold order";
    case kLists:
      return "list";
    case kClearances:
      return "clearance";
    case kHolds:
      return "holds index entry";
    case kNotifications:
      return "NAC notification";
    case kRefusals:
      return "refusal";
    default:
      return "row";
  }
}

// Keys shown in messages: the party link key's separator as an arrow.
std::string ShowKey(std::string_view key) {
  std::string out = Excerpt(key, 120);
  for (size_t at; (at = out.find('\x1f')) != std::string::npos;) {
    out.replace(at, 1, " -> ");
  }
  return out;
}

}  // namespace

std::string MovementProjection(Movement m, std::string_view request_sha256, bool legacy) {
  if (legacy) {
    m.date.clear();
    m.consignee.clear();
    m.group.clear();
    m.recorded_at = 0;
    m.expires_at = 0;
  }
  m.request.clear();
  std::string out = ToJson(m);  // the header line and its newline
  out.append(request_sha256);
  return out;
}

void LogReplayer::Finding(std::string text) {
  ++findings_count_;
  if (findings_.size() < kMaxFindings) {
    findings_.push_back(std::move(text));
  }
}

void LogReplayer::SetRow(Table table, const std::string& key, std::string_view value,
                         uint64_t index) {
  rows_[table][key] = ExpectedRow{Digest(value), index, true};
  if (options_.keep_view_tables &&
      (table == kLicenses || table == kVeus || table == kAgreements || table == kParties ||
       table == kPartyLinks || table == kNotifications)) {
    view_tables_[static_cast<int>(table)][key] = std::string(value);
  }
}

void LogReplayer::SetMovementRow(Table table, const Movement& m, std::string_view request_sha256,
                                 bool legacy, uint64_t index) {
  rows_[table][m.id] =
      ExpectedRow{Digest(MovementProjection(m, request_sha256, legacy)), index, true, legacy};
}

void LogReplayer::Apply(uint64_t index, std::string_view record) {
  ++records_;
  thread_local simdjson::dom::parser parser;
  object doc;
  std::string_view kind;
  std::string_view subject;
  int64_t stated_index = -1;
  if (parser.parse(record.data(), record.size()).get(doc) || doc["kind"].get_string().get(kind) ||
      doc["subject"].get_string().get(subject) || doc["index"].get_int64().get(stated_index)) {
    Finding("record " + std::to_string(index) + " does not parse as an audit record");
    return;
  }
  if (stated_index != static_cast<int64_t>(index)) {
    Finding("record " + std::to_string(index) + " says it is record " +
            std::to_string(stated_index));
  }
  auto body = audit::RecordBody(record);
  element parsed_body;
  if (!body || doc["body"].get(parsed_body)) {
    Finding("record " + std::to_string(index) + ": " +
            (body ? "a record without a body" : body.error().message()));
    return;
  }
  const std::string kind_s(kind);
  const std::string id(subject);
  Status s;
  if (audit::CarriesRequest(kind)) {
    s = ApplyMovement(index, kind, id, *body, parsed_body);
  } else if (kind == "reservation.commit" || kind == "reservation.release" ||
             kind == "reservation.expire") {
    s = ApplyHoldChange(index, kind, id, parsed_body);
  } else if (kind == "licence.add") {
    SetRow(kLicenses, id, *body, index);
    s = AddLimits(kind, id, *body);
  } else if (kind == "licence.revoke") {
    SetRow(kLicenses, id, *body, index);
  } else if (kind.starts_with("application.")) {
    SetRow(kApplications, id, *body, index);
  } else if (kind == "veu.add") {
    SetRow(kVeus, id, *body, index);
    s = AddLimits(kind, id, *body);
  } else if (kind == "nac.file" || kind == "nac.confirm" || kind == "nac.refuse") {
    SetRow(kNotifications, id, *body, index);
    s = AddLimits(kind, id, *body);
  } else if (kind == "agreement.add") {
    SetRow(kAgreements, id, *body, index);
  } else if (kind == "party.add") {
    SetRow(kParties, id, *body, index);
  } else if (kind == "party.link") {
    PartyLink link;
    s = FromJson(*body, id, link);
    if (s.ok()) {
      SetRow(kPartyLinks, PartyLinkKey(link.from, link.to), *body, index);
    }
  } else if (kind == "list.load") {
    std::string_view sha;
    ExpectedRow row{{}, index, false};  // a list loaded before its digest was logged
    if (!parsed_body["sha256"].get_string().get(sha)) {
      row.checkable = IsSha256Hex(sha);
      for (size_t i = 0; row.checkable && i < 32; ++i) {
        const auto hex = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
        row.digest[i] = static_cast<uint8_t>(hex(sha[2 * i]) * 16 + hex(sha[2 * i + 1]));
      }
    }
    rows_[kLists][id] = row;
  } else if (kind == "hit.clear") {
    SetRow(kClearances, id, *body, index);
  } else if (kind == "hit.revoke") {
    rows_[kClearances].erase(id);
  } else if (kind == "alert") {
    SetRow(kAlerts, id, *body, index);
  } else if (kind == "structuring.near") {
    SetRow(kNearThreshold, id, *body, index);
  } else if (auto logged = LoggedRowKinds().find(kind_s); logged != LoggedRowKinds().end()) {
    SetRow(logged->second, id, *body, index);
  } else if (UnrowedKinds().count(kind_s) > 0) {
    // Nothing to rebuild: its rows are derived (API keys hold salted hashes the log does not).
  } else {
    Finding("record " + std::to_string(index) + " has an unknown kind '" + Excerpt(kind, 40) + "'");
  }
  if (!s.ok()) {
    Finding("record " + std::to_string(index) + " (" + kind_s + " " + Excerpt(id, 80) +
            "): " + s.message());
  }
}

Status LogReplayer::ApplyMovement(uint64_t index, std::string_view kind, const std::string& id,
                                  std::string_view body_text, const element& body) {
  TG_ASSIGN_OR_RETURN(MovementBodyFields f, ParseMovementBody(body_text));
  Movement& m = f.movement;
  m.id = id;
  m.audit_index = index;
  const bool hold = kind == "reservation.hold";
  TG_RETURN_IF_ERROR(ApplyDecisionCaps(index, id, body, m.deltas));
  if (kind == "refusal") {
    if (!m.deltas.empty()) {
      return DataLoss("a refusal that moves counters");
    }
    m.kind = "refusal";
    m.state = MovementState::kRefused;
    regime_hashes_.insert(m.regime_hash);
    rows_[kRefusals][RefusalKey(index)] = ExpectedRow{
        Digest(MovementProjection(m, f.request_sha256, f.legacy)), index, true, f.legacy};
    return Status::Ok();
  }
  m.kind = hold ? "reservation" : "shipment";
  m.state = hold ? MovementState::kHeld : MovementState::kRecorded;
  for (const Delta& d : m.deltas) {
    int64_t& c = counters_[d.key];
    if (__builtin_add_overflow(c, d.amount, &c)) {
      return InvalidArgument("counter " + d.key + " overflows");
    }
  }
  for (const Delta& d : m.deltas) {
    CheckLimit(d.key, index);
  }
  regime_hashes_.insert(m.regime_hash);
  SetMovementRow(hold ? kReservations : kShipments, m, f.request_sha256, f.legacy, index);
  if (hold) {
    if (!f.legacy) {
      rows_[kHolds][HoldKey(m.expires_at, id)] = ExpectedRow{Digest(id), index, true};
    } else {
      legacy_holds_ = true;
    }
    reservations_[id] = Hold{std::move(m), std::move(f.request_sha256), f.legacy};
  }
  return Status::Ok();
}

Status LogReplayer::ApplyHoldChange(uint64_t index, std::string_view kind, const std::string& id,
                                    const element& body) {
  auto it = reservations_.find(id);
  if (it == reservations_.end() || it->second.movement.state != MovementState::kHeld) {
    return FailedPrecondition("no held reservation of that id before it");
  }
  Hold& h = it->second;
  rows_[kHolds].erase(HoldKey(h.movement.expires_at, id));
  if (kind == "reservation.commit") {
    h.movement.state = MovementState::kCommitted;
    Movement shipment = h.movement;
    shipment.kind = "shipment";
    shipment.state = MovementState::kRecorded;
    bool legacy = h.legacy;
    if (body["recorded_at"].get_int64().get(shipment.recorded_at)) {
      legacy = true;  // a commit logged before its time was
    }
    SetMovementRow(kShipments, shipment, h.request_sha256, legacy, index);
  } else {
    h.movement.state =
        kind == "reservation.release" ? MovementState::kReleased : MovementState::kExpired;
    for (const Delta& d : h.movement.deltas) {
      int64_t& c = counters_[d.key];
      if (__builtin_sub_overflow(c, d.amount, &c)) {
        return InvalidArgument("counter " + d.key + " overflows");
      }
    }
  }
  SetMovementRow(kReservations, h.movement, h.request_sha256, h.legacy, index);
  return Status::Ok();
}

// Each cap the decision counted must show, as "used", what the records before it add up to;
// the limit it states is kept for the balance checks.
Status LogReplayer::ApplyDecisionCaps(uint64_t index, const std::string& id, const element& body,
                                      const std::vector<Delta>& deltas) {
  simdjson::dom::array caps;
  if (body["decision"]["caps"].get_array().get(caps)) {
    return DataLoss("its decision has no caps");
  }
  for (element c : caps) {
    std::string_view cap;
    std::string_view key;
    double used = 0;
    double limit = 0;
    if (c["cap"].get_string().get(cap) || c["key"].get_string().get(key) ||
        c["used"].get_double().get(used) || c["limit"].get_double().get(limit)) {
      return DataLoss("its decision has a damaged cap entry");
    }
    std::string counter(cap);
    counter += ':';
    counter.append(key);
    const auto it = counters_.find(counter);
    const int64_t expected = it == counters_.end() ? 0 : it->second;
    if (!NearlyEqualMilli(used, expected)) {
      Finding("record " + std::to_string(index) + " (" + Excerpt(id, 80) + "): its decision " +
              "counted " + FormatNumber(used) + " TPP already used of " + counter +
              ", but the records before it add up to " + TppText(expected) +
              " TPP: a recorded movement was removed or changed outside the log");
    }
    bool consumed = false;
    for (const Delta& d : deltas) {
      consumed = consumed || d.key == counter;
    }
    if (consumed) {
      // A bundle is untrusted input: its figures are checked before they are scaled.
      TG_ASSIGN_OR_RETURN(const int64_t milli,
                          ScaledFigure(limit, 1000.0, kMaxTotalTpp, "the limit of " + counter));
      limits_[counter] = Limit{milli, "cap " + std::string(cap) + " for " + std::string(key)};
    }
  }
  return Status::Ok();
}

Status LogReplayer::AddLimits(std::string_view kind, const std::string& id, std::string_view body) {
  if (kind == "licence.add") {
    License l;
    TG_RETURN_IF_ERROR(FromJson(body, id, l));
    if (l.quantity_limit > 0) {
      limits_[LicenseCounter(l.number, "quantity")] =
          Limit{l.quantity_limit, "licence " + l.number + " quantity (units)"};
    }
    TG_ASSIGN_OR_RETURN(const int64_t tpp,
                        ScaledFigure(l.tpp_limit, 1000.0, kMaxTotalTpp, "licence tpp_limit"));
    TG_ASSIGN_OR_RETURN(const int64_t cents, ScaledFigure(l.value_limit_usd, 100.0, kMaxValueUsd,
                                                          "licence value_limit"));
    if (tpp > 0) {
      limits_[LicenseCounter(l.number, "tpp")] = Limit{tpp, "licence " + l.number + " TPP"};
    }
    if (cents > 0) {
      limits_[LicenseCounter(l.number, "value")] =
          Limit{cents, "licence " + l.number + " value (cents)"};
    }
    return Status::Ok();
  }
  if (kind.starts_with("nac.")) {
    Notification n;
    TG_RETURN_IF_ERROR(FromJson(body, id, n));
    if (n.quantity_limit > 0) {
      limits_[NotificationCounter(n.id, "quantity")] =
          Limit{n.quantity_limit, "NAC notification " + n.id + " quantity (units)"};
    }
    TG_ASSIGN_OR_RETURN(const int64_t cents, ScaledFigure(n.value_limit_usd, 100.0, kMaxValueUsd,
                                                          "notification value_limit_usd"));
    if (cents > 0) {
      limits_[NotificationCounter(n.id, "value")] =
          Limit{cents, "NAC notification " + n.id + " value (cents)"};
    }
    return Status::Ok();
  }
  Veu v;
  TG_RETURN_IF_ERROR(FromJson(body, id, v));
  VeuLimits& lim = veus_[v.id];
  lim.national = v.kind == "national";
  TG_ASSIGN_OR_RETURN(lim.national_limit,
                      ScaledFigure(v.limit_tpp, 1000.0, kMaxTotalTpp, "VEU limit_tpp"));
  TG_ASSIGN_OR_RETURN(const int64_t base,
                      ScaledFigure(v.total_tpp, 1000.0, kMaxTotalTpp, "VEU total_tpp"));
  TG_ASSIGN_OR_RETURN(const int64_t country,
                      ScaledFigure(static_cast<double>(base) * v.country_share, 1.0,
                                   kMaxTotalTppMilli, "VEU country_share"));
  TG_ASSIGN_OR_RETURN(const int64_t tier2, ScaledFigure(static_cast<double>(base) * v.tier2_share,
                                                        1.0, kMaxTotalTppMilli, "VEU tier2_share"));
  lim.country_limit = country;
  lim.tier2_limit = tier2;
  return Status::Ok();
}

void LogReplayer::CheckLimit(const std::string& key, uint64_t index) {
  const int64_t value = counters_[key];
  Limit limit;
  if (auto it = limits_.find(key); it != limits_.end()) {
    limit = it->second;
  } else if (key.starts_with("veu:")) {
    const size_t colon = key.rfind(':');
    const auto v = veus_.find(key.substr(4, colon - 4));
    if (v == veus_.end()) {
      return;
    }
    const std::string where = key.substr(colon + 1);
    limit.limit = v->second.national ? v->second.national_limit
                  : where == "tier2" ? v->second.tier2_limit
                                     : v->second.country_limit;
    limit.what = "VEU " + key.substr(4);
  } else {
    return;
  }
  if (value > limit.limit) {
    const bool tpp =
        (!key.starts_with("licence:") && !key.starts_with("nac:")) || key.ends_with(":tpp");
    Finding("record " + std::to_string(index) + " takes " + limit.what + " to " +
            (tpp ? TppText(value) + " TPP" : std::to_string(value)) + ", past its limit of " +
            (tpp ? TppText(limit.limit) + " TPP" : std::to_string(limit.limit)));
  }
}

Status LogReplayer::WriteState(store::Transaction& txn) const {
  for (const auto& [key, value] : counters_) {
    if (value != 0) {
      TG_RETURN_IF_ERROR(txn.AddCounter(key, value).status());
    }
  }
  for (const auto& [table, rows] : view_tables_) {
    for (const auto& [key, value] : rows) {
      TG_RETURN_IF_ERROR(txn.Put(static_cast<Table>(table), key, value));
    }
  }
  return Status::Ok();
}

namespace {

// Problems of one kind: the first `limit` are named in the report, the rest only counted.
class CappedProblems {
 public:
  CappedProblems(CheckReport& report, int limit, std::string kind)
      : report_(report), limit_(limit), kind_(std::move(kind)) {}
  void Add(std::string text) {
    if (named_ < limit_) {
      ++named_;
      report_.problems.push_back(std::move(text));
    } else {
      ++hidden_;
    }
  }
  // Adds the count of those not named, if any.
  void Finish() {
    if (hidden_ > 0) {
      report_.problems.push_back("… and " + std::to_string(hidden_) + " more " + kind_ +
                                 " differences");
    }
  }

 private:
  CheckReport& report_;
  int limit_;
  std::string kind_;
  int named_ = 0;
  int64_t hidden_ = 0;
};

// Compares one table with what the log says it must hold.
class TableComparison {
 public:
  TableComparison(store::Transaction& txn, audit::AuditLog& log, Table table,
                  const LogReplayer::Rows& expected, CheckReport& report)
      : txn_(txn),
        log_(log),
        table_(table),
        expected_(expected),
        problems_(report, kNamedPerTable, RowNoun(table)) {}

  Status Run(bool skip) {
    if (skip) {
      return Status::Ok();
    }
    std::unordered_set<std::string> seen;
    TG_RETURN_IF_ERROR(txn_.ForEach(
        table_, "", "", [&](std::string_view key, std::string_view value) -> Result<bool> {
          const std::string k(key);
          auto it = expected_.find(k);
          if (it == expected_.end()) {
            problems_.Add(RowNoun(table_) + " " + ShowKey(key) +
                          " is in the ledger but no audit record wrote it (added outside "
                          "tierguard)");
            return true;
          }
          seen.insert(k);
          if (!it->second.checkable) {
            return true;
          }
          TG_ASSIGN_OR_RETURN(const auto digest, ActualDigest(key, value, it->second.legacy));
          if (digest != it->second.digest) {
            TG_ASSIGN_OR_RETURN(std::string why, Explain(key, value, it->second.index));
            problems_.Add(RowNoun(table_) + " " + ShowKey(key) + " differs from audit record " +
                          std::to_string(it->second.index) + ": " + why);
          }
          return true;
        }));
    for (const auto& [key, row] : expected_) {
      if (!seen.count(key)) {
        problems_.Add(RowNoun(table_) + " " + ShowKey(key) + " is missing from the ledger; " +
                      "audit record " + std::to_string(row.index) +
                      " wrote it (deleted outside tierguard)");
      }
    }
    problems_.Finish();
    return Status::Ok();
  }

 private:
  bool Movements() const {
    return table_ == kShipments || table_ == kReservations || table_ == kRefusals;
  }

  // The digest of a row as its record's digest is made. A legacy record says less: the row is
  // compared on what it says.
  Result<std::array<uint8_t, 32>> ActualDigest(std::string_view key, std::string_view value,
                                               bool legacy) {
    if (!Movements()) {
      return Digest(value);
    }
    Movement m;
    TG_RETURN_IF_ERROR(FromJson(value, key, m));
    const std::string sha = Sha256Hex(m.request);
    return Digest(MovementProjection(std::move(m), sha, legacy));
  }

  Result<std::string> Explain(std::string_view key, std::string_view value, uint64_t index) {
    if (!Movements()) {
      TG_ASSIGN_OR_RETURN(std::string record, log_.Record(index));
      TG_ASSIGN_OR_RETURN(std::string_view body, audit::RecordBody(record));
      if (table_ == kLists) {
        return std::string("the kept list does not hash to the digest its load logged");
      }
      return FirstJsonDifference(body, value);
    }
    Movement m;
    TG_RETURN_IF_ERROR(FromJson(value, key, m));
    TG_ASSIGN_OR_RETURN(std::string origin, log_.Record(m.audit_index));
    auto body = audit::RecordBody(origin);
    if (!body) {
      return std::string("its audit_index does not name its record");
    }
    auto fields = ParseMovementBody(*body);
    if (!fields) {
      return std::string("its audit_index names a record that is not a movement");
    }
    if (fields->request_sha256 != Sha256Hex(m.request)) {
      return std::string("its request does not hash to the digest in its record");
    }
    const std::string row = ToJson(m);
    Movement logged = fields->movement;
    logged.id = m.id;
    logged.kind = m.kind;
    logged.state = m.state;
    logged.audit_index = m.audit_index;
    if (fields->legacy) {
      logged.date = m.date;
      logged.consignee = m.consignee;
      logged.group = m.group;
      logged.recorded_at = m.recorded_at;
      logged.expires_at = m.expires_at;
    }
    if (m.kind == "shipment" && logged.recorded_at != m.recorded_at) {
      logged.recorded_at = m.recorded_at;  // a committed hold: the commit's time
    }
    const std::string want = ToJson(logged);
    const std::string diff =
        FirstJsonDifference(want.substr(0, want.find('\n')), row.substr(0, row.find('\n')));
    return diff == "the row is written differently from its record"
               ? std::string("its state or time differs from what the log's records make it")
               : diff;
  }

  store::Transaction& txn_;
  audit::AuditLog& log_;
  Table table_;
  const LogReplayer::Rows& expected_;
  CappedProblems problems_;
};

}  // namespace

Status Reconcile(store::Transaction& txn, CheckReport& report) {
  audit::AuditLog log(txn);
  TG_ASSIGN_OR_RETURN(const uint64_t size, log.Size());
  LogReplayer replayer({});
  Status scanned = log.ScanRecords(0, size, [&](uint64_t index, std::string_view record) {
    replayer.Apply(index, record);
    return Status::Ok();
  });
  report.records = static_cast<int64_t>(size);
  if (!scanned.ok()) {
    report.problems.push_back(scanned.message() +
                              "; the ledger was not compared with its log past this point");
    return Status::Ok();
  }
  for (const std::string& f : replayer.findings()) {
    report.problems.push_back(f);
  }
  if (replayer.findings_count() > replayer.findings().size()) {
    report.problems.push_back(
        "… and " + std::to_string(replayer.findings_count() - replayer.findings().size()) +
        " more findings in the log's records");
  }
  std::vector<Table> compared = {kShipments,     kReservations,  kHolds,      kLicenses,
                                 kApplications,  kAgreements,    kVeus,       kParties,
                                 kPartyLinks,    kLists,         kClearances, kAlerts,
                                 kNearThreshold, kNotifications, kRefusals};
  for (const auto& [kind, table] : LoggedRowKinds()) {
    if (std::find(compared.begin(), compared.end(), table) == compared.end()) {
      compared.push_back(table);
    }
  }
  for (Table t : compared) {
    TableComparison compare(txn, log, t, replayer.rows(t), report);
    // A damaged row ends its table's comparison; the others still run.
    if (Status s = compare.Run(t == kHolds && replayer.legacy_holds()); !s.ok()) {
      report.problems.push_back(s.message());
    }
  }
  // Counters: every one the log moves, and none it does not.
  TG_ASSIGN_OR_RETURN(auto counters, txn.ScanCounters(""));
  const auto& expected = replayer.counters();
  CappedProblems problems(report, kNamedPerTable * 2, "counter");
  std::unordered_set<std::string> seen;
  for (const auto& [key, value] : counters) {
    if (key.starts_with("seq:")) {
      continue;  // id sequences: a lowered one only makes the next id collide (refused)
    }
    seen.insert(key);
    const auto it = expected.find(key);
    const int64_t want = it == expected.end() ? 0 : it->second;
    if (value != want) {
      problems.Add("counter " + key + " is " + std::to_string(value) +
                   " but the log's records add up to " + std::to_string(want));
    }
  }
  for (const auto& [key, value] : expected) {
    if (value != 0 && !seen.count(key)) {
      problems.Add("counter " + key + " is missing; the log's records add up to " +
                   std::to_string(value));
    }
  }
  problems.Finish();
  // The regime versions that made the logged decisions are kept, unchanged, for replay.
  for (const std::string& hash : replayer.regime_hashes()) {
    TG_ASSIGN_OR_RETURN(auto source, txn.Get(audit::kAuditTable, "regime/" + hash));
    if (!source) {
      report.problems.push_back("regime " + Excerpt(hash, 80) +
                                " decided logged records but is not kept in the ledger");
    } else if ("sha256:" + Sha256Hex(*source) != hash) {
      report.problems.push_back("the kept regime " + Excerpt(hash, 80) + " was changed");
    }
  }
  return Status::Ok();
}

}  // namespace tg::ledger

namespace tg {

Result<ReconcileReport> ReconcileAuditBundle(const std::string& bundle) {
  std::FILE* frontier = std::fopen((bundle + "/frontier").c_str(), "rb");
  char head[64] = {0};
  const bool from_zero = frontier != nullptr &&
                         std::fgets(head, sizeof(head), frontier) != nullptr &&
                         std::string_view(head) == "from 0\n";
  if (frontier != nullptr) {
    std::fclose(frontier);
  }
  if (!from_zero) {
    return InvalidArgument(bundle +
                           ": the bundle does not start at record 0; balances need the "
                           "whole log (a bundle from record 0)");
  }
  std::FILE* in = std::fopen((bundle + "/records.jsonl").c_str(), "rb");
  if (in == nullptr) {
    return InvalidArgument(bundle + "/records.jsonl: " + std::strerror(errno));
  }
  ledger::LogReplayer replayer({});
  char* line = nullptr;
  size_t cap = 0;
  ssize_t n;
  uint64_t index = 0;
  while ((n = ::getline(&line, &cap, in)) > 0) {
    std::string_view record(line, static_cast<size_t>(n));
    if (record.back() == '\n') {
      record.remove_suffix(1);
    }
    replayer.Apply(index++, record);
  }
  std::free(line);
  std::fclose(in);
  ReconcileReport report;
  report.records = index;
  report.counters = replayer.counters().size();
  report.findings = replayer.findings();
  report.findings_count = replayer.findings_count();
  return report;
}

}  // namespace tg
