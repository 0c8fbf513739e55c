#include "src/ledger/ledger.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include <simdjson.h>

#include "tierguard/text.h"

#include "src/common/checked.h"
#include "src/common/digest.h"
#include "src/common/json_writer.h"
#include "src/common/text.h"
#include "src/ledger/reconcile.h"

namespace tg::ledger {

using store::Table;

namespace {

const bool kLedgerTables = store::RegisterTables({
    {kShipments, "shipments"},
    {kReservations, "reservations"},
    {kLicenses, "licences"},
    {kApplications, "applications"},
    {kAgreements, "agreements"},
    {kVeus, "veus"},
    {kParties, "parties"},
    {kPartyLinks, "party links"},
    {kAlerts, "alerts"},
    {kNearThreshold, "near-threshold orders"},
    {kLists, "lists"},
    {kClearances, "clearances"},
    {kHolds, "holds"},
    {kNotifications, "notifications"},
    {kRefusals, "refusals"},
});

// Licence and application limits within tierguard's maxima (src/common/checked.h).
Status CheckLimits(int64_t quantity, double value_usd, double tpp, std::string_view what) {
  const std::string w(what);
  if (quantity < 0 || quantity > kMaxLicenseQuantity) {
    return InvalidArgument(w + ".quantity: must be from 0 to 1e12 units");
  }
  TG_RETURN_IF_ERROR(ScaledFigure(value_usd, 100.0, kMaxValueUsd, w + ".value_usd").status());
  return ScaledFigure(tpp, 1000.0, kMaxTotalTpp, w + ".tpp").status();
}

Status Validate(const License& l) {
  if (l.number.empty()) {
    return InvalidArgument("license.number: required");
  }
  if (l.eccns.empty()) {
    return InvalidArgument("license.eccns: at least one ECCN");
  }
  if (l.destination.empty()) {
    return InvalidArgument("license.destination: required");
  }
  TG_RETURN_IF_ERROR(CheckLimits(l.quantity_limit, l.value_limit_usd, l.tpp_limit, "license"));
  if (l.quantity_limit == 0 && l.value_limit_usd == 0 && l.tpp_limit == 0) {
    return InvalidArgument("license: needs a quantity, value or TPP limit");
  }
  if (l.valid_to < l.valid_from) {
    return InvalidArgument("license.valid_to: before valid_from");
  }
  return Status::Ok();
}

// Every record of a table, decoded.
template <typename T>
Result<std::vector<T>> LoadAll(store::Transaction& txn, Table table) {
  TG_ASSIGN_OR_RETURN(auto rows, txn.Scan(table, ""));
  std::vector<T> out;
  out.reserve(rows.size());
  for (const auto& [key, value] : rows) {
    T record;
    TG_RETURN_IF_ERROR(FromJson(value, key, record));
    out.push_back(std::move(record));
  }
  return out;
}

// The records of `table` that `page` selects, decoded, in key order.
template <typename T>
Result<Page<T>> LoadPage(store::Transaction& txn, Table table, const PageRequest& page) {
  TG_ASSIGN_OR_RETURN(Page<store::Row> rows, store::ReadPage(txn, table, page));
  Page<T> out{.items = std::vector<T>(rows.items.size()), .next = std::move(rows.next)};
  for (size_t i = 0; i < rows.items.size(); ++i) {
    TG_RETURN_IF_ERROR(FromJson(rows.items[i].second, rows.items[i].first, out.items[i]));
  }
  return out;
}

// Inserts a new record; AlreadyExists names it ("licence L-1 is already on record").
Status InsertNew(store::Transaction& txn, Table table, const std::string& key,
                 const std::string& value, std::string_view what) {
  Status s = txn.Insert(table, key, value);
  if (s.code() == StatusCode::kAlreadyExists) {
    return AlreadyExists(std::string(what) + " " + key + " is already on record");
  }
  return s;
}

}  // namespace

Result<int64_t> View::Counter(const std::string& key) {
  auto it = counters_.find(key);
  if (it != counters_.end()) {
    return it->second;
  }
  TG_ASSIGN_OR_RETURN(int64_t v, txn_.Counter(key));
  counters_.emplace(key, v);
  return v;
}

void View::Added(const std::string& key, int64_t delta) {
  auto it = counters_.find(key);
  if (it != counters_.end()) {
    it->second += delta;
  }
}

Result<const std::vector<License>*> View::Licenses() {
  if (!licenses_) {
    TG_ASSIGN_OR_RETURN(licenses_, LoadAll<License>(txn_, kLicenses));
  }
  return &*licenses_;
}

Result<const std::vector<Veu>*> View::Veus() {
  if (!veus_) {
    TG_ASSIGN_OR_RETURN(veus_, LoadAll<Veu>(txn_, kVeus));
  }
  return &*veus_;
}

Result<const std::vector<Notification>*> View::Notifications() {
  if (!notifications_) {
    TG_ASSIGN_OR_RETURN(notifications_, LoadAll<Notification>(txn_, kNotifications));
  }
  return &*notifications_;
}

Result<double> View::AgreementIncrease(Country country, std::string_view cap, Date date) {
  if (!agreements_) {
    TG_ASSIGN_OR_RETURN(agreements_, LoadAll<Agreement>(txn_, kAgreements));
  }
  double total = 0;
  for (const Agreement& a : *agreements_) {
    if (a.country == country && a.cap == cap && a.from <= date && date <= a.to) {
      total += a.increase;
    }
  }
  return total;
}

Status View::LoadGroups() {
  TG_ASSIGN_OR_RETURN(auto parties, txn_.Scan(kParties, ""));
  TG_ASSIGN_OR_RETURN(auto links, txn_.Scan(kPartyLinks, ""));
  std::map<std::string, std::string> parent;  // union-find over party ids
  std::function<std::string(const std::string&)> find = [&](const std::string& x) {
    auto it = parent.find(x);
    if (it == parent.end()) {
      parent[x] = x;
      return x;
    }
    if (it->second == x) {
      return x;
    }
    std::string root = find(it->second);
    parent[x] = root;
    return root;
  };
  auto unite = [&](const std::string& a, const std::string& b) {
    std::string ra = find(a);
    std::string rb = find(b);
    if (ra != rb) {
      parent[std::max(ra, rb)] = std::min(ra, rb);  // the smallest id names the group
    }
  };
  std::map<std::string, std::string> by_address;
  std::map<std::string, std::string> by_owner;
  for (const auto& [key, value] : parties) {
    PartyRecord p;
    TG_RETURN_IF_ERROR(FromJson(value, key, p));
    find(p.id);
    if (!p.address.empty()) {
      auto [it, inserted] = by_address.emplace(LookupKey(p.address), p.id);
      if (!inserted) {
        unite(it->second, p.id);
      }
    }
    for (const std::string& owner : p.beneficial_owners) {
      auto [it, inserted] = by_owner.emplace(LookupKey(owner), p.id);
      if (!inserted) {
        unite(it->second, p.id);
      }
    }
  }
  for (const auto& [key, value] : links) {
    PartyLink l;
    TG_RETURN_IF_ERROR(FromJson(value, key, l));
    unite(l.from, l.to);
  }
  groups_.emplace();
  for (const auto& [id, p] : parent) {
    (*groups_)[id] = find(id);
  }
  return Status::Ok();
}

Result<std::string> View::GroupOf(const std::string& party) {
  if (!groups_) {
    TG_RETURN_IF_ERROR(LoadGroups());
  }
  auto it = groups_->find(party);
  return it == groups_->end() ? party : it->second;
}

Status Ledger::Log(std::string_view kind, std::string_view subject, std::string body,
                   std::string_view actor) {
  audit::Entry e{.kind = std::string(kind),
                 .actor = std::string(actor.empty() ? actor_ : actor),
                 .request_id = request_id_,
                 .time = clock_.NowUnix(),
                 .subject = std::string(subject),
                 .body = std::move(body)};
  return audit_.Append(e).status();
}

namespace {

// The lists' manifest in kMeta: one row a list, and a mark that every kept list has its row.
constexpr std::string_view kListVersionPrefix = "list-version/";
constexpr std::string_view kListVersionsComplete = "list-versions-complete";

}  // namespace

Result<std::optional<Ledger::ListVersions>> Ledger::KeptListVersions() {
  TG_ASSIGN_OR_RETURN(auto complete, txn_.Get(store::kMeta, kListVersionsComplete));
  if (!complete) {
    return std::optional<ListVersions>();
  }
  TG_ASSIGN_OR_RETURN(auto rows, txn_.Scan(store::kMeta, kListVersionPrefix));
  ListVersions versions;
  for (auto& [key, version] : rows) {
    versions.emplace_back(key.substr(kListVersionPrefix.size()), std::move(version));
  }
  return std::optional<ListVersions>(std::move(versions));
}

Status Ledger::NoteListVersion(std::string_view name, std::string_view version) {
  return txn_.Put(store::kMeta, std::string(kListVersionPrefix) + std::string(name), version);
}

Status Ledger::MarkListVersionsComplete() {
  return txn_.Put(store::kMeta, kListVersionsComplete, "1");
}

Status Ledger::StoreList(std::string_view name, std::string_view version,
                         std::string_view list_json, std::string audit_body) {
  // Kept lists are read back for every decision: one that is not UTF-8 would stop them all.
  TG_RETURN_IF_ERROR(CheckUtf8(list_json, "list " + Excerpt(name, 80)));
  TG_RETURN_IF_ERROR(txn_.Put(kLists, name, list_json));
  TG_RETURN_IF_ERROR(NoteListVersion(name, version));
  // The digest of what is kept, so that `check` can hold the kept list against its record.
  if (audit_body.empty() || audit_body.back() != '}') {
    return InvalidArgument("list.load: the record body must be a JSON object");
  }
  audit_body.pop_back();
  audit_body +=
      (audit_body.size() > 1 ? ",\"sha256\":\"" : "\"sha256\":\"") + Sha256Hex(list_json) + "\"}";
  return Log("list.load", name, std::move(audit_body));
}

Result<std::vector<store::Row>> Ledger::StoredLists() { return txn_.Scan(kLists, ""); }

Result<std::optional<std::string>> Ledger::StoredList(std::string_view name) {
  return txn_.Get(kLists, name);
}

Status Ledger::AddClearance(std::string_view key, std::string json) {
  TG_RETURN_IF_ERROR(txn_.Put(kClearances, key, json));
  return Log("hit.clear", key, std::move(json));
}

Status Ledger::RemoveClearance(std::string_view key, std::string json) {
  TG_ASSIGN_OR_RETURN(auto existing, txn_.Get(kClearances, key));
  if (!existing) {
    return NotFound("no clearance '" + Excerpt(key, 120) + "' on record (see tierguard hits list)");
  }
  TG_RETURN_IF_ERROR(txn_.Delete(kClearances, key));
  return Log("hit.revoke", key, std::move(json));
}

Result<Page<store::Row>> Ledger::Clearances(const PageRequest& page) {
  return store::ReadPage(txn_, kClearances, page);
}

Result<Page<store::Row>> Ledger::Alerts(const PageRequest& page) {
  return store::ReadPage(txn_, kAlerts, page);
}

Status Ledger::AddNearThreshold(std::string_view key, std::string json) {
  TG_RETURN_IF_ERROR(txn_.Put(kNearThreshold, key, json));
  return Log("structuring.near", key, std::move(json));
}

Status Ledger::AddAlert(std::string_view key, std::string json) {
  TG_RETURN_IF_ERROR(txn_.Put(kAlerts, key, json));
  return Log("alert", key, std::move(json));
}

Status Ledger::AddLicense(const License& license_in) {
  TG_RETURN_IF_ERROR(Validate(license_in));
  License license = license_in;
  if (license.approved_by.empty()) {
    license.approved_by = actor_;
  }
  const std::string json = ToJson(license);
  TG_RETURN_IF_ERROR(InsertNew(txn_, kLicenses, license.number, json, "licence"));
  return Log("licence.add", license.number, json);
}

Status Ledger::RevokeLicense(std::string_view number, std::string_view reason) {
  if (reason.empty()) {
    return InvalidArgument("license.revocation: a reason is required");
  }
  TG_ASSIGN_OR_RETURN(License license, GetLicense(number));
  if (license.state != LicenseState::kActive) {
    return FailedPrecondition("license: licence '" + license.number + "' is " +
                              std::string(StateName(license.state)) + " already");
  }
  license.state = LicenseState::kRevoked;
  license.revocation = std::string(reason);
  const std::string json = ToJson(license);
  TG_RETURN_IF_ERROR(txn_.Put(kLicenses, license.number, json));
  return Log("licence.revoke", license.number, json);
}

Result<Page<License>> Ledger::Licenses(const PageRequest& page) {
  return LoadPage<License>(txn_, kLicenses, page);
}

Result<License> Ledger::GetLicense(std::string_view number) {
  TG_ASSIGN_OR_RETURN(auto value, txn_.Get(kLicenses, number));
  if (!value) {
    return NotFound("license: no licence '" + std::string(number) + "' on record");
  }
  License l;
  TG_RETURN_IF_ERROR(FromJson(*value, number, l));
  return l;
}

Result<LicenseStatus> Ledger::LicenseBalance(License license) {
  LicenseStatus out;
  TG_ASSIGN_OR_RETURN(out.quantity_used, txn_.Counter(LicenseCounter(license.number, "quantity")));
  TG_ASSIGN_OR_RETURN(int64_t milli_tpp, txn_.Counter(LicenseCounter(license.number, "tpp")));
  TG_ASSIGN_OR_RETURN(int64_t cents, txn_.Counter(LicenseCounter(license.number, "value")));
  out.tpp_used = static_cast<double>(milli_tpp) / 1000.0;
  out.value_used_usd = static_cast<double>(cents) / 100.0;
  out.license = std::move(license);
  return out;
}

Result<std::string> Ledger::Apply(LicenseApplication app, bool submit) {
  if (app.requester.empty()) {
    return InvalidArgument("application.requester: required");
  }
  if (app.eccns.empty() || app.destination.empty()) {
    return InvalidArgument("application: needs eccns and a destination");
  }
  TG_RETURN_IF_ERROR(CheckLimits(app.quantity, app.value_usd, app.tpp, "application"));
  if (app.quantity <= 0 && app.tpp <= 0 && app.value_usd <= 0) {
    return InvalidArgument("application: needs a quantity, TPP or value");
  }
  if (app.id.empty()) {
    TG_ASSIGN_OR_RETURN(int64_t n, txn_.AddCounter("seq:application", 1));
    app.id = "APP-" + std::to_string(n);
  }
  app.state = submit ? ApplicationState::kSubmitted : ApplicationState::kDraft;
  app.approver.clear();
  app.reason.clear();
  app.license_number.clear();
  const std::string json = ToJson(app);
  TG_RETURN_IF_ERROR(InsertNew(txn_, kApplications, app.id, json, "application"));
  TG_RETURN_IF_ERROR(Log("application.create", app.id, json));
  return app.id;
}

Result<LicenseApplication> Ledger::GetApplication(std::string_view id) {
  TG_ASSIGN_OR_RETURN(auto value, txn_.Get(kApplications, id));
  if (!value) {
    return NotFound("application: no application '" + std::string(id) + "'");
  }
  LicenseApplication a;
  TG_RETURN_IF_ERROR(FromJson(*value, id, a));
  return a;
}

Status Ledger::Submit(std::string_view id) {
  TG_ASSIGN_OR_RETURN(LicenseApplication a, GetApplication(id));
  if (a.state != ApplicationState::kDraft) {
    return FailedPrecondition("application " + a.id + " is " + std::string(StateName(a.state)) +
                              ", not draft");
  }
  a.state = ApplicationState::kSubmitted;
  const std::string json = ToJson(a);
  TG_RETURN_IF_ERROR(txn_.Put(kApplications, a.id, json));
  return Log("application.submit", a.id, json);
}

Result<std::string> Ledger::Approve(std::string_view id, std::string_view approver,
                                    std::string_view number, std::optional<Date> valid_from) {
  TG_ASSIGN_OR_RETURN(LicenseApplication a, GetApplication(id));
  if (approver.empty()) {
    return InvalidArgument("approver: required");
  }
  if (approver == a.requester) {
    return PermissionDenied("application " + a.id + ": the requester (" + a.requester +
                            ") may not approve it");
  }
  if (a.state != ApplicationState::kSubmitted) {
    return FailedPrecondition("application " + a.id + " is " + std::string(StateName(a.state)) +
                              ", not submitted");
  }
  License l;
  l.number = number.empty() ? "TG-" + a.id : std::string(number);
  l.regime = a.regime;
  l.eccns = a.eccns;
  l.destination = a.destination;
  l.consignee = a.consignee;
  l.quantity_limit = a.quantity;
  l.value_limit_usd = a.value_usd;
  l.tpp_limit = a.tpp;
  l.valid_from = valid_from.value_or(a.valid_from.value_or(Today(clock_)));
  l.valid_to = a.valid_to;
  l.conditions = "issued on application " + a.id + ", approved by " + std::string(approver);
  l.approved_by = std::string(approver);
  TG_RETURN_IF_ERROR(AddLicense(l));
  a.state = ApplicationState::kApproved;
  a.approver = std::string(approver);
  a.license_number = l.number;
  const std::string json = ToJson(a);
  TG_RETURN_IF_ERROR(txn_.Put(kApplications, a.id, json));
  TG_RETURN_IF_ERROR(Log("application.approve", a.id, json, approver));
  return l.number;
}

Status Ledger::Decide(std::string_view id, std::string_view approver, std::string_view reason,
                      ApplicationState state) {
  TG_ASSIGN_OR_RETURN(LicenseApplication a, GetApplication(id));
  if (approver.empty()) {
    return InvalidArgument("approver: required");
  }
  if (approver == a.requester) {
    return PermissionDenied("application " + a.id + ": the requester may not decide it");
  }
  if (a.state != ApplicationState::kSubmitted) {
    return FailedPrecondition("application " + a.id + " is " + std::string(StateName(a.state)) +
                              ", not submitted");
  }
  a.state = state;
  a.approver = std::string(approver);
  a.reason = std::string(reason);
  const std::string json = ToJson(a);
  TG_RETURN_IF_ERROR(txn_.Put(kApplications, a.id, json));
  return Log("application." + std::string(StateName(state)), a.id, json, approver);
}

Status Ledger::Deny(std::string_view id, std::string_view approver, std::string_view reason) {
  return Decide(id, approver, reason, ApplicationState::kDenied);
}

Status Ledger::Return(std::string_view id, std::string_view approver, std::string_view reason) {
  return Decide(id, approver, reason, ApplicationState::kReturnedWithoutAction);
}

Result<Page<LicenseApplication>> Ledger::Applications(const PageRequest& page) {
  return LoadPage<LicenseApplication>(txn_, kApplications, page);
}

Status Ledger::AddVeu(const Veu& v) {
  if (v.id.empty() || v.holder.empty() || v.eccns.empty()) {
    return InvalidArgument("veu: needs an id, a holder and eccns");
  }
  if (v.kind == "national") {
    if (v.country.empty() || !(v.limit_tpp > 0)) {
      return InvalidArgument("veu: a national VEU needs a country and a TPP ceiling (limit_tpp)");
    }
  } else if (v.kind == "universal") {
    if (!(v.total_tpp > 0)) {
      return InvalidArgument("veu: a universal VEU needs the holder's installed base (total_tpp)");
    }
    if (!(v.tier2_share > 0 && v.tier2_share <= 1) ||
        !(v.country_share > 0 && v.country_share <= 1)) {
      return InvalidArgument("veu: shares must be in (0, 1]");
    }
  } else {
    return InvalidArgument("veu.kind: '" + v.kind + "' is not universal or national");
  }
  TG_RETURN_IF_ERROR(ScaledFigure(v.limit_tpp, 1000.0, kMaxTotalTpp, "veu.limit_tpp").status());
  TG_RETURN_IF_ERROR(ScaledFigure(v.total_tpp, 1000.0, kMaxTotalTpp, "veu.total_tpp").status());
  if (v.valid_to < v.valid_from) {
    return InvalidArgument("veu.valid_to: before valid_from");
  }
  const std::string json = ToJson(v);
  TG_RETURN_IF_ERROR(InsertNew(txn_, kVeus, v.id, json, "VEU"));
  return Log("veu.add", v.id, json);
}

Result<Page<Veu>> Ledger::Veus(const PageRequest& page) { return LoadPage<Veu>(txn_, kVeus, page); }

Status Ledger::FileNotification(Notification n) {
  if (n.id.empty() || n.party.empty() || n.destination.empty()) {
    return InvalidArgument("notification: needs an id, the notified party's id and a destination");
  }
  TG_RETURN_IF_ERROR(CheckLimits(n.quantity_limit, n.value_limit_usd, 0, "notification"));
  if (n.quantity_limit == 0 && n.value_limit_usd == 0) {
    return InvalidArgument("notification: needs the quantity or value it covers");
  }
  n.state = NotificationState::kFiled;
  n.confirmation.clear();
  n.answered = Date::Max();
  const std::string json = ToJson(n);
  TG_RETURN_IF_ERROR(InsertNew(txn_, kNotifications, n.id, json, "notification"));
  return Log("nac.file", n.id, json);
}

Status Ledger::Answer(std::string_view id, std::string_view confirmation, Date date,
                      NotificationState state) {
  TG_ASSIGN_OR_RETURN(auto value, txn_.Get(kNotifications, id));
  if (!value) {
    return NotFound("notification: no NAC notification '" + Excerpt(id, 80) + "' on record");
  }
  Notification n;
  TG_RETURN_IF_ERROR(FromJson(*value, id, n));
  if (n.state != NotificationState::kFiled) {
    return FailedPrecondition("notification: " + n.id + " was already " +
                              std::string(StateName(n.state)) + " on " + n.answered.ToString());
  }
  if (date < n.filed) {
    return FailedPrecondition("notification.date: " + date.ToString() + " is before " + n.id +
                              " was filed (" + n.filed.ToString() + ")");
  }
  n.state = state;
  n.confirmation = std::string(confirmation);
  n.answered = date;
  const std::string json = ToJson(n);
  TG_RETURN_IF_ERROR(txn_.Put(kNotifications, n.id, json));
  return Log(
      std::string("nac.") + (n.state == NotificationState::kConfirmed ? "confirm" : "refuse"), n.id,
      json);
}

Status Ledger::ConfirmNotification(std::string_view id, std::string_view confirmation, Date date) {
  if (confirmation.empty()) {
    return InvalidArgument("notification.confirmation: BIS's confirmation number is required");
  }
  return Answer(id, confirmation, date, NotificationState::kConfirmed);
}

Status Ledger::RefuseNotification(std::string_view id, Date date) {
  return Answer(id, "", date, NotificationState::kRefused);
}

Result<Page<Notification>> Ledger::Notifications(const PageRequest& page) {
  return LoadPage<Notification>(txn_, kNotifications, page);
}

Status Ledger::AddAgreement(const Agreement& agreement) {
  if (agreement.id.empty() || agreement.country.empty() || agreement.cap.empty()) {
    return InvalidArgument("agreement: needs an id, a country and a cap");
  }
  if (!(agreement.increase > 0) || agreement.increase > 10) {
    return InvalidArgument("agreement.increase: a fraction above 0 (1.0 doubles the cap)");
  }
  if (agreement.to < agreement.from) {
    return InvalidArgument("agreement.to: before from");
  }
  const std::string json = ToJson(agreement);
  TG_RETURN_IF_ERROR(InsertNew(txn_, kAgreements, agreement.id, json, "agreement"));
  return Log("agreement.add", agreement.id, json);
}

Result<Page<Agreement>> Ledger::Agreements(const PageRequest& page) {
  return LoadPage<Agreement>(txn_, kAgreements, page);
}

Status Ledger::AddParty(const PartyRecord& party) {
  if (party.id.empty() || party.country.empty()) {
    return InvalidArgument("party: needs an id and a country");
  }
  const std::string json = ToJson(party);
  TG_RETURN_IF_ERROR(InsertNew(txn_, kParties, party.id, json, "party"));
  return Log("party.add", party.id, json);
}

Status Ledger::Link(const PartyLink& link) {
  if (link.kind != "owns" && link.kind != "shares_address" && link.kind != "shares_owner") {
    return InvalidArgument("link.kind: '" + link.kind +
                           "' is not owns, shares_address or shares_owner");
  }
  if (link.from == link.to) {
    return InvalidArgument("link: a party cannot be linked to itself");
  }
  if (link.kind == "owns" && !(link.share > 0 && link.share <= 1)) {
    return InvalidArgument("link.share: an ownership share in (0, 1]");
  }
  for (const std::string* id : {&link.from, &link.to}) {
    TG_ASSIGN_OR_RETURN(auto p, txn_.Get(kParties, *id));
    if (!p) {
      return NotFound("party: no party '" + *id + "' on record");
    }
  }
  const std::string json = ToJson(link);
  TG_RETURN_IF_ERROR(txn_.Put(kPartyLinks, PartyLinkKey(link.from, link.to), json));
  return Log("party.link", link.from, json);
}

Result<PartyRecord> Ledger::GetParty(std::string_view id) {
  TG_ASSIGN_OR_RETURN(auto value, txn_.Get(kParties, id));
  if (!value) {
    return NotFound("party: no party '" + std::string(id) + "' on record");
  }
  PartyRecord p;
  TG_RETURN_IF_ERROR(FromJson(*value, id, p));
  return p;
}

Result<Page<PartyRecord>> Ledger::Parties(const PageRequest& page) {
  return LoadPage<PartyRecord>(txn_, kParties, page);
}

Result<std::vector<PartyLink>> Ledger::LinksOf(std::string_view id) {
  TG_ASSIGN_OR_RETURN(auto rows, txn_.Scan(kPartyLinks, ""));
  std::vector<PartyLink> out;
  for (const auto& [key, value] : rows) {
    PartyLink l;
    TG_RETURN_IF_ERROR(FromJson(value, key, l));
    if (l.from == id || l.to == id) {
      out.push_back(std::move(l));
    }
  }
  return out;
}

Result<std::optional<Movement>> Ledger::FindShipment(std::string_view id) {
  TG_ASSIGN_OR_RETURN(auto value, txn_.Get(kShipments, id));
  if (!value) {
    return std::optional<Movement>();
  }
  Movement m;
  TG_RETURN_IF_ERROR(FromJson(*value, id, m));
  return std::optional<Movement>(std::move(m));
}

Status Ledger::ForEachMovement(bool reservations, std::string_view after,
                               const std::function<Result<bool>(const Movement&)>& visit) {
  return txn_.ForEach(reservations ? kReservations : kShipments, "", after,
                      [&](std::string_view key, std::string_view value) -> Result<bool> {
                        if (!after.empty() && key == after) {
                          return true;  // from the first id after it
                        }
                        Movement m;
                        TG_RETURN_IF_ERROR(FromJson(value, key, m));
                        return visit(m);
                      });
}

Result<std::optional<Movement>> Ledger::FindReservation(std::string_view id) {
  TG_ASSIGN_OR_RETURN(auto value, txn_.Get(kReservations, id));
  if (!value) {
    return std::optional<Movement>();
  }
  Movement m;
  TG_RETURN_IF_ERROR(FromJson(*value, id, m));
  return std::optional<Movement>(std::move(m));
}

Status Ledger::ApplyDeltas(const std::vector<Delta>& deltas, int sign) {
  for (const Delta& d : deltas) {
    TG_RETURN_IF_ERROR(txn_.AddCounter(d.key, sign * d.amount));
  }
  return Status::Ok();
}

namespace {

std::string IdBody(std::string_view id) {
  std::string out = "{\"id\":";
  AppendJsonString(out, id);
  return out + "}";
}

}  // namespace

Status Ledger::KeepRegime(std::string_view content_hash, std::string_view source) {
  const std::string key = "regime/" + std::string(content_hash);
  TG_ASSIGN_OR_RETURN(auto existing, txn_.Get(audit::kAuditTable, key));
  return existing ? Status::Ok() : txn_.Put(audit::kAuditTable, key, source);
}

Result<std::string> Ledger::RecordedDecision(const Movement& m) {
  TG_ASSIGN_OR_RETURN(std::string record, audit_.Record(m.audit_index));
  // The record is canonical: its body ends with "decision":D}} and no escaped text contains
  // an unescaped "decision": key.
  const std::string_view key = "\"decision\":";
  const size_t at = record.find(key);
  if (at == std::string::npos || record.size() < at + key.size() + 2) {
    return DataLoss("audit record " + std::to_string(m.audit_index) + " of " + m.id +
                    " holds no decision");
  }
  return record.substr(at + key.size(), record.size() - at - key.size() - 2);
}

Status Ledger::RecordShipment(const Movement& shipment_in) {
  Movement shipment = shipment_in;
  TG_ASSIGN_OR_RETURN(shipment.audit_index, audit_.Size());
  Status s = txn_.Insert(kShipments, shipment.id, ToJson(shipment));
  if (s.code() == StatusCode::kAlreadyExists) {
    return AlreadyExists("shipment " + shipment.id + " is already recorded");
  }
  TG_RETURN_IF_ERROR(s);
  TG_RETURN_IF_ERROR(ApplyDeltas(shipment.deltas, +1));
  return Log("shipment", shipment.id, MovementBody(shipment));
}

Status Ledger::HoldReservation(const Movement& reservation_in) {
  Movement reservation = reservation_in;
  TG_ASSIGN_OR_RETURN(reservation.audit_index, audit_.Size());
  TG_ASSIGN_OR_RETURN(auto shipped, txn_.Get(kShipments, reservation.id));
  if (shipped) {
    return AlreadyExists("id " + reservation.id + " is already recorded as a shipment");
  }
  if (reservation.expires_at < 0) {
    return InvalidArgument("reservation " + reservation.id + ": expires_at before 1970");
  }
  Status s = txn_.Insert(kReservations, reservation.id, ToJson(reservation));
  if (s.code() == StatusCode::kAlreadyExists) {
    return AlreadyExists("reservation " + reservation.id + " exists");
  }
  TG_RETURN_IF_ERROR(s);
  TG_RETURN_IF_ERROR(
      txn_.Put(kHolds, HoldKey(reservation.expires_at, reservation.id), reservation.id));
  TG_RETURN_IF_ERROR(ApplyDeltas(reservation.deltas, +1));
  return Log("reservation.hold", reservation.id, MovementBody(reservation));
}

Status Ledger::RecordRefusal(const Movement& refusal_in) {
  Movement refusal = refusal_in;
  refusal.kind = "refusal";
  refusal.state = MovementState::kRefused;
  refusal.deltas.clear();
  refusal.expires_at = 0;
  TG_ASSIGN_OR_RETURN(refusal.audit_index, audit_.Size());
  TG_RETURN_IF_ERROR(txn_.Insert(kRefusals, RefusalKey(refusal.audit_index), ToJson(refusal)));
  return Log("refusal", refusal.id, MovementBody(refusal));
}

Result<Movement> MovementOfRecord(store::Transaction& txn, std::string_view kind,
                                  std::string_view subject, uint64_t index) {
  std::optional<std::string> row;
  std::string key(subject);
  if (kind == "shipment") {
    TG_ASSIGN_OR_RETURN(row, txn.Get(kShipments, key));
  } else if (kind == "reservation.hold") {
    TG_ASSIGN_OR_RETURN(row, txn.Get(kReservations, key));
  } else if (kind == "refusal") {
    key = RefusalKey(index);
    TG_ASSIGN_OR_RETURN(row, txn.Get(kRefusals, key));
  }
  if (!row) {
    return NotFound("record " + std::to_string(index) + " (" + std::string(kind) + " " +
                    Excerpt(subject, 80) + "): its request is not in the ledger");
  }
  Movement m;
  TG_RETURN_IF_ERROR(FromJson(*row, key, m));
  return m;
}

Status Ledger::CommitReservation(std::string_view id) {
  TG_ASSIGN_OR_RETURN(auto r, FindReservation(id));
  if (!r) {
    return NotFound("reservation: no reservation '" + std::string(id) + "'");
  }
  if (r->state != MovementState::kHeld) {
    return FailedPrecondition("reservation " + r->id + " is " + std::string(StateName(r->state)) +
                              ", not held");
  }
  if (r->expires_at > 0 && r->expires_at < clock_.NowUnix()) {
    return FailedPrecondition("reservation " + r->id + " expired; reserve again");
  }
  r->state = MovementState::kCommitted;
  TG_RETURN_IF_ERROR(txn_.Put(kReservations, r->id, ToJson(*r)));
  TG_RETURN_IF_ERROR(txn_.Delete(kHolds, HoldKey(r->expires_at, r->id)));
  Movement shipment = *r;
  shipment.kind = "shipment";
  shipment.state = MovementState::kRecorded;
  shipment.recorded_at = clock_.NowUnix();
  Status s = txn_.Insert(kShipments, shipment.id, ToJson(shipment));
  if (s.code() == StatusCode::kAlreadyExists) {
    return AlreadyExists("shipment " + shipment.id + " is already recorded");
  }
  TG_RETURN_IF_ERROR(s);  // the deltas were applied when the reservation was held
  std::string body;
  JsonWriter w(body);
  w.BeginObject().Key("id").String(r->id).Key("recorded_at").Int(shipment.recorded_at).EndObject();
  return Log("reservation.commit", r->id, std::move(body));
}

Status Ledger::ReleaseReservation(std::string_view id) {
  TG_ASSIGN_OR_RETURN(auto r, FindReservation(id));
  if (!r) {
    return NotFound("reservation: no reservation '" + std::string(id) + "'");
  }
  if (r->state != MovementState::kHeld) {
    return FailedPrecondition("reservation " + r->id + " is " + std::string(StateName(r->state)) +
                              "; only a held reservation can be released");
  }
  r->state = MovementState::kReleased;
  TG_RETURN_IF_ERROR(txn_.Put(kReservations, r->id, ToJson(*r)));
  TG_RETURN_IF_ERROR(txn_.Delete(kHolds, HoldKey(r->expires_at, r->id)));
  TG_RETURN_IF_ERROR(ApplyDeltas(r->deltas, -1));
  return Log("reservation.release", r->id, IdBody(r->id));
}

Result<bool> Ledger::ExpireReservations() {
  TG_RETURN_IF_ERROR(IndexHolds());
  const int64_t now = clock_.NowUnix();
  // The holds index is in expiry order: read the expired ones, stop at the first that is not.
  std::vector<std::string> expired;
  const std::string due = HoldKey(now, "");  // holds that expire before `now` sort below it
  TG_RETURN_IF_ERROR(txn_.ForEach(kHolds, "", HoldKey(1, ""),
                                  [&](std::string_view key, std::string_view id) -> Result<bool> {
                                    if (key >= due) {
                                      return false;
                                    }
                                    expired.emplace_back(id);
                                    return true;
                                  }));
  for (const std::string& id : expired) {
    TG_ASSIGN_OR_RETURN(auto r, FindReservation(id));
    if (!r || r->state != MovementState::kHeld) {
      return DataLoss("holds index: reservation '" + id + "' is not held");
    }
    r->state = MovementState::kExpired;
    TG_RETURN_IF_ERROR(txn_.Put(kReservations, r->id, ToJson(*r)));
    TG_RETURN_IF_ERROR(txn_.Delete(kHolds, HoldKey(r->expires_at, r->id)));
    TG_RETURN_IF_ERROR(ApplyDeltas(r->deltas, -1));
    TG_RETURN_IF_ERROR(Log("reservation.expire", r->id, IdBody(r->id), "tierguard"));
  }
  TG_ASSIGN_OR_RETURN(auto any, txn_.Scan(kHolds, "", 1));
  return !any.empty();
}

Status Ledger::IndexHolds() {
  constexpr std::string_view kIndexed = "holds-index";
  TG_ASSIGN_OR_RETURN(auto done, txn_.Get(store::kMeta, kIndexed));
  if (done) {
    return Status::Ok();
  }
  // A ledger from before the index: index its held reservations once (read first, then
  // written: ForEach allows no writes while it streams).
  std::vector<std::pair<std::string, std::string>> held;  // hold key, id
  TG_RETURN_IF_ERROR(txn_.ForEach(
      kReservations, "", "", [&](std::string_view key, std::string_view value) -> Result<bool> {
        Movement r;
        TG_RETURN_IF_ERROR(FromJson(value, key, r));
        if (r.state == MovementState::kHeld) {
          held.emplace_back(HoldKey(r.expires_at, r.id), r.id);
        }
        return true;
      }));
  for (const auto& [key, id] : held) {
    TG_RETURN_IF_ERROR(txn_.Put(kHolds, key, id));
  }
  return txn_.Put(store::kMeta, kIndexed, "1");
}

Result<CheckReport> Ledger::Check() {
  CheckReport report;
  // Every counter against the rows that moved it, reading the rows as a stream.
  std::map<std::string, int64_t> expected;
  auto add = [&](std::string_view key, std::string_view value, bool shipment) -> Result<bool> {
    Movement m;
    Status s = FromJson(value, key, m);
    if (!s.ok()) {
      report.problems.push_back(s.message());
      return true;
    }
    if (shipment) {
      ++report.shipments;
    } else if (m.state == MovementState::kHeld) {
      ++report.reservations_held;
    } else {
      return true;
    }
    for (const Delta& d : m.deltas) {
      expected[d.key] += d.amount;
    }
    return true;
  };
  // A damaged row stops the phase that meets it, not the check: it is reported and the next
  // phase runs.
  auto phase = [&](const Status& s) {
    if (!s.ok()) {
      report.problems.push_back(s.message());
    }
    return s.ok();
  };
  const bool shipments_read =
      phase(txn_.ForEach(kShipments, "", "", [&](auto k, auto v) { return add(k, v, true); }));
  const bool holds_read =
      phase(txn_.ForEach(kReservations, "", "", [&](auto k, auto v) { return add(k, v, false); }));
  auto counters_read = txn_.ScanCounters("");
  if (!phase(counters_read.status()) || !shipments_read || !holds_read) {
    phase(Reconcile(txn_, report));
    return report;
  }
  const auto& counters = *counters_read;
  std::map<std::string, int64_t> actual;
  for (const auto& [key, value] : counters) {
    if (key.rfind("seq:", 0) != 0) {
      actual[key] = value;
    }
  }
  report.counters = static_cast<int64_t>(actual.size());
  for (const auto& [key, value] : actual) {
    const int64_t want = expected.count(key) ? expected[key] : 0;
    if (value != want) {
      report.problems.push_back("counter " + key + " is " + std::to_string(value) +
                                " but its shipments and held reservations sum to " +
                                std::to_string(want));
    }
  }
  for (const auto& [key, value] : expected) {
    if (value != 0 && !actual.count(key)) {
      report.problems.push_back("counter " + key + " is missing; it should be " +
                                std::to_string(value));
    }
  }
  phase(CheckListVersions(report));
  // Then every table and counter against the audit log.
  phase(Reconcile(txn_, report));
  return report;
}

Status Ledger::CheckListVersions(CheckReport& report) {
  TG_ASSIGN_OR_RETURN(auto manifest, KeptListVersions());
  if (!manifest) {
    return Status::Ok();  // kept before the manifest: nothing reads one
  }
  std::map<std::string, std::string, std::less<>> noted(manifest->begin(), manifest->end());
  simdjson::dom::parser parser;
  TG_RETURN_IF_ERROR(txn_.ForEach(
      kLists, "", "", [&](std::string_view name, std::string_view json) -> Result<bool> {
        std::string_view version;
        simdjson::dom::element doc;
        if (parser.parse(json.data(), json.size()).get(doc) ||
            doc["version"].get_string().get(version)) {
          report.problems.push_back("list " + std::string(name) + " has no version");
        } else if (auto it = noted.find(name); it == noted.end()) {
          report.problems.push_back("list " + std::string(name) +
                                    " is kept but not in the lists' manifest");
        } else if (it->second != version) {
          report.problems.push_back("list " + std::string(name) + " is " + std::string(version) +
                                    " but the lists' manifest says " + it->second +
                                    ": screening would use a snapshot of another version");
        }
        noted.erase(std::string(name));
        return true;
      }));
  for (const auto& [name, version] : noted) {
    report.problems.push_back("the lists' manifest names " + name + ", which is not kept");
  }
  return Status::Ok();
}

}  // namespace tg::ledger
