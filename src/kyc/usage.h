// Usage ingestion: cloud usage records (JSON Lines or CSV, ../shared/spec/models-cloud.md) read
// at a high rate into aggregates, one per stream (an account's job on one accelerator type in
// one datacenter) and hour.
//
// An hour's aggregate counts usage at whole minutes: a bitmask of the minutes already counted
// and the segments of minutes with their operations a minute. A record adds only the minutes of
// its stream's hour not yet counted, so a record delivered twice, or a late record whose minutes
// another already gave, changes nothing, and records may arrive in any order. Minutes a record
// covers only in part count whole (the estimate errs high, never low). A raw record costs about
// 200 bytes of JSON; an hour's aggregate keeps 13 bytes and 10 a segment, one segment for an
// hour at one rate, however many records it came in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <simdjson.h>

#include "tierguard/io.h"
#include "tierguard/status.h"

#include "src/classify/chip_catalog.h"
#include "src/models/operations.h"

namespace tg::kyc {

enum class UsageFormat : uint8_t { kJsonLines, kCsv };
Result<UsageFormat> ParseUsageFormat(std::string_view name);  // "jsonl" or "csv"

// Seconds since 1970 of an RFC 3339 time ("2027-01-03T00:00:00Z", an offset, or a fraction of a
// second, which is dropped).
Result<int64_t> ParseRfc3339(std::string_view text);
std::string FormatRfc3339(int64_t unix_seconds);

// Minutes [from, to) of one hour at `ops_per_minute`; `given`: the record gave its operations
// (not estimated from utilization).
struct Segment {
  uint8_t from = 0;
  uint8_t to = 0;
  bool given = false;
  double ops_per_minute = 0;
};

// One stream's usage in one hour.
struct HourCell {
  uint64_t counted = 0;   // bit m: minute m counted
  int64_t max_count = 0;  // the most accelerators a record of the hour used at once
  std::vector<Segment> segments;

  // Counts minutes [from, to) at `ops_per_minute`, those not counted yet; returns the
  // operations added (0: every minute was counted already).
  double Add(int from, int to, double ops_per_minute, bool given);
  // Adds what `other` counted that this cell has not: merging a batch into what is stored.
  // Returns the operations added and, in `given_added`, those of them records gave.
  double Merge(const HourCell& other, double* given_added);
  double Ops() const;
  std::string Encode() const;
  static Result<HourCell> Decode(std::string_view bytes);
};

// The parts of a stream's key, joined by '\x1f': account, job, datacenter, accelerator.
std::string StreamKey(std::string_view account, std::string_view job, std::string_view datacenter,
                      std::string_view accelerator);
struct StreamParts {
  std::string_view account, job, datacenter, accelerator;
};
StreamParts SplitStreamKey(std::string_view key);

// The records of one ingest, aggregated in memory before anything is written.
class UsageBatch {
 public:
  explicit UsageBatch(const classify::ChipCatalog& catalog) : catalog_(catalog) {}

  // Reads every record of `in`. InvalidArgument naming the line and the field at the first bad
  // record: the batch must then be discarded whole.
  Status Read(Source& in, UsageFormat format);

  struct Stream {
    std::string key;
    models::PeakRate rate;  // ops_per_second 0: an accelerator the catalog lacks (ops given)
    // The hour its last record ended in, and that hour's aggregate (map nodes stay put): most
    // records of a stream fall in the hour of the one before.
    int64_t last_hour = -1;
    HourCell* last_cell = nullptr;
  };
  const std::vector<Stream>& streams() const { return streams_; }
  // By (stream index << 32 | hours since 1970).
  const std::unordered_map<uint64_t, HourCell>& cells() const { return cells_; }
  int64_t records() const { return records_; }
  int64_t duplicates() const { return duplicates_; }

 private:
  struct Record {
    std::string_view account, job, datacenter, accelerator;
    int64_t start = 0, end = 0;
    int64_t count = 0;
    std::optional<double> utilization, ops;
  };
  Status ReadJsonLines(Source& in);
  Status ReadCsv(Source& in);
  Status ReadRegion(char* data, size_t size, size_t capacity, int64_t& line);
  Status ReadLines(char* data, size_t size, size_t capacity, int64_t& line, int64_t skip_through);
  Status ParseJsonRecord(std::string_view line, size_t capacity, int64_t number, Record& r);
  Status RecordOf(simdjson::dom::element doc, int64_t number, Record& r);
  Status Add(const Record& r, int64_t line);
  models::PeakRate RateOf(std::string_view accelerator);

  const classify::ChipCatalog& catalog_;
  simdjson::dom::parser parser_;
  std::vector<Stream> streams_;
  std::unordered_map<std::string, uint32_t> stream_index_;
  std::unordered_map<uint64_t, HourCell> cells_;
  std::string key_;  // reused
  int64_t records_ = 0;
  int64_t duplicates_ = 0;
};

}  // namespace tg::kyc
