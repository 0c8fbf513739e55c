#include "src/models/registry.h"

#include "tierguard/api_json.h"

#include "src/ledger/reconcile.h"
#include "src/models/model_json.h"
#include "src/models/transfer_json.h"

namespace tg::models {

namespace {

const bool kModelTables =
    store::RegisterTables({{kModels, "models"}, {kTransfers, "model transfers"}}) &&
    ledger::RegisterLoggedRows({{"model.add", kModels},
                                {"model.update", kModels},
                                {"transfer.request", kTransfers},
                                {"transfer.refuse", kTransfers},
                                {"transfer.approve", kTransfers},
                                {"transfer.deny", kTransfers}});

}  // namespace

Result<bool> Registry::PutModel(const ModelRecord& m) {
  (void)kModelTables;
  if (!m.base_model.empty()) {
    TG_ASSIGN_OR_RETURN(auto base, txn_.Get(kModels, m.base_model));
    if (!base) {
      return NotFound("model.base_model: no model '" + m.base_model +
                      "' on record (add the base first)");
    }
  }
  TG_ASSIGN_OR_RETURN(auto before, txn_.Get(kModels, m.id));
  std::string json = api::ToJson(m);
  TG_RETURN_IF_ERROR(txn_.Put(kModels, m.id, json));
  TG_RETURN_IF_ERROR(
      ledger_.LogChange(before ? "model.update" : "model.add", m.id, std::move(json)));
  return before.has_value();
}

Result<std::optional<ModelRecord>> Registry::FindModel(std::string_view id) {
  TG_ASSIGN_OR_RETURN(auto json, txn_.Get(kModels, id));
  if (!json) {
    return std::optional<ModelRecord>();
  }
  TG_ASSIGN_OR_RETURN(ModelRecord m, StoredModel(id, *json));
  return std::optional<ModelRecord>(std::move(m));
}

Result<ModelRecord> Registry::StoredModel(std::string_view id, std::string_view json) {
  auto m = ParseModelRecord(json, 0, countries_);
  if (!m) {
    return DataLoss("model '" + std::string(id) + "' is stored malformed: " + m.error().message());
  }
  return std::move(*m);
}

Result<Transfer> Registry::StoredTransfer(std::string_view id, std::string_view json) {
  auto t = ParseStoredTransfer(json, countries_);
  if (!t) {
    return DataLoss("transfer '" + std::string(id) +
                    "' is stored malformed: " + t.error().message());
  }
  return std::move(*t);
}

Result<ModelRecord> Registry::GetModel(std::string_view id) {
  TG_ASSIGN_OR_RETURN(auto m, FindModel(id));
  if (!m) {
    return NotFound("no model '" + std::string(id) + "' in the registry");
  }
  return std::move(*m);
}

Result<Page<ModelRecord>> Registry::Models(const PageRequest& page) {
  TG_ASSIGN_OR_RETURN(Page<store::Row> rows, store::ReadPage(txn_, kModels, page));
  Page<ModelRecord> out;
  out.next = rows.next;
  for (const auto& [id, json] : rows.items) {
    TG_ASSIGN_OR_RETURN(ModelRecord m, StoredModel(id, json));
    out.items.push_back(std::move(m));
  }
  return out;
}

Status Registry::AddTransfer(const Transfer& t, std::string_view kind) {
  TG_ASSIGN_OR_RETURN(auto before, txn_.Get(kTransfers, t.id));
  if (before) {
    return AlreadyExists("transfer.id: '" + t.id + "' is on record");
  }
  std::string json = api::ToJson(t);
  TG_RETURN_IF_ERROR(txn_.Put(kTransfers, t.id, json));
  return ledger_.LogChange(kind, t.id, std::move(json));
}

Status Registry::UpdateTransfer(const Transfer& t, std::string_view kind) {
  std::string json = api::ToJson(t);
  TG_RETURN_IF_ERROR(txn_.Put(kTransfers, t.id, json));
  return ledger_.LogChange(kind, t.id, std::move(json));
}

Result<Transfer> Registry::GetTransfer(std::string_view id) {
  TG_ASSIGN_OR_RETURN(auto json, txn_.Get(kTransfers, id));
  if (!json) {
    return NotFound("no transfer '" + std::string(id) + "'");
  }
  return StoredTransfer(id, *json);
}

Result<Page<Transfer>> Registry::Transfers(const PageRequest& page,
                                           std::optional<TransferState> state) {
  Page<Transfer> out;
  TG_RETURN_IF_ERROR(txn_.ForEach(kTransfers, "", page.after,
                                  [&](std::string_view id, std::string_view json) -> Result<bool> {
                                    if (!page.after.empty() && id == page.after) {
                                      return true;
                                    }
                                    TG_ASSIGN_OR_RETURN(Transfer t, StoredTransfer(id, json));
                                    if (state && t.state != *state) {
                                      return true;
                                    }
                                    if (page.limit != 0 && out.items.size() == page.limit) {
                                      out.next = out.items.back().id;
                                      return false;
                                    }
                                    out.items.push_back(std::move(t));
                                    return true;
                                  }));
  return out;
}

}  // namespace tg::models
