// The model registry's classification: a model's training (with its lineage's) as one item,
// classified as an order line's model is.
#include <algorithm>
#include <cstdio>
#include <unordered_map>

#include "src/classify/classifier.h"
#include "src/common/json_writer.h"
#include "src/engine/engine_impl.h"
#include "src/models/model_json.h"
#include "src/models/operations.h"
#include "src/models/registry.h"
#include "src/models/transfer_json.h"

namespace tg {

namespace {

bool NamesControlledAiAssets(const regime::Condition& c) {
  return c.controlled_ai_asset.has_value() ||
         std::any_of(c.any_of.begin(), c.any_of.end(), NamesControlledAiAssets);
}

// Whether any rule of `r` turns on "controlled AI asset".
bool ControlsAiAssets(const regime::Regime& r) {
  auto names = [](const auto& rules) {
    return std::any_of(rules.begin(), rules.end(),
                       [](const auto& rule) { return NamesControlledAiAssets(rule.when); });
  };
  return names(r.requirements) || names(r.exceptions) || names(r.policies) || names(r.obligations);
}

// A registry's model as an order line's item: its operations with its bases', its origins.
Item ModelItem(const ModelRecord& model, double operations) {
  Item item{.kind = Item::Kind::kModel};
  item.model.name = model.name.empty() ? model.id : model.name;
  item.model.training_ops = operations;
  item.model.published = model.published;
  item.model.origin_weights = model.weights_origin;
  for (const TrainingRun& run : model.training_runs) {
    item.model.origin_data.insert(item.model.origin_data.end(), run.data_origin.begin(),
                                  run.data_origin.end());
    if (run.compute && !run.compute->country.empty()) {
      item.model.origin_compute.push_back(run.compute->country);
    }
  }
  return item;
}

// A model and its bases, read from the registry, for lineage lookups.
class Lineage {
 public:
  static Result<Lineage> Of(models::Registry& registry, const ModelRecord& model) {
    Lineage l;
    std::string base = model.base_model;
    while (!base.empty() && l.models_.count(base) == 0 && l.models_.size() < 256) {
      TG_ASSIGN_OR_RETURN(auto m, registry.FindModel(base));
      if (!m) {
        break;  // OperationsWithLineage names the missing base
      }
      base = m->base_model;
      std::string id = m->id;
      l.models_.emplace(std::move(id), std::move(*m));
    }
    return l;
  }
  std::function<const ModelRecord*(std::string_view)> Find() const {
    return [this](std::string_view id) -> const ModelRecord* {
      auto it = models_.find(std::string(id));
      return it == models_.end() ? nullptr : &it->second;
    };
  }

 private:
  std::unordered_map<std::string, ModelRecord> models_;
};

std::string FormatOps(double ops) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", ops);
  return buf;
}

}  // namespace

Result<ModelClassification> Engine::ClassifyModel(
    const ModelRecord& model, const std::function<const ModelRecord*(std::string_view)>& find,
    Date as_of, std::string_view regime_id) const {
  TG_ASSIGN_OR_RETURN(classify::ClassifyOptions options, impl_->ClassifyOptionsFor(regime_id));
  TG_ASSIGN_OR_RETURN(models::LineageOperations ops,
                      models::OperationsWithLineage(model, find, impl_->classifier.catalog()));
  Item item = ModelItem(model, ops.total);
  if (ops.total <= 0) {
    return InvalidArgument(model.id + ": no training operations to classify it by");
  }
  Classification c;
  TG_RETURN_IF_ERROR(impl_->classifier.Classify(item, as_of, options, model.id, c));
  ModelClassification out;
  out.regime = std::string(regime_id);
  out.eccn = std::string(c.eccn);
  out.paragraph = std::string(c.paragraph);
  out.version = std::string(c.version);
  out.operations = ops.total;
  out.published = model.published;
  out.lineage = ops.lineage;
  const regime::Regime* r = regime_id.empty() ? nullptr : impl_->regimes.Find(regime_id);
  if (r != nullptr) {
    out.regime_status = std::string(regime::RegimeStatusName(r->status));
    out.regime_effective = r->effective.ToString();
    // Law (in force, or rescinded later), in effect on the day, and not yet rescinded by it.
    const bool law = r->status == regime::RegimeStatus::kInForce ||
                     r->status == regime::RegimeStatus::kNotEnforced;
    out.enforced = law && r->effective.Contains(as_of) &&
                   !(r->not_enforced_from && *r->not_enforced_from <= as_of);
  }
  out.controlled_ai_asset = c.controlled_ai_asset && r != nullptr && ControlsAiAssets(*r);
  if (c.eccn_id != 0) {
    out.reason = "trained with " + FormatOps(ops.total) + " operations" +
                 (ops.lineage.size() > 1 ? " (its base's included)" : "") +
                 ", weights not published";
  } else if (model.published) {
    out.reason = "published weights are outside 4E091";
  } else if (!c.note.empty()) {
    out.reason = std::string(c.note);
  } else {
    out.reason = "trained with " + FormatOps(ops.total) + " operations, below the threshold";
  }
  return out;
}

Result<std::vector<ModelAdded>> Session::AddModels(Source& in) const {
  TG_ASSIGN_OR_RETURN(const std::string text, ReadAll(in));
  std::vector<std::pair<int, ModelRecord>> records;
  TG_RETURN_IF_ERROR(ForEachLine(text, [&](std::string_view l, int line) -> Status {
    TG_ASSIGN_OR_RETURN(ModelRecord m, models::ParseModelRecord(l, line, impl_->countries));
    records.emplace_back(line, std::move(m));
    return Status::Ok();
  }));
  return InTransaction(*this, [&](ledger::Ledger& l) -> Result<std::vector<ModelAdded>> {
    models::Registry registry(l, impl_->countries);
    std::vector<ModelAdded> out;
    for (const auto& [line, m] : records) {
      const std::string where = "line " + std::to_string(line) + ": ";
      auto updated = registry.PutModel(m);
      if (!updated) {
        return updated.error().WithPrefix(where.substr(0, where.size() - 2));
      }
      // A lineage that comes back on itself, or a run whose operations cannot be estimated, is
      // refused now rather than at the first classification.
      TG_ASSIGN_OR_RETURN(Lineage lineage, Lineage::Of(registry, m));
      auto ops = models::OperationsWithLineage(m, lineage.Find(), impl_->classifier.catalog());
      if (!ops) {
        return ops.error().WithPrefix(where.substr(0, where.size() - 2));
      }
      out.push_back({.id = m.id,
                     .updated = *updated,
                     .findings = impl_->model_policies.ReleaseFindings(m, ops->total)});
    }
    return out;
  });
}

Result<Page<ModelRecord>> Session::ListModels(const PageRequest& page) const {
  return InTransaction(
      *this, [&](ledger::Ledger& l) { return models::Registry(l, impl_->countries).Models(page); },
      Access::kRead);
}

Result<ModelView> Session::ShowModel(std::string_view id) const {
  return InTransaction(
      *this,
      [&](ledger::Ledger& l) -> Result<ModelView> {
        models::Registry registry(l, impl_->countries);
        ModelView view;
        TG_ASSIGN_OR_RETURN(view.model, registry.GetModel(id));
        TG_ASSIGN_OR_RETURN(Lineage lineage, Lineage::Of(registry, view.model));
        TG_ASSIGN_OR_RETURN(
            models::LineageOperations ops,
            models::OperationsWithLineage(view.model, lineage.Find(), impl_->classifier.catalog()));
        view.findings = impl_->model_policies.ReleaseFindings(view.model, ops.total);
        view.own_operations = ops.own;
        view.total_operations = ops.total;
        view.lineage = ops.lineage;
        for (size_t i = 0; i < ops.runs.size(); ++i) {
          RunEstimate run = ops.runs[i];
          const std::string& id = view.model.training_runs[i].id;
          run.run = id.empty() ? "training_runs[" + std::to_string(i) + "]" : id;
          view.runs.push_back(std::move(run));
        }
        return view;
      },
      Access::kRead);
}

Result<std::vector<ModelClassification>> Session::ClassifyRegisteredModel(std::string_view id,
                                                                          std::string_view regime,
                                                                          Date as_of) const {
  TG_RETURN_IF_ERROR(impl_->regimes_error);
  return InTransaction(
      *this,
      [&](ledger::Ledger& l) -> Result<std::vector<ModelClassification>> {
        models::Registry registry(l, impl_->countries);
        TG_ASSIGN_OR_RETURN(ModelRecord m, registry.GetModel(id));
        TG_ASSIGN_OR_RETURN(Lineage lineage, Lineage::Of(registry, m));
        std::vector<ModelClassification> out;
        std::vector<std::string> regimes;
        if (!regime.empty()) {
          regimes.emplace_back(regime);
        } else {
          for (const RegimeSummary& r : engine_->Regimes()) {
            regimes.push_back(r.id);
          }
        }
        for (const std::string& r : regimes) {
          TG_ASSIGN_OR_RETURN(ModelClassification c,
                              engine_->ClassifyModel(m, lineage.Find(), as_of, r));
          out.push_back(std::move(c));
        }
        return out;
      },
      Access::kRead);
}

namespace {

// Decides a transfer as an order line of the model to its recipient.
Status DecideTransfer(const Engine& engine, models::Registry& registry, Transfer& t) {
  TG_ASSIGN_OR_RETURN(ModelRecord m, registry.GetModel(t.model));
  if (m.developer.empty() || !m.developer_country) {
    return InvalidArgument("model " + m.id +
                           ": developer.name and developer.country are needed to decide a "
                           "transfer (the developer is its exporter)");
  }
  TG_ASSIGN_OR_RETURN(Lineage lineage, Lineage::Of(registry, m));
  TG_ASSIGN_OR_RETURN(
      models::LineageOperations ops,
      models::OperationsWithLineage(m, lineage.Find(), engine.impl().classifier.catalog()));
  const TransferRecipient& r = t.recipient;
  const bool deemed = t.kind == "deemed_export";
  // A release to a foreign national is an export to the national's country (15 CFR 734.13(b)).
  const Country destination = deemed ? r.nationality : r.country;
  const Country headquarters = r.headquarters.empty() ? destination : r.headquarters;
  // The request as determine reads it, so that the transfer is decided exactly as an order line
  // is (the same defaults, the same letters).
  std::string json;
  JsonWriter w(json);
  w.BeginObject().Key("id").String("transfer:" + t.id).Key("date").String(t.date.ToString());
  if (!t.regime.empty()) {
    w.Key("regime").String(t.regime);
  }
  w.Key("kind").String(deemed ? "export" : t.kind);
  w.Key("exporter").BeginObject().Key("name").String(m.developer);
  w.Key("country").String(m.developer_country->ToString()).EndObject();
  w.Key("consignee").BeginObject().Key("name").String(r.name);
  if (!r.id.empty()) {
    w.Key("id").String(r.id);
  }
  w.Key("country").String(destination.ToString());
  w.Key("headquarters").String(headquarters.ToString());
  w.Key("parent_headquarters").String(headquarters.ToString());
  if (!r.nationality.empty()) {
    w.Key("nationality").String(r.nationality.ToString());
  }
  if (!r.employer.empty()) {
    w.Key("employer").String(r.employer);
  }
  w.EndObject().Key("items").BeginArray().BeginObject().Key("model").BeginObject();
  const Item item = ModelItem(m, ops.total);
  w.Key("name").String(item.model.name).Key("training_ops").Number(ops.total);
  w.Key("published").Bool(m.published).Key("origin").BeginObject();
  for (const auto& [key, countries] : {std::pair{"data", &item.model.origin_data},
                                       std::pair{"weights", &item.model.origin_weights},
                                       std::pair{"compute", &item.model.origin_compute}}) {
    w.Key(key).BeginArray();
    for (Country c : *countries) {
      w.String(c.ToString());
    }
    w.EndArray();
  }
  w.EndObject().EndObject().EndObject().EndArray().EndObject();
  bool allowed = false;
  TG_RETURN_IF_ERROR(DecideAlone(engine, json, [&](const Decision& d) {
    t.decision.clear();
    engine.FormatDecision(d, t.decision);
    t.outcome = std::string(OutcomeName(d.outcome));
    allowed = IsAllowed(d.outcome);
    t.reason = allowed ? std::string() : DecidingReason(d);
  }));
  t.decided_as =
      (deemed ? "deemed export: an export to " + destination.ToString() +
                    ", the recipient's nationality (15 CFR 734.13(b))"
              : t.kind + " to " + destination.ToString()) +
      (t.access == "hosted" ? "; hosted access decided as a release of the weights (no rule here "
                              "tells them apart)"
                            : "");
  const std::string policy = engine.impl().model_policies.TransferBar(m, ops.total, t.date);
  if (!allowed) {
    t.state = TransferState::kRefused;
  } else if (!policy.empty()) {
    t.state = TransferState::kRefused;  // the law allows it; the release policy does not yet
    t.reason = policy;
  } else {
    t.state = TransferState::kPending;
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<Transfer>> Session::RequestTransfers(Source& in) const {
  TG_RETURN_IF_ERROR(impl_->regimes_error);
  TG_ASSIGN_OR_RETURN(const std::string text, ReadAll(in));
  std::vector<std::pair<int, Transfer>> requests;
  TG_RETURN_IF_ERROR(ForEachLine(text, [&](std::string_view l, int line) -> Status {
    TG_ASSIGN_OR_RETURN(Transfer t, models::ParseTransferRequest(l, line, impl_->countries));
    requests.emplace_back(line, std::move(t));
    return Status::Ok();
  }));
  return InTransaction(*this, [&](ledger::Ledger& l) -> Result<std::vector<Transfer>> {
    models::Registry registry(l, impl_->countries);
    std::vector<Transfer> out;
    for (auto& [line, t] : requests) {
      t.requester = actor_.empty() ? "tierguard" : actor_;
      const std::string where = "line " + std::to_string(line);
      if (Status s = DecideTransfer(*engine_, registry, t); !s.ok()) {
        return s.WithPrefix(where);
      }
      const bool refused = t.state == TransferState::kRefused;
      if (Status s = registry.AddTransfer(t, refused ? "transfer.refuse" : "transfer.request");
          !s.ok()) {
        return s.WithPrefix(where);
      }
      out.push_back(t);
    }
    return out;
  });
}

Result<Transfer> Session::ApproveTransfer(std::string_view id) const {
  return InTransaction(*this, [&](ledger::Ledger& l) -> Result<Transfer> {
    models::Registry registry(l, impl_->countries);
    TG_ASSIGN_OR_RETURN(Transfer t, registry.GetTransfer(id));
    const std::string approver = actor_.empty() ? "tierguard" : actor_;
    if (t.state != TransferState::kPending) {
      return FailedPrecondition("transfer " + t.id + " is " +
                                std::string(TransferStateName(t.state)) + ", not pending");
    }
    if (approver == t.requester) {
      return PermissionDenied("transfer " + t.id + ": " + approver +
                              " requested it and may not approve it (four eyes)");
    }
    t.state = TransferState::kApproved;
    t.approver = approver;
    TG_RETURN_IF_ERROR(registry.UpdateTransfer(t, "transfer.approve"));
    return t;
  });
}

Result<Transfer> Session::DenyTransfer(std::string_view id, std::string_view reason) const {
  if (reason.empty()) {
    return InvalidArgument("reason: required (say why the transfer is denied)");
  }
  return InTransaction(*this, [&](ledger::Ledger& l) -> Result<Transfer> {
    models::Registry registry(l, impl_->countries);
    TG_ASSIGN_OR_RETURN(Transfer t, registry.GetTransfer(id));
    if (t.state != TransferState::kPending) {
      return FailedPrecondition("transfer " + t.id + " is " +
                                std::string(TransferStateName(t.state)) + ", not pending");
    }
    t.state = TransferState::kDenied;
    t.approver = actor_.empty() ? "tierguard" : actor_;
    t.reason = std::string(reason);
    TG_RETURN_IF_ERROR(registry.UpdateTransfer(t, "transfer.deny"));
    return t;
  });
}

Result<Page<Transfer>> Session::ListTransfers(const PageRequest& page,
                                              std::optional<TransferState> state) const {
  return InTransaction(
      *this,
      [&](ledger::Ledger& l) {
        return models::Registry(l, impl_->countries).Transfers(page, state);
      },
      Access::kRead);
}

}  // namespace tg
