// AuditLog: the append-only, tamper-evident log of every decision and state change, kept in the
// store's audit table inside the caller's transaction, so that a change and its record commit
// together or not at all. Records are canonical JSON; the Merkle tree (RFC 6962) over their
// leaf hashes is kept as perfect-subtree nodes beside them. Not thread-safe; one per
// transaction.
//
// Keys in the audit table:
//   "size"                      the number of records (decimal), written by Flush()
//   "r/" INDEX16                a record (INDEX16: 16 decimal digits)
//   "t/" TLEVEL2 "/" INDEX16    a tile: the nodes of tree levels 8*TLEVEL .. 8*TLEVEL+7 above
//                               one run of 256 nodes of level 8*TLEVEL (the layout below)
// Tiles, as in C2SP tlog-tiles but with their inner nodes kept, let a proof over a million
// records read three values instead of twenty, and let an append batch rewrite a few tiles
// once at Flush() instead of writing a node per record.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "src/audit/merkle.h"
#include "src/store/store.h"

namespace tg::audit {

// The log's document table: records ("r/INDEX"), tiles of the tree ("t/…"), its size, and the
// regime files decisions were made under ("regime/HASH"). Its id is stored in every row.
inline constexpr store::Table kAuditTable{11};

struct Entry {
  std::string kind;   // shipment, reservation.hold, licence.add, …
  std::string actor;  // who made the change
  // The caller's request that made it (an HTTP request's X-Request-Id), so that an operator
  // can find the records of one call; empty: none, and the record has no such field.
  std::string request_id;
  int64_t time = 0;     // unix seconds
  std::string subject;  // the request id, licence number, … it concerns
  std::string body;     // a JSON value: the decision or the change
};

inline constexpr size_t kMaxRequestIdBytes = 200;

// The canonical JSON of a record: {"index","kind","time","actor","subject","body"} in that
// order ("request_id" after "actor" when there is one), compact, with `body` embedded as given.
std::string CanonicalRecord(uint64_t index, const Entry& entry);
// The raw JSON of a canonical record's body, its last field. A quote inside a JSON string is
// always escaped, so `,"body":` occurs only as the key. DataLoss for a record without one.
Result<std::string_view> RecordBody(std::string_view record);
// Whether records of this kind carry a request by its digest (shipment, reservation.hold,
// refusal): a bundle holds the request beside each of them.
bool CarriesRequest(std::string_view kind);

class AuditLog {
 public:
  explicit AuditLog(store::Transaction& txn) : txn_(txn), nodes_(txn) {}

  // Appends a record; returns its index (0-based).
  Result<uint64_t> Append(const Entry& entry);
  // Writes the new size. REQUIRES: called after the last Append of a transaction, before its
  // commit (a log whose size lags its records refuses the next append: nothing is overwritten).
  Status Flush();
  Result<uint64_t> Size();
  Result<std::string> Record(uint64_t index);
  Result<Hash> Root(uint64_t size);
  // Reads records [0, size) in order, checking each against its leaf in the stored tree, every
  // perfect subtree they complete against its stored node, and at the end the root of the
  // records against the stored tree's root; calls
  // visit(index, record) for those in [from, size). DataLoss names the first record missing,
  // out of place or changed, or a tree changed above its leaves: a root is signed only after
  // this. REQUIRES: from <= size <= Size().
  using RecordVisitor = std::function<Status(uint64_t index, std::string_view record)>;
  Status ScanRecords(uint64_t from, uint64_t size, const RecordVisitor& visit);
  // The same check of records [0, size), visiting none: what a signature over that tree needs.
  Status CheckRecords(uint64_t size) {
    return ScanRecords(size, size, [](uint64_t, std::string_view) { return Status::Ok(); });
  }
  // The hash of records [begin, end). REQUIRES: end <= Size().
  Result<Hash> SubtreeRoot(uint64_t begin, uint64_t end);
  Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size);
  Result<std::vector<Hash>> ConsistencyProof(uint64_t old_size, uint64_t new_size);

 private:
  // The tree's nodes, kept in tiles. A tile holds `width` (1..256) nodes of its bottom level
  // and every node above them up to 7 levels higher; stored as, for h = 0..7, the width >> h
  // nodes of height h, left to right (the length gives the width). A full tile, 16,320 bytes,
  // just fits one 16 KiB SQLite page with its key: no overflow page to follow.
  class Tiles : public NodeStore {
   public:
    explicit Tiles(store::Transaction& txn) : txn_(txn) {}
    Result<Hash> GetNode(int level, uint64_t index) override;
    Status PutNode(int level, uint64_t index, const Hash& hash) override;
    // Writes the tiles changed since the last Flush.
    Status Flush();

   private:
    static constexpr int kHeight = 8;
    static constexpr uint64_t kWidth = 1 << kHeight;
    struct Tile {
      uint32_t width = 0;
      bool dirty = false;
      // Rows of height 0..7 at fixed offsets (RowOffset); only the first width >> h nodes of
      // row h are set.
      std::unique_ptr<Hash[]> nodes;
    };
    // The tile holding node (level, index), read from the store on first use; a tile that is
    // not stored yet starts empty when `create`.
    Result<Tile*> Load(int level, uint64_t index, bool create);

    store::Transaction& txn_;
    // Tiles read or written in this transaction: appends reuse the right edge and proofs the
    // upper tiles. Bounded (4 MB): written out and cleared when it reaches kMaxCached, so
    // that a long export reuses the same memory instead of faulting in new pages.
    static constexpr size_t kMaxCached = 256;
    std::unordered_map<uint64_t, Tile> cache_;
  };
  Result<MerkleTree*> Tree();

  store::Transaction& txn_;
  Tiles nodes_;
  std::optional<MerkleTree> tree_;
  bool dirty_ = false;  // records appended since the size was written
};

}  // namespace tg::audit
