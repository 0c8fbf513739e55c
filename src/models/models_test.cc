// Model records read strictly, operations estimated from the compute a run used, and
// accumulated along a model's lineage; checked against Epoch AI's table of notable models.
#include <cmath>
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/common/csv.h"
#include "src/models/model_json.h"
#include "src/models/operations.h"
#include "testing/reference_data.h"
#include "testing/status_matchers.h"

namespace tg::models {
namespace {

using ::tg::testing::IsOk;
using ::tg::testing::StatusIs;

using ::tg::testing::Catalog;
using ::tg::testing::Countries;

class ModelsTest : public ::testing::Test {
 protected:
  static Result<ModelRecord> Parse(std::string_view json, int line = 1) {
    return ParseModelRecord(json, line, Countries());
  }
  // The catalog's dense figure of `part` at `precision`, in operations a second.
  static double Rate(std::string_view part, std::string_view precision) {
    for (const PrecisionFigure& f : Catalog().Find(part)->figures) {
      if (f.precision == precision) {
        return f.tops * 1e12;
      }
    }
    return 0;
  }
};

constexpr std::string_view kFrontier = R"({"id": "m-frontier-2", "name": "Frontier 2",
  "developer": {"name": "Example Lab", "country": "US"}, "base_model": "m-frontier-1",
  "published": false, "weights_origin": ["US"],
  "training_runs": [{"id": "r-1", "start": "2026-03-01", "end": "2026-06-30",
    "data_origin": ["US", "GB"], "biological_sequence_data": false,
    "compute": {"provider": "Example Cloud", "country": "US", "accelerator": "H100 SXM",
                "count": 16384, "hours": 2900, "utilization": 0.38}}],
  "releases": [{"date": "2026-08-01", "approved_by": "safety-board",
    "evaluations": [{"kind": "red_team", "by": "internal", "date": "2026-07-10", "result": "pass"},
                    {"kind": "third_party", "by": "Example Institute", "date": "2026-07-20",
                     "result": "pass"}]}]})";

TEST_F(ModelsTest, TheSpecsRecordReadsWhole) {
  auto m = Parse(kFrontier);
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(m->developer_country->ToString(), "US");
  EXPECT_EQ(m->base_model, "m-frontier-1");
  ASSERT_EQ(m->training_runs.size(), 1u);
  EXPECT_FALSE(m->training_runs[0].operations.has_value());
  EXPECT_EQ(m->training_runs[0].compute->count, 16384);
  EXPECT_EQ(m->training_runs[0].data_origin.size(), 2u);
  ASSERT_EQ(m->releases.size(), 1u);
  EXPECT_EQ(m->releases[0].evaluations[1].by, "Example Institute");
}

TEST_F(ModelsTest, ABadRecordNamesItsLineAndField) {
  const std::vector<std::pair<std::string, std::string>> refused = {
      {R"({"name": "x"})", "line 7: model.id: required"},
      {R"({"id": "m", "colour": 1})", "line 7: model.colour: unknown key"},
      {R"({"id": "m", "training_runs": [{"id": "r"}]})",
       "model.training_runs[0]: operations or compute is required"},
      {R"({"id": "m", "training_runs": [{"operations": -1}]})",
       "model.training_runs[0].operations: a number from 0"},
      {R"({"id": "m", "training_runs": [{"compute": {"count": "many"}}]})",
       "model.training_runs[0].compute.count"},
      {R"({"id": "m", "weights_origin": ["Atlantis"]})", "model.weights_origin[0]"},
      {R"({"id": "m", "releases": [{"date": "2026-08-01"}]})",
       "model.releases[0].approved_by: required"},
      {R"({"id": "m", "base_model": "m"})", "cannot be its own base"},
      {R"({"id": "m", "training_runs": [{"operations": 1, "start": "2026-02-01",
           "end": "2026-01-01"}]})",
       "start: after its end"},
      {R"({"id": "m",)", "line 7: not JSON"},
  };
  for (const auto& [json, message] : refused) {
    EXPECT_THAT(Parse(json, 7), StatusIs(StatusCode::kInvalidArgument, message)) << json;
  }
}

TEST_F(ModelsTest, OperationsAreEstimatedFromTheComputeAndShowTheirInputs) {
  auto m = Parse(kFrontier);
  ASSERT_THAT(m, IsOk());
  auto run = OperationsOf(m->training_runs[0], Catalog(), "r-1");
  ASSERT_THAT(run, IsOk());
  EXPECT_TRUE(run->estimated);
  EXPECT_EQ(run->precision, "bf16");
  EXPECT_EQ(run->peak_ops_per_second, Rate("H100 SXM", "bf16"));
  EXPECT_DOUBLE_EQ(run->operations, 16384.0 * 2900 * 3600 * Rate("H100 SXM", "bf16") * 0.38);
  TrainingRun given{.operations = 2e24};
  EXPECT_FALSE(OperationsOf(given, Catalog(), "r")->estimated);
  TrainingRun unknown{
      .compute =
          ComputeUse{.accelerator = "Abacus 9000", .count = 1, .hours = 1, .utilization = 0.5}};
  EXPECT_THAT(OperationsOf(unknown, Catalog(), "r"),
              StatusIs(StatusCode::kNotFound, "unknown accelerator 'Abacus 9000'"));
}

TEST_F(ModelsTest, AFineTuneCarriesItsBasesOperations) {
  std::map<std::string, ModelRecord, std::less<>> registry;
  registry["base"] = ModelRecord{.id = "base", .training_runs = {{.operations = 9.5e25}}};
  registry["tune"] =
      ModelRecord{.id = "tune", .base_model = "base", .training_runs = {{.operations = 6e24}}};
  registry["tune2"] =
      ModelRecord{.id = "tune2", .base_model = "tune", .training_runs = {{.operations = 1e23}}};
  auto find = [&](std::string_view id) -> const ModelRecord* {
    auto it = registry.find(id);
    return it == registry.end() ? nullptr : &it->second;
  };
  auto ops = OperationsWithLineage(registry["tune2"], find, Catalog());
  ASSERT_THAT(ops, IsOk());
  EXPECT_EQ(ops->own, 1e23);
  EXPECT_DOUBLE_EQ(ops->total, 9.5e25 + 6e24 + 1e23);  // past 10^26 only with its bases
  EXPECT_EQ(ops->lineage, (std::vector<std::string>{"tune2", "tune", "base"}));
  registry["base"].base_model = "tune2";
  EXPECT_THAT(OperationsWithLineage(registry["tune2"], find, Catalog()),
              StatusIs(StatusCode::kInvalidArgument, "lineage comes back to tune2"));
  registry["base"].base_model = "gone";
  EXPECT_THAT(OperationsWithLineage(registry["tune2"], find, Catalog()),
              StatusIs(StatusCode::kNotFound, "'gone' is not in the registry"));
}

// Epoch AI's notable models that give their hardware, its quantity, training time and
// utilization: the estimate from those lands near the training compute Epoch reports.
TEST_F(ModelsTest, EstimatesAgreeWithEpochsReportedCompute) {
  auto table = CsvTable::Load("../shared/data/ai_models/notable_ai_models_2025-02-24.csv");
  ASSERT_THAT(table, IsOk());
  std::map<std::string, size_t> col;
  for (const char* name : {"Model", "Training compute (FLOP)", "Training hardware",
                           "Hardware quantity", "Training time (hours)", "Hardware utilization"}) {
    auto c = table->Column(name);
    ASSERT_THAT(c, IsOk());
    col[name] = *c;
  }
  int compared = 0;
  int near = 0;
  for (const CsvRecord& r : table->records()) {
    auto field = [&](const char* name) { return r.fields[col[name]]; };
    if (field("Training compute (FLOP)").empty() || field("Hardware quantity").empty() ||
        field("Training time (hours)").empty() || field("Hardware utilization").empty()) {
      continue;
    }
    TrainingRun run{
        .compute = ComputeUse{.accelerator = field("Training hardware"),
                              .count = static_cast<int64_t>(std::stod(field("Hardware quantity"))),
                              .hours = std::stod(field("Training time (hours)")),
                              .utilization = std::stod(field("Hardware utilization"))}};
    auto estimate = OperationsOf(run, Catalog(), field("Model"));
    if (!estimate) {
      continue;  // hardware the chip table does not hold
    }
    ++compared;
    const double ratio = estimate->operations / std::stod(field("Training compute (FLOP)"));
    near += ratio > 0.5 && ratio < 2 ? 1 : 0;
  }
  ASSERT_GE(compared, 10) << "too few Epoch rows with hardware the chip table holds";
  EXPECT_GE(near * 10, compared * 7) << near << " of " << compared << " within a factor of 2";
  std::printf("estimates within a factor of 2 of Epoch's figure: %d of %d\n", near, compared);
}

}  // namespace
}  // namespace tg::models
