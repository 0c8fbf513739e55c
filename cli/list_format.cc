#include "list_format.h"

#include <algorithm>
#include <map>

#include <simdjson.h>

namespace tg::cli {

namespace {

// The characters of a UTF-8 string (its code points, not its bytes).
size_t Characters(std::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// The first `n` characters of `s`.
std::string_view FirstCharacters(std::string_view s, size_t n) {
  size_t at = 0;
  for (size_t seen = 0; at < s.size(); ++at) {
    if ((s[at] & 0xC0) != 0x80 && seen++ == n) {
      break;
    }
  }
  return s.substr(0, at);
}

std::string CsvCell(const std::string& value, bool text) {
  std::string cell = value;
  if (text && !cell.empty() &&
      (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@' || cell[0] == '\t' ||
       cell[0] == '\r')) {
    cell.insert(0, 1, '\'');  // shown as text, never run as a formula
  }
  if (cell.find_first_of(",\"\r\n") == std::string::npos) {
    return cell;
  }
  std::string quoted = "\"";
  for (const char c : cell) {
    quoted += c;
    if (c == '"') {
      quoted += '"';
    }
  }
  return quoted + "\"";
}

}  // namespace

std::string PadRight(std::string_view s, size_t width) {
  std::string out(s);
  for (size_t n = Characters(s); n < width; ++n) {
    out += ' ';
  }
  return out;
}

bool ParseListFormat(std::string_view text, ListFormat& out) {
  static const std::map<std::string_view, ListFormat> kFormats = {
      {"json", ListFormat::kJson}, {"csv", ListFormat::kCsv}, {"table", ListFormat::kTable}};
  auto it = kFormats.find(text);
  if (it == kFormats.end()) {
    return false;
  }
  out = it->second;
  return true;
}

bool WriteList(const std::vector<std::string>& records, ListFormat format, size_t width,
               std::FILE* out, std::string& error) {
  if (format == ListFormat::kJson) {
    for (const std::string& r : records) {
      std::fprintf(out, "%s\n", r.c_str());
    }
    return true;
  }
  // Columns in order of first appearance; per record, each column's text and whether it is
  // a string (which CSV guards against formulas) rather than a number, boolean or JSON.
  struct Cell {
    std::string text;
    bool is_text = false;
  };
  std::vector<std::string> columns;
  std::vector<std::map<std::string, Cell>> rows;
  simdjson::dom::parser parser;
  for (size_t i = 0; i < records.size(); ++i) {
    simdjson::dom::object object;
    if (parser.parse(records[i]).get(object)) {
      error = "record " + std::to_string(i + 1) + " is not a JSON object";
      return false;
    }
    std::map<std::string, Cell> row;
    for (auto [key, value] : object) {
      const std::string column(key);
      if (std::find(columns.begin(), columns.end(), column) == columns.end()) {
        columns.push_back(column);
      }
      Cell cell;
      std::string_view s;
      if (value.is_null()) {
        cell.text = "";
      } else if (!value.get_string().get(s)) {
        cell.text = std::string(s);
        cell.is_text = true;
      } else {
        cell.text = simdjson::minify(value);
      }
      row[column] = std::move(cell);
    }
    rows.push_back(std::move(row));
  }
  if (format == ListFormat::kCsv) {
    for (size_t c = 0; c < columns.size(); ++c) {
      std::fprintf(out, "%s%s", c == 0 ? "" : ",", CsvCell(columns[c], true).c_str());
    }
    std::fprintf(out, "\r\n");
    for (const auto& row : rows) {
      for (size_t c = 0; c < columns.size(); ++c) {
        auto it = row.find(columns[c]);
        const std::string cell =
            it == row.end() ? "" : CsvCell(it->second.text, it->second.is_text);
        std::fprintf(out, "%s%s", c == 0 ? "" : ",", cell.c_str());
      }
      std::fprintf(out, "\r\n");
    }
    return true;
  }
  // A table: each column as wide as its widest cell; when the terminal is narrower, the widest
  // columns give up characters first, down to 8 each.
  std::vector<size_t> widths;
  for (const std::string& column : columns) {
    size_t w = Characters(column);
    for (const auto& row : rows) {
      if (auto it = row.find(column); it != row.end()) {
        w = std::max(w, Characters(it->second.text));
      }
    }
    widths.push_back(w);
  }
  auto total = [&] {
    size_t sum = columns.empty() ? 0 : 2 * (columns.size() - 1);
    for (size_t w : widths) {
      sum += w;
    }
    return sum;
  };
  while (width > 0 && total() > width) {
    auto widest = std::max_element(widths.begin(), widths.end());
    if (widest == widths.end() || *widest <= 8) {
      break;
    }
    --*widest;
  }
  auto print_row = [&](auto cell_of) {
    std::string line;
    for (size_t c = 0; c < columns.size(); ++c) {
      std::string text = cell_of(c);
      if (Characters(text) > widths[c]) {
        text = std::string(FirstCharacters(text, widths[c] - 1)) + "…";
      }
      if (c + 1 < columns.size()) {
        text.append(widths[c] - Characters(text) + 2, ' ');
      }
      line += text;
    }
    std::fprintf(out, "%s\n", line.c_str());
  };
  print_row([&](size_t c) { return columns[c]; });
  for (const auto& row : rows) {
    print_row([&](size_t c) {
      auto it = row.find(columns[c]);
      return it == row.end() ? std::string() : it->second.text;
    });
  }
  return true;
}

}  // namespace tg::cli
