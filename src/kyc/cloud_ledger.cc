#include "src/kyc/cloud_ledger.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>

#include <simdjson.h>

#include "tierguard/api_json.h"

#include "src/common/json_writer.h"
#include "src/kyc/customer_json.h"
#include "src/kyc/tables.h"
#include "src/ledger/reconcile.h"

namespace tg::kyc {

namespace {

const bool kKycTables = store::RegisterTables({{kCustomers, "customers"},
                                               {kAccounts, "accounts"},
                                               {kCustomerKeys, "customer links"},
                                               {kUsageCells, "usage aggregates"},
                                               {kUsageJobs, "usage streams"},
                                               {kRuns, "training runs"},
                                               {kRunStreams, "training run streams"}});
// Customers and run reports are logged whole, so `check` rebuilds them from the log; usage is
// kept as aggregates the log does not hold.
const bool kKycLoggedRows = ledger::RegisterLoggedRows({{"customer.add", kCustomers},
                                                        {"customer.update", kCustomers},
                                                        {"run.report", kRuns},
                                                        {"run.update", kRuns}}) &&
                            ledger::RegisterUnrowedKinds({"usage.ingest"});

constexpr char kSep = '\x1f';
// Up to this many streams in one ingest, their stored totals are read one by one.
constexpr size_t kPointLookups = 256;

// "stream key\x1fHOUR", the hour in ten digits so that a stream's hours sort in time order;
// written into `key` (reused: one a cell).
void CellKey(std::string_view stream, int64_t hour, std::string& key) {
  key.assign(stream);
  key.push_back(kSep);
  char digits[10];
  for (int i = 9; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + hour % 10);
    hour /= 10;
  }
  key.append(digits, 10);
}

// A stream's totals over every hour stored.
struct StreamTotals {
  double ops = 0;
  double given = 0;  // of which records gave (the rest estimated from utilization)
  int64_t start = INT64_MAX;
  int64_t end = 0;
  int64_t max_count = 0;
  double peak_ops_per_second = 0;  // one accelerator's dense peak
  std::string precision;
  std::string accelerator;  // the catalog's name
};

// Fixed fields, little-endian, then the accelerator's precision and name: read for every stream
// at every ingest, so kept cheap to decode.
std::string Encode(const StreamTotals& t) {
  std::string out(48, '\0');
  const double doubles[] = {t.ops, t.given, t.peak_ops_per_second};
  const int64_t ints[] = {t.start, t.end, t.max_count};
  std::memcpy(out.data(), doubles, 24);
  std::memcpy(out.data() + 24, ints, 24);
  out.push_back(static_cast<char>(t.precision.size()));
  out += t.precision;
  out += t.accelerator;
  return out;
}

Result<StreamTotals> DecodeTotals(std::string_view bytes) {
  if (bytes.size() < 49 || bytes.size() < size_t{49} + static_cast<uint8_t>(bytes[48])) {
    return DataLoss("a usage stream's totals are malformed");
  }
  StreamTotals t;
  double doubles[3];
  int64_t ints[3];
  std::memcpy(doubles, bytes.data(), 24);
  std::memcpy(ints, bytes.data() + 24, 24);
  t.ops = doubles[0];
  t.given = doubles[1];
  t.peak_ops_per_second = doubles[2];
  t.start = ints[0];
  t.end = ints[1];
  t.max_count = ints[2];
  const size_t precision = static_cast<uint8_t>(bytes[48]);
  t.precision = bytes.substr(49, precision);
  t.accelerator = bytes.substr(49 + precision);
  return t;
}

std::string Ops(double ops) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", ops);
  return buf;
}

// One stream in a candidate run.
struct Member {
  std::string key;
  std::string customer;  // empty: an account no customer holds
  StreamTotals totals;
};

}  // namespace

Result<bool> CloudLedger::PutCustomer(const CustomerRecord& c) {
  (void)kKycTables;
  (void)kKycLoggedRows;
  TG_ASSIGN_OR_RETURN(std::vector<std::string> keys, LinkKeys(c));
  for (size_t i = 0; i < c.accounts.size(); ++i) {
    TG_ASSIGN_OR_RETURN(auto holder, txn_.Get(kAccounts, c.accounts[i]));
    if (holder && *holder != c.id) {
      return AlreadyExists("customer.accounts[" + std::to_string(i) + "]: " + c.accounts[i] +
                           " is held by customer " + *holder);
    }
  }
  TG_ASSIGN_OR_RETURN(auto before, txn_.Get(kCustomers, c.id));
  if (before) {
    TG_ASSIGN_OR_RETURN(CustomerRecord old, StoredCustomer(c.id, *before));
    for (const std::string& a : old.accounts) {
      TG_RETURN_IF_ERROR(txn_.Delete(kAccounts, a));
    }
    auto old_keys = LinkKeys(old);
    for (const std::string& k : old_keys ? *old_keys : std::vector<std::string>{}) {
      TG_RETURN_IF_ERROR(txn_.Delete(kCustomerKeys, k + kSep + c.id));
    }
  }
  for (const std::string& a : c.accounts) {
    TG_RETURN_IF_ERROR(txn_.Put(kAccounts, a, c.id));
  }
  for (const std::string& k : keys) {
    TG_RETURN_IF_ERROR(txn_.Put(kCustomerKeys, k + kSep + c.id, ""));
  }
  std::string json = api::ToJson(c);
  TG_RETURN_IF_ERROR(txn_.Put(kCustomers, c.id, json));
  TG_RETURN_IF_ERROR(
      ledger_.LogChange(before ? "customer.update" : "customer.add", c.id, std::move(json)));
  return before.has_value();
}

Result<CustomerRecord> CloudLedger::GetCustomer(std::string_view id) {
  TG_ASSIGN_OR_RETURN(auto json, txn_.Get(kCustomers, id));
  if (!json) {
    return NotFound("no customer '" + std::string(id) + "'");
  }
  return StoredCustomer(id, *json);
}

Result<CustomerRecord> CloudLedger::StoredCustomer(std::string_view id, std::string_view json) {
  auto c = ParseCustomerRecord(json, 0, countries_);
  if (!c) {
    return DataLoss("customer '" + std::string(id) +
                    "' is stored malformed: " + c.error().message());
  }
  return std::move(*c);
}

Result<Page<CustomerRecord>> CloudLedger::Customers(const PageRequest& page) {
  TG_ASSIGN_OR_RETURN(Page<store::Row> rows, store::ReadPage(txn_, kCustomers, page));
  Page<CustomerRecord> out;
  out.next = rows.next;
  for (const auto& [id, json] : rows.items) {
    TG_ASSIGN_OR_RETURN(CustomerRecord c, StoredCustomer(id, json));
    out.items.push_back(std::move(c));
  }
  return out;
}

Result<CustomerGroups> CloudLedger::Groups() {
  CustomerGroups groups;
  TG_RETURN_IF_ERROR(txn_.ForEach(kCustomerKeys, "", "",
                                  [&](std::string_view key, std::string_view) -> Result<bool> {
                                    const size_t sep = key.rfind(kSep);
                                    groups.Add(key.substr(0, sep), key.substr(sep + 1));
                                    return true;
                                  }));
  return groups;
}

Result<UsageIngest> CloudLedger::Ingest(const UsageBatch& batch,
                                        const std::vector<ReportRule>& rules,
                                        std::string_view source) {
  UsageIngest out;
  out.records = batch.records();
  out.duplicates = batch.duplicates();
  // Streams in key order, and each one's hours in order, so that the store is written in key
  // order; a stream's stored totals are read first: an hour outside its stored span has no
  // stored aggregate to merge with, and is not looked up.
  const auto& streams = batch.streams();
  std::vector<uint32_t> by_key(streams.size());
  for (uint32_t i = 0; i < by_key.size(); ++i) {
    by_key[i] = i;
  }
  std::sort(by_key.begin(), by_key.end(),
            [&](uint32_t a, uint32_t b) { return streams[a].key < streams[b].key; });
  std::vector<uint32_t> rank(streams.size());
  for (uint32_t r = 0; r < by_key.size(); ++r) {
    rank[by_key[r]] = r;
  }
  std::vector<uint64_t> order;  // (rank << 32 | hour)
  order.reserve(batch.cells().size());
  for (const auto& [id, cell] : batch.cells()) {
    order.push_back(uint64_t{rank[id >> 32]} << 32 | (id & 0xffffffff));
  }
  std::sort(order.begin(), order.end());
  std::vector<std::string_view> touched;  // in key order
  // What is written, in key order, in two bulk writes (PostgreSQL takes them by COPY).
  std::vector<store::Row> cell_rows, total_rows;
  std::string key;
  size_t next = 0;
  // The streams' stored totals, by rank: looked up one by one for a few streams, read in one
  // ordered pass over their key range for many (a round trip a stream on PostgreSQL otherwise).
  std::vector<std::optional<std::string>> stored_totals_of(by_key.size());
  if (by_key.size() <= kPointLookups) {
    for (uint32_t r = 0; r < by_key.size(); ++r) {
      TG_ASSIGN_OR_RETURN(stored_totals_of[r], txn_.Get(kUsageJobs, streams[by_key[r]].key));
    }
  } else if (!by_key.empty()) {
    uint32_t r = 0;
    const std::string& last = streams[by_key.back()].key;
    TG_RETURN_IF_ERROR(txn_.ForEach(kUsageJobs, "", streams[by_key.front()].key,
                                    [&](std::string_view k, std::string_view v) -> Result<bool> {
                                      while (r < by_key.size() && streams[by_key[r]].key < k) {
                                        ++r;
                                      }
                                      if (r < by_key.size() && streams[by_key[r]].key == k) {
                                        stored_totals_of[r] = std::string(v);
                                      }
                                      return k < last;
                                    }));
  }
  std::vector<store::Row> new_cells, new_totals;  // rows known to be absent: inserted
  new_cells.reserve(batch.cells().size());
  for (uint32_t stream_index : by_key) {
    const UsageBatch::Stream& stream = streams[stream_index];
    const std::optional<std::string>& stored_totals = stored_totals_of[rank[stream_index]];
    StreamTotals totals;
    if (stored_totals) {
      TG_ASSIGN_OR_RETURN(totals, DecodeTotals(*stored_totals));
    }
    const int64_t first_stored = stored_totals ? totals.start / 3600 : 0;
    const int64_t last_stored = stored_totals ? (totals.end - 1) / 3600 : -1;
    bool changed = false;
    const uint64_t upper = (uint64_t{rank[stream_index]} + 1) << 32;
    for (; next < order.size() && order[next] < upper; ++next) {
      const int64_t hour = static_cast<int64_t>(order[next] & 0xffffffff);
      const HourCell& fresh = batch.cells().at((uint64_t{stream_index} << 32) | uint64_t(hour));
      CellKey(stream.key, hour, key);
      HourCell cell;
      bool stored = false;
      if (hour >= first_stored && hour <= last_stored) {
        TG_ASSIGN_OR_RETURN(auto bytes, txn_.Get(kUsageCells, key));
        if (bytes) {
          TG_ASSIGN_OR_RETURN(cell, HourCell::Decode(*bytes));
          stored = true;
        }
      }
      const uint64_t before = cell.counted;
      const int64_t count_before = cell.max_count;
      double given = 0;
      const double added = cell.Merge(fresh, &given);
      if (stored && cell.counted == before && cell.max_count == count_before) {
        continue;  // nothing new
      }
      (stored ? cell_rows : new_cells).emplace_back(key, cell.Encode());
      ++out.cells;
      changed = true;
      out.operations_added += added;
      totals.ops += added;
      totals.given += given;
      totals.max_count = std::max(totals.max_count, cell.max_count);
      const uint64_t fresh_bits = cell.counted & ~before;
      if (fresh_bits != 0) {
        totals.start = std::min<int64_t>(totals.start,
                                         hour * 3600 + int64_t{60} * std::countr_zero(fresh_bits));
        totals.end = std::max<int64_t>(
            totals.end, hour * 3600 + int64_t{60} * (64 - std::countl_zero(fresh_bits)));
      }
    }
    if (!changed) {
      continue;
    }
    totals.peak_ops_per_second = stream.rate.ops_per_second;
    totals.precision = stream.rate.precision;
    totals.accelerator = stream.rate.accelerator;
    (stored_totals ? total_rows : new_totals).emplace_back(stream.key, Encode(totals));
    touched.push_back(stream.key);
  }
  TG_RETURN_IF_ERROR(txn_.InsertMany(kUsageCells, new_cells));
  TG_RETURN_IF_ERROR(txn_.PutMany(kUsageCells, cell_rows));
  TG_RETURN_IF_ERROR(txn_.InsertMany(kUsageJobs, new_totals));
  TG_RETURN_IF_ERROR(txn_.PutMany(kUsageJobs, total_rows));
  {
    std::string body;
    JsonWriter w(body);
    w.BeginObject().Key("source").String(source).Key("records").Int(out.records);
    w.Key("duplicates").Int(out.duplicates).Key("aggregates").Int(out.cells);
    w.Key("operations_added").Number(out.operations_added);
    w.Key("streams").Int(static_cast<int64_t>(touched.size())).EndObject();
    TG_RETURN_IF_ERROR(ledger_.LogChange("usage.ingest", source, std::move(body)));
  }
  if (touched.empty() || rules.empty()) {
    return out;
  }
  TG_RETURN_IF_ERROR(DetectRuns(touched, rules, out));
  return out;
}

Status CloudLedger::DetectRuns(const std::vector<std::string_view>& touched,
                               const std::vector<ReportRule>& rules, UsageIngest& out) {
  TG_ASSIGN_OR_RETURN(CustomerGroups groups, Groups());
  std::unordered_map<std::string, std::string> customer_of;  // account → customer
  TG_RETURN_IF_ERROR(
      txn_.ForEach(kAccounts, "", "", [&](std::string_view a, std::string_view c) -> Result<bool> {
        customer_of.emplace(a, c);
        return true;
      }));
  // Streams are looked at together when their customers are linked (or, for an account no
  // customer holds, when they are the account's) and they ran in one datacenter.
  std::string account;
  auto place_of = [&](std::string_view stream, std::string& customer) {
    const StreamParts p = SplitStreamKey(stream);
    account.assign(p.account);
    auto it = customer_of.find(account);
    customer = it == customer_of.end() ? std::string() : it->second;
    std::string place = customer.empty() ? "account:" + account : groups.GroupOf(customer);
    place.push_back(kSep);
    place.append(p.datacenter);
    return place;
  };
  std::set<std::string> places;
  std::set<std::string> unknown;
  for (std::string_view key : touched) {
    std::string customer;
    places.insert(place_of(key, customer));
    if (customer.empty()) {
      unknown.insert(std::string(SplitStreamKey(key).account));
    }
  }
  out.unknown_accounts = static_cast<int64_t>(unknown.size());
  std::map<std::string, std::vector<Member>> candidates;
  TG_RETURN_IF_ERROR(txn_.ForEach(
      kUsageJobs, "", "", [&](std::string_view key, std::string_view value) -> Result<bool> {
        std::string customer;
        std::string place = place_of(key, customer);
        if (places.count(place) == 0) {
          return true;
        }
        TG_ASSIGN_OR_RETURN(StreamTotals t, DecodeTotals(value));
        candidates[place].push_back({std::string(key), customer, std::move(t)});
        return true;
      }));
  double min_cluster = 1e300;
  double min_biological = 1e300;
  for (const ReportRule& r : rules) {
    min_cluster = std::min(min_cluster, r.rule.cluster_ops_per_second);
    min_biological = std::min(min_biological, r.rule.biological_operations);
  }
  std::unordered_map<std::string, CustomerRecord> records;
  auto record_of = [&](const std::string& id) -> Result<const CustomerRecord*> {
    auto it = records.find(id);
    if (it == records.end()) {
      TG_ASSIGN_OR_RETURN(CustomerRecord c, GetCustomer(id));
      it = records.emplace(id, std::move(c)).first;
    }
    return &it->second;
  };
  // Whether a customer of the run declares training on biological sequence data.
  auto declares_biological = [&](const std::vector<const Member*>& run) -> Result<bool> {
    for (const Member* m : run) {
      if (!m->customer.empty()) {
        TG_ASSIGN_OR_RETURN(const CustomerRecord* c, record_of(m->customer));
        if (c->biological_sequence_data) {
          return true;
        }
      }
    }
    return false;
  };
  for (auto& [place, members] : candidates) {
    std::sort(members.begin(), members.end(), [](const Member& a, const Member& b) {
      return a.totals.start != b.totals.start ? a.totals.start < b.totals.start : a.key < b.key;
    });
    // Streams that ran at the same time, directly or through others, are one run.
    for (size_t first = 0; first < members.size();) {
      size_t last = first + 1;
      int64_t end = members[first].totals.end;
      while (last < members.size() && members[last].totals.start < end) {
        end = std::max(end, members[last].totals.end);
        ++last;
      }
      std::vector<const Member*> run;
      for (size_t i = first; i < last; ++i) {
        run.push_back(&members[i]);
      }
      first = last;
      double ops = 0, given = 0, upper = 0;
      bool bio = false;
      int64_t start = INT64_MAX, stop = 0;
      for (const Member* m : run) {
        ops += m->totals.ops;
        given += m->totals.given;
        upper += static_cast<double>(m->totals.max_count) * m->totals.peak_ops_per_second;
        start = std::min(start, m->totals.start);
        stop = std::max(stop, m->totals.end);
      }
      // Whether a customer declares biological sequence data matters to the thresholds only
      // past the lowest biological one; most runs are far below it and read no customer record
      // (a run reported on its cluster alone reads them for its report, below).
      const bool bio_read = ops >= min_biological;
      if (bio_read) {
        TG_ASSIGN_OR_RETURN(bio, declares_biological(run));
      }
      auto reaches_ops = [&](const ReportRule& r) {
        return ops >= r.rule.operations || (bio && ops >= r.rule.biological_operations);
      };
      const bool may_report =
          upper >= min_cluster || std::any_of(rules.begin(), rules.end(), reaches_ops);
      if (!may_report) {
        continue;
      }
      // The cluster's peak: in each hour, the accelerators the run's streams used at once.
      std::map<int64_t, double> capacity;
      for (const Member* m : run) {
        std::string prefix = m->key;
        prefix.push_back(kSep);
        TG_RETURN_IF_ERROR(txn_.ForEach(
            kUsageCells, prefix, "",
            [&](std::string_view key, std::string_view value) -> Result<bool> {
              TG_ASSIGN_OR_RETURN(HourCell cell, HourCell::Decode(value));
              const int64_t hour = std::stoll(std::string(key.substr(prefix.size())));
              capacity[hour] += static_cast<double>(cell.max_count) * m->totals.peak_ops_per_second;
              return true;
            }));
      }
      double peak = 0;
      for (const auto& [hour, c] : capacity) {
        peak = std::max(peak, c);
      }
      std::string thresholds;
      JsonWriter tw(thresholds);
      tw.BeginArray();
      bool reported = false;
      for (const ReportRule& r : rules) {
        std::vector<std::string_view> reached;
        if (ops >= r.rule.operations) {
          reached.push_back("operations");
        }
        if (bio && ops >= r.rule.biological_operations) {
          reached.push_back("biological_operations");
        }
        if (peak >= r.rule.cluster_ops_per_second) {
          reached.push_back("cluster_ops_per_second");
        }
        if (reached.empty()) {
          continue;
        }
        reported = true;
        tw.BeginObject().Key("regime").String(r.regime).Key("reached").BeginArray();
        for (std::string_view what : reached) {
          tw.String(what);
        }
        tw.EndArray().Key("operations").Number(r.rule.operations);
        tw.Key("biological_operations").Number(r.rule.biological_operations);
        tw.Key("cluster_ops_per_second").Number(r.rule.cluster_ops_per_second);
        tw.Key("citation").String(r.rule.citation).EndObject();
      }
      tw.EndArray();
      if (!reported) {
        continue;
      }
      if (!bio_read) {
        TG_ASSIGN_OR_RETURN(bio, declares_biological(run));
      }
      // The run it is: one reported before that shares a stream with it, or a new one.
      std::string id;
      for (const Member* m : run) {
        TG_ASSIGN_OR_RETURN(auto r, txn_.Get(kRunStreams, m->key));
        if (r && (id.empty() || *r < id)) {
          id = *r;
        }
      }
      std::optional<std::string> before;
      if (id.empty()) {
        TG_ASSIGN_OR_RETURN(int64_t n, txn_.AddCounter("seq:run", 1));
        char buf[32];
        std::snprintf(buf, sizeof buf, "RUN-%06" PRId64, n);
        id = buf;
      } else {
        TG_ASSIGN_OR_RETURN(before, txn_.Get(kRuns, id));
      }
      // The figures, in an order that does not depend on how the usage arrived.
      std::string figures;
      JsonWriter w(figures);
      w.BeginObject();
      w.Key("datacenter").String(SplitStreamKey(run.front()->key).datacenter);
      w.Key("period").BeginObject().Key("start").String(FormatRfc3339(start));
      w.Key("end").String(FormatRfc3339(stop)).EndObject();
      w.Key("operations").Number(ops).Key("operations_given").Number(given);
      w.Key("operations_estimated").Number(ops - given);
      w.Key("peak_cluster_ops_per_second").Number(peak);
      w.Key("biological_sequence_data").Bool(bio);
      w.Key("thresholds").Raw(thresholds);
      std::set<std::string> customers, accounts, unidentified;
      std::map<std::string, std::pair<int64_t, const StreamTotals*>> accelerators;
      std::vector<const Member*> by_key = run;
      std::sort(by_key.begin(), by_key.end(),
                [](const Member* a, const Member* b) { return a->key < b->key; });
      for (const Member* m : by_key) {
        const StreamParts p = SplitStreamKey(m->key);
        (m->customer.empty() ? unidentified : accounts).insert(std::string(p.account));
        if (!m->customer.empty()) {
          customers.insert(m->customer);
        }
        auto& a = accelerators[m->totals.accelerator];
        a.first += m->totals.max_count;
        a.second = &m->totals;
      }
      w.Key("customers").BeginArray();
      for (const std::string& c : customers) {
        TG_ASSIGN_OR_RETURN(const CustomerRecord* record, record_of(c));
        w.Raw(api::ToJson(*record));
      }
      w.EndArray().Key("beneficial_owners").BeginArray();
      for (const std::string& c : customers) {
        TG_ASSIGN_OR_RETURN(const CustomerRecord* record, record_of(c));
        for (const BeneficialOwner& o : record->beneficial_owners) {
          w.BeginObject().Key("customer").String(c).Key("name").String(o.name);
          w.Key("country").String(o.country.empty() ? "" : o.country.ToString());
          w.Key("share").Number(o.share).EndObject();
        }
      }
      w.EndArray().Key("accounts").BeginArray();
      for (const std::string& a : accounts) {
        w.String(a);
      }
      w.EndArray().Key("unidentified_accounts").BeginArray();
      for (const std::string& a : unidentified) {
        w.String(a);
      }
      w.EndArray().Key("accelerators").BeginArray();
      for (const auto& [name, a] : accelerators) {
        w.BeginObject().Key("accelerator").String(name).Key("max_count").Int(a.first);
        w.Key("peak_ops_per_second").Number(a.second->peak_ops_per_second);
        w.Key("precision").String(a.second->precision).EndObject();
      }
      w.EndArray().Key("jobs").BeginArray();
      for (const Member* m : by_key) {
        const StreamParts p = SplitStreamKey(m->key);
        const StreamTotals& t = m->totals;
        w.BeginObject().Key("account").String(p.account).Key("job").String(p.job);
        w.Key("customer").String(m->customer).Key("accelerator").String(p.accelerator);
        w.Key("operations").Number(t.ops).Key("operations_given").Number(t.given);
        w.Key("start").String(FormatRfc3339(t.start)).Key("end").String(FormatRfc3339(t.end));
        w.Key("max_count").Int(t.max_count);
        std::string how;
        if (t.given < t.ops) {
          how = "count x seconds x " + Ops(t.peak_ops_per_second) + " ops/s (" + t.accelerator +
                " dense " + t.precision + " peak) x utilization, record by record";
        }
        if (t.given > 0) {
          how += std::string(how.empty() ? "" : "; ") + Ops(t.given) + " as the records gave them";
        }
        w.Key("estimate").String(how).EndObject();
      }
      w.EndArray().EndObject();
      // {"id", "reported_at", "updated_at", figures…}
      const std::string tail = figures.substr(1);
      if (before && before->ends_with(tail)) {
        continue;  // reported already with these figures
      }
      std::string reported_at = FormatRfc3339(ledger_.clock().NowUnix());
      if (before) {
        simdjson::dom::parser parser;
        std::string_view at;
        if (!parser.parse(*before).at_key("reported_at").get_string().get(at)) {
          reported_at = at;
        }
      }
      std::string report;
      JsonWriter rw(report);
      rw.BeginObject().Key("id").String(id).Key("reported_at").String(reported_at);
      rw.Key("updated_at").String(FormatRfc3339(ledger_.clock().NowUnix())).EndObject();
      report.pop_back();  // the closing brace comes with the figures
      report += ",";
      report += tail;
      TG_RETURN_IF_ERROR(txn_.Put(kRuns, id, report));
      for (const Member* m : run) {
        TG_RETURN_IF_ERROR(txn_.Put(kRunStreams, m->key, id));
      }
      TG_RETURN_IF_ERROR(ledger_.LogChange(before ? "run.update" : "run.report", id, report));
      (before ? out.runs_updated : out.runs_reported).push_back(id);
    }
  }
  return Status::Ok();
}

Result<std::vector<std::string>> CloudLedger::Runs(std::optional<Date> from,
                                                   std::optional<Date> to) {
  std::vector<std::string> out;
  simdjson::dom::parser parser;
  TG_RETURN_IF_ERROR(txn_.ForEach(
      kRuns, "", "", [&](std::string_view id, std::string_view report) -> Result<bool> {
        simdjson::dom::element e;
        std::string_view start, end;
        if (parser.parse(report.data(), report.size()).get(e) ||
            e["period"]["start"].get_string().get(start) ||
            e["period"]["end"].get_string().get(end)) {
          return DataLoss("run '" + std::string(id) + "' is stored malformed");
        }
        // Dates compare as the first ten characters of the times.
        if ((to && start.substr(0, 10) > to->ToString()) ||
            (from && end.substr(0, 10) < from->ToString())) {
          return true;
        }
        out.emplace_back(report);
        return true;
      }));
  return out;
}

Result<std::string> CloudLedger::Run(std::string_view id) {
  TG_ASSIGN_OR_RETURN(auto report, txn_.Get(kRuns, id));
  if (!report) {
    return NotFound("no training run '" + std::string(id) + "'");
  }
  return *report;
}

}  // namespace tg::kyc
