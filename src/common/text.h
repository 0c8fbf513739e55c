// Small text helpers shared by the loaders: lookup keys and number parsing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tg {

// Lower-case ASCII letters and digits only: "H100-SXM5 (80GB)" -> "h100sxm580gb". Used to look
// up parts and country names insensitively to case, spaces and punctuation.
std::string LookupKey(std::string_view text);

// Parses a finite decimal number; nullopt when the text is not one.
std::optional<double> ParseNumber(std::string_view text);

// Splits on `sep`, trimming spaces; empty pieces are dropped.
std::vector<std::string> SplitList(std::string_view text, char sep);

}  // namespace tg
