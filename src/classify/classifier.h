// Classifier: maps an item (a catalog part, a chip described by its figures, an HBM stack or
// a model) to its ECCN paragraph under the classification version in force on a date, or a
// version a regime pins. Versions live in data/classifications.yaml. Immutable after Load;
// safe to share between threads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tierguard/date.h"
#include "tierguard/status.h"
#include "tierguard/types.h"

#include "src/classify/chip_catalog.h"
#include "src/regime/regime.h"

namespace tg::classify {

enum class Family : uint8_t { kChip, kHbm, kModel };

struct Paragraph {
  std::string paragraph;
  int eccn_id = 0;
  regime::Condition when;
  std::string text;
};

struct Exclusion {
  std::string id;
  regime::Condition when;
  std::string text;
};

struct Version {
  std::string id;
  Family family = Family::kChip;
  DateRange effective;
  std::string citation;
  std::optional<double> threshold_ops;  // models only
  std::vector<Exclusion> exclusions;
  std::vector<Paragraph> paragraphs;
};

struct ClassifyOptions {
  std::string_view chip_version;              // pinned version id; empty: by date
  std::string_view model_version;             // pinned version id; empty: by date
  std::optional<double> model_threshold_ops;  // overrides the version's threshold
};

// The request field a missing figure comes from, for error messages ("chip.die_area_mm2").
std::string_view MetricField(regime::Metric m, bool is_part);

class Classifier {
 public:
  static Result<Classifier> Load(const std::string& classifications_yaml,
                                 const std::string& chips_csv);

  // ECCN names by id; id 0 is "none".
  const std::vector<std::string>& eccns() const { return eccns_; }
  const ChipCatalog& catalog() const { return catalog_; }
  const std::vector<Version>& versions() const { return versions_; }

  // The version of `family` pinned by id, or in force on `date`; nullptr when none is.
  // NotFound when `pinned` names no version of that family.
  Result<const Version*> VersionFor(Family family, Date date, std::string_view pinned) const;

  // Classifies `item`. `path` prefixes field names in errors ("items[2]"). Errors:
  // InvalidArgument naming the field when the item lacks a figure a paragraph needs, or when
  // a figure is out of range; NotFound for an unknown part.
  Status Classify(const Item& item, Date date, const ClassifyOptions& options,
                  std::string_view path, Classification& out) const;

 private:
  Status ClassifyChip(const Item& item, Date date, const ClassifyOptions& options,
                      std::string_view path, Classification& out) const;
  Status ClassifyModel(const Item& item, Date date, const ClassifyOptions& options,
                       std::string_view path, Classification& out) const;
  Status Apply(const Version& v, const regime::Facts& facts, std::string_view path,
               std::string_view subject, Classification& out) const;

  std::vector<std::string> eccns_;
  std::vector<Version> versions_;
  ChipCatalog catalog_;
  // A system holding ICs of the first ECCN id is classified under the second (3A090.a ->
  // 4A090.a), as data/classifications.yaml's `systems` says.
  std::vector<std::pair<int, int>> system_eccns_;
};

}  // namespace tg::classify
