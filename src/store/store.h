// Store: tierguard's durable state behind one small interface, so that the ledger and the audit
// log are written once and run on every backend (memory for tests, SQLite embedded, PostgreSQL
// shared). A store holds documents (a key and an opaque value, in one of a few tables) and
// integer counters (cap and licence balances). All access goes through a Transaction:
// transactions are serializable, a write transaction holds the store's write lock from Begin()
// to Commit() (two processes never both spend the last of a cap), and a transaction that is not
// committed is rolled back. A Store may be shared between threads; a Transaction may not.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tierguard/page.h"
#include "tierguard/status.h"

namespace tg::store {

// A document table, named by its id: the number every row of it is stored under, so an id is
// never renumbered nor reused. The store knows no table but its own kMeta: each subsystem
// declares its tables where its code is (src/ledger/tables.h, the audit log's in
// src/audit/audit_log.h) and registers them with a name for messages.
enum class Table : uint16_t {};

struct TableDef {
  Table id;
  std::string_view name;  // a short plural noun: "shipments", "audit log"
};

// Adds tables to the registry (once per subsystem, at static initialisation); returns true.
// An id or a name already registered for another table is a programming error: it stops the
// program at start with both names, before any store opens.
bool RegisterTables(std::initializer_list<TableDef> tables);
// The registered name of `table`, or "table N".
std::string TableName(Table table);
// Every table registered so far, by id.
std::vector<Table> RegisteredTables();

// The store's own table: its markers and the ledger's (list manifest, indexes built).
inline constexpr Table kMeta{0};

using Row = std::pair<std::string, std::string>;  // key, value

class Transaction {
 public:
  virtual ~Transaction() = default;

  // The value stored under `key`, or nullopt.
  virtual Result<std::optional<std::string>> Get(Table table, std::string_view key) = 0;
  // Inserts a new document. AlreadyExists when the key is taken.
  virtual Status Insert(Table table, std::string_view key, std::string_view value) = 0;
  // Inserts or replaces.
  virtual Status Put(Table table, std::string_view key, std::string_view value) = 0;
  virtual Status Delete(Table table, std::string_view key) = 0;
  // Inserts or replaces many documents, as Put does each (REQUIRES: no key twice): PostgreSQL
  // sends them with one COPY, the others put them one by one.
  virtual Status PutMany(Table table, std::span<const Row> rows);
  // Inserts many documents whose keys the caller knows are absent (AlreadyExists otherwise,
  // and the transaction is then to be dropped): PostgreSQL copies them straight into the
  // table, the others insert them one by one.
  virtual Status InsertMany(Table table, std::span<const Row> rows);
  // Documents whose key starts with `prefix`, in key order, at most `limit`.
  virtual Result<std::vector<Row>> Scan(Table table, std::string_view prefix,
                                        size_t limit = SIZE_MAX) = 0;

  // Streams the documents of `table` whose key starts with `prefix`, in key order, from the
  // first key >= `from` (empty: the prefix's first), calling visit(key, value) for each; stops
  // when visit returns false or an error (returned). The views live for the call only. Reads
  // of other tables through this transaction are allowed inside `visit`; writes are not.
  using Visitor = std::function<Result<bool>(std::string_view key, std::string_view value)>;
  virtual Status ForEach(Table table, std::string_view prefix, std::string_view from,
                         const Visitor& visit) = 0;

  // Counters start at 0. Add returns the new value; InvalidArgument when it would not fit in
  // int64 (the counter is left as it was).
  virtual Result<int64_t> Counter(std::string_view key) = 0;
  virtual Result<int64_t> AddCounter(std::string_view key, int64_t delta) = 0;
  // Counters whose key starts with `prefix`, in key order.
  virtual Result<std::vector<std::pair<std::string, int64_t>>> ScanCounters(
      std::string_view prefix) = 0;

  // Makes every change durable. After a failed commit nothing of the transaction remains.
  virtual Status Commit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // Starts a write transaction; waits for the write lock (up to the backend's busy timeout:
  // Unavailable after it).
  virtual Result<std::unique_ptr<Transaction>> Begin() = 0;
  // Starts a read-only transaction on a consistent snapshot; it does not hold writers up
  // (SQLite) and must not write.
  virtual Result<std::unique_ptr<Transaction>> BeginRead() = 0;
  // A read transaction even on a damaged store (which refuses Begin and BeginRead), for the
  // check that reports what is damaged.
  virtual Result<std::unique_ptr<Transaction>> BeginInspection() = 0;
  // "memory", "sqlite:PATH", …
  virtual std::string Describe() const = 0;
  // OK, or DataLoss naming the first damage found: by the checks at open, or by a read that
  // met a damaged record. A damaged store refuses write and read transactions with that
  // DataLoss, so nothing is written on top of damage and no answer is read from it; only
  // BeginInspection still reads.
  virtual Status Damage() const = 0;
  // Checks the whole store without a time bound: the file's structure and every record's
  // checksum. OK, or DataLoss naming the first damage (which Damage() reports from then on).
  virtual Status VerifyIntegrity() = 0;
  virtual int SchemaVersion() const = 0;
};

// The rows of `table` that `page` selects, in key order; `next` is set when more follow.
Result<Page<Row>> ReadPage(Transaction& txn, Table table, const PageRequest& page);

// A store in memory, for tests. Transactions serialize on a mutex.
std::unique_ptr<Store> OpenMemoryStore();

struct SqliteOptions {
  // Time the check at open may take (SQLite's integrity_check, then every row's checksum); a
  // larger file is checked as far as the budget goes, and fully by VerifyIntegrity. 0: no limit.
  int integrity_budget_ms = 250;
};

// The embedded store: one SQLite file in WAL mode with synchronous=FULL. Creates the file and
// applies schema migrations on open, then checks it (see SqliteOptions). Every document and
// counter carries a CRC-32 of its table, key and value, checked on every read. Errors:
// Unavailable when the file cannot be opened, DataLoss when it is not a tierguard store or is
// newer than this program. A damaged store opens (for `check` to report) but refuses writes.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const SqliteOptions& options = {});

struct PostgresOptions {
  // How long Begin() waits for another writer (on any server) before Unavailable.
  int lock_timeout_ms = 60000;
};

// The shared store: a PostgreSQL database (libpq's connection string, key=value or URI) that
// several servers use at once. Tables tg_docs, tg_counters and tg_schema in the connection's
// current schema (a search_path in the connection string's options selects one), created and
// migrated on open. A write transaction takes a transaction-scoped advisory lock on that schema
// first, so writers on every server run one at a time, as SQLite's do, and a cap's read and
// its new value are one atomic step wherever they run; read transactions are REPEATABLE READ
// snapshots that no writer waits for. Connections are pooled; one the server dropped is
// replaced on the next transaction, so a restarted PostgreSQL needs no restart of tierguard.
// Errors: Unavailable when the server cannot be reached or a writer held the lock too long.
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& conninfo,
                                                 const PostgresOptions& options = {});

enum class Backend { kMemory, kSqlite, kPostgres };
// The backend a ledger location names: "memory"; "postgresql://…", "postgres://…" or
// "pg:CONNINFO" (a key=value connection string); anything else is a SQLite file's path.
Backend BackendOf(std::string_view location);

// Opens the store `location` names (see BackendOf).
Result<std::unique_ptr<Store>> OpenStore(const std::string& location);

}  // namespace tg::store
