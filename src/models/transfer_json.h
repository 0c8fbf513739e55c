// Transfer requests as JSON Lines give them (../shared/spec/models-cloud.md), read strictly (an
// unknown key, a wrong type or value, or a missing field is InvalidArgument naming the line and
// the field). A stored transfer (api::ToJson) is read back with its state and decision.
#pragma once

#include <string_view>

#include "tierguard/models.h"
#include "tierguard/status.h"

#include "src/common/country_table.h"

namespace tg::models {

Result<Transfer> ParseTransferRequest(std::string_view json, int line,
                                      const CountryTable& countries);
Result<Transfer> ParseStoredTransfer(std::string_view json, const CountryTable& countries);

}  // namespace tg::models
