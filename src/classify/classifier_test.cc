#include "src/classify/classifier.h"

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace tg::classify {
namespace {

using ::tg::testing::IsOk;
using ::tg::testing::StatusIs;

Date D(const char* s) { return *Date::Parse(s); }

class ClassifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = Classifier::Load("data/classifications.yaml", "data/chips.csv");
    ASSERT_THAT(c, IsOk());
    classifier_ = std::make_unique<Classifier>(std::move(*c));
  }
  Classification Part(const char* name, const char* date = "2026-03-01") {
    Item item;
    item.part = name;
    Classification out;
    EXPECT_THAT(classifier_->Classify(item, D(date), {}, "items[0]", out), IsOk());
    return out;
  }
  std::unique_ptr<Classifier> classifier_;
};

TEST_F(ClassifierTest, CatalogHoldsAtLeastFortyAcceleratorsWithSources) {
  EXPECT_GE(classifier_->catalog().entries().size(), 40u);
  for (const ChipEntry& e : classifier_->catalog().entries()) {
    EXPECT_FALSE(e.source.empty()) << e.name;
    EXPECT_GT(e.tpp, 0) << e.name;
  }
}

// The chip table of regulation.md s7.2: TPP and density as computed there.
TEST_F(ClassifierTest, ReferenceChipTableFigures) {
  struct Row {
    const char* part;
    double tpp;
    double pd;  // 0: no die area
    const char* paragraph;
  };
  const Row rows[] = {
      {"A100 SXM 80GB", 4992, 6.04, "3A090.a.1"},
      {"H100 SXM", 15832, 19.45, "3A090.a.1"},
      {"H100 PCIe", 12096, 14.86, "3A090.a.1"},
      {"L40", 2896.64, 4.76, "3A090.b.1"},
      {"L20", 1913.6, 3.14, ""},
      {"L4", 1936, 6.59, "3A090.a.2"},
      {"RTX 4090", 5284.8, 8.69, "3A090.a.1"},
      {"MI300X", 20919.2, 20.57, "3A090.a.1"},
      {"MI250X", 6128, 8.46, "3A090.a.1"},
      {"Gaudi 2", 7200, 8.72, "3A090.a.1"},
      {"B200", 36000, 0, "3A090.a.1"},
      {"H20", 2368, 2.91, ""},
  };
  for (const Row& row : rows) {
    Classification c = Part(row.part);
    ASSERT_TRUE(c.tpp.has_value()) << row.part;
    EXPECT_NEAR(*c.tpp, row.tpp, 0.01) << row.part;
    if (row.pd > 0) {
      ASSERT_TRUE(c.performance_density.has_value()) << row.part;
      EXPECT_NEAR(*c.performance_density, row.pd, 0.006) << row.part;
    }
    EXPECT_EQ(c.paragraph, row.paragraph) << row.part;
  }
  EXPECT_FALSE(Part("RTX 4090").datacenter);
}

TEST_F(ClassifierTest, PartLookupIgnoresCaseAndPunctuation) {
  EXPECT_EQ(Part("h100-sxm5").name, "H100 SXM");
}

TEST_F(ClassifierTest, UnknownPartIsNotFound) {
  Item item;
  item.part = "H9000";
  Classification out;
  EXPECT_THAT(classifier_->Classify(item, D("2026-01-01"), {}, "items[3]", out),
              StatusIs(StatusCode::kNotFound, "items[3].part: unknown part 'H9000'"));
}

TEST_F(ClassifierTest, ModelThresholdCanBeOverriddenByARegime) {
  Item item;
  item.kind = Item::Kind::kModel;
  item.model.name = "m";
  item.model.training_ops = 5e25;
  Classification out;
  ASSERT_THAT(classifier_->Classify(item, D("2025-06-01"), {}, "items[0]", out), IsOk());
  EXPECT_EQ(out.eccn, "none");
  ClassifyOptions lower;
  lower.model_threshold_ops = 1e25;
  ASSERT_THAT(classifier_->Classify(item, D("2025-06-01"), lower, "items[0]", out), IsOk());
  EXPECT_EQ(out.eccn, "4E091");
}

TEST_F(ClassifierTest, ModelWithUsOriginIsAControlledAiAsset) {
  Item item;
  item.kind = Item::Kind::kModel;
  item.model.training_ops = 1e24;
  item.model.origin_compute = {Country::FromAlpha2('U', 'S')};
  Classification out;
  ASSERT_THAT(classifier_->Classify(item, D("2027-06-01"), {}, "items[0]", out), IsOk());
  EXPECT_TRUE(out.controlled_ai_asset);
  item.model.origin_compute = {Country::FromAlpha2('F', 'R')};
  ASSERT_THAT(classifier_->Classify(item, D("2027-06-01"), {}, "items[0]", out), IsOk());
  EXPECT_FALSE(out.controlled_ai_asset);
}

TEST(ChipCatalog, RefusesARowWhoseTppDisagreesWithItsFigures) {
  const auto path = std::filesystem::temp_directory_path() / "tg_bad_chips.csv";
  std::ifstream in("data/chips.csv");
  std::string header;
  std::getline(in, header);
  std::string row;
  std::getline(in, row);  // H100 SXM, tpp 15832
  row.replace(row.find(",15832,"), 7, ",15000,");
  std::ofstream(path) << header << "\n" << row << "\n";
  EXPECT_THAT(ChipCatalog::Load(path.string(), {{"int8", 8},
                                                {"bf16", 16},
                                                {"fp16", 16},
                                                {"tf32", 32},
                                                {"fp32", 32},
                                                {"fp64", 64},
                                                {"fp4", 4},
                                                {"int4", 4},
                                                {"fp8", 8}}),
              StatusIs(StatusCode::kInvalidArgument, ":2: tpp: stored 15000"));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace tg::classify
