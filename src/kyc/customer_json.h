// Customer records as JSON Lines give them (../shared/spec/models-cloud.md), read strictly (an
// unknown key, a wrong type or a missing field is InvalidArgument naming the line and the
// field); api::ToJson writes them back.
#pragma once

#include <string>
#include <string_view>

#include "tierguard/cloud.h"
#include "tierguard/status.h"

#include "src/common/country_table.h"

namespace tg::kyc {

Result<CustomerRecord> ParseCustomerRecord(std::string_view json, int line,
                                           const CountryTable& countries);

}  // namespace tg::kyc
