// A cloud (IaaS) provider's records (../shared/spec/models-cloud.md): customers with their
// identification data (reference §4.2), what an ingest of usage did, and the training runs it
// detected. Plain values; the ledger keeps them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tierguard/types.h"

namespace tg {

struct PaymentMeans {
  std::string kind;  // card, bank_account, invoice, …
  std::string fingerprint;
};

struct BeneficialOwner {
  std::string name;
  Country country;
  double share = 0;  // 0 to 1; 0: not given
};

// A customer as its Customer Identification Program keeps it.
struct CustomerRecord {
  std::string id;
  std::string name;
  std::string address;
  Country country;  // where it is headquartered
  std::vector<std::string> accounts;
  std::vector<PaymentMeans> payment_means;
  std::vector<std::string> emails;
  std::vector<std::string> phones;
  std::vector<std::string> ip_addresses;  // addresses or CIDR ranges
  std::vector<BeneficialOwner> beneficial_owners;
  std::string reseller;  // the reseller (a customer id) it buys through; empty: direct
  bool verified = false;
  // The customer declares that it trains on biological sequence data: its runs are held to
  // the lower threshold.
  bool biological_sequence_data = false;
};

// Whether a customer may be given controlled compute under one regime: an order of one
// advanced accelerator to it (its country, headquarters and owners' countries) decided as any
// order line is.
struct ComputeStanding {
  std::string regime;
  bool refused = false;
  std::string outcome;  // the decision's outcome
  std::string reason;   // the first reason, with its citation
};

struct CustomerAdded {
  std::string id;
  bool updated = false;  // the id was on record: the record replaced
  int64_t alerts = 0;    // screening hits raised as alerts (the customer and its owners)
  std::vector<ComputeStanding> compute;
};

struct CustomerView {
  CustomerRecord customer;
  std::vector<std::string> linked;  // the customers linked to it (its group), itself included
  std::vector<ComputeStanding> compute;
};

// What one ingest did.
struct UsageIngest {
  int64_t records = 0;
  // Records whose every minute other records of the same input had given (what was on record
  // before is not counted here: `operations_added` 0 says an input changed nothing).
  int64_t duplicates = 0;
  double operations_added = 0;  // to the aggregates on record
  int64_t cells = 0;  // account × job × datacenter × accelerator × hour aggregates written
  int64_t unknown_accounts = 0;            // records of accounts no customer holds
  std::vector<std::string> runs_reported;  // runs reported for the first time
  std::vector<std::string> runs_updated;   // runs already reported whose figures changed
};

}  // namespace tg
