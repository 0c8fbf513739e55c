// BatchState: the counter usage a batch of decisions has taken so far, on top of the recorded
// history, and the screener its requests are screened with. Made per batch; not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "tierguard/status.h"

namespace tg {

namespace ledger {
class View;
}  // namespace ledger
namespace screen {
class PartyScreener;
}  // namespace screen

// Counter usage (caps, licence balances) accumulated over a batch of requests, on top of the
// recorded history when the engine has a ledger: a what-if history that later requests see.
class BatchState {
 public:
  // Recorded usage (when a ledger view is attached) plus this batch's.
  Result<int64_t> Used(const std::string& key) const;
  // InvalidArgument when the sum would not fit in int64 (the batch is left unchanged).
  Status Add(const std::string& key, int64_t amount);
  void Clear() { used_.clear(); }
  const std::unordered_map<std::string, int64_t>& all() const { return used_; }
  // The recorded state the batch reads through; nullptr for a pure what-if. Not owned.
  ledger::View* view() const { return view_; }
  void set_view(ledger::View* view) { view_ = view; }
  // Screens each request's parties against the lists kept in the ledger; nullptr: no
  // screening. Not owned.
  screen::PartyScreener* screener() const { return screener_; }
  void set_screener(screen::PartyScreener* screener) { screener_ = screener; }

 private:
  std::unordered_map<std::string, int64_t> used_;
  ledger::View* view_ = nullptr;
  screen::PartyScreener* screener_ = nullptr;
};

}  // namespace tg
