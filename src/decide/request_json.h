// Reading requests and items from JSON (simdjson). Every error names the field by its path in
// the request ("items[0].quantity") and, when given, the input line. Internal to the engine.
#pragma once

#include <string_view>

#include "tierguard/status.h"
#include "tierguard/types.h"

#include "src/common/country_table.h"

namespace tg::decide {

// Parses one request object. `line` > 0 prefixes errors with "line N: ".
Status ParseRequestJson(std::string_view json, const CountryTable& countries, int line,
                        Request& out);

// Parses one item object for classification (quantity optional); `path` prefixes errors.
Status ParseItemJson(std::string_view json, const CountryTable& countries, std::string_view path,
                     Item& out);

// The elements of a JSON array as raw JSON texts; InvalidArgument when it is not an array.
Result<std::vector<std::string>> SplitJsonArray(std::string_view json);

}  // namespace tg::decide
