// Listings (caps, licences, alerts, lists, hits, …) as JSON Lines, CSV or an aligned table.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace tg::cli {

enum class ListFormat { kJson, kCsv, kTable };

// "json", "csv" or "table"; false for anything else.
bool ParseListFormat(std::string_view text, ListFormat& out);
// `s` and spaces up to `width` characters (UTF-8 code points, not bytes: "→" is one).
std::string PadRight(std::string_view s, size_t width);

// Writes `records`, one JSON object each, as `format` asks: JSON Lines as they are; CSV with a
// header of every top-level field in order of first appearance (nested values as compact
// JSON, RFC 4180 quoting, and a text cell that a spreadsheet would run as a formula, one that
// begins with = + - @ or a tab or carriage return, prefixed with '); a table of the same
// columns, aligned, each column cut to fit `width` characters when the terminal is that
// narrow (0: never cut), a cut cell ending in "…". False with `error` for a record that is
// not a JSON object.
bool WriteList(const std::vector<std::string>& records, ListFormat format, size_t width,
               std::FILE* out, std::string& error);

}  // namespace tg::cli
