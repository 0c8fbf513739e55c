// The cloud provider's commands: customers identified, screened and judged for controlled
// compute; usage ingested and training runs reported.
#include <memory>

#include "src/common/json_writer.h"
#include "src/engine/engine_impl.h"
#include "src/kyc/cloud_ledger.h"
#include "src/kyc/customer_json.h"
#include "src/kyc/tables.h"

namespace tg {

namespace {

// The accelerator an order for a customer's compute is decided with: the reference's yardstick
// of advanced compute (3A090.a).
constexpr std::string_view kYardstickPart = "H100 SXM";

// Under each regime, whether an order of one advanced accelerator to the customer (its
// country and headquarters; its largest owner's country as its parent's; every owner's country
// as an affiliation) may go, decided on `today` as any order line is. Regimes that cannot
// decide on that day (not yet in effect) are left out.
std::vector<ComputeStanding> StandingOf(const Engine& engine, const CustomerRecord& c, Date today) {
  std::vector<ComputeStanding> out;
  Country parent = c.country;
  double largest = 0;
  for (const BeneficialOwner& o : c.beneficial_owners) {
    if (!o.country.empty() && o.share > largest) {
      largest = o.share;
      parent = o.country;
    }
  }
  for (const RegimeSummary& r : engine.Regimes()) {
    // The order as determine reads it, so that it is decided exactly as an order line is.
    std::string json;
    JsonWriter w(json);
    w.BeginObject().Key("id").String("kyc:" + c.id).Key("date").String(today.ToString());
    w.Key("regime").String(r.id).Key("kind").String("export");
    w.Key("exporter").BeginObject().Key("name").String("provider").Key("country").String("US");
    w.EndObject().Key("consignee").BeginObject().Key("id").String(c.id).Key("name").String(c.name);
    w.Key("country").String(c.country.ToString());
    w.Key("headquarters").String(c.country.ToString());
    w.Key("parent_headquarters").String(parent.ToString()).Key("affiliations").BeginArray();
    for (const BeneficialOwner& o : c.beneficial_owners) {
      if (!o.country.empty()) {
        w.String(o.country.ToString());
      }
    }
    w.EndArray().EndObject().Key("end_use").String("datacenter");
    w.Key("items").BeginArray().BeginObject().Key("part").String(kYardstickPart);
    w.Key("quantity").Int(1).EndObject().EndArray().EndObject();
    ComputeStanding s{.regime = r.id};
    const Status decided = DecideAlone(engine, json, [&](const Decision& d) {
      s.refused = !IsAllowed(d.outcome);
      s.outcome = std::string(OutcomeName(d.outcome));
      s.reason = DecidingReason(d);
    });
    if (!decided.ok()) {
      continue;
    }
    out.push_back(std::move(s));
  }
  return out;
}

// The screening parties of a customer: itself and each owner, linked by ownership.
Result<int64_t> ScreenCustomer(const Engine::Impl& impl, ledger::Ledger& l,
                               const CustomerRecord& c) {
  int64_t alerts = 0;
  PartyRecord self{.id = "kyc:" + c.id, .name = c.name, .country = c.country, .address = c.address};
  for (const BeneficialOwner& o : c.beneficial_owners) {
    self.beneficial_owners.push_back(o.name);
  }
  std::vector<std::pair<PartyRecord, double>> owners;
  for (size_t i = 0; i < c.beneficial_owners.size(); ++i) {
    const BeneficialOwner& o = c.beneficial_owners[i];
    owners.push_back({PartyRecord{.id = self.id + "/owner:" + std::to_string(i + 1),
                                  .name = o.name,
                                  .country = o.country.empty() ? c.country : o.country},
                      o.share});
  }
  auto keep = [&](const PartyRecord& p) -> Result<bool> {
    TG_ASSIGN_OR_RETURN(auto on_record, l.txn().Get(ledger::kParties, p.id));
    if (!on_record) {
      TG_RETURN_IF_ERROR(l.AddParty(p));
    }
    TG_ASSIGN_OR_RETURN(int64_t n, ScreenPartyOnRecord(impl, l, p));
    alerts += n;
    return !on_record.has_value();
  };
  TG_RETURN_IF_ERROR(keep(self).status());
  for (const auto& [owner, share] : owners) {
    TG_ASSIGN_OR_RETURN(bool added, keep(owner));
    if (added && share > 0) {
      TG_RETURN_IF_ERROR(l.Link({.from = owner.id, .to = self.id, .kind = "owns", .share = share}));
    }
  }
  return alerts;
}

// The regimes' reporting thresholds, for usage ingestion.
std::vector<kyc::ReportRule> ReportRules(const Engine::Impl& impl) {
  std::vector<kyc::ReportRule> rules;
  for (const auto& r : impl.regimes.all()) {
    if (r->training_reports) {
      rules.push_back({.regime = r->id, .rule = *r->training_reports});
    }
  }
  return rules;
}

}  // namespace

Result<std::vector<CustomerAdded>> Session::AddCustomers(Source& in) const {
  TG_RETURN_IF_ERROR(impl_->regimes_error);
  TG_ASSIGN_OR_RETURN(const std::string text, ReadAll(in));
  std::vector<CustomerRecord> records;
  TG_RETURN_IF_ERROR(ForEachLine(text, [&](std::string_view l, int line) -> Status {
    TG_ASSIGN_OR_RETURN(CustomerRecord c, kyc::ParseCustomerRecord(l, line, impl_->countries));
    records.push_back(std::move(c));
    return Status::Ok();
  }));
  const Date today = Today(*clock_);
  return InTransaction(*this, [&](ledger::Ledger& l) -> Result<std::vector<CustomerAdded>> {
    kyc::CloudLedger cloud(l, impl_->countries);
    std::vector<CustomerAdded> out;
    for (const CustomerRecord& c : records) {
      CustomerAdded added{.id = c.id};
      TG_ASSIGN_OR_RETURN(added.updated, cloud.PutCustomer(c));
      TG_ASSIGN_OR_RETURN(added.alerts, ScreenCustomer(*impl_, l, c));
      added.compute = StandingOf(*engine_, c, today);
      out.push_back(std::move(added));
    }
    return out;
  });
}

Result<Page<CustomerRecord>> Session::ListCustomers(const PageRequest& page) const {
  return InTransaction(
      *this,
      [&](ledger::Ledger& l) { return kyc::CloudLedger(l, impl_->countries).Customers(page); },
      Access::kRead);
}

Result<CustomerView> Session::ShowCustomer(std::string_view id) const {
  TG_RETURN_IF_ERROR(impl_->regimes_error);
  return InTransaction(
      *this,
      [&](ledger::Ledger& l) -> Result<CustomerView> {
        kyc::CloudLedger cloud(l, impl_->countries);
        CustomerView view;
        TG_ASSIGN_OR_RETURN(view.customer, cloud.GetCustomer(id));
        TG_ASSIGN_OR_RETURN(kyc::CustomerGroups groups, cloud.Groups());
        const std::string group = groups.GroupOf(view.customer.id);
        TG_RETURN_IF_ERROR(l.txn().ForEach(
            kyc::kCustomers, "", "", [&](std::string_view key, std::string_view) -> Result<bool> {
              if (groups.GroupOf(std::string(key)) == group) {
                view.linked.emplace_back(key);
              }
              return true;
            }));
        view.compute = StandingOf(*engine_, view.customer, Today(*clock_));
        return view;
      },
      Access::kRead);
}

Result<UsageIngest> Session::IngestUsage(Source& in, std::string_view format,
                                         std::string_view source) const {
  TG_RETURN_IF_ERROR(impl_->regimes_error);
  TG_ASSIGN_OR_RETURN(kyc::UsageFormat f, kyc::ParseUsageFormat(format));
  TG_RETURN_IF_ERROR(impl_->Ledger().status());
  auto batch = std::make_unique<kyc::UsageBatch>(impl_->classifier.catalog());
  TG_RETURN_IF_ERROR(batch->Read(in, f));
  const std::vector<kyc::ReportRule> rules = ReportRules(*impl_);
  return InTransaction(*this, [&](ledger::Ledger& l) {
    return kyc::CloudLedger(l, impl_->countries).Ingest(*batch, rules, source);
  });
}

Result<std::vector<std::string>> Session::TrainingRuns(std::optional<Date> from,
                                                       std::optional<Date> to) const {
  return InTransaction(
      *this,
      [&](ledger::Ledger& l) { return kyc::CloudLedger(l, impl_->countries).Runs(from, to); },
      Access::kRead);
}

Result<std::string> Session::TrainingRunReport(std::string_view id) const {
  return InTransaction(
      *this, [&](ledger::Ledger& l) { return kyc::CloudLedger(l, impl_->countries).Run(id); },
      Access::kRead);
}

}  // namespace tg
