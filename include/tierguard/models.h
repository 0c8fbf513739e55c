// The model registry's records (../shared/spec/models-cloud.md): a model with its training runs,
// its base model (fine-tunes accumulate their base's operations), publication, weight origin and
// releases. Plain values; the registry keeps them in the ledger.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tierguard/date.h"
#include "tierguard/types.h"

namespace tg {

// The compute a training run used: operations are estimated from it when not given.
struct ComputeUse {
  std::string provider;
  Country country;
  std::string accelerator;  // a part of data/chips.csv, by name or alias
  int64_t count = 0;
  double hours = 0;
  double utilization = 0;  // of the accelerator's dense peak, 0 to 1
};

struct TrainingRun {
  std::string id;
  std::optional<Date> start;
  std::optional<Date> end;
  std::optional<double> operations;  // none: estimated from `compute`
  std::vector<Country> data_origin;
  bool biological_sequence_data = false;
  std::optional<ComputeUse> compute;
};

struct Evaluation {
  std::string kind;  // red_team, third_party, …
  std::string by;
  std::optional<Date> date;
  std::string result;
};

struct Release {
  Date date;
  std::string approved_by;
  std::vector<Evaluation> evaluations;
};

struct ModelRecord {
  std::string id;
  std::string name;
  std::string developer;
  std::optional<Country> developer_country;
  std::string base_model;  // the model it was fine-tuned from; empty: trained from scratch
  bool published = false;  // weights published (§734.7(a)): outside 4E091
  std::vector<Country> weights_origin;
  std::vector<TrainingRun> training_runs;
  std::vector<Release> releases;
};

// A model as one regime classifies it, on a date.
struct ModelClassification {
  std::string regime;         // the regime's id; empty: the classification in force
  std::string eccn = "none";  // "4E091", or "none"
  std::string paragraph;      // the paragraph that applies; empty when none
  std::string version;        // the classification version used; empty when none
  double operations = 0;      // all its training, its bases' included
  bool published = false;
  // The regime controls models built with US-origin data, weights or compute (its rules name
  // "controlled AI assets") and this model is one.
  bool controlled_ai_asset = false;
  std::vector<std::string> lineage;  // the model, its base, … back to the first
  std::string reason;                // in words
};

}  // namespace tg
