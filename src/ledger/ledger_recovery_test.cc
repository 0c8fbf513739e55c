// A change and its audit record commit together or not at all: a write that fails at any point
// of a ledger transaction (or its commit) leaves the ledger, its counters and its audit log
// exactly as they were, and the next transaction appends where the log really ends. Run over
// the memory store and SQLite, through FaultInjectionStore.
#include <filesystem>
#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tierguard/clock.h"

#include "src/audit/audit_log.h"
#include "src/ledger/ledger.h"
#include "src/store/store.h"
#include "testing/backends.h"
#include "testing/fault_injection_store.h"
#include "testing/status_matchers.h"

namespace tg::ledger {
namespace {

using ::tg::testing::FaultInjectionStore;
using ::tg::testing::IsOk;

// Everything a store holds, in one string: every document of every table and every counter.
std::string Dump(store::Store& s) {
  auto txn = s.BeginRead();
  EXPECT_THAT(txn.status(), IsOk());
  std::string out;
  for (store::Table t : store::RegisteredTables()) {
    auto rows = (*txn)->Scan(t, "");
    EXPECT_THAT(rows.status(), IsOk());
    for (const auto& [key, value] : *rows) {
      out += store::TableName(t) + " " + key + " = " + value + "\n";
    }
  }
  auto counters = (*txn)->ScanCounters("");
  EXPECT_THAT(counters.status(), IsOk());
  for (const auto& [key, value] : *counters) {
    out += "counter " + key + " = " + std::to_string(value) + "\n";
  }
  return out;
}

// The regime every order here was decided under, kept in the ledger by content hash.
constexpr std::string_view kRegimeSource = "id: recovery-test\n";
std::string RegimeHash() { return "sha256:" + audit::Hex(audit::Sha256(kRegimeSource)); }

// A shipment or hold of `tpp` TPP against party P's 2025 LPP cap, `used` TPP of which is
// taken already: its decision states the cap as a real one does, so that the check can
// reconcile the counter against the log.
Movement Order(const Clock& clock, const std::string& id, bool hold, const std::string& party,
               int64_t used, int64_t tpp) {
  Movement m;
  m.id = id;
  m.kind = hold ? "reservation" : "shipment";
  m.state = hold ? MovementState::kHeld : MovementState::kRecorded;
  m.date = "2025-06-01";
  m.consignee = party;
  m.recorded_at = clock.NowUnix();
  m.expires_at = hold ? clock.NowUnix() + 3600 : 0;
  m.deltas = {{"LPP:" + party + "/2025", tpp * 1000}};  // counters hold thousandths
  m.request = R"({"id":")" + id + R"("})";
  m.decision = R"({"id":")" + id + R"(","outcome":"license_exception","caps":[{"cap":"LPP",)" +
               R"("key":")" + party + R"(/2025","used":)" + std::to_string(used) +
               R"(,"limit":26900000}]})";
  m.regime_hash = RegimeHash();
  return m;
}

// One ledger transaction of several kinds of change: a licence, a party, two shipments and a
// hold against one cap counter, each with its audit record.
Status RecordRound(store::Store& s, const Clock& clock, int round) {
  TG_ASSIGN_OR_RETURN(auto txn, s.Begin());
  Ledger ledger(*txn, clock, "clerk");
  const std::string r = std::to_string(round);
  License license;
  license.number = "L-" + r;
  license.eccns = {"3A090.a"};
  license.destination = Country::FromAlpha2('A', 'E');
  license.quantity_limit = 100;
  license.valid_from = Date::FromCivil(2025, 1, 1);
  license.valid_to = Date::FromCivil(2026, 12, 31);
  TG_RETURN_IF_ERROR(ledger.AddLicense(license));
  PartyRecord party;
  party.id = "P-" + r;
  party.name = "Party " + r;
  party.country = Country::FromAlpha2('A', 'E');
  TG_RETURN_IF_ERROR(ledger.AddParty(party));
  TG_RETURN_IF_ERROR(ledger.KeepRegime(RegimeHash(), kRegimeSource));
  TG_RETURN_IF_ERROR(ledger.RecordShipment(Order(clock, "S-" + r + "a", false, party.id, 0, 1000)));
  TG_RETURN_IF_ERROR(
      ledger.RecordShipment(Order(clock, "S-" + r + "b", false, party.id, 1000, 1000)));
  TG_RETURN_IF_ERROR(ledger.HoldReservation(Order(clock, "R-" + r, true, party.id, 2000, 500)));
  TG_RETURN_IF_ERROR(ledger.Finish());
  return txn->Commit();
}

// The audit log's records check against its tree, and the ledger's counters against its
// shipments and holds.
void ExpectConsistent(store::Store& s, const Clock& clock, uint64_t records) {
  auto txn = s.BeginRead();
  ASSERT_THAT(txn.status(), IsOk());
  audit::AuditLog log(**txn);
  auto size = log.Size();
  ASSERT_THAT(size.status(), IsOk());
  EXPECT_EQ(*size, records);
  EXPECT_THAT(log.CheckRecords(*size), IsOk());
  Ledger ledger(**txn, clock, "auditor");
  auto report = ledger.Check();
  ASSERT_THAT(report.status(), IsOk());
  EXPECT_THAT(report->problems, ::testing::IsEmpty());
}

class LedgerRecovery : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    location_ = std::make_unique<::tg::testing::TestLocation>(GetParam());
    if (!location_->skip().empty()) {
      GTEST_SKIP() << location_->skip();
    }
    ASSERT_THAT(location_->status(), IsOk());
    auto inner = store::OpenStore(location_->location());
    ASSERT_THAT(inner.status(), IsOk());
    store_ = std::make_unique<FaultInjectionStore>(std::move(*inner));
  }
  void TearDown() override {
    store_.reset();
    location_.reset();
  }

  std::unique_ptr<::tg::testing::TestLocation> location_;
  FixedClock clock_{1764000000};
  std::unique_ptr<FaultInjectionStore> store_;
};

TEST_P(LedgerRecovery, AFailedWriteAnywhereLeavesLedgerAndLogAsTheyWere) {
  ASSERT_THAT(RecordRound(*store_, clock_, 0), IsOk());
  auto size_after_one_round = [&] {
    auto txn = store_->BeginRead();
    audit::AuditLog log(**txn);
    return *log.Size();
  };
  const uint64_t per_round = size_after_one_round();
  ASSERT_GT(per_round, 0u);
  // A clean round, to count its writes.
  const uint64_t before = store_->writes();
  ASSERT_THAT(RecordRound(*store_, clock_, 1), IsOk());
  const uint64_t writes = store_->writes() - before;
  ASSERT_GT(writes, 6u);
  ExpectConsistent(*store_, clock_, 2 * per_round);
  for (uint64_t k = 1; k <= writes; ++k) {
    SCOPED_TRACE("write " + std::to_string(k) + " of " + std::to_string(writes) + " fails");
    const std::string state = Dump(*store_);
    store_->FailWrite(k);
    EXPECT_FALSE(RecordRound(*store_, clock_, 2).ok());
    EXPECT_EQ(Dump(*store_), state);
  }
  store_->FailNextCommit();
  const std::string state = Dump(*store_);
  EXPECT_FALSE(RecordRound(*store_, clock_, 2).ok());
  EXPECT_EQ(Dump(*store_), state);
  // Nothing of the failed rounds remains: the round is recorded whole, and the log goes on
  // from where it really ended.
  ASSERT_THAT(RecordRound(*store_, clock_, 2), IsOk());
  ExpectConsistent(*store_, clock_, 3 * per_round);
}

INSTANTIATE_TEST_SUITE_P(Backends, LedgerRecovery, ::testing::ValuesIn(::tg::testing::kBackends),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace tg::ledger
