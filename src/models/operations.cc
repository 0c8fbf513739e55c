#include "src/models/operations.h"

#include <algorithm>
#include <cmath>

namespace tg::models {

namespace {

// The precisions training runs at, most usual first.
constexpr std::string_view kTrainingPrecisions[] = {"bf16", "fp16", "tf32", "fp32"};

// A lineage longer than this is a data error, not a model's history.
constexpr size_t kMaxLineage = 256;

// The catalog's entry for `name`; a name that starts with its maker's ("NVIDIA H100 SXM5 80GB",
// as Epoch writes them) is tried without it too.
const classify::ChipEntry* FindAccelerator(const classify::ChipCatalog& catalog,
                                           std::string_view name) {
  if (const classify::ChipEntry* e = catalog.Find(name)) {
    return e;
  }
  const size_t space = name.find(' ');
  return space == std::string_view::npos ? nullptr : catalog.Find(name.substr(space + 1));
}

}  // namespace

Result<PeakRate> TrainingPeakRate(const classify::ChipCatalog& catalog, std::string_view name,
                                  std::string_view path) {
  const classify::ChipEntry* chip = FindAccelerator(catalog, name);
  if (chip == nullptr) {
    return NotFound(std::string(path) + ": unknown accelerator '" + std::string(name) +
                    "' (not in data/chips.csv)");
  }
  for (std::string_view precision : kTrainingPrecisions) {
    auto figure = std::find_if(chip->figures.begin(), chip->figures.end(),
                               [&](const PrecisionFigure& f) { return f.precision == precision; });
    if (figure != chip->figures.end() && figure->tops > 0) {
      return PeakRate{.accelerator = chip->name,
                      .precision = std::string(precision),
                      .ops_per_second = figure->tops * 1e12};
    }
  }
  return NotFound(std::string(path) + ": " + chip->name +
                  " has no BF16, FP16, TF32 or FP32 figure to estimate from");
}

Result<RunOperations> OperationsOf(const TrainingRun& run, const classify::ChipCatalog& catalog,
                                   std::string_view path) {
  RunOperations out;
  if (run.operations) {
    out.operations = *run.operations;
    return out;
  }
  if (!run.compute) {
    return InvalidArgument(std::string(path) + ": operations or compute is required");
  }
  const ComputeUse& c = *run.compute;
  const std::string at = std::string(path) + ".compute";
  if (c.count <= 0 || c.hours <= 0 || c.utilization <= 0) {
    return InvalidArgument(at + ": count, hours and utilization are needed to estimate operations");
  }
  TG_ASSIGN_OR_RETURN(PeakRate rate, TrainingPeakRate(catalog, c.accelerator, at + ".accelerator"));
  out.precision = rate.precision;
  out.peak_ops_per_second = rate.ops_per_second;
  out.estimated = true;
  out.accelerator = rate.accelerator;
  out.count = c.count;
  out.hours = c.hours;
  out.utilization = c.utilization;
  out.operations =
      static_cast<double>(c.count) * c.hours * 3600.0 * out.peak_ops_per_second * c.utilization;
  return out;
}

Result<LineageOperations> OperationsWithLineage(
    const ModelRecord& model, const std::function<const ModelRecord*(std::string_view)>& find,
    const classify::ChipCatalog& catalog) {
  LineageOperations out;
  const ModelRecord* m = &model;
  while (m != nullptr) {
    if (std::find(out.lineage.begin(), out.lineage.end(), m->id) != out.lineage.end() ||
        out.lineage.size() >= kMaxLineage) {
      return InvalidArgument(model.id + ": its lineage comes back to " + m->id);
    }
    out.lineage.push_back(m->id);
    for (size_t i = 0; i < m->training_runs.size(); ++i) {
      TG_ASSIGN_OR_RETURN(RunOperations run,
                          OperationsOf(m->training_runs[i], catalog,
                                       m->id + ".training_runs[" + std::to_string(i) + "]"));
      out.total += run.operations;
      if (m == &model) {
        out.own += run.operations;
        out.runs.push_back(std::move(run));
      }
    }
    if (m->base_model.empty()) {
      break;
    }
    const ModelRecord* base = find(m->base_model);
    if (base == nullptr) {
      return NotFound(m->id + ".base_model: '" + m->base_model + "' is not in the registry");
    }
    m = base;
  }
  if (!std::isfinite(out.total)) {
    return InvalidArgument(model.id + ": its operations do not add up to a finite number");
  }
  return out;
}

}  // namespace tg::models
