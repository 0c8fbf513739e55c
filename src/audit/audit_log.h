// AuditLog: the append-only, tamper-evident log of every decision and state change, kept in the
// store's audit table inside the caller's transaction, so that a change and its record commit
// together or not at all. Records are canonical JSON; the Merkle tree (RFC 6962) over their
// leaf hashes is kept as perfect-subtree nodes beside them. Not thread-safe; one per
// transaction.
//
// Keys in the audit table:
//   "size"                      the number of records (decimal), written by Flush()
//   "r/" INDEX16                a record (INDEX16: 16 decimal digits)
//   "n/" LEVEL2 "/" INDEX16     the 32-byte hash of a perfect subtree of two or more leaves
// Leaf hashes are not stored: a leaf is the hash of its record.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "src/audit/merkle.h"
#include "src/store/store.h"

namespace tg::audit {

struct Entry {
  std::string kind;     // shipment, reservation.hold, licence.add, …
  std::string actor;    // who made the change
  int64_t time = 0;     // unix seconds
  std::string subject;  // the request id, licence number, … it concerns
  std::string body;     // a JSON value: the decision or the change
};

// The canonical JSON of a record: {"index","kind","time","actor","subject","body"} in that
// order, compact, with `body` embedded as given.
std::string CanonicalRecord(uint64_t index, const Entry& entry);

class AuditLog {
 public:
  explicit AuditLog(store::Transaction& txn) : txn_(txn), nodes_(*this, txn) {}

  // Appends a record; returns its index (0-based).
  Result<uint64_t> Append(const Entry& entry);
  // Writes the new size. REQUIRES: called after the last Append of a transaction, before its
  // commit (a log whose size lags its records refuses the next append: nothing is overwritten).
  Status Flush();
  Result<uint64_t> Size();
  Result<std::string> Record(uint64_t index);
  Result<Hash> Root(uint64_t size);
  // The hash of records [begin, end). REQUIRES: end <= Size().
  Result<Hash> SubtreeRoot(uint64_t begin, uint64_t end);
  Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size);
  Result<std::vector<Hash>> ConsistencyProof(uint64_t old_size, uint64_t new_size);

 private:
  class Nodes : public NodeStore {
   public:
    explicit Nodes(AuditLog& log, store::Transaction& txn) : log_(log), txn_(txn) {}
    Result<Hash> GetNode(int level, uint64_t index) override;
    Status PutNode(int level, uint64_t index, const Hash& hash) override;

   private:
    AuditLog& log_;
    store::Transaction& txn_;
    // Nodes written or read in this transaction (leaves included): an append needs its left
    // siblings, which are almost always the ones just written, and proofs share their upper
    // nodes. Bounded: cleared when it reaches kMaxCached.
    static constexpr size_t kMaxCached = 1 << 20;
    std::unordered_map<uint64_t, Hash> cache_;
  };
  Result<MerkleTree*> Tree();

  store::Transaction& txn_;
  Nodes nodes_;
  std::optional<MerkleTree> tree_;
  bool dirty_ = false;  // records appended since the size was written
};

}  // namespace tg::audit
