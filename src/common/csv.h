// A strict RFC 4180 CSV reader that keeps the line number of every record, so that a bad
// value in a data file is reported as "data/chips.csv:12: tpp: …". Not thread-safe per table;
// tables are immutable after parsing.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tierguard/status.h"

namespace tg {

Result<std::string> ReadFile(const std::string& path);

struct CsvRecord {
  int line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;
};

// The records of CSV text (RFC 4180 quoting) with any single-byte separator, no header implied.
// With `leading_comments`, lines starting with '#' before the first record are skipped.
Result<std::vector<CsvRecord>> ParseCsvRecords(std::string_view text, const std::string& file,
                                               char separator = ',', bool leading_comments = false);

// A CSV file with a header row. Lines starting with '#' before the header are comments.
class CsvTable {
 public:
  static Result<CsvTable> Parse(std::string_view text, std::string file);
  static Result<CsvTable> Load(const std::string& path);

  const std::vector<CsvRecord>& records() const { return records_; }
  const std::string& file() const { return file_; }
  // Column index, or NotFound naming the file and column.
  Result<size_t> Column(std::string_view name) const;
  // "file:line: column" prefix for error messages.
  std::string Where(const CsvRecord& record, std::string_view column) const;

 private:
  std::string file_;
  std::vector<std::string> header_;
  std::vector<CsvRecord> records_;
};

}  // namespace tg
