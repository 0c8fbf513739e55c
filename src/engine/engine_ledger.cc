// The Engine's ledger commands: ship and reserve streams, reservations, licences and
// applications, agreements, parties, cap usage, the consistency check and alerts. Each command
// is one store transaction.
#include <algorithm>
#include <climits>
#include <cmath>
#include <map>
#include <tuple>
#include <unordered_set>

#include "src/common/json_writer.h"
#include "src/common/stored_record.h"
#include "src/common/text.h"
#include "src/decide/document_reader.h"
#include "src/decide/output.h"
#include "src/decide/request_json.h"
#include "src/engine/engine_impl.h"
#include "src/ledger/ledger.h"

namespace tg {

namespace {

constexpr std::string_view kStructuringText =
    "Related consignees placed repeated orders just under the remaining headroom of a cap; "
    "review the group for orders split to evade it.";

// The ECCNs and regime a licence or VEU names must exist; InvalidArgument names the field.
Status CheckReferences(const Engine::Impl& impl, const std::vector<std::string>& eccns,
                       const std::string& regime, std::string_view what) {
  const auto& known = impl.classifier.eccns();
  for (const std::string& e : eccns) {
    if (std::find(known.begin() + 1, known.end(), e) == known.end()) {
      return InvalidArgument(std::string(what) + ".eccns: unknown ECCN '" + e + "'");
    }
  }
  if (!regime.empty()) {
    TG_RETURN_IF_ERROR(impl.regimes_error);
  }
  if (!regime.empty() && impl.regimes.Find(regime) == nullptr) {
    return InvalidArgument(std::string(what) + ".regime: unknown regime '" + regime + "'");
  }
  return Status::Ok();
}

// Appends `,"key":value` inside the JSON object that ends `json`.
void AppendField(std::string& json, std::string_view key, std::string_view raw_value) {
  json.pop_back();  // '}'
  json += ",\"";
  json.append(key);
  json += "\":";
  json.append(raw_value);
  json += '}';
}

std::string PartyKey(const Request& r) {
  return !r.consignee.id.empty() ? r.consignee.id : r.consignee.name;
}

// Records a near-threshold order for the structuring rule and raises an alert when the group
// has enough of them in the window. Adds a reason to the decision when it alerts.
Status CheckStructuring(const regime::Regime& regime, const Request& req, ledger::View& view,
                        ledger::Ledger& ledger, Decision& decision) {
  store::Transaction& txn = ledger.txn();
  if (!regime.structuring) {
    return Status::Ok();
  }
  const regime::StructuringRule& rule = *regime.structuring;
  const CapUse* use = nullptr;
  for (const CapUse& c : decision.caps) {
    if (c.cap == rule.cap && !c.exceeded && c.requested > 0) {
      use = &c;
    }
  }
  if (use == nullptr) {
    return Status::Ok();
  }
  const double headroom = static_cast<double>(use->limit - use->used);
  if (static_cast<double>(use->requested) < (1.0 - rule.margin) * headroom) {
    return Status::Ok();
  }
  std::string group = req.consignee.group;
  if (group.empty() && !req.consignee.id.empty()) {
    TG_ASSIGN_OR_RETURN(group, view.GroupOf(req.consignee.id));
  }
  if (group.empty()) {
    group = PartyKey(req);
  }
  const std::string prefix = group + '\x1f';
  const std::string date = req.date.ToString();
  std::string near;
  JsonWriter w(near);
  w.BeginObject().Key("id").String(req.id).Key("consignee").String(PartyKey(req));
  w.Key("date").String(date).Key("cap").String(use->cap).Key("key").String(use->key);
  w.Key("requested_tpp").Number(TppFromMilli(use->requested));
  w.Key("headroom_tpp").Number(TppFromMilli(use->limit - use->used)).EndObject();
  TG_RETURN_IF_ERROR(ledger.AddNearThreshold(prefix + date + '\x1f' + req.id, std::move(near)));

  const std::string since = req.date.AddDays(-rule.window_days).ToString();
  TG_ASSIGN_OR_RETURN(auto rows, txn.Scan(ledger::kNearThreshold, prefix));
  std::vector<std::string> orders;
  std::vector<std::string> ids;
  for (const auto& [key, value] : rows) {
    const std::string row_date = key.substr(prefix.size(), 10);
    if (row_date >= since && row_date <= date) {
      orders.push_back(value);
      ids.push_back(key.substr(prefix.size() + 11));
    }
  }
  if (static_cast<int>(orders.size()) < rule.min_orders) {
    return Status::Ok();
  }
  TG_ASSIGN_OR_RETURN(auto alerts, txn.Scan(ledger::kAlerts, prefix));
  for (const auto& [key, value] : alerts) {
    if (key.substr(prefix.size(), 10) >= since) {
      return Status::Ok();  // the group already has an open alert in this window
    }
  }
  std::string alert;
  JsonWriter a(alert);
  a.BeginObject().Key("kind").String("structuring").Key("group").String(group);
  a.Key("date").String(date).Key("regime").String(regime.id).Key("cap").String(rule.cap);
  a.Key("window_days").Int(rule.window_days).Key("min_orders").Int(rule.min_orders);
  a.Key("margin").Number(rule.margin).Key("citation").String(rule.citation);
  a.Key("orders").BeginArray();
  for (const std::string& order : orders) {
    a.Raw(order);
  }
  a.EndArray().EndObject();
  TG_RETURN_IF_ERROR(ledger.AddAlert(prefix + date + '\x1f' + req.id, std::move(alert)));
  std::string detail = "group " + group + ": " + std::to_string(orders.size()) + " orders within " +
                       std::to_string(rule.window_days) + " days (";
  for (size_t i = 0; i < ids.size(); ++i) {
    detail += (i == 0 ? "" : ", ") + ids[i];
  }
  detail += ")";
  Reason r;
  r.rule = "structuring-alert";
  r.citation = rule.citation;
  r.text = kStructuringText;
  r.detail = std::move(detail);
  decision.reasons.push_back(std::move(r));
  return Status::Ok();
}

// Ship and reserve: each batch is one write transaction, committed before its answers are
// written. Every decided request is logged with its request: an allowed one as a shipment or a
// hold, a refused one as a refusal (the log shows who asked for what, and the answer).
class ShipHandler final : public decide::DocumentHandler {
 public:
  // Records as `actor` in request `request_id`, unless SetCaller names another for a document.
  ShipHandler(const Engine& engine, const Clock& clock, std::string_view actor,
              std::string_view request_id, const ScreeningContext* screening,
              const ShipOptions& options)
      : engine_(engine),
        impl_(engine.impl()),
        clock_(clock),
        actor_(actor),
        request_id_(request_id),
        screening_(screening),
        options_(options) {}

  // The caller the next documents' records name (a group of calls committed together).
  void SetCaller(std::string_view actor, std::string_view request_id) {
    ledger_->SetCaller(std::string(actor), std::string(request_id));
  }

  Status BeginBatch() override {
    TG_ASSIGN_OR_RETURN(txn_, impl_.store->Begin());
    view_.emplace(*txn_);
    ledger_.emplace(*txn_, clock_, std::string(actor_), std::string(request_id_));
    TG_ASSIGN_OR_RETURN(holds_, ledger_->ExpireReservations());
    batch_.Clear();
    batch_.set_view(&*view_);
    if (screening_ != nullptr) {
      batch_.set_screener(screening_->screener.get());
    }
    return Status::Ok();
  }

  Result<decide::Answer> Respond(const decide::Document& doc, std::string& out) override {
    const int line = doc.line;
    auto refuse = [&](const Status& s) {
      decide::WriteErrorJson(request_.id, line, s, out);
      return decide::Answer::kRefused;
    };
    if (Status s = decide::ParseRequestJson(doc.text, impl_.countries, line, request_); !s.ok()) {
      return refuse(s);
    }
    if (request_.id.empty()) {
      return refuse(
          InvalidArgument("line " + std::to_string(line) + ": id: required to record a shipment"));
    }
    TG_ASSIGN_OR_RETURN(auto shipped, ledger_->FindShipment(request_.id));
    std::optional<ledger::Movement> held;
    if (holds_ || options_.reserve) {  // only then can the id be a reservation
      TG_ASSIGN_OR_RETURN(held, ledger_->FindReservation(request_.id));
    }
    if (shipped || (held && options_.reserve && held->state == MovementState::kHeld)) {
      TG_ASSIGN_OR_RETURN(std::string again, ledger_->RecordedDecision(shipped ? *shipped : *held));
      AppendField(again, options_.reserve && !shipped ? "reserved" : "recorded", "true");
      AppendField(again, "duplicate", "true");
      out += again;
      return decide::Answer::kAnswered;
    }
    if (held) {
      return refuse(FailedPrecondition(
          "line " + std::to_string(line) + ": id: " + request_.id + " is a " +
          std::string(StateName(held->state)) + " reservation; " +
          (held->state == MovementState::kHeld ? "commit or release it" : "use a new id")));
    }
    engine_.Decide(request_, batch_, decision_);
    if (!decision_.error.ok()) {
      return refuse(decision_.error);
    }
    const bool allowed = IsAllowed(decision_.outcome);
    counts_.Add(decision_);
    const regime::Regime* regime = impl_.regimes.Find(decision_.regime);
    if (allowed) {
      TG_RETURN_IF_ERROR(CheckStructuring(*regime, request_, *view_, *ledger_, decision_));
    }
    json_.clear();
    decide::WriteDecisionJson(decision_, json_);
    // The answer, then the stored decision (moved, not copied).
    out += json_;
    AppendField(out, options_.reserve ? "reserved" : "recorded", allowed ? "true" : "false");
    if (options_.reserve && allowed) {
      AppendField(out, "expires_at", std::to_string(options_.expires_at));
    }
    ledger::Movement m;
    m.id = request_.id;
    m.kind = options_.reserve ? "reservation" : "shipment";
    m.state = options_.reserve ? MovementState::kHeld : MovementState::kRecorded;
    m.date = request_.date.ToString();
    m.consignee = PartyKey(request_);
    m.group = request_.consignee.group;
    m.recorded_at = clock_.NowUnix();
    m.expires_at = options_.reserve ? options_.expires_at : 0;  // a refusal clears it
    for (const auto& [key, amount] : decision_.counter_deltas) {
      m.deltas.push_back({key, amount});
    }
    m.request = doc.text;
    m.decision = std::move(json_);
    m.regime_hash = regime->content_hash;
    if (kept_regimes_.insert(regime).second) {
      TG_RETURN_IF_ERROR(ledger_->KeepRegime(regime->content_hash, regime->source));
    }
    if (!allowed) {
      TG_RETURN_IF_ERROR(ledger_->RecordRefusal(m));
    } else {
      TG_RETURN_IF_ERROR(options_.reserve ? ledger_->HoldReservation(m)
                                          : ledger_->RecordShipment(m));
      for (const auto& [key, amount] : decision_.counter_deltas) {
        view_->Added(key, amount);
      }
    }
    batch_.Clear();  // what this line used is now in the store (and the view's cache)
    return decide::Answer::kAnswered;
  }

  Status EndBatch() override {
    TG_RETURN_IF_ERROR(ledger_->Finish());
    TG_RETURN_IF_ERROR(txn_->Commit());
    ledger_.reset();
    view_.reset();
    txn_.reset();
    return Status::Ok();
  }

  StreamStats Stats(const decide::LineCounts& counts) { return std::move(counts_).Stats(counts); }

 private:
  const Engine& engine_;
  const Engine::Impl& impl_;
  const Clock& clock_;
  std::string_view actor_;
  std::string_view request_id_;
  const ScreeningContext* screening_;
  const ShipOptions& options_;
  std::unique_ptr<store::Transaction> txn_;
  std::optional<ledger::View> view_;
  std::optional<ledger::Ledger> ledger_;
  bool holds_ = false;
  BatchState batch_;
  Request request_;
  Decision decision_;
  std::string json_;
  OutcomeCounts counts_;
  std::unordered_set<const regime::Regime*> kept_regimes_;  // stored in the ledger this run
};

}  // namespace

namespace {

// The lists ship screens against, as kept when it starts.
Result<std::unique_ptr<ScreeningContext>> ScreeningForShip(const Engine::Impl& impl) {
  TG_RETURN_IF_ERROR(impl.regimes_error);
  TG_ASSIGN_OR_RETURN(store::Store * store, impl.Ledger());
  TG_ASSIGN_OR_RETURN(auto read, store->BeginRead());
  return LoadScreening(impl, *read);
}

}  // namespace

Result<std::vector<std::string>> Session::Ship(std::span<const std::string_view> documents,
                                               const ShipOptions& options) const {
  std::vector<ShipCall> calls;
  calls.reserve(documents.size());
  for (std::string_view d : documents) {
    calls.push_back({.document = d, .actor = actor_, .request_id = request_id_});
  }
  return ShipGroup(*engine_, *clock_, calls, options);
}

Result<std::vector<std::string>> ShipGroup(const Engine& engine, const Clock& clock,
                                           std::span<const ShipCall> calls,
                                           const ShipOptions& options) {
  if (calls.empty()) {
    return std::vector<std::string>();
  }
  TG_ASSIGN_OR_RETURN(auto screening, ScreeningForShip(engine.impl()));
  // What the batch does before its first document (reservations lapsing) is the first caller's.
  ShipHandler handler(engine, clock, calls[0].actor, calls[0].request_id, screening.get(), options);
  TG_RETURN_IF_ERROR(handler.BeginBatch());
  std::vector<std::string> answers(calls.size());
  decide::Document doc;
  for (size_t i = 0; i < calls.size(); ++i) {
    handler.SetCaller(calls[i].actor, calls[i].request_id);
    doc.text.assign(calls[i].document);
    doc.line = static_cast<int>(std::min<size_t>(i + 1, INT_MAX));
    TG_RETURN_IF_ERROR(handler.Respond(doc, answers[i]).status());
  }
  TG_RETURN_IF_ERROR(handler.EndBatch());
  return answers;
}

Result<StreamStats> Session::ShipStream(Source& in, Sink& out, const ShipOptions& options,
                                        const ProgressFn& progress) const {
  TG_ASSIGN_OR_RETURN(auto screening, ScreeningForShip(*impl_));
  ShipHandler handler(*engine_, *clock_, actor_, request_id_, screening.get(), options);
  decide::StreamOptions stream;
  stream.batch_lines = options.batch_size;
  stream.write_each_batch = true;
  stream.progress = progress;
  TG_ASSIGN_OR_RETURN(const decide::LineCounts counts,
                      decide::RunDocuments(in, out, stream, handler));
  return handler.Stats(counts);
}

Status Session::CommitReservation(std::string_view id) const {
  return InTransaction(*this, [&](ledger::Ledger& l) { return l.CommitReservation(id); });
}

Status Session::ReleaseReservation(std::string_view id) const {
  return InTransaction(*this, [&](ledger::Ledger& l) { return l.ReleaseReservation(id); });
}

Result<Page<MovementRecord>> Session::ListMovements(const MovementFilter& filter,
                                                    const PageRequest& page) const {
  if (filter.state && (!filter.reservations || *filter.state == MovementState::kRecorded ||
                       *filter.state == MovementState::kRefused)) {
    return InvalidArgument("state: '" + std::string(StateName(*filter.state)) +
                           "' is none of held, committed, released, expired (of reservations)");
  }
  const std::string from = filter.from ? filter.from->ToString() : "";
  const std::string to = filter.to ? filter.to->ToString() : "";
  return InTransaction(
      *this,
      [&](ledger::Ledger& l) -> Result<Page<MovementRecord>> {
        Page<MovementRecord> out;
        TG_RETURN_IF_ERROR(l.ForEachMovement(
            filter.reservations, page.after, [&](const ledger::Movement& m) -> Result<bool> {
              const bool wanted = (filter.consignee.empty() || m.consignee == filter.consignee) &&
                                  (!filter.state || m.state == *filter.state) &&
                                  (from.empty() || m.date >= from) && (to.empty() || m.date <= to);
              if (!wanted) {
                return true;
              }
              if (page.limit != 0 && out.items.size() == page.limit) {
                out.next = out.items.back().id;  // one more follows
                return false;
              }
              out.items.push_back({.id = m.id,
                                   .reservation = filter.reservations,
                                   .state = m.state,
                                   .date = m.date,
                                   .consignee = m.consignee,
                                   .group = m.group,
                                   .recorded_at = m.recorded_at,
                                   .expires_at = m.expires_at,
                                   .audit_index = m.audit_index});
              return true;
            }));
        return out;
      },
      Access::kRead);
}

Status Session::RevokeLicense(std::string_view number, std::string_view reason) const {
  return InTransaction(*this, [&](ledger::Ledger& l) { return l.RevokeLicense(number, reason); });
}

Status Session::AddLicense(const License& license) const {
  TG_RETURN_IF_ERROR(CheckReferences(*impl_, license.eccns, license.regime, "license"));
  return InTransaction(*this, [&](ledger::Ledger& l) { return l.AddLicense(license); });
}

Result<Page<LicenseStatus>> Session::ListLicenses(const PageRequest& page) const {
  return InTransaction(
      *this,
      [&](ledger::Ledger& l) -> Result<Page<LicenseStatus>> {
        TG_ASSIGN_OR_RETURN(Page<License> licenses, l.Licenses(page));
        Page<LicenseStatus> out{.next = std::move(licenses.next)};
        for (License& license : licenses.items) {
          TG_ASSIGN_OR_RETURN(LicenseStatus status, l.LicenseBalance(std::move(license)));
          out.items.push_back(std::move(status));
        }
        return out;
      },
      Access::kRead);
}

Result<LicenseStatus> Session::ShowLicense(std::string_view number) const {
  return InTransaction(
      *this,
      [&](ledger::Ledger& l) -> Result<LicenseStatus> {
        TG_ASSIGN_OR_RETURN(License license, l.GetLicense(number));
        return l.LicenseBalance(std::move(license));
      },
      Access::kRead);
}

Result<std::string> Session::ApplyForLicense(const LicenseApplication& application,
                                             bool submit) const {
  LicenseApplication mine = application;
  mine.requester = actor_;
  return InTransaction(*this, [&](ledger::Ledger& l) { return l.Apply(mine, submit); });
}

Status Session::SubmitApplication(std::string_view id) const {
  return InTransaction(*this, [&](ledger::Ledger& l) { return l.Submit(id); });
}

Result<std::string> Session::ApproveApplication(std::string_view id, std::string_view number,
                                                std::optional<Date> valid_from) const {
  return InTransaction(
      *this, [&](ledger::Ledger& l) { return l.Approve(id, actor_, number, valid_from); });
}

Status Session::DenyApplication(std::string_view id, std::string_view reason) const {
  return InTransaction(*this, [&](ledger::Ledger& l) { return l.Deny(id, actor_, reason); });
}

Status Session::ReturnApplication(std::string_view id, std::string_view reason) const {
  return InTransaction(*this, [&](ledger::Ledger& l) { return l.Return(id, actor_, reason); });
}

Result<Page<LicenseApplication>> Session::ListApplications(const PageRequest& page) const {
  return InTransaction(
      *this, [&](ledger::Ledger& l) { return l.Applications(page); }, Access::kRead);
}

Result<LicenseApplication> Session::ShowApplication(std::string_view id) const {
  return InTransaction(
      *this, [&](ledger::Ledger& l) { return l.GetApplication(id); }, Access::kRead);
}

namespace {

// The data centres a VEU authorises, by country: the national kind's country, and the country
// code each location starts with ("AE", "AE: Abu Dhabi 1").
Result<std::vector<Country>> VeuSites(const CountryTable& countries, const Veu& v) {
  std::vector<Country> sites;
  if (!v.country.empty()) {
    sites.push_back(v.country);
  }
  for (size_t i = 0; i < v.locations.size(); ++i) {
    const std::string& loc = v.locations[i];
    const size_t end = loc.find_first_of(": ");
    auto c = ParseAlpha2(loc.substr(0, std::min(end, loc.size())));
    if (!c || !countries.Known(*c)) {
      return InvalidArgument("veu.locations[" + std::to_string(i) + "]: '" + Excerpt(loc, 60) +
                             "' must start with the data centre's country code (AE: Abu Dhabi 1)");
    }
    sites.push_back(*c);
  }
  return sites;
}

// Data Center VEU eligibility (15 CFR 748.15) under the VEU rules of the regime the VEU names,
// or of the regime in force on its first day; fills the shares and the national ceiling the
// regime gives where the caller left them out.
Status CheckVeuEligibility(const Engine::Impl& impl, Veu& v) {
  if (v.kind != "universal" && v.kind != "national") {
    return InvalidArgument("veu.kind: '" + Excerpt(v.kind, 40) + "' is not universal or national");
  }
  TG_RETURN_IF_ERROR(impl.regimes_error);
  const regime::Regime* r = nullptr;
  std::string which;
  if (!v.regime.empty()) {
    r = impl.regimes.Find(v.regime);
    which = "regime " + v.regime;
  } else if (auto by_date = impl.regimes.ForDate(v.valid_from); by_date) {
    r = *by_date;
    which = "regime " + r->id + " (in force on " + v.valid_from.ToString() + ")";
  } else {
    which = "no regime in force on " + v.valid_from.ToString();
  }
  if (r == nullptr || !r->veu) {
    std::string with;
    for (const auto& other : impl.regimes.all()) {
      if (other->veu) {
        with += (with.empty() ? "" : ", ") + other->id;
      }
    }
    return InvalidArgument("veu.regime: " + which +
                           " has no Data Center VEU rules; name one that has (" + with + ")");
  }
  const regime::VeuRules& rules = *r->veu;
  if (v.headquarters.empty()) {
    return InvalidArgument("veu.headquarters: required, to check the holder's eligibility (" +
                           rules.citation + ")");
  }
  if (v.parent_headquarters.empty()) {
    v.parent_headquarters = v.headquarters;
  }
  const auto& sets = r->SetsOn(v.valid_from);
  TG_ASSIGN_OR_RETURN(const std::vector<Country> sites, VeuSites(impl.countries, v));
  for (Country site : sites) {
    if (sets[rules.locations_not_in].Contains(site)) {
      return InvalidArgument("veu: a data centre in " + site.ToString() +
                             " is not eligible: no Data Center VEU may authorise one in Macau "
                             "or Country Group D:5 under " +
                             r->id + " (" + rules.citation + ")");
    }
  }
  const auto hq_text = [&] {
    return v.headquarters.ToString() +
           (v.parent_headquarters != v.headquarters
                ? " (ultimate parent " + v.parent_headquarters.ToString() + ")"
                : "");
  };
  if (v.kind == "universal") {
    if (!rules.universal) {
      return InvalidArgument("veu.kind: " + r->id + " admits no universal VEU");
    }
    const auto& u = *rules.universal;
    if (!sets[u.headquarters_in].Contains(v.headquarters) ||
        !sets[u.headquarters_in].Contains(v.parent_headquarters)) {
      return InvalidArgument(
          "veu.headquarters: a universal VEU holder must be headquartered, "
          "with its ultimate parent, in the US or a Supp. 5(a) destination; " +
          v.holder + " is headquartered in " + hq_text() + " (" + u.citation + ")");
    }
    for (auto [share, max, name] :
         {std::tuple{&v.tier2_share, u.max_tier2_share, "tier2_share"},
          std::tuple{&v.country_share, u.max_country_share, "country_share"}}) {
      if (*share == 0) {
        *share = max;
      } else if (*share > max) {
        return InvalidArgument(std::string("veu.") + name + ": " + FormatNumber(*share) +
                               " is above the " + FormatNumber(max) + " that " + r->id +
                               " allows (" + u.citation + ")");
      }
    }
  } else if (v.kind == "national") {
    if (!rules.national) {
      return InvalidArgument("veu.kind: " + r->id + " admits no national VEU");
    }
    const auto& n = *rules.national;
    if (sets[n.headquarters_not_in].Contains(v.headquarters) ||
        sets[n.headquarters_not_in].Contains(v.parent_headquarters)) {
      return InvalidArgument(
          "veu.headquarters: a national VEU holder may not be headquartered, "
          "nor have its ultimate parent, in Macau or Country Group D:5; " +
          v.holder + " is headquartered in " + hq_text() + " (" + n.citation + ")");
    }
    if (v.limit_tpp == 0 && !n.schedule.empty()) {
      v.limit_tpp = TppFromMilli(n.schedule.back().second);  // the quarters' own ceilings apply too
    }
  }
  return Status::Ok();
}

}  // namespace

Status Session::AddVeu(const Veu& veu) const {
  TG_RETURN_IF_ERROR(CheckReferences(*impl_, veu.eccns, veu.regime, "veu"));
  Veu checked = veu;
  TG_RETURN_IF_ERROR(CheckVeuEligibility(*impl_, checked));
  return InTransaction(*this, [&](ledger::Ledger& l) { return l.AddVeu(checked); });
}

Status Session::FileNotification(const Notification& notification) const {
  return InTransaction(*this, [&](ledger::Ledger& l) { return l.FileNotification(notification); });
}

Status Session::ConfirmNotification(std::string_view id, std::string_view confirmation,
                                    Date date) const {
  return InTransaction(
      *this, [&](ledger::Ledger& l) { return l.ConfirmNotification(id, confirmation, date); });
}

Status Session::RefuseNotification(std::string_view id, Date date) const {
  return InTransaction(*this, [&](ledger::Ledger& l) { return l.RefuseNotification(id, date); });
}

Result<Page<Notification>> Session::ListNotifications(const PageRequest& page) const {
  return InTransaction(
      *this, [&](ledger::Ledger& l) { return l.Notifications(page); }, Access::kRead);
}

Result<Page<Veu>> Session::ListVeus(const PageRequest& page) const {
  return InTransaction(
      *this, [&](ledger::Ledger& l) { return l.Veus(page); }, Access::kRead);
}

Status Session::AddAgreement(const Agreement& agreement) const {
  TG_RETURN_IF_ERROR(impl_->regimes_error);
  double max_increase = 0;
  for (const auto& r : impl_->regimes.all()) {
    for (const regime::Cap& c : r->caps) {
      if (c.id == agreement.cap) {
        max_increase = std::max(max_increase, c.max_agreement_increase);
      }
    }
  }
  if (max_increase <= 0) {
    return InvalidArgument("agreement.cap: no regime lets agreements raise a cap '" +
                           agreement.cap + "'");
  }
  if (agreement.increase > max_increase) {
    return InvalidArgument("agreement.increase: " + std::to_string(agreement.increase) +
                           " exceeds the most any regime allows (" + std::to_string(max_increase) +
                           ")");
  }
  return InTransaction(*this, [&](ledger::Ledger& l) { return l.AddAgreement(agreement); });
}

Result<Page<Agreement>> Session::ListAgreements(const PageRequest& page) const {
  return InTransaction(
      *this, [&](ledger::Ledger& l) { return l.Agreements(page); }, Access::kRead);
}

Result<int64_t> Session::AddParty(const PartyRecord& party) const {
  return InTransaction(*this, [&](ledger::Ledger& l) -> Result<int64_t> {
    TG_RETURN_IF_ERROR(l.AddParty(party));
    return ScreenPartyOnRecord(*impl_, l, party);
  });
}

Result<Page<PartyRecord>> Session::ListParties(const PageRequest& page) const {
  return InTransaction(
      *this, [&](ledger::Ledger& l) { return l.Parties(page); }, Access::kRead);
}

Status Session::LinkParties(const PartyLink& link) const {
  return InTransaction(*this, [&](ledger::Ledger& l) { return l.Link(link); });
}

Result<PartyView> Session::ShowParty(std::string_view id) const {
  TG_ASSIGN_OR_RETURN(store::Store * store, impl_->Ledger());
  TG_ASSIGN_OR_RETURN(auto txn, store->BeginRead());
  ledger::Ledger l(*txn, *clock_, actor_);
  ledger::View view(*txn);
  PartyView out;
  TG_ASSIGN_OR_RETURN(out.party, l.GetParty(id));
  TG_ASSIGN_OR_RETURN(out.links, l.LinksOf(id));
  TG_ASSIGN_OR_RETURN(out.group, view.GroupOf(out.party.id));
  TG_ASSIGN_OR_RETURN(auto all, txn->Scan(ledger::kParties, ""));
  for (const auto& [key, value] : all) {
    TG_ASSIGN_OR_RETURN(std::string g, view.GroupOf(key));
    if (g == out.group) {
      out.group_members.push_back(key);
    }
  }
  return out;
}

Result<Page<CapUsage>> Session::Caps(const PageRequest& page) const {
  TG_ASSIGN_OR_RETURN(store::Store * store, impl_->Ledger());
  TG_ASSIGN_OR_RETURN(auto txn, store->BeginRead());
  TG_ASSIGN_OR_RETURN(auto counters, txn->ScanCounters(""));
  std::erase_if(counters, [&](const auto& counter) {
    const std::string& key = counter.first;
    // Licence balances show with the licence; sequences are not caps.
    return key.find(':') == std::string::npos || key.rfind("licence:", 0) == 0 ||
           key.rfind("seq:", 0) == 0;
  });
  return PageOf<CapUsage>(counters, page, [&](const auto& counter) {
    const auto& [key, used] = counter;
    const size_t colon = key.find(':');
    CapUsage usage{
        .cap = key.substr(0, colon), .key = key.substr(colon + 1), .used_tpp = TppFromMilli(used)};
    for (const auto& r : impl_->regimes.all()) {
      for (const regime::Cap& c : r->caps) {
        if (c.id == usage.cap) {
          usage.limits.push_back({.regime = r->id,
                                  .limit_tpp = TppFromMilli(c.limit),
                                  .headroom_tpp = TppFromMilli(c.limit - used)});
        }
      }
    }
    return usage;
  });
}

Result<CheckReport> Session::Check() const {
  TG_ASSIGN_OR_RETURN(store::Store * store, impl_->Ledger());
  // The file first, all of it: damage anywhere is the first thing to say. Then everything a
  // read can still reach, on a damaged store too.
  const Status known = store->Damage();
  const Status integrity = store->VerifyIntegrity();
  TG_ASSIGN_OR_RETURN(auto txn, store->BeginInspection());
  ledger::Ledger ledger(*txn, *clock_, actor_);
  TG_ASSIGN_OR_RETURN(CheckReport report, ledger.Check());
  std::vector<std::string> damage;
  if (!known.ok()) {
    damage.push_back("the store is damaged: " + known.message());
  }
  if (!integrity.ok() && integrity.message() != known.message()) {
    damage.push_back("the store is damaged: " + integrity.message());
  }
  report.problems.insert(report.problems.begin(), damage.begin(), damage.end());
  return report;
}

Result<Page<Alert>> Session::Alerts(const PageRequest& page) const {
  return InTransaction(
      *this,
      [&](ledger::Ledger& l) -> Result<Page<Alert>> {
        TG_ASSIGN_OR_RETURN(Page<store::Row> rows, l.Alerts(page));
        Page<Alert> out{.next = std::move(rows.next)};
        for (auto& [key, record] : rows.items) {
          StoredRecordReader fields(record, key);
          std::string kind = fields.Str("kind");
          TG_RETURN_IF_ERROR(fields.Done());
          out.items.push_back({.id = key, .kind = std::move(kind), .record = std::move(record)});
        }
        return out;
      },
      Access::kRead);
}

}  // namespace tg
