#include "src/kyc/usage.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

#include <simdjson.h>

#include "tierguard/date.h"

#include "src/common/csv.h"

namespace tg::kyc {

namespace {

constexpr char kSep = '\x1f';
constexpr int64_t kMaxCount = 10'000'000;  // accelerators in one record
constexpr int64_t kMaxRecordSeconds =
    int64_t{31} * 24 * 3600;      // a record longer than a month is a typo
constexpr double kMaxOps = 1e30;  // one record's operations
constexpr size_t kChunk = size_t{16} << 20;

std::string At(int64_t line, std::string_view field) {
  return "line " + std::to_string(line) + ": usage." + std::string(field);
}

bool Digits(std::string_view s, size_t at, size_t n, int& out) {
  if (at + n > s.size()) {
    return false;
  }
  out = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return false;
    }
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

uint64_t MinuteBits(int from, int to) {
  const uint64_t upto = to >= 64 ? ~uint64_t{0} : (uint64_t{1} << to) - 1;
  return upto & ~((uint64_t{1} << from) - 1);
}

void PutLe(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) {
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
}

uint64_t GetLe(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) {
    v |= uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
  }
  return v;
}

Result<double> NumberField(std::string_view text, int64_t line, std::string_view field) {
  double d = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(d)) {
    return InvalidArgument(At(line, field) + ": a number");
  }
  return d;
}

}  // namespace

Result<UsageFormat> ParseUsageFormat(std::string_view name) {
  if (name == "jsonl") {
    return UsageFormat::kJsonLines;
  }
  if (name == "csv") {
    return UsageFormat::kCsv;
  }
  return InvalidArgument("--format: jsonl or csv, not '" + std::string(name) + "'");
}

Result<int64_t> ParseRfc3339(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (!Digits(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !Digits(s, 5, 2, mo) || s[7] != '-' ||
      !Digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !Digits(s, 11, 2, h) || s[13] != ':' || !Digits(s, 14, 2, mi) || s[16] != ':' ||
      !Digits(s, 17, 2, se) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
      se > 60) {
    return InvalidArgument("an RFC 3339 time such as 2027-01-03T00:00:00Z");
  }
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      ++i;
    }
  }
  int64_t offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) {
    offset = 0;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-') && i + 6 == s.size() && s[i + 3] == ':') {
    int oh = 0, om = 0;
    if (!Digits(s, i + 1, 2, oh) || !Digits(s, i + 4, 2, om) || oh > 23 || om > 59) {
      return InvalidArgument("an RFC 3339 time such as 2027-01-03T00:00:00Z");
    }
    offset = (s[i] == '+' ? 1 : -1) * (int64_t{oh} * 3600 + int64_t{om} * 60);
  } else {
    return InvalidArgument("an RFC 3339 time with its zone (Z or +hh:mm)");
  }
  // Records come in runs of one day: the day's number is kept for the next time.
  thread_local char last_day[10] = {};
  thread_local int64_t last_days = 0;
  if (std::memcmp(last_day, s.data(), 10) != 0) {
    const Date date = Date::FromCivil(y, mo, d);
    if (date.month() != mo || date.day() != d) {
      return InvalidArgument("an RFC 3339 time: no such day");
    }
    std::memcpy(last_day, s.data(), 10);
    last_days = date.days();
  }
  return last_days * 86400 + int64_t{h} * 3600 + int64_t{mi} * 60 + std::min(se, 59) - offset;
}

std::string FormatRfc3339(int64_t t) {
  const int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  const int64_t secs = t - days * 86400;
  char buf[16];
  std::snprintf(buf, sizeof buf, "T%02d:%02d:%02dZ", static_cast<int>(secs / 3600),
                static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
  return Date::FromDays(static_cast<int32_t>(days)).ToString() + buf;
}

double HourCell::Add(int from, int to, double ops_per_minute, bool given) {
  const uint64_t fresh = MinuteBits(from, to) & ~counted;
  if (fresh == 0) {
    return 0;
  }
  counted |= fresh;
  double added = 0;
  for (int m = from; m < to;) {
    if (((fresh >> m) & 1) == 0) {
      ++m;
      continue;
    }
    int e = m;
    while (e < to && ((fresh >> e) & 1) != 0) {
      ++e;
    }
    if (!segments.empty() && segments.back().to == m && segments.back().given == given &&
        segments.back().ops_per_minute == ops_per_minute) {
      segments.back().to = static_cast<uint8_t>(e);
    } else {
      segments.push_back({.from = static_cast<uint8_t>(m),
                          .to = static_cast<uint8_t>(e),
                          .given = given,
                          .ops_per_minute = ops_per_minute});
    }
    added += (e - m) * ops_per_minute;
    m = e;
  }
  return added;
}

double HourCell::Merge(const HourCell& other, double* given_added) {
  max_count = std::max(max_count, other.max_count);
  double added = 0;
  for (const Segment& s : other.segments) {
    const double a = Add(s.from, s.to, s.ops_per_minute, s.given);
    added += a;
    if (s.given && given_added != nullptr) {
      *given_added += a;
    }
  }
  return added;
}

double HourCell::Ops() const {
  double ops = 0;
  for (const Segment& s : segments) {
    ops += (s.to - s.from) * s.ops_per_minute;
  }
  return ops;
}

std::string HourCell::Encode() const {
  std::string out;
  out.reserve(13 + 10 * segments.size());
  PutLe(out, counted, 8);
  PutLe(out, static_cast<uint64_t>(max_count), 4);
  out.push_back(static_cast<char>(segments.size()));
  for (const Segment& s : segments) {
    out.push_back(static_cast<char>(s.from));
    out.push_back(static_cast<char>(s.to | (s.given ? 0x80 : 0)));
    uint64_t bits = 0;
    std::memcpy(&bits, &s.ops_per_minute, 8);
    PutLe(out, bits, 8);
  }
  return out;
}

Result<HourCell> HourCell::Decode(std::string_view b) {
  if (b.size() < 13 || (b.size() - 13) % 10 != 0 ||
      static_cast<size_t>(static_cast<unsigned char>(b[12])) != (b.size() - 13) / 10) {
    return DataLoss("a usage aggregate of " + std::to_string(b.size()) + " bytes is malformed");
  }
  HourCell c;
  c.counted = GetLe(b.data(), 8);
  c.max_count = static_cast<int64_t>(GetLe(b.data() + 8, 4));
  for (size_t at = 13; at < b.size(); at += 10) {
    Segment s;
    s.from = static_cast<uint8_t>(b[at]);
    s.to = static_cast<uint8_t>(b[at + 1]) & 0x7f;
    s.given = (static_cast<uint8_t>(b[at + 1]) & 0x80) != 0;
    const uint64_t bits = GetLe(b.data() + at + 2, 8);
    std::memcpy(&s.ops_per_minute, &bits, 8);
    if (s.from >= s.to || s.to > 60) {
      return DataLoss("a usage aggregate's segment is malformed");
    }
    c.segments.push_back(s);
  }
  return c;
}

std::string StreamKey(std::string_view account, std::string_view job, std::string_view datacenter,
                      std::string_view accelerator) {
  std::string key;
  key.reserve(account.size() + job.size() + datacenter.size() + accelerator.size() + 3);
  key.append(account).push_back(kSep);
  key.append(job).push_back(kSep);
  key.append(datacenter).push_back(kSep);
  key.append(accelerator);
  return key;
}

StreamParts SplitStreamKey(std::string_view key) {
  StreamParts p;
  std::string_view* parts[] = {&p.account, &p.job, &p.datacenter, &p.accelerator};
  for (int i = 0; i < 4; ++i) {
    const size_t sep = i < 3 ? key.find(kSep) : std::string_view::npos;
    *parts[i] = key.substr(0, sep);
    key = sep == std::string_view::npos ? std::string_view() : key.substr(sep + 1);
  }
  return p;
}

Status UsageBatch::Read(Source& in, UsageFormat format) {
  return format == UsageFormat::kJsonLines ? ReadJsonLines(in) : ReadCsv(in);
}

models::PeakRate UsageBatch::RateOf(std::string_view accelerator) {
  auto rate = models::TrainingPeakRate(catalog_, accelerator, "");
  return rate ? *rate : models::PeakRate{.accelerator = std::string(accelerator)};
}

Status UsageBatch::Add(const Record& r, int64_t line) {
  for (auto [field, value] :
       {std::pair{"account", r.account}, std::pair{"job", r.job},
        std::pair{"datacenter", r.datacenter}, std::pair{"accelerator", r.accelerator}}) {
    if (value.empty()) {
      return InvalidArgument(At(line, field) + ": required");
    }
    if (value.find(kSep) != std::string_view::npos) {
      return InvalidArgument(At(line, field) + ": a control character (0x1F)");
    }
  }
  if (r.end <= r.start) {
    return InvalidArgument(At(line, "end") + ": after start");
  }
  if (r.start < 0 || r.end - r.start > kMaxRecordSeconds) {
    return InvalidArgument(At(line, "end") + ": at most 31 days after start, from 1970 on");
  }
  if (r.count < 1 || r.count > kMaxCount) {
    return InvalidArgument(At(line, "count") + ": a whole number from 1 to 10000000");
  }
  key_.clear();
  key_.append(r.account).push_back(kSep);
  key_.append(r.job).push_back(kSep);
  key_.append(r.datacenter).push_back(kSep);
  key_.append(r.accelerator);
  auto [it, fresh] = stream_index_.try_emplace(key_, static_cast<uint32_t>(streams_.size()));
  if (fresh) {
    streams_.push_back({.key = key_, .rate = RateOf(r.accelerator)});
  }
  Stream& stream = streams_[it->second];
  const int64_t seconds = r.end - r.start;
  double ops = 0;
  if (r.ops) {
    ops = *r.ops;
  } else if (!r.utilization) {
    return InvalidArgument(At(line, "utilization") + ": required unless ops is given");
  } else if (stream.rate.ops_per_second <= 0) {
    // Refused with the catalog's reason: no estimate without a rate.
    return models::TrainingPeakRate(catalog_, r.accelerator, At(line, "accelerator")).status();
  } else {
    ops = static_cast<double>(r.count) * static_cast<double>(seconds) * stream.rate.ops_per_second *
          *r.utilization;
  }
  const uint64_t index = uint64_t{it->second} << 32;
  const double per_minute = ops / (static_cast<double>(seconds) / 60.0);
  bool counted = false;
  for (int64_t h = r.start / 3600; h * 3600 < r.end; ++h) {
    const int64_t base = h * 3600;
    const int64_t from = std::max(r.start, base) - base;
    const int64_t to = std::min(r.end, base + 3600) - base;
    if (h != stream.last_hour) {
      stream.last_cell = &cells_[index | static_cast<uint64_t>(h)];
      stream.last_hour = h;
    }
    HourCell& cell = *stream.last_cell;
    cell.max_count = std::max(cell.max_count, r.count);
    counted |= cell.Add(static_cast<int>(from / 60), static_cast<int>((to + 59) / 60), per_minute,
                        r.ops.has_value()) > 0;
  }
  ++records_;
  duplicates_ += counted ? 0 : 1;
  return Status::Ok();
}

Status UsageBatch::ParseJsonRecord(std::string_view line, size_t capacity, int64_t number,
                                   Record& r) {
  simdjson::dom::element doc;
  // The DOM parser dispatches at run time to the machine's SIMD kernels; `capacity` covers its
  // padding, so the line is parsed where it lies.
  if (line.size() + simdjson::SIMDJSON_PADDING > capacity ||
      parser_.parse(reinterpret_cast<const uint8_t*>(line.data()), line.size(), false).get(doc)) {
    return InvalidArgument("line " + std::to_string(number) + ": usage: not a JSON object");
  }
  return RecordOf(doc, number, r);
}

Status UsageBatch::RecordOf(simdjson::dom::element doc, int64_t number, Record& r) {
  r = Record{};
  simdjson::dom::object obj;
  if (doc.get_object().get(obj)) {
    return InvalidArgument("line " + std::to_string(number) + ": usage: not a JSON object");
  }
  for (simdjson::dom::key_value_pair field : obj) {
    const std::string_view key = field.key;
    const simdjson::dom::element value = field.value;
    auto text = [&](std::string_view& out) -> Status {
      if (value.get_string().get(out)) {
        return InvalidArgument(At(number, key) + ": a string");
      }
      return Status::Ok();
    };
    auto time = [&](int64_t& out) -> Status {
      std::string_view s;
      if (value.get_string().get(s)) {
        return InvalidArgument(At(number, key) + ": an RFC 3339 time string");
      }
      auto t = ParseRfc3339(s);
      if (!t) {
        return InvalidArgument(At(number, key) + ": " + t.error().message());
      }
      out = *t;
      return Status::Ok();
    };
    double d = 0;
    if (key == "account") {
      TG_RETURN_IF_ERROR(text(r.account));
    } else if (key == "job") {
      TG_RETURN_IF_ERROR(text(r.job));
    } else if (key == "datacenter") {
      TG_RETURN_IF_ERROR(text(r.datacenter));
    } else if (key == "accelerator") {
      TG_RETURN_IF_ERROR(text(r.accelerator));
    } else if (key == "start") {
      TG_RETURN_IF_ERROR(time(r.start));
    } else if (key == "end") {
      TG_RETURN_IF_ERROR(time(r.end));
    } else if (key == "count") {
      if (value.get_double().get(d) || d != std::floor(d) || d < 1 ||
          d > static_cast<double>(kMaxCount)) {
        return InvalidArgument(At(number, key) + ": a whole number from 1 to 10000000");
      }
      r.count = static_cast<int64_t>(d);
    } else if (key == "utilization") {
      if (value.get_double().get(d) || !(d > 0) || d > 1) {
        return InvalidArgument(At(number, key) + ": a number above 0 and at most 1");
      }
      r.utilization = d;
    } else if (key == "ops") {
      if (value.get_double().get(d) || !(d >= 0) || d > kMaxOps) {
        return InvalidArgument(At(number, key) + ": a number from 0 to 1e30");
      }
      r.ops = d;
    } else {
      return InvalidArgument(At(number, key) + ": unknown key");
    }
  }
  for (auto [field, set] : {std::pair{"start", r.start != 0}, std::pair{"end", r.end != 0}}) {
    if (!set) {
      return InvalidArgument(At(number, field) + ": required");
    }
  }
  return Status::Ok();
}

// The complete lines of `data` (it ends with a line's end, or is the input's last line), after
// `line` lines: parsed as one stream of documents, which costs less than a parse a line. A
// document the stream cannot take (bad JSON, two on one line, one longer than a batch) sends
// the region to ReadLines, which names the line at fault.
Status UsageBatch::ReadRegion(char* data, size_t size, size_t capacity, int64_t& line) {
  const int64_t first_line = line;
  int64_t added_through = first_line;  // the last line whose record was added here
  simdjson::dom::document_stream docs;
  bool fast =
      !parser_.parse_many(reinterpret_cast<const uint8_t*>(data), size, size_t{1} << 20).get(docs);
  if (fast) {
    Record r;
    size_t counted_to = 0;
    int64_t at_line = first_line + 1;
    bool first = true;
    for (auto it = docs.begin(); it != docs.end(); ++it) {
      simdjson::dom::element doc;
      if ((*it).get(doc)) {
        fast = false;
        break;
      }
      const size_t at = it.current_index();
      const int64_t newlines = std::count(data + counted_to, data + at, '\n');
      if (!first && newlines == 0) {
        fast = false;  // two documents on one line
        break;
      }
      first = false;
      at_line += newlines;
      counted_to = at;
      TG_RETURN_IF_ERROR(RecordOf(doc, at_line, r));
      TG_RETURN_IF_ERROR(Add(r, at_line));
      added_through = at_line;
    }
  }
  if (!fast) {
    line = first_line;
    return ReadLines(data, size, capacity, line, added_through);
  }
  line = first_line + std::count(data, data + size, '\n') +
         (size > 0 && data[size - 1] != '\n' ? 1 : 0);
  return Status::Ok();
}

// The lines of `data` one by one, after `line` lines; records of lines up to `skip_through`
// are parsed and checked but not added again.
Status UsageBatch::ReadLines(char* data, size_t size, size_t capacity, int64_t& line,
                             int64_t skip_through) {
  Record r;
  for (size_t start = 0; start < size;) {
    const char* nl = static_cast<const char*>(std::memchr(data + start, '\n', size - start));
    const size_t end = nl == nullptr ? size : static_cast<size_t>(nl - data);
    ++line;
    std::string_view text(data + start, end - start);
    while (!text.empty() && (text.back() == '\r' || text.back() == ' ' || text.back() == '\t')) {
      text.remove_suffix(1);
    }
    if (text.find_first_not_of(" \t") != std::string_view::npos) {
      TG_RETURN_IF_ERROR(ParseJsonRecord(text, capacity - start, line, r));
      if (line > skip_through) {
        TG_RETURN_IF_ERROR(Add(r, line));
      }
    }
    start = end + 1;
  }
  return Status::Ok();
}

Status UsageBatch::ReadJsonLines(Source& in) {
  const size_t capacity = kChunk + simdjson::SIMDJSON_PADDING;
  const auto buffer = std::make_unique<char[]>(capacity);
  size_t held = 0;  // bytes read and not yet parsed, at the front
  int64_t line = 0;
  for (bool at_end = false; !at_end;) {
    TG_ASSIGN_OR_RETURN(size_t n, in.Read(buffer.get() + held, kChunk - held));
    at_end = n == 0;
    held += n;
    // The region of complete lines: up to the last line's end, or all at the end.
    size_t complete = held;
    if (!at_end) {
      const char* last = static_cast<const char*>(memrchr(buffer.get(), '\n', held));
      if (last == nullptr) {
        if (held == kChunk) {
          return InvalidArgument("line " + std::to_string(line + 1) + ": longer than 16 MiB");
        }
        continue;  // no line ended yet: read on
      }
      complete = static_cast<size_t>(last - buffer.get()) + 1;
    }
    TG_RETURN_IF_ERROR(ReadRegion(buffer.get(), complete, capacity, line));
    std::memmove(buffer.get(), buffer.get() + complete, held - complete);
    held -= complete;
  }
  return Status::Ok();
}

Status UsageBatch::ReadCsv(Source& in) {
  TG_ASSIGN_OR_RETURN(const std::string text, ReadAll(in));
  auto parsed = ParseCsvRecords(text, "usage");
  if (!parsed) {
    // "usage:N: why" as every usage error reads: "line N: usage: why".
    const std::string& m = parsed.error().message();
    const size_t colon = m.find(':', 6);
    return InvalidArgument(colon == std::string::npos ? "line 1: usage: " + m
                                                      : "line " + m.substr(6, colon - 6) +
                                                            ": usage:" + m.substr(colon + 1));
  }
  const std::vector<CsvRecord>& rows = *parsed;
  if (rows.empty()) {
    return Status::Ok();
  }
  enum Column { kAccount, kJob, kStart, kEnd, kDatacenter, kAccelerator, kCount, kUtil, kOps };
  constexpr std::string_view kNames[] = {"account",     "job",   "start",       "end", "datacenter",
                                         "accelerator", "count", "utilization", "ops"};
  std::vector<int> column_of;  // by position: the Column, or -1
  for (const std::string& name : rows[0].fields) {
    auto it = std::find(std::begin(kNames), std::end(kNames), name);
    if (it == std::end(kNames)) {
      return InvalidArgument("line 1: column '" + name +
                             "': unknown (the columns are account, "
                             "job, start, end, datacenter, accelerator, count, utilization, ops)");
    }
    column_of.push_back(static_cast<int>(it - std::begin(kNames)));
  }
  for (size_t i = 1; i < rows.size(); ++i) {
    const CsvRecord& row = rows[i];
    if (row.fields.size() != column_of.size()) {
      return InvalidArgument("line " + std::to_string(row.line) + ": " +
                             std::to_string(row.fields.size()) + " fields, the header has " +
                             std::to_string(column_of.size()));
    }
    Record r;
    for (size_t c = 0; c < column_of.size(); ++c) {
      const std::string& v = row.fields[c];
      const auto name = kNames[column_of[c]];
      switch (column_of[c]) {
        case kAccount:
          r.account = v;
          break;
        case kJob:
          r.job = v;
          break;
        case kDatacenter:
          r.datacenter = v;
          break;
        case kAccelerator:
          r.accelerator = v;
          break;
        case kStart:
        case kEnd: {
          auto t = ParseRfc3339(v);
          if (!t) {
            return InvalidArgument(At(row.line, name) + ": " + t.error().message());
          }
          (column_of[c] == kStart ? r.start : r.end) = *t;
          break;
        }
        case kCount: {
          TG_ASSIGN_OR_RETURN(double d, NumberField(v, row.line, name));
          if (d != std::floor(d) || d < 1 || d > static_cast<double>(kMaxCount)) {
            return InvalidArgument(At(row.line, name) + ": a whole number from 1 to 10000000");
          }
          r.count = static_cast<int64_t>(d);
          break;
        }
        case kUtil:
        case kOps: {
          if (v.empty()) {
            break;
          }
          TG_ASSIGN_OR_RETURN(double d, NumberField(v, row.line, name));
          if (column_of[c] == kUtil) {
            if (!(d > 0) || d > 1) {
              return InvalidArgument(At(row.line, name) + ": a number above 0 and at most 1");
            }
            r.utilization = d;
          } else {
            if (!(d >= 0) || d > kMaxOps) {
              return InvalidArgument(At(row.line, name) + ": a number from 0 to 1e30");
            }
            r.ops = d;
          }
          break;
        }
      }
    }
    TG_RETURN_IF_ERROR(Add(r, row.line));
  }
  return Status::Ok();
}

}  // namespace tg::kyc
