// The SQLite backend: two tables (documents and counters), WAL mode, synchronous=FULL, and
// BEGIN IMMEDIATE so that a transaction owns the write lock from its start: the read of a cap
// and the write of its new value can never interleave with another process's.
#include <sqlite3.h>

#include <mutex>

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
};
constexpr int kSchemaVersion = sizeof(kMigrations) / sizeof(kMigrations[0]);
constexpr int kBusyTimeoutMs = 60000;

Status FromSqlite(sqlite3* db, int rc, std::string_view what) {
  std::string msg = std::string(what) + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status(StatusCode::kUnavailable, std::move(msg));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return DataLoss(std::move(msg));
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

  Status Prepare(sqlite3* db, const char* sql) {
    const int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
    return rc == SQLITE_OK ? Status::Ok() : FromSqlite(db, rc, "prepare");
  }
  sqlite3_stmt* Handle() { return stmt_; }
  // REQUIRES: `s` outlives the next Step() (bound without a copy).
  void BindText(int i, std::string_view s) {
    sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
  }
  void BindInt(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  int Step() { return sqlite3_step(stmt_); }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string ColumnText(int i) {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, i));
    return std::string(p != nullptr ? p : "", static_cast<size_t>(sqlite3_column_bytes(stmt_, i)));
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

struct Statements {
  Stmt get, insert, put, del, scan, counter, add_counter, scan_counters, begin, begin_read, commit,
      rollback;
};

class SqliteStore;

class SqliteTransaction : public Transaction {
 public:
  SqliteTransaction(std::unique_lock<std::mutex> lock, sqlite3* db, Statements& s)
      : lock_(std::move(lock)), db_(db), s_(s) {}
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
    if (rc == SQLITE_ROW) {
      out = st.ColumnText(0);
    }
    st.Reset();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      return FromSqlite(db_, rc, "get");
    }
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
    return rc == SQLITE_DONE ? Status::Ok() : FromSqlite(db_, rc, "delete");
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
    while ((rc = st.Step()) == SQLITE_ROW) {
      out.emplace_back(st.ColumnText(0), st.ColumnText(1));
    }
    st.Reset();
    if (rc != SQLITE_DONE) {
      return FromSqlite(db_, rc, "scan");
    }
    return out;
  }

  Result<int64_t> Counter(std::string_view key) override {
    Stmt& st = s_.counter;
    st.BindText(1, key);
    const int rc = st.Step();
    int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(st.Handle(), 0) : 0;
    st.Reset();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      return FromSqlite(db_, rc, "counter");
    }
    return v;
  }

  Result<int64_t> AddCounter(std::string_view key, int64_t delta) override {
    Stmt& st = s_.add_counter;
    st.BindText(1, key);
    st.BindInt(2, delta);
    const int rc = st.Step();
    int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(st.Handle(), 0) : 0;
    st.Reset();
    if (rc != SQLITE_ROW) {
      return FromSqlite(db_, rc, "add counter");
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
    while ((rc = st.Step()) == SQLITE_ROW) {
      out.emplace_back(st.ColumnText(0), sqlite3_column_int64(st.Handle(), 1));
    }
    st.Reset();
    if (rc != SQLITE_DONE) {
      return FromSqlite(db_, rc, "scan counters");
    }
    return out;
  }

  Status Commit() override {
    const int rc = s_.commit.Step();
    s_.commit.Reset();
    if (rc != SQLITE_DONE) {
      return FromSqlite(db_, rc, "commit");  // the destructor rolls back
    }
    done_ = true;
    return Status::Ok();
  }

 private:
  Status Write(Stmt& st, Table table, std::string_view key, std::string_view value,
               const char* what) {
    st.BindInt(1, static_cast<int>(table));
    st.BindText(2, key);
    sqlite3_bind_blob(st.Handle(), 3, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
    const int rc = st.Step();
    st.Reset();
    if (rc == SQLITE_CONSTRAINT || (rc & 0xff) == SQLITE_CONSTRAINT) {
      return AlreadyExists("key '" + std::string(key) + "' exists");
    }
    return rc == SQLITE_DONE ? Status::Ok() : FromSqlite(db_, rc, what);
  }

  std::unique_lock<std::mutex> lock_;
  sqlite3* db_;
  Statements& s_;
  bool done_ = false;
};

class SqliteStore : public Store {
 public:
  ~SqliteStore() override {
    stmts_.reset();
    sqlite3_close_v2(db_);
  }

  static Result<std::unique_ptr<Store>> Open(const std::string& path) {
    auto store = std::unique_ptr<SqliteStore>(new SqliteStore());
    store->path_ = path;
    int rc = sqlite3_open_v2(path.c_str(), &store->db_,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    if (rc != SQLITE_OK) {
      return Status(StatusCode::kUnavailable,
                    path + ": cannot open database: " + sqlite3_errstr(rc));
    }
    sqlite3_busy_timeout(store->db_, kBusyTimeoutMs);
    // 16 KiB pages keep a document of up to ~4 KB (a shipment with its decision) inside its
    // B-tree page; with 4 KiB pages each one spilled to a mostly empty overflow page. Takes
    // effect when the file is created.
    TG_RETURN_IF_ERROR(store->Exec("PRAGMA page_size=16384", path));
    TG_RETURN_IF_ERROR(store->Exec("PRAGMA journal_mode=WAL", path));
    TG_RETURN_IF_ERROR(store->Exec("PRAGMA synchronous=FULL", path));
    // Reads of the main file through a memory map: a fresh process proving one audit record
    // took 28 µs with read() copies and 22 µs mapped; `ship` measured the same either way.
    TG_RETURN_IF_ERROR(store->Exec("PRAGMA mmap_size=4294967296", path));
    TG_RETURN_IF_ERROR(store->Migrate());
    store->stmts_ = std::make_unique<Statements>();
    Statements& s = *store->stmts_;
    sqlite3* db = store->db_;
    TG_RETURN_IF_ERROR(s.get.Prepare(db, "SELECT value FROM docs WHERE tbl=?1 AND key=?2"));
    TG_RETURN_IF_ERROR(s.insert.Prepare(db, "INSERT INTO docs(tbl,key,value) VALUES(?1,?2,?3)"));
    TG_RETURN_IF_ERROR(s.put.Prepare(
        db, "INSERT INTO docs(tbl,key,value) VALUES(?1,?2,?3) "
            "ON CONFLICT(tbl,key) DO UPDATE SET value=excluded.value"));
    TG_RETURN_IF_ERROR(s.del.Prepare(db, "DELETE FROM docs WHERE tbl=?1 AND key=?2"));
    TG_RETURN_IF_ERROR(s.scan.Prepare(
        db, "SELECT key,value FROM docs WHERE tbl=?1 AND key>=?2 AND key<?3 ORDER BY key LIMIT ?4"));
    TG_RETURN_IF_ERROR(s.counter.Prepare(db, "SELECT value FROM counters WHERE key=?1"));
    TG_RETURN_IF_ERROR(s.add_counter.Prepare(
        db, "INSERT INTO counters(key,value) VALUES(?1,?2) "
            "ON CONFLICT(key) DO UPDATE SET value=value+excluded.value RETURNING value"));
    TG_RETURN_IF_ERROR(s.scan_counters.Prepare(
        db, "SELECT key,value FROM counters WHERE key>=?1 AND key<?2 ORDER BY key"));
    TG_RETURN_IF_ERROR(s.begin.Prepare(db, "BEGIN IMMEDIATE"));
    TG_RETURN_IF_ERROR(s.begin_read.Prepare(db, "BEGIN DEFERRED"));
    TG_RETURN_IF_ERROR(s.commit.Prepare(db, "COMMIT"));
    TG_RETURN_IF_ERROR(s.rollback.Prepare(db, "ROLLBACK"));
    return std::unique_ptr<Store>(std::move(store));
  }

  Result<std::unique_ptr<Transaction>> Begin() override { return Start(stmts_->begin); }
  Result<std::unique_ptr<Transaction>> BeginRead() override { return Start(stmts_->begin_read); }

  Result<std::unique_ptr<Transaction>> Start(Stmt& begin) {
    std::unique_lock<std::mutex> lock(mu_);
    const int rc = begin.Step();
    begin.Reset();
    if (rc != SQLITE_DONE) {
      return FromSqlite(db_, rc, "begin");
    }
    return std::unique_ptr<Transaction>(new SqliteTransaction(std::move(lock), db_, *stmts_));
  }

  std::string Describe() const override { return "sqlite:" + path_; }
  int SchemaVersion() const override { return kSchemaVersion; }

 private:
  SqliteStore() = default;

  Status Exec(const char* sql, std::string_view what) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      Status s = FromSqlite(db_, rc, what);
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
  Status Migrate() {
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
  std::mutex mu_;  // one transaction at a time on this connection
  std::unique_ptr<Statements> stmts_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  return SqliteStore::Open(path);
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& location) {
  if (location == "memory" || location == ":memory:") {
    return OpenMemoryStore();
  }
  if (location.empty()) {
    return InvalidArgument("--db: empty database path");
  }
  return OpenSqliteStore(location);
}

}  // namespace tg::store
