// One conformance suite for every Store backend.
#include "src/store/store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

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

struct Backend {
  std::string name;
  bool durable;
};

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("tg_store_" + std::to_string(getpid()) + "_" +
              std::to_string(NextFileNumber()) + ".db"))
                .string();
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path_ + suffix);
    }
  }
  void Reopen() {
    store_.reset();
    if (GetParam().name == "memory") {
      if (!memory_) {
        memory_ = OpenMemoryStore();
      }
      return;
    }
    auto s = OpenSqliteStore(path_);
    ASSERT_THAT(s, IsOk());
    store_ = std::move(*s);
  }
  Store& GetStore() { return GetParam().name == "memory" ? *memory_ : *store_; }
  std::unique_ptr<Transaction> Begin() {
    auto t = GetStore().Begin();
    EXPECT_THAT(t, IsOk());
    return std::move(*t);
  }

  std::string path_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Store> memory_;
};

TEST_P(StoreTest, PutThenGetInTheSameAndALaterTransaction) {
  {
    auto t = Begin();
    ASSERT_THAT(t->Put(Table::kLicences, "L-1", "{\"a\":1}"), IsOk());
    EXPECT_EQ(t->Get(Table::kLicences, "L-1")->value(), "{\"a\":1}");
    EXPECT_FALSE(t->Get(Table::kShipments, "L-1")->has_value());  // tables are separate
    ASSERT_THAT(t->Commit(), IsOk());
  }
  Reopen();
  auto t = Begin();
  EXPECT_EQ(t->Get(Table::kLicences, "L-1")->value(), "{\"a\":1}");
}

TEST_P(StoreTest, InsertOfAnExistingKeyIsAlreadyExists) {
  auto t = Begin();
  ASSERT_THAT(t->Insert(Table::kShipments, "S-1", "x"), IsOk());
  EXPECT_THAT(t->Insert(Table::kShipments, "S-1", "y"), StatusIs(StatusCode::kAlreadyExists));
  EXPECT_EQ(t->Get(Table::kShipments, "S-1")->value(), "x");
}

TEST_P(StoreTest, UncommittedTransactionLeavesNothing) {
  {
    auto t = Begin();
    ASSERT_THAT(t->Put(Table::kLicences, "L-1", "v"), IsOk());
    ASSERT_THAT(t->AddCounter("cap", 5), IsOk());
  }
  auto t = Begin();
  EXPECT_FALSE(t->Get(Table::kLicences, "L-1")->has_value());
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
      ASSERT_THAT(t->Put(Table::kParties, k, k), IsOk());
    }
    ASSERT_THAT(t->Commit(), IsOk());
  }
  auto t = Begin();
  ASSERT_THAT(t->Put(Table::kParties, "b/0", "new"), IsOk());
  ASSERT_THAT(t->Delete(Table::kParties, "b/2"), IsOk());
  auto rows = t->Scan(Table::kParties, "b/");
  ASSERT_THAT(rows, IsOk());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].first, "b/0");
  EXPECT_EQ((*rows)[1].first, "b/1");
  EXPECT_EQ(t->Scan(Table::kParties, "", 3)->size(), 3u);
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
  ASSERT_THAT(t->Put(Table::kAudit, "k", value), IsOk());
  EXPECT_EQ(t->Get(Table::kAudit, "k")->value(), value);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest,
                         ::testing::Values(Backend{"memory", false}, Backend{"sqlite", true}),
                         [](const auto& info) { return info.param.name; });

TEST(SqliteStore, RefusesAFileThatIsNotADatabase) {
  const auto path = std::filesystem::temp_directory_path() / ("tg_notdb_" + std::to_string(getpid()));
  {
    FILE* f = std::fopen(path.c_str(), "w");
    std::fputs("this is not a database, just some text that is long enough to be a header.....", f);
    std::fclose(f);
  }
  EXPECT_THAT(OpenSqliteStore(path.string()), StatusIs(StatusCode::kDataLoss));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace tg::store
