// A synthetic cloud provider, scaled to run in the suite (bench/ runs it at 100,000 customers and
// 50 M records): a 1.2e26-operation run split over 12 linked accounts of three customers, one
// customer's own large run delivered in two parts, heavy users below the threshold, and the
// same usage delivered again out of order.
#include <cstdio>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tierguard/engine.h"
#include "tierguard/io.h"

#include "src/kyc/usage.h"
#include "testing/status_matchers.h"
#include "testing/temp_ledger.h"

namespace tg {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::tg::testing::IsOk;

constexpr int64_t kStart = 1798761600;  // 2027-01-01T00:00:00Z

std::string Record(const std::string& account, const std::string& job, int64_t hour, int count,
                   double utilization, const std::string& datacenter = "us-east-7") {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                R"({"account": "%s", "job": "%s", "start": "%s", "end": "%s", "datacenter": "%s", )"
                R"("accelerator": "H100 SXM", "count": %d, "utilization": %g})",
                account.c_str(), job.c_str(), kyc::FormatRfc3339(kStart + hour * 3600).c_str(),
                kyc::FormatRfc3339(kStart + (hour + 1) * 3600).c_str(), datacenter.c_str(), count,
                utilization);
  return std::string(buf) + "\n";
}

class ProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto e = Engine::Open({.data_dir = "data", .regimes_dir = "regimes", .db = ledger_.Path()});
    ASSERT_THAT(e, IsOk());
    engine_ = std::move(*e);
    session_ = std::make_unique<Session>(*engine_, SessionOptions{.actor = "provider"});
  }
  void TearDown() override {
    session_.reset();
    engine_.reset();
  }
  Result<UsageIngest> Ingest(const std::string& text) {
    StringSource in(text);
    return session_->IngestUsage(in, "jsonl", "test");
  }

  ::tg::testing::TempLedger ledger_{"provider"};
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Session> session_;
};

TEST_F(ProviderTest, ALinkedRunIsReportedOnceWithEveryAccountAndHeavyUsersAreNot) {
  // Three customers, four accounts each: A and B pay with one card, B and C share an owner.
  // 300 innocent heavy users, and 500 light ones, none linked.
  std::string customers;
  const char* linked[] = {
      R"({"id": "cust-a", "name": "Alpha Compute", "country": "AE", "accounts": ["a1", "a2", "a3", "a4"], "payment_means": [{"kind": "card", "fingerprint": "shared-card"}]})",
      R"({"id": "cust-b", "name": "Beta Analytics", "country": "SG", "accounts": ["b1", "b2", "b3", "b4"], "payment_means": [{"kind": "card", "fingerprint": "shared-card"}], "beneficial_owners": [{"name": "Z Owner", "country": "SG", "share": 0.5}]})",
      R"({"id": "cust-c", "name": "Gamma Labs", "country": "MY", "accounts": ["c1", "c2", "c3", "c4"], "beneficial_owners": [{"name": "z  owner", "country": "SG", "share": 0.7}]})",
      R"({"id": "cust-solo", "name": "Solo AI", "country": "IN", "accounts": ["s1"]})",
  };
  for (const char* c : linked) {
    customers += std::string(c) + "\n";
  }
  for (int i = 0; i < 800; ++i) {
    customers += R"({"id": "user-)" + std::to_string(i) + R"(", "name": "User )" +
                 std::to_string(i) + R"(", "country": "GB", "accounts": ["u)" + std::to_string(i) +
                 R"("]})" + "\n";
  }
  StringSource in(customers);
  auto added = session_->AddCustomers(in);
  ASSERT_THAT(added, IsOk());
  ASSERT_EQ(added->size(), 804u);
  auto view = session_->ShowCustomer("cust-c");
  ASSERT_THAT(view, IsOk());
  EXPECT_THAT(view->linked, ElementsAre("cust-a", "cust-b", "cust-c"));

  // The split run: 12 accounts x 3,000 hours x 2,000 H100 at 46.8% = 1.2e26 operations, each
  // account 1e25 alone, the cluster 2.4e19 operations a second (below 1e20).
  std::string usage;
  for (const char* prefix : {"a", "b", "c"}) {
    for (int n = 1; n <= 4; ++n) {
      const std::string account = prefix + std::to_string(n);
      for (int h = 0; h < 3000; ++h) {
        usage += Record(account, "train-" + account, h, 2000, 0.468);
      }
    }
  }
  // Heavy users: 1,000 H100 at 50% for 500 hours each, 1.8e24 operations.
  for (int i = 0; i < 300; ++i) {
    for (int h = 0; h < 500; ++h) {
      usage += Record("u" + std::to_string(i), "job", h, 1000, 0.5);
    }
  }
  for (int i = 300; i < 800; ++i) {
    usage += Record("u" + std::to_string(i), "job", i % 24, 8, 0.3);
  }
  // The solo run's first half: 10,000 H100 at 50% for 3,000 hours, 5.3e25 operations.
  std::string solo_first, solo_second;
  for (int h = 0; h < 6000; ++h) {
    (h < 3000 ? solo_first : solo_second) += Record("s1", "big", h, 10000, 0.5, "eu-west-2");
  }
  auto first = Ingest(usage + solo_first);
  ASSERT_THAT(first, IsOk());
  ASSERT_EQ(first->runs_reported.size(), 1u);
  const std::string split_run = first->runs_reported[0];
  auto report = session_->TrainingRunReport(split_run);
  ASSERT_THAT(report, IsOk());
  EXPECT_THAT(
      *report,
      HasSubstr(R"("accounts":["a1","a2","a3","a4","b1","b2","b3","b4","c1","c2","c3","c4"])"));
  EXPECT_THAT(*report, HasSubstr(R"("reached":["operations"])"));
  EXPECT_THAT(*report, HasSubstr(R"("name":"Gamma Labs")"));  // the customers' CIP data
  EXPECT_THAT(*report, HasSubstr(R"("datacenter":"us-east-7")"));

  // The solo run's second half crosses 1e26: reported once, then updated, never twice.
  auto second = Ingest(solo_second);
  ASSERT_THAT(second, IsOk());
  ASSERT_EQ(second->runs_reported.size(), 1u);
  const std::string solo_run = second->runs_reported[0];
  EXPECT_NE(solo_run, split_run);
  auto more = Ingest(Record("s1", "big", 6000, 10000, 0.5, "eu-west-2"));
  ASSERT_THAT(more, IsOk());
  EXPECT_TRUE(more->runs_reported.empty());
  EXPECT_THAT(more->runs_updated, ElementsAre(solo_run));

  // Everything again, last record first: nothing changes.
  std::string all = usage + solo_first + solo_second;
  std::string reversed;
  for (size_t end = all.size(); end > 0;) {
    const size_t start = all.rfind('\n', end - 2);
    const size_t from = start == std::string::npos ? 0 : start + 1;
    reversed += all.substr(from, end - from);
    end = from;
  }
  auto again = Ingest(reversed);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->records, first->records + second->records);
  EXPECT_EQ(again->operations_added, 0);
  EXPECT_TRUE(again->runs_reported.empty());
  EXPECT_TRUE(again->runs_updated.empty());
  auto runs = session_->TrainingRuns(std::nullopt, std::nullopt);
  ASSERT_THAT(runs, IsOk());
  EXPECT_EQ(runs->size(), 2u);  // no heavy user flagged
  auto check = session_->Check();
  ASSERT_THAT(check, IsOk());
  EXPECT_THAT(check->problems, ::testing::IsEmpty());
}

TEST_F(ProviderTest, ABadRecordWritesNothing) {
  auto good = Ingest(Record("x1", "j", 0, 10, 0.5));
  ASSERT_THAT(good, IsOk());
  auto bad = Ingest(Record("x1", "j", 1, 10, 0.5) + R"({"account": "x1"})" + "\n");
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message(), HasSubstr("line 2: usage.start: required"));
  auto again = Ingest(Record("x1", "j", 1, 10, 0.5));
  ASSERT_THAT(again, IsOk());
  EXPECT_GT(again->operations_added, 0);  // hour 1 was not half written before
  EXPECT_EQ(again->unknown_accounts, 1);
}

}  // namespace
}  // namespace tg
