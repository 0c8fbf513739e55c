// The model registry's store: models (their record, as models add reads it) and transfers (the
// request, its decision and its state). Works inside the caller's transaction through a
// ledger::Ledger, which logs every change: a command is all or nothing, the caller commits.
#pragma once

#include <optional>
#include <string>

#include "tierguard/models.h"
#include "tierguard/page.h"
#include "tierguard/status.h"

#include "src/common/country_table.h"
#include "src/ledger/ledger.h"

namespace tg::models {

// Ids never renumbered nor reused (the ledger's are 1 to 16, the API keys' 17, a cloud
// provider's 18 to 24).
inline constexpr store::Table kModels{25};     // model id → its record (JSON)
inline constexpr store::Table kTransfers{26};  // transfer id → the transfer (JSON)

class Registry {
 public:
  Registry(ledger::Ledger& ledger, const CountryTable& countries)
      : ledger_(ledger), txn_(ledger.txn()), countries_(countries) {}

  // Adds a model, or replaces the record of its id (logged "model.add" or "model.update");
  // returns whether it replaced one. NotFound when its base model is not on record.
  Result<bool> PutModel(const ModelRecord& model);
  Result<ModelRecord> GetModel(std::string_view id);  // NotFound
  Result<std::optional<ModelRecord>> FindModel(std::string_view id);
  Result<Page<ModelRecord>> Models(const PageRequest& page);

  // A new transfer (AlreadyExists for a taken id), logged as `kind` ("transfer.request" or
  // "transfer.refuse") with the request, its decision and the final recipient.
  Status AddTransfer(const Transfer& transfer, std::string_view kind);
  // The transfer as it now stands, logged as `kind` ("transfer.approve", "transfer.deny").
  Status UpdateTransfer(const Transfer& transfer, std::string_view kind);
  Result<Transfer> GetTransfer(std::string_view id);  // NotFound
  Result<Page<Transfer>> Transfers(const PageRequest& page, std::optional<TransferState> state);

 private:
  // A record as stored; DataLoss naming it when it does not read.
  Result<ModelRecord> StoredModel(std::string_view id, std::string_view json);
  Result<Transfer> StoredTransfer(std::string_view id, std::string_view json);

  ledger::Ledger& ledger_;
  store::Transaction& txn_;
  const CountryTable& countries_;
};

}  // namespace tg::models
