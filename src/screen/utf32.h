// Text as code points, for the tables matched against a name's script (Burmese syllables,
// generic words): NFKC as names are normalised, optionally lower-cased.
#pragma once

#include <string>
#include <string_view>

#include "tierguard/status.h"

#include "src/common/csv.h"

namespace tg::screen {

// The code points of valid UTF-8 text after NFKC.
std::u32string NfkcUtf32(std::string_view utf8, bool lower_case = false);

// UTF-32 back to UTF-8.
std::string Utf8(std::u32string_view text);

// A row of a romanisation table (data/screening/burmese.csv, khmer.csv): the script column's
// code points after NFKC, once every one is in the script (`in_script`, named `script`) and
// the Latin column is lower-case ASCII letters and digits; else InvalidArgument naming the
// line and column.
Result<std::u32string> RomanisationRow(const CsvTable& table, const CsvRecord& row,
                                       size_t script_col, std::string_view script,
                                       bool (*in_script)(char32_t), size_t latin_col);

}  // namespace tg::screen
