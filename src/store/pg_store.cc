// The PostgreSQL backend: the same two tables as SQLite's (documents and counters) in the
// connection's schema, read and written through prepared statements in libpq's binary format.
//
// Statements go through libpq's pipeline mode: BEGIN, the writers' lock, writes and ROLLBACK
// are sent without waiting and answered with the next read, so that a transaction costs one
// round trip per read (and one for COMMIT) rather than one per statement.
//
// Several servers share one database, so the guarantees SQLite gets from its file lock come
// from the database here: a write transaction first takes a transaction-scoped advisory lock on
// the schema, so that writers run one at a time whichever server they are on, and every read
// inside it sees the last commit (READ COMMITTED, with no other writer able to commit). The
// read of a cap's usage and the write of its new value therefore never interleave with another
// server's, and the audit log's tail is advanced by one writer at a time. Read transactions are
// REPEATABLE READ snapshots and wait for no one.
//
// PostgreSQL checks its own pages (initdb --data-checksums) and reports damage as SQLSTATE
// class XX, which becomes DataLoss here; rows carry no checksum of ours.
#include <cstring>
#include <deque>
#include <endian.h>
#include <libpq-fe.h>
#include <memory>
#include <mutex>
#include <poll.h>
#include <vector>

#include "src/store/health.h"
#include "src/store/store.h"

namespace tg::store {

namespace {

// Schema migrations, applied in order under the writers' lock; tg_schema holds the number
// applied. Keys are bytea so that they sort byte by byte, as SQLite's do.
constexpr const char* kMigrations[] = {
    // 1: documents and counters.
    "CREATE TABLE tg_docs(tbl integer NOT NULL, key bytea NOT NULL, value bytea NOT NULL,"
    " PRIMARY KEY (tbl, key));"
    "CREATE TABLE tg_counters(key bytea PRIMARY KEY, value bigint NOT NULL);",
};
constexpr int kSchemaVersion = sizeof(kMigrations) / sizeof(kMigrations[0]);

// The writers' lock: an advisory lock keyed by 'tg' and the schema, so that ledgers in two
// schemas of one database do not hold each other up.
constexpr const char* kBeginWrite = "BEGIN ISOLATION LEVEL READ COMMITTED";
constexpr const char* kLockWriters =
    "SELECT pg_advisory_xact_lock(29799, hashtext(current_schema()))";
constexpr const char* kBeginRead = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

// Rows a ForEach fetches at a time: the visitor may read through the same connection between
// chunks, which it could not while a result was still arriving.
constexpr int kChunkRows = 512;

constexpr Oid kInt4Oid = 23;
constexpr Oid kInt8Oid = 20;
constexpr Oid kByteaOid = 17;

struct Statement {
  const char* name;
  const char* sql;
  std::vector<Oid> types;
};

const Statement kStatements[] = {
    {"get", "SELECT value FROM tg_docs WHERE tbl=$1 AND key=$2", {kInt4Oid, kByteaOid}},
    {"insert",
     "INSERT INTO tg_docs(tbl,key,value) VALUES($1,$2,$3) ON CONFLICT DO NOTHING",
     {kInt4Oid, kByteaOid, kByteaOid}},
    {"put",
     "INSERT INTO tg_docs(tbl,key,value) VALUES($1,$2,$3) "
     "ON CONFLICT (tbl,key) DO UPDATE SET value=excluded.value",
     {kInt4Oid, kByteaOid, kByteaOid}},
    {"delete", "DELETE FROM tg_docs WHERE tbl=$1 AND key=$2", {kInt4Oid, kByteaOid}},
    {"scan",
     "SELECT key,value FROM tg_docs WHERE tbl=$1 AND key>=$2 AND key<$3 ORDER BY key LIMIT $4",
     {kInt4Oid, kByteaOid, kByteaOid, kInt8Oid}},
    {"counter", "SELECT value FROM tg_counters WHERE key=$1", {kByteaOid}},
    // The sum is checked in numeric, which cannot overflow: a counter that would leave int64
    // is left as it was and no row comes back.
    {"add_counter",
     "INSERT INTO tg_counters(key,value) VALUES($1,$2) ON CONFLICT (key) DO UPDATE "
     "SET value=tg_counters.value+excluded.value WHERE tg_counters.value::numeric+"
     "excluded.value BETWEEN -9223372036854775808 AND 9223372036854775807 RETURNING value",
     {kByteaOid, kInt8Oid}},
    {"scan_counters",
     "SELECT key,value FROM tg_counters WHERE key>=$1 AND key<$2 ORDER BY key",
     {kByteaOid, kByteaOid}},
};

// The upper bound of the keys that start with `prefix`: no UTF-8 key holds the byte 0xff.
std::string UpperBound(std::string_view prefix) { return std::string(prefix) + "\xff"; }

// A statement's parameters in binary format.
class Params {
 public:
  Params& Bytes(std::string_view s) {
    values_[n_] = s.empty() ? "" : s.data();  // a null pointer would be SQL NULL
    lengths_[n_++] = static_cast<int>(s.size());
    return *this;
  }
  Params& Int4(int32_t v) {
    const uint32_t be = htobe32(static_cast<uint32_t>(v));
    std::memcpy(ints_[n_], &be, sizeof(be));
    values_[n_] = ints_[n_];
    lengths_[n_++] = sizeof(be);
    return *this;
  }
  Params& Int8(int64_t v) {
    const uint64_t be = htobe64(static_cast<uint64_t>(v));
    std::memcpy(ints_[n_], &be, sizeof(be));
    values_[n_] = ints_[n_];
    lengths_[n_++] = sizeof(be);
    return *this;
  }
  int Count() const { return n_; }
  const char* const* Values() const { return values_; }
  const int* Lengths() const { return lengths_; }
  const int* Formats() const { return kBinary; }

 private:
  static constexpr int kMax = 4;
  static constexpr int kBinary[kMax] = {1, 1, 1, 1};
  const char* values_[kMax] = {};
  int lengths_[kMax] = {};
  char ints_[kMax][8] = {};
  int n_ = 0;
};

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

std::string_view Cell(const PGresult* r, int row, int col) {
  return std::string_view(PQgetvalue(r, row, col), static_cast<size_t>(PQgetlength(r, row, col)));
}

std::string Trimmed(const char* message) {
  std::string m = message != nullptr ? message : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) {
    m.pop_back();
  }
  return m;
}

class Connection;
Status Check(Connection& c, const PGresult* r, std::string_view what);

// One pooled connection, in libpq's pipeline mode: a statement whose answer is not needed at
// once (BEGIN, the writers' lock, a write, ROLLBACK) is sent and its result read with the next
// statement that needs one, so that a transaction costs a round trip per read, not per
// statement. A transaction holds `in_use` for its life.
class Connection {
 public:
  ~Connection() { PQfinish(conn); }

  // Sends a prepared statement (or, with no params, `sql` as it is) without waiting for it.
  Status Send(const char* statement, const Params* params) {
    const int sent =
        params != nullptr
            ? PQsendQueryPrepared(conn, statement, params->Count(), params->Values(),
                                  params->Lengths(), params->Formats(), /*resultFormat=*/1)
            : PQsendQueryParams(conn, statement, 0, nullptr, nullptr, nullptr, nullptr, 0);
    if (sent == 0) {
      return Lost(statement);
    }
    unread_.push_back(false);
    ++unsynced_;
    return Status::Ok();
  }
  // Ends what was sent: the server runs it all and answers.
  Status Sync() {
    if (PQpipelineSync(conn) == 0) {
      return Lost("sync");
    }
    unread_.push_back(true);
    unsynced_ = 0;
    return Status::Ok();
  }
  // Sends `statement`, then a sync, and reads every result not read yet: the first error among
  // them (the server skips what follows an error), else the result of `statement`.
  Result<PgResult> Call(const char* statement, const Params* params) {
    TG_RETURN_IF_ERROR(Send(statement, params));
    TG_RETURN_IF_ERROR(Sync());
    return Drain(statement);
  }
  // Reads every result not read yet (sending a sync first when one is due); as Call.
  Result<PgResult> Drain(std::string_view what) {
    if (unsynced_ > 0) {
      TG_RETURN_IF_ERROR(Sync());
    }
    Status first;
    PgResult last;
    while (!unread_.empty()) {
      const bool sync = unread_.front();
      unread_.pop_front();
      PgResult r(PQgetResult(conn));
      if (r == nullptr) {
        return Lost(what);
      }
      if (sync) {
        if (PQresultStatus(r.get()) != PGRES_PIPELINE_SYNC) {
          return Lost(what);
        }
        continue;
      }
      PgResult end(PQgetResult(conn));  // each statement's results end with a null
      if (end != nullptr) {
        return Lost(what);
      }
      if (PQresultStatus(r.get()) == PGRES_PIPELINE_ABORTED) {
        continue;  // skipped after the error already kept
      }
      Status s = Check(*this, r.get(), what);
      if (!s.ok() && first.ok()) {
        first = std::move(s);
      }
      last = std::move(r);
    }
    if (!first.ok()) {
      return first;
    }
    return last;
  }
  // Statements sent since the last sync.
  size_t Unsynced() const { return unsynced_; }
  // Reads what an earlier transaction left unread (its ROLLBACK) and whether the server is
  // still there: one it dropped while the connection was idle (a restart) says so now.
  bool Ready() {
    if (broken || !Drain("rollback").status().ok()) {
      return false;
    }
    // An idle connection has nothing to read: data waiting is the server's farewell (a FATAL
    // message, then the end of the stream), or something else no transaction expects.
    pollfd idle{.fd = PQsocket(conn), .events = POLLIN, .revents = 0};
    return PQstatus(conn) == CONNECTION_OK && idle.fd >= 0 && ::poll(&idle, 1, 0) == 0;
  }

  PGconn* conn = nullptr;
  bool broken = false;  // lost, or left in an unknown state: closed, never reused
  std::mutex in_use;

 private:
  Status Lost(std::string_view what) {
    broken = true;
    unread_.clear();
    return Unavailable("PostgreSQL " + std::string(what) + ": " + Trimmed(PQerrorMessage(conn)) +
                       " (the connection was lost)");
  }

  std::deque<bool> unread_;  // per result not read yet: true for a sync's
  size_t unsynced_ = 0;
};

// The status of a statement's result on `c`; a lost connection is marked broken.
Status Check(Connection& c, const PGresult* r, std::string_view what) {
  const ExecStatusType status = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    return Status::Ok();
  }
  std::string message = Trimmed(r != nullptr ? PQresultErrorMessage(r) : nullptr);
  if (message.empty()) {
    message = Trimmed(PQerrorMessage(c.conn));
  }
  message = "PostgreSQL " + std::string(what) + ": " + message;
  if (PQstatus(c.conn) != CONNECTION_OK) {
    c.broken = true;
    return Unavailable(message +
                       " (the connection was lost; nothing of this transaction was "
                       "kept unless its commit had reached the server)");
  }
  const char* field = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const std::string_view state = field != nullptr ? field : "";
  if (state == "23505") {
    return AlreadyExists(std::move(message));
  }
  if (state == "55P03" || state == "40001" || state == "40P01" || state.starts_with("08") ||
      state.starts_with("57") || state.starts_with("53")) {
    // A lock not granted in time, a serialization failure, a server shutting down or out of
    // resources: nothing was changed and the same call may succeed later.
    return Unavailable(message + " (nothing was changed; try again)");
  }
  if (state.starts_with("XX")) {
    return DataLoss(std::move(message));
  }
  return Internal(std::move(message));
}

class PgTransaction : public Transaction {
 public:
  PgTransaction(std::unique_lock<std::mutex> lease, Connection& c, Health& health)
      : lease_(std::move(lease)), c_(c), health_(health) {}
  ~PgTransaction() override {
    // Sent, not waited for: the next transaction on the connection reads the answer. The sync
    // before it puts ROLLBACK in a run of its own, which an earlier error cannot skip.
    if (!done_ && !c_.broken) {
      if ((c_.Unsynced() > 0 && !c_.Sync().ok()) || !c_.Send("ROLLBACK", nullptr).ok() ||
          !c_.Sync().ok()) {
        c_.broken = true;
      }
    }
  }

  Result<std::optional<std::string>> Get(Table table, std::string_view key) override {
    TG_ASSIGN_OR_RETURN(PgResult r, Run("get", Params().Int4(Id(table)).Bytes(key)));
    if (PQntuples(r.get()) == 0) {
      return std::optional<std::string>();
    }
    return std::optional<std::string>(Cell(r.get(), 0, 0));
  }

  Status Insert(Table table, std::string_view key, std::string_view value) override {
    TG_ASSIGN_OR_RETURN(PgResult r,
                        Run("insert", Params().Int4(Id(table)).Bytes(key).Bytes(value)));
    if (std::strcmp(PQcmdTuples(r.get()), "0") == 0) {
      return AlreadyExists("key '" + std::string(key) + "' exists");
    }
    return Status::Ok();
  }

  // Writes are sent without waiting; an error is reported by the next call that waits.
  Status Put(Table table, std::string_view key, std::string_view value) override {
    return Defer("put", Params().Int4(Id(table)).Bytes(key).Bytes(value));
  }

  Status Delete(Table table, std::string_view key) override {
    return Defer("delete", Params().Int4(Id(table)).Bytes(key));
  }

  // Many rows go by COPY into a temporary table, then one INSERT … ON CONFLICT moves them:
  // the server parses one statement instead of one a row. COPY cannot run in pipeline mode, so
  // the pipeline is drained and left for it, and entered again after.
  Status PutMany(Table table, std::span<const Row> rows) override {
    if (rows.size() < kCopyMinRows) {
      return Transaction::PutMany(table, rows);
    }
    return Bulk(table, rows, /*upsert=*/true);
  }

  Status InsertMany(Table table, std::span<const Row> rows) override {
    if (rows.size() < kCopyMinRows) {
      return Transaction::InsertMany(table, rows);
    }
    return Bulk(table, rows, /*upsert=*/false);
  }

  Status Bulk(Table table, std::span<const Row> rows, bool upsert) {
    TG_RETURN_IF_ERROR(health_.Note(c_.Drain("put").status()));
    if (PQexitPipelineMode(c_.conn) == 0) {
      c_.broken = true;
      return Internal("PostgreSQL: cannot leave pipeline mode for COPY");
    }
    Status s = Copy(table, rows, upsert);
    if (PQenterPipelineMode(c_.conn) == 0) {
      c_.broken = true;
      return Internal("PostgreSQL: cannot enter pipeline mode after COPY");
    }
    return health_.Note(s);
  }

  Result<std::vector<Row>> Scan(Table table, std::string_view prefix, size_t limit) override {
    const std::string upper = UpperBound(prefix);
    const int64_t bounded =
        limit > static_cast<size_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(limit);
    TG_ASSIGN_OR_RETURN(
        PgResult r, Run("scan", Params().Int4(Id(table)).Bytes(prefix).Bytes(upper).Int8(bounded)));
    std::vector<Row> out;
    out.reserve(static_cast<size_t>(PQntuples(r.get())));
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      out.emplace_back(Cell(r.get(), i, 0), Cell(r.get(), i, 1));
    }
    return out;
  }

  Status ForEach(Table table, std::string_view prefix, std::string_view from,
                 const Visitor& visit) override {
    const std::string upper = UpperBound(prefix);
    std::string next(from > prefix ? from : prefix);
    while (true) {
      TG_ASSIGN_OR_RETURN(
          PgResult r,
          Run("scan", Params().Int4(Id(table)).Bytes(next).Bytes(upper).Int8(kChunkRows)));
      const int rows = PQntuples(r.get());
      for (int i = 0; i < rows; ++i) {
        TG_ASSIGN_OR_RETURN(const bool more, visit(Cell(r.get(), i, 0), Cell(r.get(), i, 1)));
        if (!more) {
          return Status::Ok();
        }
      }
      if (rows < kChunkRows) {
        return Status::Ok();
      }
      next = std::string(Cell(r.get(), rows - 1, 0)) + '\0';  // the first key after the last
    }
  }

  Result<int64_t> Counter(std::string_view key) override {
    TG_ASSIGN_OR_RETURN(PgResult r, Run("counter", Params().Bytes(key)));
    if (PQntuples(r.get()) == 0) {
      return int64_t{0};
    }
    return Int8(r.get(), 0, 0, key);
  }

  Result<int64_t> AddCounter(std::string_view key, int64_t delta) override {
    TG_ASSIGN_OR_RETURN(PgResult r, Run("add_counter", Params().Bytes(key).Int8(delta)));
    if (PQntuples(r.get()) == 0) {
      return InvalidArgument("counter " + std::string(key) + ": adding " + std::to_string(delta) +
                             " does not fit in 64 bits");
    }
    return Int8(r.get(), 0, 0, key);
  }

  Result<std::vector<std::pair<std::string, int64_t>>> ScanCounters(
      std::string_view prefix) override {
    const std::string upper = UpperBound(prefix);
    TG_ASSIGN_OR_RETURN(PgResult r, Run("scan_counters", Params().Bytes(prefix).Bytes(upper)));
    std::vector<std::pair<std::string, int64_t>> out;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      const std::string_view key = Cell(r.get(), i, 0);
      TG_ASSIGN_OR_RETURN(const int64_t v, Int8(r.get(), i, 1, key));
      out.emplace_back(key, v);
    }
    return out;
  }

  // Runs `sql` (no parameters) for its errors only.
  Status Query(const char* sql) { return health_.Note(c_.Call(sql, nullptr).status()); }

  Status Commit() override {
    Result<PgResult> r = c_.Call("COMMIT", nullptr);
    if (!r && c_.broken) {
      return Unavailable(r.error().message() +
                         "; whether the commit reached the server is "
                         "unknown, so read back before doing this again");
    }
    TG_RETURN_IF_ERROR(health_.Note(r.status()));
    // A transaction that met an error is rolled back by COMMIT, which then says so.
    if (std::strcmp(PQcmdStatus(r->get()), "COMMIT") != 0) {
      return Internal(
          "PostgreSQL rolled the transaction back at commit (an earlier statement "
          "of it failed)");
    }
    done_ = true;
    return Status::Ok();
  }

 private:
  // Writes sent before their answers are read, at most this many: the server's answers to them
  // wait in its socket buffer meanwhile, which must not fill.
  static constexpr size_t kMaxUnsynced = 512;

  static int32_t Id(Table table) { return static_cast<int32_t>(table); }

  // Below this many rows, PutMany puts them one by one.
  static constexpr size_t kCopyMinRows = 256;

  // Runs `sql` outside pipeline mode; its errors as Check gives them.
  Status Exec(const char* sql, ExecStatusType want, std::string_view what) {
    PgResult r(PQexec(c_.conn, sql));
    if (r != nullptr && PQresultStatus(r.get()) == want) {
      return Status::Ok();
    }
    return Check(c_, r.get(), what);
  }

  // COPY of `rows` in binary: straight into tg_docs (`upsert` false: every key is new), or into
  // the temporary table tg_bulk and then one upsert into tg_docs.
  Status Copy(Table table, std::span<const Row> rows, bool upsert) {
    if (upsert) {
      TG_RETURN_IF_ERROR(
          Exec("CREATE TEMP TABLE IF NOT EXISTS tg_bulk (tbl integer NOT NULL, "
               "key bytea NOT NULL, value bytea NOT NULL) ON COMMIT DELETE ROWS",
               PGRES_COMMAND_OK, "bulk table"));
    }
    TG_RETURN_IF_ERROR(Exec(upsert ? "COPY tg_bulk FROM STDIN (FORMAT binary)"
                                   : "COPY tg_docs (tbl, key, value) FROM STDIN (FORMAT binary)",
                            PGRES_COPY_IN, "copy"));
    std::string buf("PGCOPY\n\xff\r\n\0", 11);
    auto be32 = [&](uint32_t v) {
      for (int shift = 24; shift >= 0; shift -= 8) {
        buf.push_back(static_cast<char>((v >> shift) & 0xff));
      }
    };
    be32(0);  // flags
    be32(0);  // header extension
    bool sent = true;
    for (const auto& [key, value] : rows) {
      buf.push_back(0);
      buf.push_back(3);  // fields
      be32(4);
      be32(static_cast<uint32_t>(Id(table)));
      be32(static_cast<uint32_t>(key.size()));
      buf += key;
      be32(static_cast<uint32_t>(value.size()));
      buf += value;
      if (buf.size() >= (size_t{1} << 20)) {
        sent = sent && PQputCopyData(c_.conn, buf.data(), static_cast<int>(buf.size())) == 1;
        buf.clear();
      }
    }
    buf.append("\xff\xff", 2);  // the end of the rows
    sent = sent && PQputCopyData(c_.conn, buf.data(), static_cast<int>(buf.size())) == 1;
    if (PQputCopyEnd(c_.conn, sent ? nullptr : "tierguard could not send the rows") != 1) {
      c_.broken = true;
      return Unavailable("PostgreSQL copy: " + Trimmed(PQerrorMessage(c_.conn)));
    }
    {
      PgResult r(PQgetResult(c_.conn));
      const bool ok = r != nullptr && PQresultStatus(r.get()) == PGRES_COMMAND_OK;
      Status s = ok ? Status::Ok() : Check(c_, r.get(), "copy");
      while (PgResult more{PQgetResult(c_.conn)}) {
      }
      TG_RETURN_IF_ERROR(s);
    }
    if (!upsert) {
      return Status::Ok();
    }
    TG_RETURN_IF_ERROR(
        Exec("INSERT INTO tg_docs SELECT tbl, key, value FROM tg_bulk "
             "ON CONFLICT (tbl, key) DO UPDATE SET value = EXCLUDED.value",
             PGRES_COMMAND_OK, "put"));
    return Exec("TRUNCATE tg_bulk", PGRES_COMMAND_OK, "bulk table");
  }

  Result<PgResult> Run(const char* statement, const Params& p) {
    Result<PgResult> r = c_.Call(statement, &p);
    TG_RETURN_IF_ERROR(health_.Note(r.status()));
    return r;
  }

  Status Defer(const char* statement, const Params& p) {
    TG_RETURN_IF_ERROR(c_.Send(statement, &p));
    if (c_.Unsynced() >= kMaxUnsynced) {
      return health_.Note(c_.Drain(statement).status());
    }
    return Status::Ok();
  }

  Result<int64_t> Int8(const PGresult* r, int row, int col, std::string_view key) {
    const std::string_view cell = Cell(r, row, col);
    if (cell.size() != sizeof(uint64_t)) {
      return health_.Note(DataLoss("store: counter '" + std::string(key) + "' is not an int64"));
    }
    uint64_t be = 0;
    std::memcpy(&be, cell.data(), sizeof(be));
    return static_cast<int64_t>(be64toh(be));
  }

  std::unique_lock<std::mutex> lease_;
  Connection& c_;
  Health& health_;
  bool done_ = false;
};

class PgStore : public Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const std::string& conninfo,
                                             const PostgresOptions& options) {
    auto store = std::unique_ptr<PgStore>(new PgStore(conninfo, options));
    TG_ASSIGN_OR_RETURN(std::unique_ptr<Connection> first, store->Connect());
    store->describe_ = std::string("postgres:") + PQdb(first->conn) + "@" + PQhost(first->conn) +
                       ":" + PQport(first->conn);
    TG_RETURN_IF_ERROR(store->Migrate(*first));
    TG_RETURN_IF_ERROR(store->Prepare(*first));
    store->pool_.push_back(std::move(first));
    return std::unique_ptr<Store>(std::move(store));
  }

  Result<std::unique_ptr<Transaction>> Begin() override {
    TG_RETURN_IF_ERROR(RefuseIfDamaged());
    return Start(/*write=*/true);
  }
  Result<std::unique_ptr<Transaction>> BeginRead() override {
    TG_RETURN_IF_ERROR(RefuseIfDamaged());
    return Start(/*write=*/false);
  }
  Result<std::unique_ptr<Transaction>> BeginInspection() override { return Start(/*write=*/false); }

  std::string Describe() const override { return describe_; }
  int SchemaVersion() const override { return kSchemaVersion; }
  Status Damage() const override { return health_.Get(); }

  // Reads every row, so that PostgreSQL checks every page they are on (with data checksums on,
  // a damaged page is an error of class XX, DataLoss here).
  Status VerifyIntegrity() override {
    TG_ASSIGN_OR_RETURN(auto txn, Start(/*write=*/false));
    auto& pg = static_cast<PgTransaction&>(*txn);
    for (const char* sql : {"SELECT count(*) FROM tg_docs WHERE md5(value) IS NULL",
                            "SELECT count(*) FROM tg_counters WHERE value IS NULL"}) {
      TG_RETURN_IF_ERROR(pg.Query(sql));
    }
    return Status::Ok();
  }

 private:
  PgStore(std::string conninfo, const PostgresOptions& options)
      : conninfo_(std::move(conninfo)), options_(options) {}

  // A new connection with the session settings every transaction relies on.
  Result<std::unique_ptr<Connection>> Connect() const {
    // The caller's connection string comes last, so that what it says wins.
    const char* keywords[] = {"connect_timeout", "application_name", "dbname", nullptr};
    const char* values[] = {"10", "tierguard", conninfo_.c_str(), nullptr};
    auto c = std::make_unique<Connection>();
    c->conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
    if (c->conn == nullptr || PQstatus(c->conn) != CONNECTION_OK) {
      return Unavailable("cannot connect to PostgreSQL: " +
                         Trimmed(c->conn != nullptr ? PQerrorMessage(c->conn) : "out of memory"));
    }
    const std::string settings = "SET lock_timeout = " + std::to_string(options_.lock_timeout_ms) +
                                 ";" + "SET client_min_messages = warning";
    PgResult r(PQexec(c->conn, settings.c_str()));
    TG_RETURN_IF_ERROR(Check(*c, r.get(), "session settings"));
    return c;
  }

  // Prepares kStatements on `c`, then puts it in pipeline mode for transactions.
  Status Prepare(Connection& c) const {
    for (const Statement& s : kStatements) {
      PgResult r(
          PQprepare(c.conn, s.name, s.sql, static_cast<int>(s.types.size()), s.types.data()));
      TG_RETURN_IF_ERROR(Check(c, r.get(), std::string("prepare ") + s.name));
    }
    if (PQenterPipelineMode(c.conn) == 0) {
      return Unavailable("PostgreSQL: cannot enter pipeline mode: " +
                         Trimmed(PQerrorMessage(c.conn)));
    }
    return Status::Ok();
  }

  // Creates the tables or brings them to this schema version, under the writers' lock.
  Status Migrate(Connection& c) {
    auto exec = [&c](const std::string& sql, std::string_view what) -> Result<PgResult> {
      PgResult r(PQexec(c.conn, sql.c_str()));
      TG_RETURN_IF_ERROR(Check(c, r.get(), what));
      return r;
    };
    TG_ASSIGN_OR_RETURN(PgResult schema, exec("SELECT current_schema()", "open"));
    if (PQgetisnull(schema.get(), 0, 0) != 0) {
      return FailedPrecondition(
          "PostgreSQL: no schema of the search_path exists to keep the ledger in (create it, "
          "or name one in the connection string's options)");
    }
    TG_RETURN_IF_ERROR(exec(std::string(kBeginWrite) + ";" + kLockWriters, "migration").status());
    auto migrate = [&]() -> Status {
      TG_RETURN_IF_ERROR(
          exec("CREATE TABLE IF NOT EXISTS tg_schema(version integer NOT NULL)", "migration")
              .status());
      TG_ASSIGN_OR_RETURN(PgResult v,
                          exec("SELECT coalesce(max(version), 0) FROM tg_schema", "migration"));
      const int version = std::atoi(PQgetvalue(v.get(), 0, 0));
      if (version > kSchemaVersion) {
        return DataLoss(describe_ + ": schema version " + std::to_string(version) +
                        " is newer than this tierguard (" + std::to_string(kSchemaVersion) + ")");
      }
      for (int to = version + 1; to <= kSchemaVersion; ++to) {
        TG_RETURN_IF_ERROR(exec(kMigrations[to - 1], "migration " + std::to_string(to)).status());
        TG_RETURN_IF_ERROR(
            exec("DELETE FROM tg_schema; INSERT INTO tg_schema VALUES (" + std::to_string(to) + ")",
                 "migration " + std::to_string(to))
                .status());
      }
      return exec("COMMIT", "migration").status();
    };
    Status s = migrate();
    if (!s.ok()) {
      exec("ROLLBACK", "migration").status().ok();  // the first error is the one reported
    }
    return s;
  }

  // Begins a transaction on a free connection: BEGIN (and, to write, the writers' lock) is sent
  // and answered with the transaction's first read, before which the lock is held.
  Result<std::unique_ptr<Transaction>> Start(bool write) {
    TG_ASSIGN_OR_RETURN(auto lease, Acquire());
    auto& [lock, c] = lease;
    Status s = c->Send(write ? kBeginWrite : kBeginRead, nullptr);
    if (s.ok() && write) {
      s = c->Send(kLockWriters, nullptr);
    }
    TG_RETURN_IF_ERROR(s);
    return std::unique_ptr<Transaction>(new PgTransaction(std::move(lock), *c, health_));
  }

  // A free, working connection, locked for the caller; a new one when every one is in use. A
  // pooled connection the server dropped (a restart) is closed here, before it is used.
  Result<std::pair<std::unique_lock<std::mutex>, Connection*>> Acquire() {
    while (true) {
      std::unique_lock<std::mutex> lock;
      Connection* c = nullptr;
      {
        std::lock_guard<std::mutex> guard(pool_mu_);
        for (auto it = pool_.begin(); it != pool_.end() && c == nullptr;) {
          std::unique_lock<std::mutex> free((*it)->in_use, std::try_to_lock);
          if (free.owns_lock() && (*it)->broken) {
            free.unlock();
            it = pool_.erase(it);
          } else if (free.owns_lock()) {
            lock = std::move(free);
            c = it->get();
          } else {
            ++it;
          }
        }
      }
      if (c == nullptr) {
        break;
      }
      if (c->Ready()) {
        return std::make_pair(std::move(lock), c);
      }
      c->broken = true;  // closed on the next pass
    }
    TG_ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, Connect());
    TG_RETURN_IF_ERROR(Prepare(*c));
    std::unique_lock<std::mutex> lock(c->in_use);
    std::lock_guard<std::mutex> guard(pool_mu_);
    pool_.push_back(std::move(c));
    return std::make_pair(std::move(lock), pool_.back().get());
  }

  Status RefuseIfDamaged() const {
    Status damage = health_.Get();
    if (damage.ok()) {
      return damage;
    }
    return DataLoss(describe_ + " is damaged, so it is neither read nor written: " +
                    damage.message() + " (`tierguard check` lists what it finds)");
  }

  const std::string conninfo_;
  const PostgresOptions options_;
  std::string describe_;
  std::mutex pool_mu_;  // guards the list; each connection has its own lock
  std::vector<std::unique_ptr<Connection>> pool_;
  Health health_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& conninfo,
                                                 const PostgresOptions& options) {
  return PgStore::Open(conninfo, options);
}

}  // namespace tg::store
