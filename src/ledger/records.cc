#include "src/ledger/records.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include <simdjson.h>

#include "src/common/country_table.h"
#include "src/common/digest.h"
#include "src/common/json_writer.h"
#include "src/common/stored_record.h"

namespace tg::ledger {

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

void Strings(JsonWriter& w, std::string_view key, const std::vector<std::string>& v) {
  w.Key(key).BeginArray();
  for (const auto& s : v) {
    w.String(s);
  }
  w.EndArray();
}

std::string DateText(Date d) { return d == Date::Max() ? "" : d.ToString(); }

}  // namespace

std::string ToJson(const License& r) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("number").String(r.number).Key("regime").String(r.regime);
  Strings(w, "eccns", r.eccns);
  w.Key("destination").String(r.destination.ToString()).Key("consignee").String(r.consignee);
  w.Key("quantity_limit").Int(r.quantity_limit).Key("value_limit_usd").Number(r.value_limit_usd);
  w.Key("tpp_limit").Number(r.tpp_limit).Key("valid_from").String(r.valid_from.ToString());
  w.Key("valid_to").String(r.valid_to.ToString()).Key("conditions").String(r.conditions);
  w.Key("state").String(StateName(r.state)).Key("approved_by").String(r.approved_by);
  if (!r.revocation.empty()) {  // only revoked licences carry it: the others' bytes stay
    w.Key("revocation").String(r.revocation);
  }
  w.EndObject();
  return out;
}

Status FromJson(std::string_view json, std::string_view key, License& r) {
  StoredRecordReader rd(json, key);
  r.number = rd.Str("number");
  r.regime = rd.Str("regime");
  r.eccns = rd.StrList("eccns");
  r.destination = rd.Ctry("destination");
  r.consignee = rd.Str("consignee");
  r.quantity_limit = rd.Int("quantity_limit");
  r.value_limit_usd = rd.Num("value_limit_usd");
  r.tpp_limit = rd.Num("tpp_limit");
  r.valid_from = rd.Dt("valid_from");
  r.valid_to = rd.Dt("valid_to");
  r.conditions = rd.Str("conditions");
  r.state = rd.St<LicenseState>("state");
  r.approved_by = rd.OptStr("approved_by");  // absent from licences recorded before it was kept
  r.revocation = rd.OptStr("revocation");
  return rd.Done();
}

std::string ToJson(const LicenseApplication& r) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("id").String(r.id).Key("requester").String(r.requester);
  w.Key("regime").String(r.regime);
  Strings(w, "eccns", r.eccns);
  w.Key("destination").String(r.destination.ToString()).Key("consignee").String(r.consignee);
  w.Key("quantity").Int(r.quantity).Key("value_usd").Number(r.value_usd).Key("tpp").Number(r.tpp);
  w.Key("valid_to").String(r.valid_to.ToString()).Key("state").String(StateName(r.state));
  w.Key("approver").String(r.approver).Key("reason").String(r.reason);
  w.Key("license_number").String(r.license_number);
  if (r.valid_from) {  // only applications that ask for a start carry it: the others' bytes stay
    w.Key("valid_from").String(r.valid_from->ToString());
  }
  w.EndObject();
  return out;
}

Status FromJson(std::string_view json, std::string_view key, LicenseApplication& r) {
  StoredRecordReader rd(json, key);
  r.id = rd.Str("id");
  r.requester = rd.Str("requester");
  r.regime = rd.Str("regime");
  r.eccns = rd.StrList("eccns");
  r.destination = rd.Ctry("destination");
  r.consignee = rd.Str("consignee");
  r.quantity = rd.Int("quantity");
  r.value_usd = rd.Num("value_usd");
  r.tpp = rd.Num("tpp");
  r.valid_to = rd.Dt("valid_to");
  r.state = rd.St<ApplicationState>("state");
  r.approver = rd.Str("approver");
  r.reason = rd.Str("reason");
  r.license_number = rd.Str("license_number");
  if (const std::string from = rd.OptStr("valid_from"); !from.empty()) {
    auto d = Date::Parse(from);
    if (!d) {
      return DataLoss("stored record '" + std::string(key) + "' is damaged (valid_from)");
    }
    r.valid_from = *d;
  }
  return rd.Done();
}

std::string ToJson(const Agreement& r) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("id").String(r.id).Key("country").String(r.country.ToString());
  w.Key("cap").String(r.cap).Key("increase").Number(r.increase);
  w.Key("from").String(r.from.ToString()).Key("to").String(DateText(r.to));
  w.Key("citation").String(r.citation).EndObject();
  return out;
}

Status FromJson(std::string_view json, std::string_view key, Agreement& r) {
  StoredRecordReader rd(json, key);
  r.id = rd.Str("id");
  r.country = rd.Ctry("country");
  r.cap = rd.Str("cap");
  r.increase = rd.Num("increase");
  r.from = rd.Dt("from");
  r.to = rd.Dt("to", /*optional=*/true);
  r.citation = rd.Str("citation");
  return rd.Done();
}

std::string ToJson(const Veu& r) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("id").String(r.id).Key("kind").String(r.kind).Key("holder").String(r.holder);
  w.Key("headquarters").String(r.headquarters.ToString());
  w.Key("parent_headquarters").String(r.parent_headquarters.ToString());
  w.Key("regime").String(r.regime);
  Strings(w, "eccns", r.eccns);
  w.Key("country").String(r.country.ToString());
  Strings(w, "locations", r.locations);
  w.Key("limit_tpp").Number(r.limit_tpp).Key("total_tpp").Number(r.total_tpp);
  w.Key("tier2_share").Number(r.tier2_share).Key("country_share").Number(r.country_share);
  w.Key("valid_from").String(r.valid_from.ToString()).Key("valid_to").String(DateText(r.valid_to));
  w.EndObject();
  return out;
}

Status FromJson(std::string_view json, std::string_view key, Veu& r) {
  StoredRecordReader rd(json, key);
  r.id = rd.Str("id");
  r.kind = rd.Str("kind");
  r.holder = rd.Str("holder");
  // Records written before eligibility was checked have no headquarters.
  r.headquarters = ParseAlpha2(rd.OptStr("headquarters")).value_or(Country());
  r.parent_headquarters = ParseAlpha2(rd.OptStr("parent_headquarters")).value_or(Country());
  r.regime = rd.Str("regime");
  r.eccns = rd.StrList("eccns");
  const std::string country = rd.Str("country");
  r.country = country.empty() ? Country() : ParseAlpha2(country).value_or(Country());
  r.locations = rd.StrList("locations");
  r.limit_tpp = rd.Num("limit_tpp");
  r.total_tpp = rd.Num("total_tpp");
  r.tier2_share = rd.Num("tier2_share");
  r.country_share = rd.Num("country_share");
  r.valid_from = rd.Dt("valid_from");
  r.valid_to = rd.Dt("valid_to", /*optional=*/true);
  return rd.Done();
}

std::string ToJson(const Notification& r) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("id").String(r.id).Key("party").String(r.party);
  w.Key("destination").String(r.destination.ToString()).Key("filed").String(r.filed.ToString());
  w.Key("quantity_limit").Int(r.quantity_limit).Key("value_limit_usd").Number(r.value_limit_usd);
  w.Key("state").String(StateName(r.state)).Key("confirmation").String(r.confirmation);
  w.Key("answered").String(DateText(r.answered));
  w.EndObject();
  return out;
}

Status FromJson(std::string_view json, std::string_view key, Notification& r) {
  StoredRecordReader rd(json, key);
  r.id = rd.Str("id");
  r.party = rd.Str("party");
  r.destination = rd.Ctry("destination");
  r.filed = rd.Dt("filed");
  r.quantity_limit = rd.Int("quantity_limit");
  r.value_limit_usd = rd.Num("value_limit_usd");
  r.state = rd.St<NotificationState>("state");
  r.confirmation = rd.Str("confirmation");
  r.answered = rd.Dt("answered", /*optional=*/true);
  return rd.Done();
}

std::string ToJson(const PartyRecord& r) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("id").String(r.id).Key("name").String(r.name);
  w.Key("country").String(r.country.ToString()).Key("address").String(r.address);
  Strings(w, "beneficial_owners", r.beneficial_owners);
  w.EndObject();
  return out;
}

Status FromJson(std::string_view json, std::string_view key, PartyRecord& r) {
  StoredRecordReader rd(json, key);
  r.id = rd.Str("id");
  r.name = rd.Str("name");
  r.country = rd.Ctry("country");
  r.address = rd.Str("address");
  r.beneficial_owners = rd.StrList("beneficial_owners");
  return rd.Done();
}

std::string ToJson(const PartyLink& r) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("from").String(r.from).Key("to").String(r.to).Key("kind").String(r.kind);
  w.Key("share").Number(r.share).EndObject();
  return out;
}

Status FromJson(std::string_view json, std::string_view key, PartyLink& r) {
  StoredRecordReader rd(json, key);
  r.from = rd.Str("from");
  r.to = rd.Str("to");
  r.kind = rd.Str("kind");
  r.share = rd.Num("share");
  return rd.Done();
}

namespace {

// The "deltas" list of a movement row or record: [{"key", "amount"}…].
void ReadDeltas(StoredRecordReader& rd, std::vector<Delta>& out) {
  simdjson::dom::array arr;
  if (!rd.Done().ok() || rd.Object()["deltas"].get_array().get(arr)) {
    rd.Fail("deltas");
    return;
  }
  for (element e : arr) {
    object o;
    std::string_view k;
    int64_t amount = 0;
    if (e.get_object().get(o) || o["key"].get_string().get(k) ||
        o["amount"].get_int64().get(amount)) {
      rd.Fail("deltas");
      return;
    }
    out.push_back({std::string(k), amount});
  }
}

}  // namespace

std::string MovementBody(const Movement& m) {
  std::string out;
  out.reserve(m.decision.size() + 256);
  JsonWriter w(out);
  w.BeginObject().Key("request_sha256").String(Sha256Hex(m.request));
  w.Key("regime_hash").String(m.regime_hash).Key("date").String(m.date);
  w.Key("consignee").String(m.consignee).Key("group").String(m.group);
  w.Key("recorded_at").Int(m.recorded_at).Key("expires_at").Int(m.expires_at);
  w.Key("deltas").BeginArray();
  for (const Delta& d : m.deltas) {
    w.BeginObject().Key("key").String(d.key).Key("amount").Int(d.amount).EndObject();
  }
  w.EndArray().Key("decision").Raw(m.decision).EndObject();
  return out;
}

Result<MovementBodyFields> ParseMovementBody(std::string_view body) {
  StoredRecordReader rd(body, "movement record");
  MovementBodyFields f;
  Movement& m = f.movement;
  f.request_sha256 = rd.Str("request_sha256");
  m.regime_hash = rd.Str("regime_hash");
  f.legacy = rd.Done().ok() && rd.Object()["date"].error() == simdjson::NO_SUCH_FIELD;
  if (!f.legacy) {
    m.date = rd.Str("date");
    m.consignee = rd.Str("consignee");
    m.group = rd.Str("group");
    m.recorded_at = rd.Int("recorded_at");
    m.expires_at = rd.Int("expires_at");
  }
  ReadDeltas(rd, m.deltas);
  TG_RETURN_IF_ERROR(rd.Done());
  if (!IsSha256Hex(f.request_sha256)) {
    return DataLoss("movement record: request_sha256 is not a SHA-256 digest");
  }
  return f;
}

std::string HoldKey(int64_t expires_at, std::string_view id) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%020lld",
                static_cast<long long>(std::max<int64_t>(expires_at, 0)));
  std::string key(buf);
  key += '\x1f';
  key.append(id);
  return key;
}

std::string RefusalKey(uint64_t audit_index) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%020llu", static_cast<unsigned long long>(audit_index));
  return buf;
}

std::string PartyLinkKey(std::string_view from, std::string_view to) {
  std::string k(from);
  k += '\x1f';
  k.append(to);
  return k;
}

std::string NotificationCounter(std::string_view id, std::string_view what) {
  std::string key = "nac:";
  key.append(id);
  key += ':';
  key.append(what);
  return key;
}

std::string LicenseCounter(std::string_view number, std::string_view what) {
  std::string key = "licence:";
  key.append(number);
  key += ':';
  key.append(what);
  return key;
}

std::string ToJson(const Movement& r) {
  std::string out;
  out.reserve(r.request.size() + 256);
  JsonWriter w(out);
  w.BeginObject().Key("id").String(r.id).Key("kind").String(r.kind).Key("state").String(
      StateName(r.state));
  w.Key("date").String(r.date).Key("consignee").String(r.consignee).Key("group").String(r.group);
  w.Key("recorded_at").Int(r.recorded_at).Key("expires_at").Int(r.expires_at);
  w.Key("deltas").BeginArray();
  for (const Delta& d : r.deltas) {
    w.BeginObject().Key("key").String(d.key).Key("amount").Int(d.amount).EndObject();
  }
  w.EndArray();
  w.Key("audit_index").Int(static_cast<int64_t>(r.audit_index));
  w.Key("regime_hash").String(r.regime_hash).EndObject();
  out += '\n';
  out += r.request;
  return out;
}

Status FromJson(std::string_view stored, std::string_view key, Movement& r) {
  const size_t newline = stored.find('\n');
  const std::string_view json = stored.substr(0, newline);
  StoredRecordReader rd(json, key);
  if (newline == std::string_view::npos) {
    rd.Fail("no body");
  }
  r.id = rd.Str("id");
  r.kind = rd.Str("kind");
  r.state = rd.St<MovementState>("state");
  r.date = rd.Str("date");
  r.consignee = rd.Str("consignee");
  r.group = rd.Str("group");
  r.recorded_at = rd.Int("recorded_at");
  r.expires_at = rd.Int("expires_at");
  r.audit_index = static_cast<uint64_t>(rd.Int("audit_index"));
  r.regime_hash = rd.Str("regime_hash");
  r.deltas.clear();
  ReadDeltas(rd, r.deltas);
  if (rd.Done().ok()) {
    r.request.assign(stored.substr(newline + 1));
    r.decision.clear();
  }
  return rd.Done();
}

}  // namespace tg::ledger
