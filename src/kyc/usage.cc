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
  const Date date = Date::FromCivil(y, mo, d);
  if (date.month() != mo || date.day() != d) {
    return InvalidArgument("an RFC 3339 time: no such day");
  }
  return int64_t{date.days()} * 86400 + int64_t{h} * 3600 + int64_t{mi} * 60 + std::min(se, 59) -
         offset;
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

Result<const models::PeakRate*> UsageBatch::RateOf(std::string_view accelerator, int64_t line) {
  if (auto it = rates_.find(std::string(accelerator)); it != rates_.end()) {
    return &it->second;
  }
  auto rate = models::TrainingPeakRate(catalog_, accelerator, At(line, "accelerator"));
  models::PeakRate r = rate ? *rate : models::PeakRate{.accelerator = std::string(accelerator)};
  return &rates_.emplace(std::string(accelerator), std::move(r)).first->second;
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
  TG_ASSIGN_OR_RETURN(const models::PeakRate* rate, RateOf(r.accelerator, line));
  const int64_t seconds = r.end - r.start;
  double ops = 0;
  if (r.ops) {
    ops = *r.ops;
  } else if (!r.utilization) {
    return InvalidArgument(At(line, "utilization") + ": required unless ops is given");
  } else if (rate->ops_per_second <= 0) {
    // Refused with the catalog's reason: no estimate without a rate.
    return models::TrainingPeakRate(catalog_, r.accelerator, At(line, "accelerator")).status();
  } else {
    ops = static_cast<double>(r.count) * static_cast<double>(seconds) * rate->ops_per_second *
          *r.utilization;
  }
  key_.clear();
  key_.append(r.account).push_back(kSep);
  key_.append(r.job).push_back(kSep);
  key_.append(r.datacenter).push_back(kSep);
  key_.append(r.accelerator);
  auto [it, fresh] = stream_index_.try_emplace(key_, static_cast<uint32_t>(streams_.size()));
  if (fresh) {
    streams_.push_back({.key = key_, .rate = *rate});
  }
  const uint64_t index = uint64_t{it->second} << 32;
  const double per_minute = ops / (static_cast<double>(seconds) / 60.0);
  bool counted = false;
  for (int64_t h = r.start / 3600; h * 3600 < r.end; ++h) {
    const int64_t base = h * 3600;
    const int64_t from = std::max(r.start, base) - base;
    const int64_t to = std::min(r.end, base + 3600) - base;
    HourCell& cell = cells_[index | static_cast<uint64_t>(h)];
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
  r = Record{};
  simdjson::dom::element doc;
  simdjson::dom::object obj;
  // The DOM parser dispatches at run time to the machine's SIMD kernels; `capacity` covers its
  // padding, so the line is parsed where it lies.
  if (parser_.parse(reinterpret_cast<const uint8_t*>(line.data()), line.size(), false).get(doc) ||
      doc.get_object().get(obj)) {
    (void)capacity;
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

Status UsageBatch::ReadJsonLines(Source& in) {
  const auto buffer = std::make_unique<char[]>(kChunk + simdjson::SIMDJSON_PADDING);
  size_t held = 0;  // bytes of a line not yet ended, at the front
  int64_t line = 0;
  Record r;
  for (bool at_end = false; !at_end;) {
    TG_ASSIGN_OR_RETURN(size_t n, in.Read(buffer.get() + held, kChunk - held));
    at_end = n == 0;
    held += n;
    if (!at_end && held < kChunk && std::memchr(buffer.get() + held - n, '\n', n) == nullptr) {
      continue;  // no line ended yet: read on
    }
    size_t start = 0;
    while (start < held) {
      const char* nl =
          static_cast<const char*>(std::memchr(buffer.get() + start, '\n', held - start));
      if (nl == nullptr && !at_end) {
        if (start == 0 && held == kChunk) {
          return InvalidArgument("line " + std::to_string(line + 1) + ": longer than 16 MiB");
        }
        break;
      }
      const size_t end = nl == nullptr ? held : static_cast<size_t>(nl - buffer.get());
      ++line;
      std::string_view text(buffer.get() + start, end - start);
      while (!text.empty() && (text.back() == '\r' || text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
      }
      if (text.find_first_not_of(" \t") != std::string_view::npos) {
        TG_RETURN_IF_ERROR(ParseJsonRecord(
            text, kChunk + simdjson::SIMDJSON_PADDING - static_cast<size_t>(start), line, r));
        TG_RETURN_IF_ERROR(Add(r, line));
      }
      start = end + 1;
    }
    if (start < held) {
      std::memmove(buffer.get(), buffer.get() + start, held - start);
      held -= start;
    } else {
      held = 0;
    }
  }
  return Status::Ok();
}

Status UsageBatch::ReadCsv(Source& in) {
  std::string text;
  std::string chunk(size_t{1} << 20, '\0');
  for (;;) {
    TG_ASSIGN_OR_RETURN(size_t n, in.Read(chunk.data(), chunk.size()));
    if (n == 0) {
      break;
    }
    text.append(chunk.data(), n);
  }
  TG_ASSIGN_OR_RETURN(auto rows, ParseCsvRecords(text, "usage"));
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
