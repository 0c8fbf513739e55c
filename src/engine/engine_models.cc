// The model registry's classification: a model's training (with its lineage's) as one item,
// classified as an order line's model is.
#include <algorithm>
#include <cstdio>

#include "src/classify/classifier.h"
#include "src/engine/engine_impl.h"
#include "src/models/operations.h"

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
  Item item{.kind = Item::Kind::kModel};
  item.model.name = model.name.empty() ? model.id : model.name;
  item.model.training_ops = ops.total;
  item.model.published = model.published;
  item.model.origin_weights = model.weights_origin;
  for (const TrainingRun& run : model.training_runs) {
    item.model.origin_data.insert(item.model.origin_data.end(), run.data_origin.begin(),
                                  run.data_origin.end());
    if (run.compute && !run.compute->country.empty()) {
      item.model.origin_compute.push_back(run.compute->country);
    }
  }
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

}  // namespace tg
