// A model's training operations: each run's as given, or estimated from the compute it used
// (count × hours × 3,600 × the accelerator's dense peak rate × utilization, the rate from
// data/chips.csv at the first training precision it lists: BF16, FP16, TF32, FP32), and a
// fine-tune's with its base's, all along its lineage (reference §1.6: later training counts
// towards the total).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "tierguard/models.h"
#include "tierguard/status.h"

#include "src/classify/chip_catalog.h"

namespace tg::models {

// A run's operations and, when estimated, the estimate's inputs (`run` is left empty).
using RunOperations = RunEstimate;

// An accelerator's dense peak rate at the first training precision the catalog gives for it.
struct PeakRate {
  std::string accelerator;  // the catalog's name
  std::string precision;    // bf16, fp16, tf32 or fp32
  double ops_per_second = 0;
};
// NotFound naming `path` for an accelerator the catalog lacks or gives no training figure for.
// A name that starts with its maker's ("NVIDIA H100 SXM5 80GB") is tried without it too.
Result<PeakRate> TrainingPeakRate(const classify::ChipCatalog& catalog, std::string_view name,
                                  std::string_view path);

// `path` names the run in errors ("m-1.training_runs[0]").
Result<RunOperations> OperationsOf(const TrainingRun& run, const classify::ChipCatalog& catalog,
                                   std::string_view path);

struct LineageOperations {
  double own = 0;                    // the model's own runs
  double total = 0;                  // with every base's
  std::vector<std::string> lineage;  // the model's id, its base's, … back to the first
  std::vector<RunOperations> runs;   // the model's own runs, in order
};

// `find` gives a model by id (null: not in the registry). NotFound naming a missing base;
// InvalidArgument for a lineage that comes back on itself.
Result<LineageOperations> OperationsWithLineage(
    const ModelRecord& model, const std::function<const ModelRecord*(std::string_view)>& find,
    const classify::ChipCatalog& catalog);

}  // namespace tg::models
