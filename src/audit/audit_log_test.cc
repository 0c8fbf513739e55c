#include "src/audit/audit_log.h"

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tierguard/audit.h"

#include "src/audit/note.h"
#include "testing/backends.h"
#include "testing/status_matchers.h"

namespace tg::audit {
namespace {

using ::tg::testing::IsOk;
using ::tg::testing::StatusIs;

Entry MakeEntry(uint64_t i) {
  return Entry{.kind = "shipment",
               .actor = "test",
               .time = 1764000000 + static_cast<int64_t>(i),
               .subject = "S-" + std::to_string(i),
               .body = "{\"n\":" + std::to_string(i) + "}"};
}

// Appends `n` more records in transactions of `batch` and, beside them, builds the same tree in
// memory from the records as stored.
void AppendInBatches(store::Store& store, MerkleTree& reference, uint64_t n, uint64_t batch) {
  for (uint64_t done = 0; done < n;) {
    auto txn = store.Begin();
    ASSERT_THAT(txn.status(), IsOk());
    AuditLog log(**txn);
    for (uint64_t i = 0; i < batch && done < n; ++i, ++done) {
      const uint64_t expected = reference.size();
      auto index = log.Append(MakeEntry(expected));
      ASSERT_THAT(index.status(), IsOk());
      ASSERT_EQ(*index, expected);
      auto record = log.Record(expected);
      ASSERT_THAT(record.status(), IsOk());
      ASSERT_THAT(reference.Append(LeafHash(*record)), IsOk());
    }
    ASSERT_THAT(log.Flush(), IsOk());
    ASSERT_THAT((*txn)->Commit(), IsOk());
  }
}

// Batches of uneven sizes cross tile edges (256 leaves) at every tile level that 70,000 records
// reach (levels 0-7, 8-15, 16), so the stored tiles must be read back, extended and rewritten.
class AuditLogTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (!location_.skip().empty()) {
      GTEST_SKIP() << location_.skip();
    }
    ASSERT_THAT(location_.status(), IsOk());
    auto opened = store::OpenStore(location_.location());
    ASSERT_THAT(opened.status(), IsOk());
    store_ = std::move(*opened);
  }
  ::tg::testing::TestLocation location_{GetParam()};
  std::unique_ptr<store::Store> store_;
};

TEST_P(AuditLogTest, TiledTreeAgreesWithTheTreeInMemory) {
  store::Store* store = store_.get();
  MemoryNodeStore memory;
  MerkleTree reference(memory, 0);
  const uint64_t batches[] = {1, 2, 255, 1, 300, 7, 65536, 3000};
  uint64_t total = 0;
  for (uint64_t b : batches) {
    AppendInBatches(*store, reference, b, b < 100 ? 1 : 97);
    total += b;
  }
  auto txn = store->BeginRead();
  ASSERT_THAT(txn.status(), IsOk());
  AuditLog log(**txn);
  ASSERT_EQ(*log.Size(), total);
  for (uint64_t size :
       {uint64_t{1}, uint64_t{256}, uint64_t{257}, uint64_t{65536}, uint64_t{65537}, total}) {
    EXPECT_EQ(*log.Root(size), *reference.Root(size)) << size;
    for (uint64_t index : {uint64_t{0}, size / 3, size - 1}) {
      EXPECT_EQ(*log.InclusionProof(index, size), *reference.InclusionProof(index, size))
          << index << " in " << size;
    }
    EXPECT_EQ(*log.ConsistencyProof(size / 2 + 1, total),
              *reference.ConsistencyProof(size / 2 + 1, total));
  }
}

// A log of `n` records whose tile `key` is then replaced by `value`, or deleted.
class DamagedLog : public AuditLogTest {
 protected:
  void Damage(uint64_t n, const std::string& key, std::optional<std::string> value) {
    AppendInBatches(*store_, reference_, n, n);
    auto txn = store_->Begin();
    ASSERT_THAT(txn.status(), IsOk());
    ASSERT_THAT(value ? (*txn)->Put(audit::kAuditTable, key, *value)
                      : (*txn)->Delete(audit::kAuditTable, key),
                IsOk());
    ASSERT_THAT((*txn)->Commit(), IsOk());
  }

  MemoryNodeStore memory_;
  MerkleTree reference_{memory_, 0};
};

TEST_P(DamagedLog, ADamagedTileIsReportedNotUsed) {
  Damage(300, "t/00/0000000000000001", "short");
  auto txn = store_->Begin();
  ASSERT_THAT(txn.status(), IsOk());
  AuditLog log(**txn);
  EXPECT_THAT(log.Root(300).status(), StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(log.Append(MakeEntry(300)).status(), StatusIs(StatusCode::kDataLoss));
  // Proofs that need only the intact first tile still work.
  EXPECT_EQ(*log.InclusionProof(3, 256), *reference_.InclusionProof(3, 256));
}

TEST_P(DamagedLog, AMissingTileIsReported) {
  Damage(10, "t/00/0000000000000000", std::nullopt);
  auto txn = store_->BeginRead();
  ASSERT_THAT(txn.status(), IsOk());
  AuditLog log(**txn);
  EXPECT_THAT(log.Root(10).status(), StatusIs(StatusCode::kDataLoss));
}

// Issue 12: a root is signed only after its records are read against it. ScanRecords names
// the record whose text no longer matches its leaf, and a tree changed above its leaves.
TEST_P(DamagedLog, ScanRecordsNamesAChangedRecordAndAChangedTree) {
  Damage(300, "r/0000000000000007", "{\"index\":7,\"forged\":true}");
  auto txn = store_->BeginRead();
  ASSERT_THAT(txn.status(), IsOk());
  AuditLog log(**txn);
  uint64_t visited = 0;
  EXPECT_THAT(log.ScanRecords(0, 300,
                              [&](uint64_t, std::string_view) {
                                ++visited;
                                return Status::Ok();
                              }),
              StatusIs(StatusCode::kDataLoss, "record 7 was changed"));
  EXPECT_EQ(visited, 7u);
}

TEST_P(DamagedLog, ScanRecordsFindsATreeChangedAboveItsLeaves) {
  // The first tile keeps its 256 leaves but an inner node of it is overwritten.
  Damage(300, "", std::nullopt);
  {
    auto txn = store_->Begin();
    ASSERT_THAT(txn.status(), IsOk());
    auto tile = (*txn)->Get(audit::kAuditTable, "t/00/0000000000000000");
    ASSERT_THAT(tile.status(), IsOk());
    std::string bytes = **tile;
    bytes[size_t{256} * 32] ^= 1;  // the first node of height 1
    ASSERT_THAT((*txn)->Put(audit::kAuditTable, "t/00/0000000000000000", bytes), IsOk());
    ASSERT_THAT((*txn)->Commit(), IsOk());
  }
  auto txn = store_->BeginRead();
  AuditLog log(**txn);
  EXPECT_THAT(log.ScanRecords(0, 300, [](uint64_t, std::string_view) { return Status::Ok(); }),
              StatusIs(StatusCode::kDataLoss, "tree node (1, 0) over records 0 to 1"));
}

// Issue 12: verify accepted a checkpoint whose origin was not the log key's name, and cosign
// signed whatever it was given.
INSTANTIATE_TEST_SUITE_P(Backends, AuditLogTest, ::testing::ValuesIn(::tg::testing::kBackends),
                         [](const auto& info) { return std::string(info.param); });
INSTANTIATE_TEST_SUITE_P(Backends, DamagedLog, ::testing::ValuesIn(::tg::testing::kBackends),
                         [](const auto& info) { return std::string(info.param); });

TEST(AuditBundle, TheOriginMustBeTheLogKeysNameAndCosignVerifiesFirst) {
  auto log_key = GenerateKey("log.test");
  auto witness = GenerateKey("witness.test");
  ASSERT_THAT(log_key.status(), IsOk());
  ASSERT_THAT(witness.status(), IsOk());
  const auto dir =
      std::filesystem::temp_directory_path() / ("tg_bundle_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "frontier") << "from 0\n";
  std::ofstream records(dir / "records.jsonl");
  std::ofstream leaves(dir / "leaves");
  std::ofstream requests(dir / "requests.jsonl");
  auto misnamed =
      SignNote(FormatCheckpoint({"someone.else", 0, EmptyTreeHash()}), log_key->private_key);
  ASSERT_THAT(misnamed.status(), IsOk());
  std::ofstream(dir / "checkpoint") << *misnamed;
  EXPECT_THAT(VerifyAuditBundle(dir.string(), {log_key->verifier}),
              StatusIs(StatusCode::kPermissionDenied,
                       "origin 'someone.else' is not the name of the log's key 'log.test'"));
  EXPECT_THAT(CosignCheckpoint(*misnamed, log_key->verifier, witness->private_key),
              StatusIs(StatusCode::kPermissionDenied));
  auto good = SignNote(FormatCheckpoint({"log.test", 0, EmptyTreeHash()}), log_key->private_key);
  ASSERT_THAT(good.status(), IsOk());
  std::ofstream(dir / "checkpoint") << *good;
  EXPECT_THAT(VerifyAuditBundle(dir.string(), {log_key->verifier}), IsOk());
  EXPECT_THAT(CosignCheckpoint(*good, witness->verifier, witness->private_key),
              StatusIs(StatusCode::kPermissionDenied, "signature by witness.test is missing"));
  EXPECT_THAT(CosignCheckpoint(*good, log_key->verifier, witness->private_key), IsOk());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tg::audit
