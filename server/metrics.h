// What /metrics reports, in Prometheus' text format: requests by route, method and status,
// their latency as a histogram by route, and decisions by outcome and regime; the ledger's
// figures (cap usage, the audit log's size, the kept lists) are read when scraped. Routes are
// labelled by their pattern ("/v1/licenses/{number}"), so the series stay few. Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

#include "tierguard/engine.h"

namespace tg::server {

class Metrics {
 public:
  void CountRequest(std::string_view route, std::string_view method, int status, double seconds);
  // Every "outcome" and "regime" of the decisions in `answers` (one JSON object a line, or one).
  void CountDecisions(std::string_view answers);
  // The text of /metrics: the counts kept here, then what `session` reads of the ledger.
  std::string Text(const Session& session) const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    2.5};
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;  // guarded by mu_
  std::map<std::string, Histogram> latency_;                                // guarded by mu_
  std::map<std::pair<std::string, std::string>, uint64_t> decisions_;       // guarded by mu_
};

}  // namespace tg::server
