// The model registry's classification against Epoch AI's table of notable models: every model
// with a training-compute figure, under every regime, comes out as reference §1.6 says (4E091
// for weights trained with 10^26 operations or more, published weights excluded; by date, none
// before 13 Jan 2025; a regime pins its version), and a fine-tune carries its base's operations.
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tierguard/engine.h"

#include "src/common/csv.h"
#include "testing/status_matchers.h"

namespace tg {
namespace {

using ::tg::testing::IsOk;

const Engine& TheEngine() {
  static const Engine* engine =
      Engine::Open({.data_dir = "data", .regimes_dir = "regimes"}).value().release();
  return *engine;
}

struct EpochModel {
  ModelRecord record;
  double compute = 0;
  bool open_weights = false;
};

// Every row of the table with a training-compute figure, as a registry record.
std::vector<EpochModel> EpochModels() {
  auto table = CsvTable::Load("../shared/data/ai_models/notable_ai_models_2025-02-24.csv");
  EXPECT_THAT(table, IsOk());
  if (!table) {
    return {};
  }
  const size_t name = table->Column("Model").value();
  const size_t compute = table->Column("Training compute (FLOP)").value();
  const size_t access = table->Column("Model accessibility").value();
  const size_t country = table->Column("Country (from Organization)").value();
  std::vector<EpochModel> out;
  for (const CsvRecord& r : table->records()) {
    if (r.fields[compute].empty()) {
      continue;
    }
    EpochModel m;
    m.compute = std::stod(r.fields[compute]);
    m.open_weights = r.fields[access].starts_with("Open weights");
    m.record.id = r.fields[name];
    m.record.published = m.open_weights;
    m.record.training_runs = {TrainingRun{.operations = m.compute}};
    if (r.fields[country].find("United States") != std::string::npos) {
      m.record.weights_origin = {Country::FromAlpha2('U', 'S')};
    }
    out.push_back(std::move(m));
  }
  return out;
}

const ModelRecord* NoBase(std::string_view) { return nullptr; }

TEST(ModelClassification, EveryEpochModelUnderEveryRegimeIsAsTheReferenceSays) {
  const std::vector<EpochModel> models = EpochModels();
  ASSERT_GT(models.size(), 400u);
  const Date before = *Date::Parse("2024-12-01");
  const Date after = *Date::Parse("2025-03-01");
  int controlled = 0;
  int open_above = 0;
  for (const RegimeSummary& regime : TheEngine().Regimes()) {
    for (const EpochModel& m : models) {
      const bool expected = m.compute >= 1e26 && !m.open_weights;
      auto c = TheEngine().ClassifyModel(m.record, NoBase, after, regime.id);
      ASSERT_THAT(c, IsOk()) << m.record.id;
      EXPECT_EQ(c->eccn, expected ? "4E091" : "none") << m.record.id << " under " << regime.id;
      EXPECT_EQ(c->operations, m.compute);
      controlled += expected ? 1 : 0;
      open_above += m.compute >= 1e26 && m.open_weights ? 1 : 0;
    }
  }
  // The classification in force by date (no regime pinning a version): none before 4E091.
  for (const EpochModel& m : models) {
    EXPECT_EQ(TheEngine().ClassifyModel(m.record, NoBase, before, "")->eccn, "none")
        << m.record.id << " before 4E091 existed";
    EXPECT_EQ(TheEngine().ClassifyModel(m.record, NoBase, after, "")->eccn,
              m.compute >= 1e26 && !m.open_weights ? "4E091" : "none")
        << m.record.id;
  }
  EXPECT_GT(controlled, 0);  // the table holds frontier models past 10^26
  std::printf("4E091 verdicts: %d (open-weight models past 10^26 excluded: %d)\n", controlled,
              open_above);
}

TEST(ModelClassification, OnlyARegimeThatNamesThemMarksControlledAiAssets) {
  const ModelRecord us_model{.id = "m-us",
                             .weights_origin = {Country::FromAlpha2('U', 'S')},
                             .training_runs = {TrainingRun{.operations = 1e24}}};
  const Date date = *Date::Parse("2027-02-01");
  auto proposal =
      TheEngine().ClassifyModel(us_model, NoBase, date, "proposal-2027-controlled-ai-assets");
  ASSERT_THAT(proposal, IsOk());
  EXPECT_TRUE(proposal->controlled_ai_asset);
  EXPECT_EQ(proposal->eccn, "none");  // an asset by origin, below 4E091's threshold
  auto diffusion = TheEngine().ClassifyModel(us_model, NoBase, date, "us-ai-diffusion-2025");
  ASSERT_THAT(diffusion, IsOk());
  EXPECT_FALSE(diffusion->controlled_ai_asset);
  ModelRecord foreign = us_model;
  foreign.weights_origin = {Country::FromAlpha2('F', 'R')};
  EXPECT_FALSE(TheEngine()
                   .ClassifyModel(foreign, NoBase, date, "proposal-2027-controlled-ai-assets")
                   ->controlled_ai_asset);
}

TEST(ModelClassification, AFineTuneOfAControlledBaseIsControlledAndTwoSmallStepsAddUp) {
  std::map<std::string, ModelRecord, std::less<>> registry;
  for (const EpochModel& m : EpochModels()) {
    registry[m.record.id] = m.record;
  }
  auto find = [&](std::string_view id) -> const ModelRecord* {
    auto it = registry.find(id);
    return it == registry.end() ? nullptr : &it->second;
  };
  const Date date = *Date::Parse("2025-03-01");
  // The largest closed model in the table, and a small fine-tune of it.
  const ModelRecord* largest = nullptr;
  for (const auto& [id, m] : registry) {
    if (!m.published && (largest == nullptr ||
                         m.training_runs[0].operations > largest->training_runs[0].operations)) {
      largest = &m;
    }
  }
  ASSERT_NE(largest, nullptr);
  const ModelRecord tune{.id = "tune-of-largest",
                         .base_model = largest->id,
                         .training_runs = {TrainingRun{.operations = 1e22}}};
  auto c = TheEngine().ClassifyModel(tune, find, date, "us-ai-diffusion-2025");
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->eccn, "4E091");
  EXPECT_EQ(c->lineage, (std::vector<std::string>{"tune-of-largest", largest->id}));
  // Below the threshold alone, past it with its base: the weights of the fine-tune are held
  // (unpublished), even though the base's were published.
  registry["open-base"] = ModelRecord{
      .id = "open-base", .published = true, .training_runs = {TrainingRun{.operations = 6e25}}};
  const ModelRecord step{
      .id = "step", .base_model = "open-base", .training_runs = {TrainingRun{.operations = 5e25}}};
  auto stepped = TheEngine().ClassifyModel(step, find, date, "us-ai-diffusion-2025");
  ASSERT_THAT(stepped, IsOk());
  EXPECT_EQ(stepped->eccn, "4E091");
  EXPECT_THAT(stepped->reason, ::testing::HasSubstr("its base's included"));
  EXPECT_EQ(TheEngine().ClassifyModel(registry["open-base"], find, date, "")->eccn, "none");
}

}  // namespace
}  // namespace tg
