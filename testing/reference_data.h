// The reference tables of data/, read once per test binary (the tests run from the repository's
// root).
#pragma once

#include "src/classify/classifier.h"
#include "src/common/country_table.h"

namespace tg::testing {

inline const CountryTable& Countries() {
  static const auto* table = new CountryTable(CountryTable::Load("data/countries.csv").value());
  return *table;
}

inline const classify::ChipCatalog& Catalog() {
  static const auto* classifier = new classify::Classifier(
      classify::Classifier::Load("data/classifications.yaml", "data/chips.csv").value());
  return classifier->catalog();
}

}  // namespace tg::testing
