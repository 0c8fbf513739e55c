// One conformance suite for every Store backend.
#include "src/store/store.h"

#include <atomic>
#include <filesystem>
#include <libpq-fe.h>
#include <thread>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "testing/backends.h"
#include "testing/status_matchers.h"

namespace tg::store {
namespace {

// A fresh file name per test (gtest may run a suite's tests in one process).
int NextFileNumber() {
  static int next = 0;
  return next++;
}

using ::tg::testing::IsOk;
using ::tg::testing::StatusIs;

// The store knows no table: these are the suite's own, with the ids a ledger uses (the
// migration test writes rows by id, as an older program did).
constexpr Table kShipments{1};
constexpr Table kLicenses{3};
constexpr Table kParties{7};
constexpr Table kLog{11};
const bool kTestTables = RegisterTables(
    {{kShipments, "shipments"}, {kLicenses, "licences"}, {kParties, "parties"}, {kLog, "log"}});

TEST(TableRegistry, NamesEachTableAndStopsAClashAtStart) {
  EXPECT_TRUE(kTestTables);
  EXPECT_EQ(TableName(kLicenses), "licences");
  EXPECT_EQ(TableName(kMeta), "meta");
  EXPECT_EQ(TableName(Table{999}), "table 999");
  EXPECT_TRUE(RegisterTables({{kParties, "parties"}}));  // the same again is no clash
  EXPECT_DEATH(RegisterTables({{Table{998}, "licences"}}), "clashes with the registered");
  EXPECT_DEATH(RegisterTables({{kLicenses, "permits"}}), "clashes with the registered 'licences'");
}

class StoreTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    location_ = std::make_unique<::tg::testing::TestLocation>(GetParam());
    if (!location_->skip().empty()) {
      GTEST_SKIP() << location_->skip();
    }
    ASSERT_THAT(location_->status(), IsOk());
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    location_.reset();
  }
  // A memory store is kept (its contents go with it); the others are closed and opened again.
  void Reopen() {
    if (store_ && location_->location() == "memory") {
      return;
    }
    store_.reset();
    auto s = OpenStore(location_->location());
    ASSERT_THAT(s, IsOk());
    store_ = std::move(*s);
  }
  Store& GetStore() { return *store_; }
  std::unique_ptr<Transaction> Begin() {
    auto t = GetStore().Begin();
    EXPECT_THAT(t, IsOk());
    return std::move(*t);
  }

  std::unique_ptr<::tg::testing::TestLocation> location_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreTest, PutThenGetInTheSameAndALaterTransaction) {
  {
    auto t = Begin();
    ASSERT_THAT(t->Put(kLicenses, "L-1", "{\"a\":1}"), IsOk());
    EXPECT_EQ(t->Get(kLicenses, "L-1")->value(), "{\"a\":1}");
    EXPECT_FALSE(t->Get(kShipments, "L-1")->has_value());  // tables are separate
    ASSERT_THAT(t->Commit(), IsOk());
  }
  Reopen();
  auto t = Begin();
  EXPECT_EQ(t->Get(kLicenses, "L-1")->value(), "{\"a\":1}");
}

TEST_P(StoreTest, PutManyWritesInBulkAsPutWouldAndRollsBackWithTheRest) {
  std::vector<Row> rows;
  for (int i = 0; i < 2000; ++i) {  // past the point where PostgreSQL copies
    rows.emplace_back("k" + std::to_string(10000 + i),
                      std::string("v\0\xff", 3) + std::to_string(i));
  }
  {
    auto t = Begin();
    ASSERT_THAT(t->Put(kLicenses, "k10000", "old"), IsOk());
    ASSERT_THAT(t->Put(kLicenses, "a-before", "x"), IsOk());
    ASSERT_THAT(t->PutMany(kLicenses, rows), IsOk());
    // The transaction goes on after the bulk write: reads see it, writes follow it.
    EXPECT_EQ(t->Get(kLicenses, "k10000")->value(), rows[0].second);
    ASSERT_THAT(t->Put(kLicenses, "z-after", "y"), IsOk());
    ASSERT_THAT(t->PutMany(kLicenses, std::span(rows).subspan(0, 300)), IsOk());  // again
    ASSERT_THAT(t->Commit(), IsOk());
  }
  Reopen();
  {
    auto t = Begin();
    auto all = t->Scan(kLicenses, "");
    ASSERT_THAT(all, IsOk());
    ASSERT_EQ(all->size(), rows.size() + 2);
    EXPECT_EQ((*all)[1], rows[0]);
    EXPECT_EQ((*all)[2000], rows[1999]);
    std::vector<Row> more = {{"k-rolled-back", "1"}};
    for (int i = 0; i < 500; ++i) {
      more.emplace_back("m" + std::to_string(i), "v");
    }
    ASSERT_THAT(t->PutMany(kLicenses, more), IsOk());
  }  // not committed
  auto t = Begin();
  EXPECT_FALSE(t->Get(kLicenses, "m1")->has_value());
  EXPECT_EQ(t->Scan(kLicenses, "")->size(), rows.size() + 2);
}

TEST_P(StoreTest, InsertManyAddsNewRowsAndRefusesATakenKey) {
  std::vector<Row> rows;
  for (int i = 0; i < 1000; ++i) {
    rows.emplace_back("n" + std::to_string(1000 + i), std::to_string(i));
  }
  {
    auto t = Begin();
    ASSERT_THAT(t->InsertMany(kShipments, rows), IsOk());
    ASSERT_THAT(t->Commit(), IsOk());
  }
  {
    auto t = Begin();
    EXPECT_EQ(t->Scan(kShipments, "n")->size(), rows.size());
    EXPECT_EQ(t->Get(kShipments, "n1999")->value(), "999");
    std::vector<Row> again = {{"m-new", "x"}};
    again.insert(again.end(), rows.begin(), rows.begin() + 400);
    EXPECT_THAT(t->InsertMany(kShipments, again), StatusIs(StatusCode::kAlreadyExists));
  }
  auto t = Begin();
  EXPECT_FALSE(t->Get(kShipments, "m-new")->has_value());
}

TEST_P(StoreTest, InsertOfAnExistingKeyIsAlreadyExists) {
  auto t = Begin();
  ASSERT_THAT(t->Insert(kShipments, "S-1", "x"), IsOk());
  EXPECT_THAT(t->Insert(kShipments, "S-1", "y"), StatusIs(StatusCode::kAlreadyExists));
  EXPECT_EQ(t->Get(kShipments, "S-1")->value(), "x");
}

TEST_P(StoreTest, UncommittedTransactionLeavesNothing) {
  {
    auto t = Begin();
    ASSERT_THAT(t->Put(kLicenses, "L-1", "v"), IsOk());
    ASSERT_THAT(t->AddCounter("cap", 5), IsOk());
  }
  auto t = Begin();
  EXPECT_FALSE(t->Get(kLicenses, "L-1")->has_value());
  EXPECT_EQ(*t->Counter("cap"), 0);
}

TEST_P(StoreTest, CountersAddAndSurviveReopen) {
  {
    auto t = Begin();
    EXPECT_EQ(*t->AddCounter("LPP:C-1/2025", 100), 100);
    EXPECT_EQ(*t->AddCounter("LPP:C-1/2025", -30), 70);
    EXPECT_EQ(*t->Counter("LPP:C-1/2025"), 70);
    ASSERT_THAT(t->Commit(), IsOk());
  }
  Reopen();
  auto t = Begin();
  EXPECT_EQ(*t->Counter("LPP:C-1/2025"), 70);
  EXPECT_EQ(*t->Counter("missing"), 0);
}

TEST_P(StoreTest, ScanReturnsPrefixInKeyOrderIncludingUncommittedChanges) {
  {
    auto t = Begin();
    for (const char* k : {"b/2", "a/1", "b/1", "c/1"}) {
      ASSERT_THAT(t->Put(kParties, k, k), IsOk());
    }
    ASSERT_THAT(t->Commit(), IsOk());
  }
  auto t = Begin();
  ASSERT_THAT(t->Put(kParties, "b/0", "new"), IsOk());
  ASSERT_THAT(t->Delete(kParties, "b/2"), IsOk());
  auto rows = t->Scan(kParties, "b/");
  ASSERT_THAT(rows, IsOk());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].first, "b/0");
  EXPECT_EQ((*rows)[1].first, "b/1");
  EXPECT_EQ(t->Scan(kParties, "", 3)->size(), 3u);
}

TEST_P(StoreTest, ScanCountersByPrefix) {
  auto t = Begin();
  ASSERT_THAT(t->AddCounter("LPP:A/2025", 1), IsOk());
  ASSERT_THAT(t->AddCounter("LPP:B/2025", 2), IsOk());
  ASSERT_THAT(t->AddCounter("alloc:AE", 3), IsOk());
  auto rows = t->ScanCounters("LPP:");
  ASSERT_THAT(rows, IsOk());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].second, 2);
}

TEST_P(StoreTest, ValuesMayHoldAnyBytes) {
  const std::string value("a\0b\xff\n", 5);
  auto t = Begin();
  ASSERT_THAT(t->Put(kLog, "k", value), IsOk());
  EXPECT_EQ(t->Get(kLog, "k")->value(), value);
}

TEST_P(StoreTest, ForEachStreamsFromAKeyInOrderAndStopsWhenAsked) {
  auto t = Begin();
  for (const char* k : {"r/3", "r/1", "r/2", "s/1"}) {
    ASSERT_THAT(t->Put(kLog, k, std::string("v") + k), IsOk());
  }
  std::vector<std::string> seen;
  ASSERT_THAT(t->ForEach(kLog, "r/", "r/2",
                         [&](std::string_view key, std::string_view value) -> Result<bool> {
                           EXPECT_EQ(value, "v" + std::string(key));
                           seen.emplace_back(key);
                           return true;
                         }),
              IsOk());
  EXPECT_EQ(seen, (std::vector<std::string>{"r/2", "r/3"}));
  seen.clear();
  ASSERT_THAT(t->ForEach(kLog, "r/", "",
                         [&](std::string_view key, std::string_view) -> Result<bool> {
                           seen.emplace_back(key);
                           return seen.size() < 2;
                         }),
              IsOk());
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_THAT(t->ForEach(kLog, "", "",
                         [](std::string_view, std::string_view) -> Result<bool> {
                           return DataLoss("stop here");
                         }),
              StatusIs(StatusCode::kDataLoss, "stop here"));
}

// Issue 12: a counter that would pass INT64_MAX is refused, never wrapped or turned into a
// floating-point value (SQLite's integer addition overflows into a REAL).
TEST_P(StoreTest, CounterOverflowIsRefusedAndLeavesTheCounter) {
  {
    auto t = Begin();
    ASSERT_THAT(t->AddCounter("LPP:C/2025", INT64_MAX - 1), IsOk());
    EXPECT_THAT(t->AddCounter("LPP:C/2025", 2),
                StatusIs(StatusCode::kInvalidArgument, "LPP:C/2025"));
    EXPECT_EQ(*t->Counter("LPP:C/2025"), INT64_MAX - 1);
    ASSERT_THAT(t->Commit(), IsOk());
  }
  Reopen();
  EXPECT_EQ(*Begin()->Counter("LPP:C/2025"), INT64_MAX - 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(::tg::testing::kBackends),
                         [](const auto& info) { return std::string(info.param); });

TEST(SqliteStore, RefusesAFileThatIsNotADatabase) {
  const auto path =
      std::filesystem::temp_directory_path() / ("tg_notdb_" + std::to_string(getpid()));
  {
    FILE* f = std::fopen(path.c_str(), "w");
    std::fputs("this is not a database, just some text that is long enough to be a header.....", f);
    std::fclose(f);
  }
  EXPECT_THAT(OpenSqliteStore(path.string()), StatusIs(StatusCode::kDataLoss));
  std::filesystem::remove(path);
}

// Runs one SQL statement on the file behind the store's back, as sqlite3(1) would.
void RawSql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

class SqliteDamageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ =
        (std::filesystem::temp_directory_path() /
         ("tg_damage_" + std::to_string(getpid()) + "_" + std::to_string(NextFileNumber()) + ".db"))
            .string();
    auto store = OpenSqliteStore(path_);
    ASSERT_THAT(store, IsOk());
    auto t = (*store)->Begin();
    ASSERT_THAT(t, IsOk());
    ASSERT_THAT((*t)->Put(kShipments, "S-1", "{\"deltas\":[1]}"), IsOk());
    ASSERT_THAT((*t)->AddCounter("LPP:C/2025", 1000), IsOk());
    ASSERT_THAT((*t)->Commit(), IsOk());
  }
  void TearDown() override {
    for (const char* suffix : {"", "-wal", "-shm", "-damage"}) {
      std::filesystem::remove(path_ + suffix);
    }
  }
  std::string path_;
};

// Issue 12: a byte changed inside a record is invisible to SQLite; the row's checksum makes it
// DataLoss, and a store found damaged takes no more writes or reads (check still inspects it).
TEST_F(SqliteDamageTest, AChangedRecordIsDataLossAndTheStoreRefusesWork) {
  RawSql(path_, "UPDATE docs SET value = CAST('{\"deltas\":[0]}' AS BLOB) WHERE key = 'S-1'");
  auto store = OpenSqliteStore(path_);
  ASSERT_THAT(store, IsOk());
  const auto damaged = StatusIs(StatusCode::kDataLoss, "shipments record 'S-1' is damaged");
  EXPECT_THAT((*store)->Damage(), damaged);
  EXPECT_THAT((*store)->Begin(), StatusIs(StatusCode::kDataLoss, "neither read nor written"));
  EXPECT_THAT((*store)->BeginRead(), StatusIs(StatusCode::kDataLoss));
  auto inspect = (*store)->BeginInspection();
  ASSERT_THAT(inspect, IsOk());
  EXPECT_THAT((*inspect)->Get(kShipments, "S-1"), damaged);
}

TEST_F(SqliteDamageTest, ACounterSetWithoutItsChecksumIsDataLoss) {
  RawSql(path_, "UPDATE counters SET value = 1 WHERE key = 'LPP:C/2025'");
  auto store = OpenSqliteStore(path_, {.integrity_budget_ms = 0});
  ASSERT_THAT(store, IsOk());
  EXPECT_THAT((*store)->Damage(), StatusIs(StatusCode::kDataLoss, "counter 'LPP:C/2025'"));
}

TEST_F(SqliteDamageTest, AFloatingPointCounterIsDataLoss) {
  RawSql(path_, "UPDATE counters SET value = 9.3e18 WHERE key = 'LPP:C/2025'");
  auto store = OpenSqliteStore(path_);
  ASSERT_THAT(store, IsOk());
  EXPECT_THAT((*store)->Damage(), StatusIs(StatusCode::kDataLoss, "counter 'LPP:C/2025'"));
}

// Issue 12: a WAL cut below the frames its index says were committed has lost transactions.
// SQLite would quietly recover what is left; the store says so, and marks the file for every
// later open.
TEST_F(SqliteDamageTest, AWalTruncatedBelowItsCommittedFramesIsMarkedDamaged) {
  auto store = OpenSqliteStore(path_);
  ASSERT_THAT(store, IsOk());
  for (int i = 0; i < 40; ++i) {  // committed, not yet checkpointed: they live in the WAL
    auto t = (*store)->Begin();
    ASSERT_THAT((*t)->Put(kLog, "r/" + std::to_string(i), std::string(3000, 'x')), IsOk());
    ASSERT_THAT((*t)->Commit(), IsOk());
  }
  // A copy of the three files as a crash would leave them, with its WAL cut in half.
  const std::string copy = path_ + ".copy";
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::copy_file(path_ + suffix, copy + suffix,
                               std::filesystem::copy_options::overwrite_existing);
  }
  std::filesystem::resize_file(copy + "-wal", std::filesystem::file_size(copy + "-wal") / 2);
  {
    auto reopened = OpenSqliteStore(copy);
    ASSERT_THAT(reopened, IsOk());
    EXPECT_THAT((*reopened)->Damage(), StatusIs(StatusCode::kDataLoss, "the WAL was truncated"));
    EXPECT_THAT((*reopened)->Begin(), StatusIs(StatusCode::kDataLoss));
  }
  EXPECT_TRUE(std::filesystem::exists(copy + "-damage"));
  auto again = OpenSqliteStore(copy);  // SQLite has recovered the WAL; the marker remembers
  ASSERT_THAT(again, IsOk());
  EXPECT_THAT((*again)->Damage(), StatusIs(StatusCode::kDataLoss, "the WAL was truncated"));
  for (const char* suffix : {"", "-wal", "-shm", "-damage"}) {
    std::filesystem::remove(copy + suffix);
  }
}

// A ledger of schema version 1 gets its checksums on open and reads back as it was.
TEST(SqliteStore, MigratesAVersionOneFileAndChecksumsItsRows) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("tg_v1_" + std::to_string(getpid()) + ".db"))
          .string();
  RawSql(path,
         "CREATE TABLE docs(tbl INTEGER NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL);"
         "CREATE UNIQUE INDEX docs_by_key ON docs(tbl, key);"
         "CREATE TABLE counters(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;"
         "INSERT INTO docs VALUES(3, 'L-1', CAST('{\"number\":\"L-1\"}' AS BLOB));"
         "INSERT INTO counters VALUES('LPP:C/2025', 42);"
         "PRAGMA user_version=1;");
  {
    auto store = OpenSqliteStore(path);
    ASSERT_THAT(store, IsOk());
    EXPECT_THAT((*store)->Damage(), IsOk());
    EXPECT_EQ((*store)->SchemaVersion(), 3);
    auto t = (*store)->Begin();
    ASSERT_THAT(t, IsOk());
    EXPECT_EQ((*t)->Get(kLicenses, "L-1")->value(), "{\"number\":\"L-1\"}");
    EXPECT_EQ(*(*t)->Counter("LPP:C/2025"), 42);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path + suffix);
  }
}

// Two stores on one PostgreSQL schema stand for two servers: writers on both run one at a time,
// so a cap read and spent in one transaction is never spent twice.
class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!location_.skip().empty()) {
      GTEST_SKIP() << location_.skip();
    }
    ASSERT_THAT(location_.status(), IsOk());
  }
  std::unique_ptr<Store> Open() {
    auto s = OpenStore(location_.location());
    EXPECT_THAT(s, IsOk());
    return s ? std::move(*s) : nullptr;
  }
  ::tg::testing::TestLocation location_{"postgres"};
};

TEST_F(PostgresStoreTest, TwoServersNeverSpendTheLastHeadroomTwice) {
  auto a = Open();
  auto b = Open();
  ASSERT_TRUE(a && b);
  constexpr int kCap = 60;
  std::atomic<int> spent{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, store = i % 2 == 0 ? a.get() : b.get()] {
      for (int n = 0; n < 12; ++n) {
        auto t = store->Begin();
        ASSERT_THAT(t, IsOk());
        auto used = (*t)->Counter("LPP:C/2027");
        ASSERT_THAT(used, IsOk());
        if (*used >= kCap) {
          continue;  // rolled back
        }
        ASSERT_THAT((*t)->AddCounter("LPP:C/2027", 1), IsOk());
        ASSERT_THAT((*t)->Put(kShipments, "S-" + std::to_string(*used), "x"), IsOk());
        ASSERT_THAT((*t)->Commit(), IsOk());
        spent.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  auto t = a->BeginRead();
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(*(*t)->Counter("LPP:C/2027"), kCap);
  EXPECT_EQ(spent.load(), kCap);
  EXPECT_EQ((*t)->Scan(kShipments, "S-")->size(), static_cast<size_t>(kCap));
}

TEST_F(PostgresStoreTest, AReaderKeepsItsSnapshotAndHoldsNoWriterUp) {
  auto a = Open();
  auto b = Open();
  ASSERT_TRUE(a && b);
  {
    auto t = a->Begin();
    ASSERT_THAT((*t)->AddCounter("cap", 5), IsOk());
    ASSERT_THAT((*t)->Commit(), IsOk());
  }
  auto reader = a->BeginRead();
  ASSERT_THAT(reader, IsOk());
  EXPECT_EQ(*(*reader)->Counter("cap"), 5);
  {
    auto t = b->Begin();
    ASSERT_THAT(t, IsOk());
    ASSERT_THAT((*t)->AddCounter("cap", 1), IsOk());
    ASSERT_THAT((*t)->Commit(), IsOk());
  }
  EXPECT_EQ(*(*reader)->Counter("cap"), 5);
  EXPECT_EQ(*(*a->BeginRead())->Counter("cap"), 6);
}

// A server restart drops every pooled connection: the next transaction opens a new one.
TEST_F(PostgresStoreTest, ADroppedConnectionIsReplacedByTheNextTransaction) {
  auto a = Open();
  ASSERT_TRUE(a);
  {
    auto t = a->Begin();
    ASSERT_THAT((*t)->Put(kLicenses, "L-1", "v"), IsOk());
    ASSERT_THAT((*t)->Commit(), IsOk());
  }
  PGconn* admin = PQconnectdb(::tg::testing::TestPostgres().c_str());
  // Waits (up to 5 s) until the connection is gone, as after a restart.
  const std::string kill =
      "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
      "WHERE application_name = '" +
      location_.schema() + "'";
  PGresult* r = PQexec(admin, kill.c_str());
  EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQresultErrorMessage(r);
  EXPECT_STREQ(PQgetvalue(r, 0, 0), "1");  // the pool's one connection
  PQclear(r);
  PQfinish(admin);
  auto t = a->Begin();
  ASSERT_THAT(t, IsOk());
  auto read = (*t)->Get(kLicenses, "L-1");
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(read->value(), "v");
}

TEST_F(PostgresStoreTest, ASchemaNewerThanThisProgramIsRefused) {
  ASSERT_TRUE(Open());
  PGconn* admin = PQconnectdb(location_.location().substr(3).c_str());
  PGresult* r = PQexec(admin, "UPDATE tg_schema SET version = 99");
  EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(admin);
  EXPECT_THAT(OpenStore(location_.location()),
              StatusIs(StatusCode::kDataLoss, "schema version 99 is newer"));
}

TEST_F(PostgresStoreTest, AnUnreachableServerIsUnavailable) {
  EXPECT_THAT(OpenStore("pg:host=127.0.0.1 port=1 connect_timeout=2"),
              StatusIs(StatusCode::kUnavailable, "cannot connect to PostgreSQL"));
}

}  // namespace
}  // namespace tg::store
