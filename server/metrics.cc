#include "metrics.h"

#include <charconv>
#include <cstdio>
#include <map>

namespace tg::server {

namespace {

// A label value as the text format writes it: backslash, quote and newline escaped.
std::string Label(std::string_view v) {
  std::string out;
  for (const char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// The shortest text that reads back as `v` ("0.0005", not "0.00050000000000000001").
std::string Number(double v) {
  char buf[400];  // a double in fixed notation takes at most 309 digits and its point
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return ec == std::errc() ? std::string(buf, end) : "NaN";
}

// The string value of `"key":"…"` at or after `from` in a decision's JSON, or empty.
std::string_view Field(std::string_view json, std::string_view key) {
  const std::string pattern = "\"" + std::string(key) + "\":\"";
  const size_t at = json.find(pattern);
  if (at == std::string_view::npos) {
    return {};
  }
  const size_t from = at + pattern.size();
  const size_t end = json.find('"', from);
  return end == std::string_view::npos ? std::string_view() : json.substr(from, end - from);
}

}  // namespace

void Metrics::CountRequest(std::string_view route, std::string_view method, int status,
                           double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{std::string(route), std::string(method), status}];
  Histogram& h = latency_[std::string(route)];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++h.buckets[i];
    }
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::CountDecisions(std::string_view answers) {
  std::map<std::pair<std::string, std::string>, uint64_t> seen;
  while (!answers.empty()) {
    const size_t nl = answers.find('\n');
    const std::string_view line = answers.substr(0, nl);
    answers.remove_prefix(nl == std::string_view::npos ? answers.size() : nl + 1);
    // A decision's "regime" comes before its "outcome"; an error object has neither.
    const std::string_view outcome = Field(line, "outcome");
    if (!outcome.empty()) {
      ++seen[{std::string(outcome), std::string(Field(line, "regime"))}];
    }
  }
  std::lock_guard lock(mu_);
  for (const auto& [key, n] : seen) {
    decisions_[key] += n;
  }
}

std::string Metrics::Text(const Session& session) const {
  std::string out;
  {
    std::lock_guard lock(mu_);
    out += "# HELP tierguard_http_requests_total HTTP requests answered, by route and status.\n";
    out += "# TYPE tierguard_http_requests_total counter\n";
    for (const auto& [key, n] : requests_) {
      const auto& [route, method, status] = key;
      out += "tierguard_http_requests_total{route=\"" + Label(route) + "\",method=\"" +
             Label(method) + "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(n) +
             "\n";
    }
    out += "# HELP tierguard_http_request_duration_seconds Time to answer, by route.\n";
    out += "# TYPE tierguard_http_request_duration_seconds histogram\n";
    for (const auto& [route, h] : latency_) {
      const std::string labels = "route=\"" + Label(route) + "\"";
      for (size_t i = 0; i < kBuckets.size(); ++i) {
        out += "tierguard_http_request_duration_seconds_bucket{" + labels + ",le=\"" +
               Number(kBuckets[i]) + "\"} " + std::to_string(h.buckets[i]) + "\n";
      }
      out += "tierguard_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " +
             std::to_string(h.count) + "\n";
      out += "tierguard_http_request_duration_seconds_sum{" + labels + "} " + Number(h.sum) + "\n";
      out += "tierguard_http_request_duration_seconds_count{" + labels + "} " +
             std::to_string(h.count) + "\n";
    }
    out += "# HELP tierguard_decisions_total Decisions answered, by outcome and regime.\n";
    out += "# TYPE tierguard_decisions_total counter\n";
    for (const auto& [key, n] : decisions_) {
      out += "tierguard_decisions_total{outcome=\"" + Label(key.first) + "\",regime=\"" +
             Label(key.second) + "\"} " + std::to_string(n) + "\n";
    }
  }
  // The ledger's figures, as they stand.
  if (auto records = session.AuditSize(); records) {
    out += "# HELP tierguard_audit_log_records Records in the audit log.\n";
    out += "# TYPE tierguard_audit_log_records gauge\n";
    out += "tierguard_audit_log_records " + std::to_string(*records) + "\n";
  }
  if (auto caps = session.Caps(); caps) {
    std::map<std::string, std::pair<uint64_t, double>> by_cap;  // counters, TPP used
    for (const CapUsage& c : caps->items) {
      auto& [counters, used] = by_cap[c.cap];
      ++counters;
      used += c.used_tpp;
    }
    out += "# HELP tierguard_cap_used_tpp TPP used of each cap, summed over its counters.\n";
    out += "# TYPE tierguard_cap_used_tpp gauge\n";
    for (const auto& [cap, v] : by_cap) {
      out += "tierguard_cap_used_tpp{cap=\"" + Label(cap) + "\"} " + Number(v.second) + "\n";
    }
    out += "# HELP tierguard_cap_counters Counters (consignees, groups, countries) of each cap.\n";
    out += "# TYPE tierguard_cap_counters gauge\n";
    for (const auto& [cap, v] : by_cap) {
      out += "tierguard_cap_counters{cap=\"" + Label(cap) + "\"} " + std::to_string(v.first) + "\n";
    }
  }
  if (auto lists = session.KeptListVersions(); lists) {
    out += "# HELP tierguard_screening_list_info The kept lists, by version.\n";
    out += "# TYPE tierguard_screening_list_info gauge\n";
    for (const auto& [name, version] : *lists) {
      out += "tierguard_screening_list_info{list=\"" + Label(name) + "\",version=\"" +
             Label(version) + "\"} 1\n";
    }
  }
  return out;
}

}  // namespace tg::server
