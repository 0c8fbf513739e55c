// The Engine's private state, shared by engine.cc (decisions) and engine_ledger.cc (ledger
// commands). Internal.
#pragma once

#include <memory>

#include "tierguard/engine.h"
#include "src/classify/classifier.h"
#include "src/common/country_table.h"
#include "src/engine/determiner.h"
#include "src/regime/country_groups.h"
#include "src/regime/regime_set.h"
#include "src/screen/normalize.h"
#include "src/screen/scorer.h"
#include "src/store/store.h"

namespace tg {

struct Engine::Impl {
  CountryTable countries;
  regime::CountryGroups groups;
  classify::Classifier classifier;
  regime::RegimeSet regimes;
  std::unique_ptr<engine::Determiner> determiner;
  std::unique_ptr<screen::Normalizer> normalizer;
  std::unique_ptr<screen::NameScorer> scorer;
  std::unique_ptr<store::Store> store;  // null: no ledger
  SystemClock system_clock;
  const Clock* clock = nullptr;
  std::string actor;

  // The classification versions a regime pins (none for an empty id); NotFound when unknown.
  Result<classify::ClassifyOptions> ClassifyOptionsFor(std::string_view regime_id) const;
  // The store, or FailedPrecondition naming how to give one.
  Result<store::Store*> Ledger() const;
};

}  // namespace tg
