#include "src/common/csv.h"

#include <fstream>
#include <sstream>

namespace tg {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return NotFound(path + ": cannot open file");
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<CsvTable> CsvTable::Load(const std::string& path) {
  TG_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return Parse(text, path);
}

Result<std::vector<CsvRecord>> ParseCsvRecords(std::string_view text, const std::string& file,
                                               char separator, bool leading_comments) {
  std::vector<CsvRecord> rows;
  size_t i = 0;
  int line = 1;
  while (i < text.size()) {
    if (leading_comments && rows.empty() && text[i] == '#') {
      while (i < text.size() && text[i] != '\n') {
        ++i;
      }
      ++i;
      ++line;
      continue;
    }
    CsvRecord rec;
    rec.line = line;
    std::string field;
    bool done = false;
    while (!done) {
      if (i < text.size() && text[i] == '"') {
        ++i;
        for (;;) {
          if (i >= text.size()) {
            return InvalidArgument(file + ":" + std::to_string(rec.line) +
                                   ": unterminated quoted field");
          }
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (text[i] == '\n') {
            ++line;
          }
          field += text[i++];
        }
      }
      while (i < text.size() && text[i] != separator && text[i] != '\n' && text[i] != '\r') {
        field += text[i++];
      }
      rec.fields.push_back(std::move(field));
      field.clear();
      if (i < text.size() && text[i] == separator) {
        ++i;
        continue;
      }
      if (i < text.size() && text[i] == '\r') {
        ++i;
      }
      if (i < text.size() && text[i] == '\n') {
        ++i;
      }
      ++line;
      done = true;
    }
    if (rec.fields.size() == 1 && rec.fields[0].empty()) {
      continue;  // blank line
    }
    rows.push_back(std::move(rec));
  }
  return rows;
}

Result<CsvTable> CsvTable::Parse(std::string_view text, std::string file) {
  CsvTable table;
  table.file_ = std::move(file);
  TG_ASSIGN_OR_RETURN(std::vector<CsvRecord> rows,
                      ParseCsvRecords(text, table.file_, ',', /*leading_comments=*/true));
  if (rows.empty()) {
    return InvalidArgument(table.file_ + ": no header row");
  }
  table.header_ = std::move(rows.front().fields);
  for (size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].fields.size() != table.header_.size()) {
      return InvalidArgument(table.file_ + ":" + std::to_string(rows[r].line) + ": expected " +
                             std::to_string(table.header_.size()) + " fields, found " +
                             std::to_string(rows[r].fields.size()));
    }
    table.records_.push_back(std::move(rows[r]));
  }
  return table;
}

Result<size_t> CsvTable::Column(std::string_view name) const {
  for (size_t c = 0; c < header_.size(); ++c) {
    if (header_[c] == name) {
      return c;
    }
  }
  return NotFound(file_ + ": no column '" + std::string(name) + "'");
}

std::string CsvTable::Where(const CsvRecord& record, std::string_view column) const {
  return file_ + ":" + std::to_string(record.line) + ": " + std::string(column);
}

}  // namespace tg
