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
  // The regime's standing on the date: in_force, not_enforced, proposal or recommendation, the
  // days it is in effect, and whether it is enforced on the date (in effect, not rescinded, law).
  std::string regime_status;
  std::string regime_effective;
  bool enforced = false;
  double operations = 0;  // all its training, its bases' included
  bool published = false;
  // The regime controls models built with US-origin data, weights or compute (its rules name
  // "controlled AI assets") and this model is one.
  bool controlled_ai_asset = false;
  std::vector<std::string> lineage;  // the model, its base, … back to the first
  std::string reason;                // in words
};

struct ModelAdded {
  std::string id;
  bool updated = false;  // the id was on record: its record replaced
  // What the release policies in force (data/policies) find wrong with its releases.
  std::vector<std::string> findings;
};

// A model as the registry shows it: its record and its training operations, each run's as given
// or estimated (with the estimate's inputs), its bases' added along its lineage.
struct RunEstimate {
  std::string run;  // the run's id, or "training_runs[i]"
  double operations = 0;
  bool estimated = false;
  std::string accelerator;  // the estimate's inputs, when estimated
  std::string precision;
  double peak_ops_per_second = 0;
  int64_t count = 0;
  double hours = 0;
  double utilization = 0;
};
struct ModelView {
  ModelRecord model;
  double own_operations = 0;
  double total_operations = 0;  // its bases' included
  std::vector<std::string> lineage;
  std::vector<RunEstimate> runs;
  std::vector<std::string> findings;  // as ModelAdded's
};

// (The state names: src/common/states.cc.)
// A request to give a model's weights, or hosted access to it, to a recipient
// (../shared/spec/models-cloud.md): decided like an order line, then approved or denied by
// someone other than its requester.
enum class TransferState : uint8_t { kPending, kApproved, kDenied, kRefused };
std::string_view TransferStateName(TransferState s);
bool ParseTransferState(std::string_view name, TransferState& out);

struct TransferRecipient {
  std::string id;
  std::string name;
  Country country;       // where the weights or access are given
  Country headquarters;  // defaults to country
  Country nationality;   // a natural person's: a deemed export goes to it
  std::string employer;  // a natural person's employer, by id or name
};

struct Transfer {
  std::string id;
  Date date;
  std::string model;
  std::string kind = "export";     // export | reexport | in_country_transfer | deemed_export
  std::string access = "weights";  // weights | hosted
  TransferRecipient recipient;
  std::string regime;  // optional: the regime to decide under
  // Set by the registry:
  std::string requester;
  TransferState state = TransferState::kPending;
  std::string outcome;     // the decision's outcome
  std::string decided_as;  // what was decided: "export to CN", …
  std::string decision;    // the decision, as determine prints it
  std::string approver;    // who approved or denied it
  std::string reason;      // why it was denied or refused
};

}  // namespace tg
