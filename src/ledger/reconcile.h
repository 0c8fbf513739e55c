// Reconciliation: the ledger held against its audit log. Every change to the ledger is logged in
// the same transaction, so the log alone says what every table must hold. LogReplayer reads the
// records in order and rebuilds that state: each counter's value, and each row of every table
// as a digest of what the row must be (a few dozen bytes a row: a log of millions fits in
// memory). From the records alone it also finds what no single row shows: a decision whose cap
// usage is not what the records before it add up to (a shipment was removed behind the log's
// back), and a cap, licence or VEU balance driven past its limit.
//
// Reconcile() compares the rebuilt state with the store's tables and counters, naming each
// difference with the record that explains it; `tierguard check` runs it. A change made with
// sqlite3 (a deleted shipment, a lowered counter, an edited licence, a dropped party link) is
// found there; a change to a record itself breaks its leaf hash (AuditLog::ScanRecords).
// Not thread-safe; one per reconciliation.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "tierguard/ledger.h"
#include "tierguard/status.h"

#include "src/ledger/records.h"
#include "src/ledger/tables.h"
#include "src/store/store.h"

namespace simdjson::dom {
class element;
}  // namespace simdjson::dom

namespace tg::ledger {

// Another subsystem's records that the log holds whole: a record of kind `kind` sets the row of
// `table` under its subject to its body. `check` rebuilds such tables from the log and compares
// them, as it does the ledger's own. Called once per subsystem at static initialisation;
// returns true.
struct LoggedRows {
  std::string_view kind;
  store::Table table;
};
bool RegisterLoggedRows(std::initializer_list<LoggedRows> kinds);
// Kinds the log holds that set no row (what they change is derived, as usage aggregates are):
// not findings, nothing to rebuild.
bool RegisterUnrowedKinds(std::initializer_list<std::string_view> kinds);

class LogReplayer {
 public:
  struct Options {
    // Keep the JSON of licences, VEUs, NAC notifications, agreements, parties and links, so that
    // WriteState() can rebuild the ledger a logged decision was made against (replay).
    bool keep_view_tables = false;
  };

  // What one row must hold, by the log.
  struct ExpectedRow {
    std::array<uint8_t, 32> digest{};  // SHA-256 of the row's value (or of its projection)
    uint64_t index = 0;                // the record that last set it
    bool checkable = true;             // false: written by a record too old to say
    bool legacy = false;               // a movement whose record lacks the row's fields
  };
  using Rows = std::unordered_map<std::string, ExpectedRow>;

  explicit LogReplayer(Options options) : options_(options) {}

  // Applies record `index` (its canonical JSON text). A record that cannot be read, or that
  // contradicts the records before it, is a finding; the replay goes on.
  void Apply(uint64_t index, std::string_view record);
  // Findings from the records alone, first ones first (at most kMaxFindings are kept).
  static constexpr size_t kMaxFindings = 100;
  const std::vector<std::string>& findings() const { return findings_; }
  uint64_t findings_count() const { return findings_count_; }
  uint64_t records() const { return records_; }

  const std::map<std::string, int64_t>& counters() const { return counters_; }
  const Rows& rows(store::Table table) const {
    static const Rows kNone;
    const auto it = rows_.find(table);
    return it != rows_.end() ? it->second : kNone;
  }
  const std::unordered_set<std::string>& regime_hashes() const { return regime_hashes_; }
  // Whether a hold was logged before holds carried their expiry (the holds index of such a
  // ledger cannot be rebuilt from its log).
  bool legacy_holds() const { return legacy_holds_; }

  // The counters and (with keep_view_tables) the licences, VEUs, notifications, agreements,
  // parties and links as the records so far make them, written into `txn`.
  Status WriteState(store::Transaction& txn) const;

 private:
  struct Hold {
    Movement movement;  // without its request
    std::string request_sha256;
    bool legacy = false;
  };
  struct Limit {
    int64_t limit = 0;
    std::string what;  // for messages: "cap LPP", "licence L-1 quantity"
  };

  void Finding(std::string text);
  void SetRow(store::Table table, const std::string& key, std::string_view value, uint64_t index);
  void SetMovementRow(store::Table table, const Movement& m, std::string_view request_sha256,
                      bool legacy, uint64_t index);
  // The records' bodies come parsed (`body`) with their text (`body_text`, which digests take):
  // a record is parsed once.
  Status ApplyMovement(uint64_t index, std::string_view kind, const std::string& id,
                       std::string_view body_text, const simdjson::dom::element& body);
  Status ApplyHoldChange(uint64_t index, std::string_view kind, const std::string& id,
                         const simdjson::dom::element& body);
  Status ApplyDecisionCaps(uint64_t index, const std::string& id,
                           const simdjson::dom::element& body, const std::vector<Delta>& deltas);
  Status AddLimits(std::string_view kind, const std::string& id, std::string_view body);
  void CheckLimit(const std::string& key, uint64_t index);

  Options options_;
  uint64_t records_ = 0;
  std::vector<std::string> findings_;
  uint64_t findings_count_ = 0;
  std::map<std::string, int64_t> counters_;
  std::map<store::Table, Rows> rows_;
  std::unordered_map<std::string, Hold> reservations_;
  std::unordered_map<std::string, Limit> limits_;  // counter key → its limit
  // VEUs: the counter keys are made per destination, so their limits are worked out per key.
  struct VeuLimits {
    bool national = false;
    int64_t national_limit = 0;
    int64_t country_limit = 0;
    int64_t tier2_limit = 0;
  };
  std::unordered_map<std::string, VeuLimits> veus_;
  std::unordered_set<std::string> regime_hashes_;
  bool legacy_holds_ = false;
  // keep_view_tables: table → key → JSON.
  std::map<int, std::map<std::string, std::string>> view_tables_;
};

// The projection of a movement row that its record fixes: the row with its request replaced by
// the request's digest (and, for a legacy record, without the fields it does not hold).
std::string MovementProjection(Movement m, std::string_view request_sha256, bool legacy);

// Rebuilds the ledger from every record of its log (read through `txn`) and compares it with
// the tables and counters, appending each difference to report.problems (at most a few per
// table, with the count of the rest). Fills report.records. Errors: those of the store reads.
Status Reconcile(store::Transaction& txn, CheckReport& report);

}  // namespace tg::ledger
