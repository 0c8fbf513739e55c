// The cloud provider's ledger: customers (their identification data, accounts and links), usage
// aggregates and stream totals, and the training runs detected and reported. Works inside the
// caller's transaction through a ledger::Ledger, which logs every change: a command is all or
// nothing, the caller commits.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tierguard/cloud.h"
#include "tierguard/page.h"
#include "tierguard/status.h"

#include "src/common/country_table.h"
#include "src/kyc/links.h"
#include "src/kyc/usage.h"
#include "src/ledger/ledger.h"
#include "src/regime/regime.h"

namespace tg::kyc {

// A regime's reporting thresholds.
struct ReportRule {
  std::string regime;
  regime::TrainingReportRule rule;
};

class CloudLedger {
 public:
  CloudLedger(ledger::Ledger& ledger, const CountryTable& countries)
      : ledger_(ledger), txn_(ledger.txn()), countries_(countries) {}

  // Adds a customer, or replaces the record of its id (logged "customer.add" or
  // "customer.update"). AlreadyExists naming the field for an account another customer holds;
  // InvalidArgument for an address that is no IP address or range.
  Result<bool> PutCustomer(const CustomerRecord& customer);
  Result<CustomerRecord> GetCustomer(std::string_view id);  // NotFound
  // A customer's record as stored; DataLoss naming it when it does not read.
  Result<CustomerRecord> StoredCustomer(std::string_view id, std::string_view json);
  Result<Page<CustomerRecord>> Customers(const PageRequest& page);
  // Every customer's group, from the stored link keys.
  Result<CustomerGroups> Groups();

  // Merges a batch of usage into the stored aggregates, updates the streams' totals, and
  // detects the training runs that the streams touched take part in, per `rules`: a run
  // reaching a threshold is reported once (logged "run.report") and updated when later usage
  // changes its figures ("run.update"). The ingest itself is logged ("usage.ingest").
  Result<UsageIngest> Ingest(const UsageBatch& batch, const std::vector<ReportRule>& rules,
                             std::string_view source);

  // The runs reported, as their reports (JSON), whose period overlaps [from, to].
  Result<std::vector<std::string>> Runs(std::optional<Date> from, std::optional<Date> to);
  Result<std::string> Run(std::string_view id);  // NotFound

 private:
  // Finds the runs the `touched` streams take part in and reports or updates them.
  Status DetectRuns(const std::vector<std::string_view>& touched,
                    const std::vector<ReportRule>& rules, UsageIngest& out);

  ledger::Ledger& ledger_;
  store::Transaction& txn_;
  const CountryTable& countries_;
};

}  // namespace tg::kyc
