// The Engine's private state, shared by engine.cc (decisions) and engine_ledger.cc (ledger
// commands). Internal.
#pragma once

#include <algorithm>
#include <future>
#include <iterator>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>

#include "tierguard/engine.h"

#include "src/classify/classifier.h"
#include "src/common/country_table.h"
#include "src/decide/determiner.h"
#include "src/decide/stream.h"
#include "src/ledger/ledger.h"
#include "src/regime/controls.h"
#include "src/regime/country_groups.h"
#include "src/regime/letters.h"
#include "src/regime/model_policies.h"
#include "src/regime/regime_set.h"
#include "src/screen/index.h"
#include "src/screen/normalize.h"
#include "src/screen/party_screener.h"
#include "src/screen/scorer.h"
#include "src/store/store.h"

namespace tg {

struct Engine::Impl {
  CountryTable countries;
  regime::CountryGroups groups;
  classify::Classifier classifier;
  regime::RegimeSet regimes;  // empty when regimes_error is set
  regime::Controls controls;  // Parts 744 and 746, on top of every regime
  regime::Letters letters;    // company-specific is-informed letters, on top of every regime
  // Conditions on releasing and transferring models (testing, sign-off): data/policies.
  regime::ModelPolicies model_policies;
  Status regimes_error;  // why the regime files did not load
  std::unique_ptr<decide::Determiner> determiner;
  std::string data_dir;
  std::string regimes_dir;
  std::unique_ptr<store::Store> store;  // null: no ledger
  // Where screening snapshots of the kept lists are cached: a folder beside a ledger file
  // ("L.db.screening"); empty for a ledger in memory.
  std::string snapshot_dir;
  SystemClock system_clock;

  // The classification versions a regime pins (none for an empty id); NotFound when unknown.
  Result<classify::ClassifyOptions> ClassifyOptionsFor(std::string_view regime_id) const;
  // The store, or FailedPrecondition naming how to give one.
  Result<store::Store*> Ledger() const;
  // The screening tools, loaded from data_dir on first use: creating ICU's transliterator costs
  // more than the rest of start-up, and most commands never screen. Thread-safe.
  struct ScreeningTools {
    screen::Normalizer normalizer;
    screen::NameScorer scorer;
    std::vector<screen::ListConsequence> consequences;
  };
  Result<const ScreeningTools*> Screening() const;
  // An empty index on the screening tools, resolving countries with this engine's table.
  Result<std::unique_ptr<screen::Index>> MakeIndex() const;

  // The kept lists and their index: immutable once loaded, so every stream that screens
  // against the same list versions shares one (Index::Search is safe from several threads).
  struct KeptScreening {
    std::vector<screen::ScreeningList> lists;
    std::unique_ptr<screen::Index> index;
  };
  // The kept lists last loaded, when their versions (the lists' manifest, as text) are
  // `versions`; null otherwise. A server's requests, or one process's streams, read the lists
  // once a version instead of once a command. Thread-safe.
  std::shared_ptr<const KeptScreening> CachedScreening(std::string_view versions) const;
  void CacheScreening(std::string versions, std::shared_ptr<const KeptScreening> kept) const;
  // Opens the ledger at `db` on a second thread while the caller reads the rules (the store's
  // check at open and the rules' parsing overlap); with `prefetch` (EngineOptions::
  // prefetch_screening), the same thread then reads the kept lists' index into the cache.
  // TakeStore waits for the store and puts it in `store`. REQUIRES: countries, data_dir and
  // snapshot_dir are set (the thread reads them).
  void OpenStoreAside(const std::string& db, bool prefetch);
  Status TakeStore();
  // Waits for that thread, when there is one. Thread-safe.
  void AwaitAside() const {
    if (aside_.valid()) {
      aside_.wait();
    }
  }
  ~Impl() { AwaitAside(); }  // the thread reads the store and the countries

 private:
  mutable std::once_flag screening_once_;
  mutable std::unique_ptr<ScreeningTools> screening_;
  mutable Status screening_error_;
  mutable std::mutex cache_mu_;
  mutable std::string cached_versions_;  // guarded by cache_mu_
  mutable std::shared_ptr<const KeptScreening> cached_;
  struct Opening {
    Result<std::unique_ptr<store::Store>> store = Internal("the ledger is being opened");
    std::promise<void> opened;
  };
  std::shared_ptr<Opening> opening_;  // shared with the thread: it outlives a failed Open
  std::shared_future<void> aside_;
};

enum class Access : uint8_t { kRead, kWrite };

// The outcomes of a stream of decisions, counted in the loop by enum and by the regime's id as
// the engine keeps it, and named once at the end.
class OutcomeCounts {
 public:
  void Add(const Decision& d) {
    ++by_outcome_[static_cast<int>(d.outcome)];
    ++by_regime_[d.regime];
    if (!d.authorization.empty()) {
      ++by_authorization_[d.authorization];
    }
  }
  StreamStats Stats(const decide::LineCounts& counts) && {
    StreamStats stats;
    stats.lines = counts.lines;
    stats.errors = counts.errors;
    for (int o = 0; o <= static_cast<int>(Outcome::kProhibited); ++o) {
      if (by_outcome_[o] > 0) {
        stats.by_outcome[std::string(OutcomeName(static_cast<Outcome>(o)))] = by_outcome_[o];
      }
    }
    if (counts.errors > 0) {
      stats.by_outcome["error"] = counts.errors;
    }
    for (const auto& [regime, n] : by_regime_) {
      stats.by_regime[std::string(regime)] = n;
    }
    stats.by_authorization = std::move(by_authorization_);
    return stats;
  }

 private:
  int64_t by_outcome_[static_cast<int>(Outcome::kProhibited) + 1] = {};
  std::unordered_map<std::string_view, int64_t> by_regime_;
  std::unordered_map<std::string, int64_t> by_authorization_;
};

// The batches of the streams that record nothing: 64 documents (decided while they are still
// in the cache), or fewer once they hold 4 MiB, so that a run of large documents is not held
// whole.
inline decide::StreamOptions StreamOptionsFor(const ProgressFn& progress) {
  decide::StreamOptions options;
  options.batch_bytes = size_t{4} << 20;
  options.progress = progress;
  return options;
}

// The page `page` selects of a listing the engine computes rather than reads a table for:
// `all` holds (key, value) pairs in key order; each selected one becomes make(pair).
template <typename T, typename Pair, typename Make>
Page<T> PageOf(const std::vector<Pair>& all, const PageRequest& page, Make make) {
  Page<T> out;
  auto it = page.after.empty() ? all.begin()
                               : std::upper_bound(all.begin(), all.end(), page.after,
                                                  [](const std::string& after, const Pair& p) {
                                                    return after < p.first;
                                                  });
  for (; it != all.end(); ++it) {
    if (page.limit != 0 && out.items.size() == page.limit) {
      out.next = std::prev(it)->first;
      break;
    }
    out.items.push_back(make(*it));
  }
  return out;
}

// Decides one request, given as determine reads it (so that it goes through the same parser,
// defaults and letters as any order line), with no batch before it, and hands the decision to
// `use` while its request lives. The parser's or the decision's error otherwise.
template <typename Use>
Status DecideAlone(const Engine& engine, std::string_view request_json, Use use) {
  TG_ASSIGN_OR_RETURN(const Request request, engine.ParseRequest(request_json, 1));
  BatchState batch;
  Decision d;
  engine.Decide(request, batch, d);
  TG_RETURN_IF_ERROR(d.error);
  use(d);
  return Status::Ok();
}

// The reason that decided `d` with its citation, not the notes on its regime's status that come
// first; the first note when there is nothing else.
inline std::string DecidingReason(const Decision& d) {
  for (const Reason& r : d.reasons) {
    if (!r.rule.starts_with("regime-")) {
      return std::string(r.text) + " (" + std::string(r.citation) + ")";
    }
  }
  return d.reasons.empty() ? std::string() : std::string(d.reasons.front().text);
}

// Calls fn(line, number) for each line of `text` that is not blank (numbers from 1), stopping at
// the first error fn returns.
template <typename Fn>
Status ForEachLine(std::string_view text, Fn fn) {
  int number = 0;
  for (size_t at = 0; at < text.size();) {
    size_t nl = text.find('\n', at);
    nl = nl == std::string_view::npos ? text.size() : nl;
    const std::string_view line = text.substr(at, nl - at);
    ++number;
    at = nl + 1;
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
      TG_RETURN_IF_ERROR(fn(line, number));
    }
  }
  return Status::Ok();
}

// Runs `fn(ledger)` in one transaction, as the session's actor by its clock; a write
// transaction commits when `fn` succeeds, a read transaction takes no write lock and is
// discarded.
template <typename Fn>
auto InTransaction(const Session& session, Fn fn, Access access = Access::kWrite)
    -> decltype(fn(std::declval<ledger::Ledger&>())) {
  TG_ASSIGN_OR_RETURN(store::Store * store, session.engine().impl().Ledger());
  TG_ASSIGN_OR_RETURN(auto txn, access == Access::kWrite ? store->Begin() : store->BeginRead());
  ledger::Ledger ledger(*txn, session.clock(), session.actor(), session.request_id());
  auto result = fn(ledger);
  if (access == Access::kWrite && internal::AsStatus(result).ok()) {
    TG_RETURN_IF_ERROR(ledger.Finish());
    TG_RETURN_IF_ERROR(txn->Commit());
  }
  return result;
}

// What determine and ship screen against: the lists kept in the ledger, indexed (shared), and
// the reviewers' clearances (read for each stream).
struct ScreeningContext {
  std::shared_ptr<const Engine::Impl::KeptScreening> kept;
  std::unique_ptr<screen::PartyScreener> screener;
};
// Screens a party on record against the kept lists: each hit no clearance covers becomes an
// alert (logged). Returns the number of alerts raised.
Result<int64_t> ScreenPartyOnRecord(const Engine::Impl& impl, ledger::Ledger& l,
                                    const PartyRecord& party);
// Null when the ledger keeps no list.
Result<std::unique_ptr<ScreeningContext>> LoadScreening(const Engine::Impl& impl,
                                                        store::Transaction& txn);

}  // namespace tg
