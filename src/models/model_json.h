// Model records as JSON Lines give them (../shared/spec/models-cloud.md), read strictly: an
// unknown key, a value of the wrong type or range, or a missing field is InvalidArgument naming
// the line and the field ("line 3: model.training_runs[0].compute.count: …").
#pragma once

#include <string_view>

#include "tierguard/models.h"
#include "tierguard/status.h"

#include "src/common/country_table.h"

namespace tg::models {

Result<ModelRecord> ParseModelRecord(std::string_view json, int line,
                                     const CountryTable& countries);

}  // namespace tg::models
