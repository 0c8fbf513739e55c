// The SQLite backend: two tables (documents and counters), WAL mode, synchronous=FULL, and
// BEGIN IMMEDIATE so that a transaction owns the write lock from its start: the read of a cap
// and the write of its new value can never interleave with another process's.
//
// SQLite checks its pages' structure but not what they hold: a flipped byte inside a record
// reads back as a different record. Every row therefore carries a CRC-32 of its table, key and
// value, written with it and checked on every read; a mismatch is DataLoss naming the row, and
// from then on the store refuses to write (nothing is built on damaged state).
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <unistd.h>
#include <zlib.h>

#include <sqlite3.h>

#include "src/common/csv.h"
#include "src/store/health.h"
#include "src/store/store.h"

namespace tg::store {

namespace {

// Schema migrations, applied in order; PRAGMA user_version holds the number applied.
constexpr const char* kMigrations[] = {
    // 1: documents and counters. Documents live in a rowid table, so that a new one is
    // appended whatever its key, and a small unique index orders them by (table, key).
    "CREATE TABLE docs(tbl INTEGER NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL);"
    "CREATE UNIQUE INDEX docs_by_key ON docs(tbl, key);"
    "CREATE TABLE counters(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;",
    // 2: a checksum per row (tg_doc_sum, tg_counter_sum below).
    "ALTER TABLE docs ADD COLUMN sum INTEGER NOT NULL DEFAULT 0;"
    "UPDATE docs SET sum = tg_doc_sum(tbl, key, value);"
    "ALTER TABLE counters ADD COLUMN sum INTEGER NOT NULL DEFAULT 0;"
    "UPDATE counters SET sum = tg_counter_sum(key, value);",
    // 3: no change to the tables. The ledger keeps a manifest of the kept lists' versions
    // beside them (in meta), which screening trusts; a program from before it would keep a
    // list without updating the manifest, so this version is one such a program refuses.
    "SELECT 1;",
};
constexpr int kSchemaVersion = sizeof(kMigrations) / sizeof(kMigrations[0]);
constexpr int kBusyTimeoutMs = 60000;

// CRC-32 of (table, key, 0, value): a row moved to another key or table fails too.
int64_t DocSum(int table, std::string_view key, std::string_view value) {
  const unsigned char t = static_cast<unsigned char>(table);
  const unsigned char zero = 0;
  uLong c = crc32_z(0, &t, 1);
  c = crc32_z(c, reinterpret_cast<const Bytef*>(key.data()), key.size());
  c = crc32_z(c, &zero, 1);
  c = crc32_z(c, reinterpret_cast<const Bytef*>(value.data()), value.size());
  return static_cast<int64_t>(c);
}

int64_t CounterSum(std::string_view key, int64_t value) {
  unsigned char bytes[9] = {0};
  for (int i = 0; i < 8; ++i) {
    bytes[1 + i] = static_cast<unsigned char>(static_cast<uint64_t>(value) >> (8 * i));
  }
  uLong c = crc32_z(0, reinterpret_cast<const Bytef*>(key.data()), key.size());
  c = crc32_z(c, bytes, sizeof(bytes));
  return static_cast<int64_t>(c);
}

std::string_view ColumnView(sqlite3_stmt* st, int i) {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(st, i));
  return std::string_view(p != nullptr ? p : "", static_cast<size_t>(sqlite3_column_bytes(st, i)));
}

// The SQL functions the migrations and the integrity scan call.
void DocSumFunction(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto* key = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
  const int key_len = sqlite3_value_bytes(argv[1]);
  const auto* value = static_cast<const char*>(sqlite3_value_blob(argv[2]));
  const int value_len = sqlite3_value_bytes(argv[2]);
  sqlite3_result_int64(
      ctx, DocSum(sqlite3_value_int(argv[0]),
                  std::string_view(key != nullptr ? key : "", static_cast<size_t>(key_len)),
                  std::string_view(value != nullptr ? value : "", static_cast<size_t>(value_len))));
}

void CounterSumFunction(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto* key = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  const int key_len = sqlite3_value_bytes(argv[0]);
  sqlite3_result_int64(
      ctx, CounterSum(std::string_view(key != nullptr ? key : "", static_cast<size_t>(key_len)),
                      sqlite3_value_int64(argv[1])));
}

Status DamagedRecord(int table, std::string_view key) {
  return DataLoss("store: " + TableName(static_cast<Table>(table)) + " record '" +
                  std::string(key) + "' is damaged (its checksum does not match)");
}

Status DamagedCounter(std::string_view key) {
  return DataLoss("store: counter '" + std::string(key) +
                  "' is damaged (its checksum does not match)");
}

Status FromSqlite(sqlite3* db, int rc, std::string_view what) {
  std::string msg =
      std::string(what) + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      // SQLite's busy handler has already retried, sleeping longer each time, for the bound.
      return Status(StatusCode::kUnavailable,
                    msg + " (another process held the ledger's lock for more than " +
                        std::to_string(kBusyTimeoutMs / 1000) +
                        " s; nothing was changed, try again)");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return DataLoss("the file is damaged: " + msg);
    case SQLITE_IOERR:
      // A short read is a file shorter than its own pages say (a truncated WAL or database).
      return rc == SQLITE_IOERR_SHORT_READ ? DataLoss("the file is damaged: " + msg)
                                           : Status(StatusCode::kUnavailable, std::move(msg));
    case SQLITE_CONSTRAINT:
      return AlreadyExists(std::move(msg));
    default:
      return Internal(std::move(msg));
  }
}

// A prepared statement that resets itself after each use.
class Stmt {
 public:
  Stmt() = default;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(stmt_); }

  Status Prepare(sqlite3* db, const char* sql, unsigned flags = SQLITE_PREPARE_PERSISTENT) {
    const int rc = sqlite3_prepare_v3(db, sql, -1, flags, &stmt_, nullptr);
    return rc == SQLITE_OK ? Status::Ok() : FromSqlite(db, rc, "prepare");
  }
  sqlite3_stmt* Handle() { return stmt_; }
  // REQUIRES: `s` outlives the next Step() (bound without a copy).
  void BindText(int i, std::string_view s) {
    sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
  }
  void BindBlob(int i, std::string_view s) {
    sqlite3_bind_blob(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
  }
  void BindInt(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  int Step() { return sqlite3_step(stmt_); }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string_view View(int i) { return ColumnView(stmt_, i); }
  int64_t Int(int i) { return sqlite3_column_int64(stmt_, i); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

struct Statements {
  Stmt get, insert, put, del, scan, counter, set_counter, scan_counters, begin, begin_read, commit,
      rollback;
};

class SqliteTransaction : public Transaction {
 public:
  SqliteTransaction(std::unique_lock<std::mutex> lock, sqlite3* db, Statements& s, Health& health)
      : lock_(std::move(lock)), db_(db), s_(s), health_(health) {}
  ~SqliteTransaction() override {
    if (!done_) {
      s_.rollback.Step();
      s_.rollback.Reset();
    }
  }

  Result<std::optional<std::string>> Get(Table table, std::string_view key) override {
    Stmt& st = s_.get;
    st.BindInt(1, static_cast<int>(table));
    st.BindText(2, key);
    const int rc = st.Step();
    std::optional<std::string> out;
    Status checked;
    if (rc == SQLITE_ROW) {
      checked = CheckDoc(static_cast<int>(table), key, st.View(0), st.Int(1));
      out.emplace(st.View(0));
    }
    st.Reset();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      return Fail(rc, "get");
    }
    TG_RETURN_IF_ERROR(checked);
    return out;
  }

  Status Insert(Table table, std::string_view key, std::string_view value) override {
    return Write(s_.insert, table, key, value, "insert");
  }

  Status Put(Table table, std::string_view key, std::string_view value) override {
    return Write(s_.put, table, key, value, "put");
  }

  Status Delete(Table table, std::string_view key) override {
    Stmt& st = s_.del;
    st.BindInt(1, static_cast<int>(table));
    st.BindText(2, key);
    const int rc = st.Step();
    st.Reset();
    return rc == SQLITE_DONE ? Status::Ok() : Fail(rc, "delete");
  }

  Result<std::vector<Row>> Scan(Table table, std::string_view prefix, size_t limit) override {
    Stmt& st = s_.scan;
    st.BindInt(1, static_cast<int>(table));
    st.BindText(2, prefix);
    const std::string upper = std::string(prefix) + "\xff";  // no UTF-8 key contains 0xff
    st.BindText(3, upper);
    st.BindInt(4, limit > static_cast<size_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(limit));
    std::vector<Row> out;
    int rc;
    Status checked;
    while (checked.ok() && (rc = st.Step()) == SQLITE_ROW) {
      checked = CheckDoc(static_cast<int>(table), st.View(0), st.View(1), st.Int(2));
      out.emplace_back(st.View(0), st.View(1));
    }
    st.Reset();
    TG_RETURN_IF_ERROR(checked);
    if (rc != SQLITE_DONE) {
      return Fail(rc, "scan");
    }
    return out;
  }

  Status ForEach(Table table, std::string_view prefix, std::string_view from,
                 const Visitor& visit) override {
    // A statement of its own, so that `visit` may use the shared ones (Get, Counter).
    Stmt st;
    TG_RETURN_IF_ERROR(st.Prepare(
        db_, "SELECT key,value,sum FROM docs WHERE tbl=?1 AND key>=?2 AND key<?3 ORDER BY key", 0));
    st.BindInt(1, static_cast<int>(table));
    st.BindText(2, from > prefix ? from : prefix);
    const std::string upper = std::string(prefix) + "\xff";
    st.BindText(3, upper);
    int rc;
    while ((rc = st.Step()) == SQLITE_ROW) {
      const std::string_view key = st.View(0);
      const std::string_view value = st.View(1);
      TG_RETURN_IF_ERROR(CheckDoc(static_cast<int>(table), key, value, st.Int(2)));
      TG_ASSIGN_OR_RETURN(const bool more, visit(key, value));
      if (!more) {
        return Status::Ok();
      }
    }
    return rc == SQLITE_DONE ? Status::Ok() : Fail(rc, "scan");
  }

  Result<int64_t> Counter(std::string_view key) override {
    Stmt& st = s_.counter;
    st.BindText(1, key);
    const int rc = st.Step();
    int64_t v = 0;
    Status checked;
    if (rc == SQLITE_ROW) {
      checked = CheckCounter(key, st);
      v = st.Int(0);
    }
    st.Reset();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      return Fail(rc, "counter");
    }
    TG_RETURN_IF_ERROR(checked);
    return v;
  }

  Result<int64_t> AddCounter(std::string_view key, int64_t delta) override {
    // Read (and so verify) the old value, then write the new one with its checksum: an update
    // in SQL would carry a damaged value forward under a fresh checksum.
    TG_ASSIGN_OR_RETURN(const int64_t old, Counter(key));
    int64_t v = 0;
    if (__builtin_add_overflow(old, delta, &v)) {
      return InvalidArgument("counter " + std::string(key) + ": " + std::to_string(old) + " + " +
                             std::to_string(delta) + " does not fit in 64 bits");
    }
    Stmt& st = s_.set_counter;
    st.BindText(1, key);
    st.BindInt(2, v);
    st.BindInt(3, CounterSum(key, v));
    const int rc = st.Step();
    st.Reset();
    if (rc != SQLITE_DONE) {
      return Fail(rc, "add counter");
    }
    return v;
  }

  Result<std::vector<std::pair<std::string, int64_t>>> ScanCounters(
      std::string_view prefix) override {
    Stmt& st = s_.scan_counters;
    st.BindText(1, prefix);
    const std::string upper = std::string(prefix) + "\xff";
    st.BindText(2, upper);
    std::vector<std::pair<std::string, int64_t>> out;
    int rc;
    Status checked;
    while (checked.ok() && (rc = st.Step()) == SQLITE_ROW) {
      const std::string_view key = st.View(0);
      checked = CheckCounter(key, st, 1);
      out.emplace_back(key, st.Int(1));
    }
    st.Reset();
    TG_RETURN_IF_ERROR(checked);
    if (rc != SQLITE_DONE) {
      return Fail(rc, "scan counters");
    }
    return out;
  }

  Status Commit() override {
    const int rc = s_.commit.Step();
    s_.commit.Reset();
    if (rc != SQLITE_DONE) {
      return Fail(rc, "commit");  // the destructor rolls back
    }
    done_ = true;
    return Status::Ok();
  }

 private:
  Status Fail(int rc, std::string_view what) { return health_.Note(FromSqlite(db_, rc, what)); }

  Status CheckDoc(int table, std::string_view key, std::string_view value, int64_t sum) {
    if (DocSum(table, key, value) == sum) {
      return Status::Ok();
    }
    return health_.Note(DamagedRecord(table, key));
  }

  // The counter row's value (column `col`) and checksum (column col + 1).
  Status CheckCounter(std::string_view key, Stmt& st, int col = 0) {
    if (sqlite3_column_type(st.Handle(), col) == SQLITE_INTEGER &&
        CounterSum(key, st.Int(col)) == st.Int(col + 1)) {
      return Status::Ok();
    }
    return health_.Note(DamagedCounter(key));
  }

  Status Write(Stmt& st, Table table, std::string_view key, std::string_view value,
               const char* what) {
    st.BindInt(1, static_cast<int>(table));
    st.BindText(2, key);
    st.BindBlob(3, value);
    st.BindInt(4, DocSum(static_cast<int>(table), key, value));
    const int rc = st.Step();
    st.Reset();
    if (rc == SQLITE_CONSTRAINT || (rc & 0xff) == SQLITE_CONSTRAINT) {
      return AlreadyExists("key '" + std::string(key) + "' exists");
    }
    return rc == SQLITE_DONE ? Status::Ok() : Fail(rc, what);
  }

  std::unique_lock<std::mutex> lock_;
  sqlite3* db_;
  Statements& s_;
  Health& health_;
  bool done_ = false;
};

// What the files beside the database say about it before SQLite opens them: a damage marker
// left by an earlier open, or a WAL shorter than its index says. SQLite's WAL index (the -shm
// file, https://sqlite.org/walformat.html) keeps mxFrame, the frames of committed transactions,
// and the WAL header's salts. A WAL truncated below mxFrame has lost committed transactions:
// SQLite would rebuild its index from what is left and run on an older ledger without a word,
// and the evidence would be gone. So the damage is written to PATH-damage, which every later
// open reads, until someone restores the ledger and removes the file.
Status CheckBesideFiles(const std::string& path) {
  const std::string marker = path + "-damage";
  if (::access(marker.c_str(), F_OK) == 0) {
    auto text = ReadFile(marker);
    return DataLoss((text ? *text : "damage marked, unreadable: " + text.error().message()) +
                    " (marked in " + marker + "; remove that file once the ledger is restored)");
  }
  std::FILE* shm = std::fopen((path + "-shm").c_str(), "rb");
  std::FILE* wal = std::fopen((path + "-wal").c_str(), "rb");
  unsigned char index[96] = {0};
  unsigned char header[32] = {0};
  const bool readable = shm != nullptr && wal != nullptr &&
                        std::fread(index, 1, sizeof(index), shm) == sizeof(index) &&
                        std::fread(header, 1, sizeof(header), wal) == sizeof(header);
  long wal_size = 0;
  if (readable && std::fseek(wal, 0, SEEK_END) == 0) {
    wal_size = std::ftell(wal);
  }
  if (shm != nullptr) {
    std::fclose(shm);
  }
  if (wal != nullptr) {
    std::fclose(wal);
  }
  // Only a settled index is read: both copies of its header equal, and initialised.
  if (!readable || std::memcmp(index, index + 48, 48) != 0 || index[12] != 1) {
    return Status::Ok();
  }
  uint32_t mx_frame = 0;
  uint16_t page_field = 0;
  std::memcpy(&page_field, index + 14, 2);  // native byte order, as SQLite writes it
  std::memcpy(&mx_frame, index + 16, 4);
  const uint64_t page_size = page_field == 1 ? 65536 : page_field;
  // The index describes this WAL only when their salts agree (a restarted WAL has new ones).
  if (page_size < 512 || std::memcmp(index + 32, header + 16, 8) != 0) {
    return Status::Ok();
  }
  const uint64_t frames =
      wal_size > 32 ? (static_cast<uint64_t>(wal_size) - 32) / (24 + page_size) : 0;
  if (frames >= mx_frame) {
    return Status::Ok();
  }
  const std::string message = path + "-wal holds " + std::to_string(frames) +
                              " whole frames but its index says " + std::to_string(mx_frame) +
                              " were committed: the WAL was truncated and the last " +
                              "transactions are lost";
  const int fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd >= 0) {  // the refusal below stands even when the marker cannot be written
    if (::write(fd, message.data(), message.size()) == static_cast<ssize_t>(message.size())) {
      ::fsync(fd);
    }
    ::close(fd);
  }
  return DataLoss(message);
}

// The row checksums as SQL functions, for the integrity check's queries.
void RegisterChecksumFunctions(sqlite3* db) {
  sqlite3_create_function(db, "tg_doc_sum", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                          DocSumFunction, nullptr, nullptr);
  sqlite3_create_function(db, "tg_counter_sum", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                          CounterSumFunction, nullptr, nullptr);
}

// Prepares the statements every transaction runs, on connection `db`.
Status PrepareStatements(sqlite3* db, Statements& s) {
  TG_RETURN_IF_ERROR(s.get.Prepare(db, "SELECT value,sum FROM docs WHERE tbl=?1 AND key=?2"));
  TG_RETURN_IF_ERROR(
      s.insert.Prepare(db, "INSERT INTO docs(tbl,key,value,sum) VALUES(?1,?2,?3,?4)"));
  TG_RETURN_IF_ERROR(
      s.put.Prepare(db,
                    "INSERT INTO docs(tbl,key,value,sum) VALUES(?1,?2,?3,?4) "
                    "ON CONFLICT(tbl,key) DO UPDATE SET value=excluded.value, sum=excluded.sum"));
  TG_RETURN_IF_ERROR(s.del.Prepare(db, "DELETE FROM docs WHERE tbl=?1 AND key=?2"));
  TG_RETURN_IF_ERROR(s.scan.Prepare(
      db,
      "SELECT key,value,sum FROM docs WHERE tbl=?1 AND key>=?2 AND key<?3 ORDER BY key "
      "LIMIT ?4"));
  TG_RETURN_IF_ERROR(s.counter.Prepare(db, "SELECT value,sum FROM counters WHERE key=?1"));
  TG_RETURN_IF_ERROR(s.set_counter.Prepare(
      db,
      "INSERT INTO counters(key,value,sum) VALUES(?1,?2,?3) "
      "ON CONFLICT(key) DO UPDATE SET value=excluded.value, sum=excluded.sum"));
  TG_RETURN_IF_ERROR(s.scan_counters.Prepare(
      db, "SELECT key,value,sum FROM counters WHERE key>=?1 AND key<?2 ORDER BY key"));
  TG_RETURN_IF_ERROR(s.begin.Prepare(db, "BEGIN IMMEDIATE"));
  TG_RETURN_IF_ERROR(s.begin_read.Prepare(db, "BEGIN DEFERRED"));
  TG_RETURN_IF_ERROR(s.commit.Prepare(db, "COMMIT"));
  TG_RETURN_IF_ERROR(s.rollback.Prepare(db, "ROLLBACK"));
  return Status::Ok();
}

// A connection for read transactions beside the writer's. In WAL mode a reader sees the last
// commit while the writer goes on, so a long determine or report never holds up a ship (on
// the writer's connection it held the one mutex for its whole run).
struct ReadConnection {
  ~ReadConnection() {
    stmts.reset();
    sqlite3_close_v2(db);
  }
  sqlite3* db = nullptr;
  std::unique_ptr<Statements> stmts;
  std::mutex in_use;  // held by the transaction reading through it
};

class SqliteStore : public Store {
 public:
  ~SqliteStore() override {
    readers_.clear();
    stmts_.reset();
    sqlite3_close_v2(db_);
  }

  static Result<std::unique_ptr<Store>> Open(const std::string& path,
                                             const SqliteOptions& options) {
    auto store = std::unique_ptr<SqliteStore>(new SqliteStore());
    store->path_ = path;
    // Before SQLite runs its WAL recovery, which would erase the evidence.
    store->health_.Note(CheckBesideFiles(path)).ok();  // kept: Damage() reports it
    int rc =
        sqlite3_open_v2(path.c_str(), &store->db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      return Status(StatusCode::kUnavailable,
                    path + ": cannot open database: " + sqlite3_errstr(rc));
    }
    sqlite3_busy_timeout(store->db_, kBusyTimeoutMs);
    RegisterChecksumFunctions(store->db_);
    // 16 KiB pages keep a document of up to ~4 KB (a shipment with its decision) inside its
    // B-tree page; with 4 KiB pages each one spilled to a mostly empty overflow page. Takes
    // effect when the file is created.
    TG_RETURN_IF_ERROR(store->Exec("PRAGMA page_size=16384", path));
    TG_RETURN_IF_ERROR(store->Exec("PRAGMA journal_mode=WAL", path));
    TG_RETURN_IF_ERROR(store->Exec("PRAGMA synchronous=FULL", path));
    // Not PRAGMA cell_size_check: with the memory map below SQLite re-checks a page on every
    // access, and a full scan of the audit log took 1.65 s instead of 0.19 s. The check at open
    // and the row checksums find damage instead.
    // Reads of the main file through a memory map: a fresh process proving one audit record
    // took 28 µs with read() copies and 22 µs mapped; `ship` measured the same either way.
    TG_RETURN_IF_ERROR(store->Exec("PRAGMA mmap_size=4294967296", path));
    TG_RETURN_IF_ERROR(store->Migrate());
    store->stmts_ = std::make_unique<Statements>();
    TG_RETURN_IF_ERROR(PrepareStatements(store->db_, *store->stmts_));
    // The check at open reads through a read connection, which the command's reads then reuse:
    // the pages it read stay mapped once, not once per connection (a 46 MB ledger's export
    // peaked at 104 MB when the check ran on the writer's connection).
    Result<ReadConnection*> reader = store->FreeReader();
    if (!reader) {
      store->health_.Note(reader.status()).ok();  // kept
    } else {
      std::unique_lock<std::mutex> lock((*reader)->in_use, std::adopt_lock);
      store->health_.Note(store->CheckIntegrity(options.integrity_budget_ms, (*reader)->db))
          .ok();  // kept
    }
    return std::unique_ptr<Store>(std::move(store));
  }

  Result<std::unique_ptr<Transaction>> Begin() override {
    TG_RETURN_IF_ERROR(RefuseIfDamaged());
    return Start(std::unique_lock<std::mutex>(mu_), db_, *stmts_, stmts_->begin);
  }
  Result<std::unique_ptr<Transaction>> BeginRead() override {
    TG_RETURN_IF_ERROR(RefuseIfDamaged());
    TG_ASSIGN_OR_RETURN(ReadConnection * reader, FreeReader());
    std::unique_lock<std::mutex> lock(reader->in_use, std::adopt_lock);
    return Start(std::move(lock), reader->db, *reader->stmts, reader->stmts->begin_read);
  }
  Result<std::unique_ptr<Transaction>> BeginInspection() override {
    return Start(std::unique_lock<std::mutex>(mu_), db_, *stmts_, stmts_->begin_read);
  }

  std::string Describe() const override { return "sqlite:" + path_; }
  int SchemaVersion() const override { return kSchemaVersion; }
  Status Damage() const override { return health_.Get(); }

  Status VerifyIntegrity() override {
    std::unique_lock<std::mutex> lock(mu_);
    return health_.Note(CheckIntegrity(/*budget_ms=*/0, db_));
  }

 private:
  SqliteStore() = default;

  // Begins a transaction on connection `db`, whose lock the transaction holds until it ends.
  Result<std::unique_ptr<Transaction>> Start(std::unique_lock<std::mutex> lock, sqlite3* db,
                                             Statements& stmts, Stmt& begin) {
    const int rc = begin.Step();
    begin.Reset();
    if (rc != SQLITE_DONE) {
      return health_.Note(FromSqlite(db, rc, "begin"));
    }
    return std::unique_ptr<Transaction>(new SqliteTransaction(std::move(lock), db, stmts, health_));
  }

  // A read connection no transaction is using, locked for the caller; one is opened when all
  // are in use, so there are as many as reads ever ran at once.
  Result<ReadConnection*> FreeReader() {
    std::lock_guard<std::mutex> guard(readers_mu_);
    for (const auto& r : readers_) {
      if (r->in_use.try_lock()) {
        return r.get();
      }
    }
    auto r = std::make_unique<ReadConnection>();
    const int rc = sqlite3_open_v2(path_.c_str(), &r->db,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      return Status(StatusCode::kUnavailable,
                    path_ + ": cannot open a read connection: " + sqlite3_errstr(rc));
    }
    sqlite3_busy_timeout(r->db, kBusyTimeoutMs);
    RegisterChecksumFunctions(r->db);
    if (sqlite3_exec(r->db, "PRAGMA mmap_size=4294967296", nullptr, nullptr, nullptr) !=
        SQLITE_OK) {
      return FromSqlite(r->db, sqlite3_errcode(r->db), path_);
    }
    r->stmts = std::make_unique<Statements>();
    TG_RETURN_IF_ERROR(PrepareStatements(r->db, *r->stmts));
    r->in_use.lock();
    readers_.push_back(std::move(r));
    return readers_.back().get();
  }

  Status RefuseIfDamaged() const {
    Status damage = health_.Get();
    if (damage.ok()) {
      return damage;
    }
    return DataLoss(path_ + " is damaged, so it is neither read nor written: " + damage.message() +
                    " (restore it from a backup; `tierguard check` lists what it finds)");
  }

  // SQLite's own check of the file (its structure, and every index against its table), then
  // every row's checksum, in one read transaction. With budget_ms > 0 it stops (as passed) when the
  // budget runs out: the open of a large ledger must stay quick, and its rows are still checked as
  // they are read.
  Status CheckIntegrity(int budget_ms, sqlite3* db) {
    using Clock = std::chrono::steady_clock;
    const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(budget_ms);
    if (budget_ms > 0) {
      sqlite3_progress_handler(
          db, 10000,
          [](void* arg) { return Clock::now() > *static_cast<Clock::time_point*>(arg) ? 1 : 0; },
          const_cast<Clock::time_point*>(&deadline));
    }
    TG_RETURN_IF_ERROR(Exec(db, "BEGIN DEFERRED", path_));
    Result<bool> done = ExamineAll(db);
    sqlite3_progress_handler(db, 0, nullptr, nullptr);
    Exec(db, "ROLLBACK", path_).ok();
    return done.status();
  }

  // The checks of CheckIntegrity; false when the progress handler interrupted them.
  Result<bool> ExamineAll(sqlite3* db) {
    Stmt structure;
    TG_RETURN_IF_ERROR(structure.Prepare(db, "PRAGMA integrity_check", 0));
    int rc = structure.Step();
    if (rc == SQLITE_INTERRUPT) {
      return false;
    }
    if (rc != SQLITE_ROW) {
      return FromSqlite(db, rc, path_ + ": integrity_check");
    }
    if (structure.View(0) != "ok") {
      std::string found(structure.View(0));
      for (char& c : found) {
        c = c == '\n' ? ';' : c;
      }
      return DataLoss(path_ + ": SQLite's integrity_check found: " + found);
    }
    Stmt docs;
    TG_RETURN_IF_ERROR(docs.Prepare(
        db, "SELECT tbl,key FROM docs WHERE tg_doc_sum(tbl,key,value)<>sum LIMIT 1", 0));
    rc = docs.Step();
    if (rc == SQLITE_ROW) {
      return DamagedRecord(static_cast<int>(docs.Int(0)), docs.View(1));
    }
    if (rc != SQLITE_DONE) {
      return rc == SQLITE_INTERRUPT ? Result<bool>(false) : FromSqlite(db, rc, path_);
    }
    Stmt counters;
    TG_RETURN_IF_ERROR(
        counters.Prepare(db,
                         "SELECT key FROM counters WHERE typeof(value)<>'integer' OR "
                         "tg_counter_sum(key,value)<>sum LIMIT 1",
                         0));
    rc = counters.Step();
    if (rc == SQLITE_ROW) {
      return DamagedCounter(counters.View(0));
    }
    if (rc != SQLITE_DONE) {
      return rc == SQLITE_INTERRUPT ? Result<bool>(false) : FromSqlite(db, rc, path_);
    }
    return true;
  }

  Status Exec(const char* sql, std::string_view what) { return Exec(db_, sql, what); }
  Status Exec(sqlite3* db, const char* sql, std::string_view what) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      Status s = FromSqlite(db, rc, what);
      sqlite3_free(err);
      return s;
    }
    return Status::Ok();
  }

  Result<int> UserVersion() {
    sqlite3_stmt* st = nullptr;
    int rc = sqlite3_prepare_v2(db_, "PRAGMA user_version", -1, &st, nullptr);
    if (rc != SQLITE_OK) {
      return FromSqlite(db_, rc, path_);
    }
    rc = sqlite3_step(st);
    const int v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    if (v < 0) {
      return FromSqlite(db_, rc, path_);
    }
    return v;
  }

  // Applies the missing migrations in one transaction; concurrent openers wait on the lock.
  // A ledger already at this schema is opened without the write lock, so that a command that
  // only reads never waits behind a writer (WAL readers do not).
  Status Migrate() {
    if (auto current = UserVersion(); current && *current == kSchemaVersion) {
      return Status::Ok();
    }
    TG_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE", path_));
    auto version = UserVersion();
    if (!version) {
      Exec("ROLLBACK", path_).ok();
      return version.error();
    }
    if (*version > kSchemaVersion) {
      Exec("ROLLBACK", path_).ok();
      return DataLoss(path_ + ": schema version " + std::to_string(*version) +
                      " is newer than this tierguard (" + std::to_string(kSchemaVersion) + ")");
    }
    for (int v = *version; v < kSchemaVersion; ++v) {
      Status s = Exec(kMigrations[v], path_);
      if (s.ok()) {
        s = Exec(("PRAGMA user_version=" + std::to_string(v + 1)).c_str(), path_);
      }
      if (!s.ok()) {
        Exec("ROLLBACK", path_).ok();
        return s.WithPrefix("migration " + std::to_string(v + 1));
      }
    }
    return Exec("COMMIT", path_);
  }

  std::string path_;
  sqlite3* db_ = nullptr;
  std::mutex mu_;  // one write (or inspection) transaction at a time on this connection
  std::unique_ptr<Statements> stmts_;
  std::mutex readers_mu_;  // guards the list; each reader has its own lock
  std::vector<std::unique_ptr<ReadConnection>> readers_;
  Health health_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const SqliteOptions& options) {
  return SqliteStore::Open(path, options);
}

}  // namespace tg::store
