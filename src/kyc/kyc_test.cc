// Customer records, link keys and groups, usage parsing and the hourly aggregates.
#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tierguard/io.h"

#include "src/kyc/customer_json.h"
#include "src/kyc/links.h"
#include "src/kyc/usage.h"
#include "testing/reference_data.h"
#include "testing/status_matchers.h"

namespace tg::kyc {
namespace {

using ::testing::HasSubstr;
using ::tg::testing::IsOk;

using ::tg::testing::Catalog;
using ::tg::testing::Countries;

TEST(CustomerRecordTest, ReadsTheSpecsExampleAndRefusesWhatItDoesNotKnow) {
  auto c = ParseCustomerRecord(
      R"({"id": "cust-17", "name": "Example Analytics FZE", "address": "Dubai", "country": "AE",
          "accounts": ["acct-1701", "acct-1702"],
          "payment_means": [{"kind": "card", "fingerprint": "f1"}], "emails": ["ops@example.ae"],
          "phones": ["+971 4 1"], "ip_addresses": ["203.0.113.0/24"],
          "beneficial_owners": [{"name": "A Owner", "country": "AE", "share": 0.6}],
          "reseller": null, "verified": true})",
      3, Countries());
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->accounts.size(), 2u);
  EXPECT_EQ(c->beneficial_owners[0].share, 0.6);
  EXPECT_TRUE(c->reseller.empty());
  auto bad = ParseCustomerRecord(R"({"id": "c", "name": "n", "country": "AE", "emial": []})", 7,
                                 Countries());
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message(), HasSubstr("line 7: customer.emial: unknown key"));
  bad = ParseCustomerRecord(
      R"({"id": "c", "name": "n", "country": "AE", "beneficial_owners": [{"name": "x", "share": 2}]})",
      2, Countries());
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message(), HasSubstr("customer.beneficial_owners[0].share"));
  bad = ParseCustomerRecord(R"({"id": "c", "name": "n"})", 1, Countries());
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message(), HasSubstr("customer.country: required"));
}

TEST(LinksTest, SharedInstrumentsOwnersAndRangesLinkCustomers) {
  CustomerRecord a{.id = "a", .name = "A"};
  a.payment_means.push_back({.kind = "Card", .fingerprint = "F-1"});
  a.ip_addresses = {"198.51.100.7"};
  CustomerRecord b{.id = "b", .name = "B"};
  b.payment_means.push_back({.kind = "card", .fingerprint = "F-1"});
  CustomerRecord c{.id = "c", .name = "C"};
  c.ip_addresses = {"198.51.0.0/16"};  // covers a's address
  CustomerRecord d{.id = "d", .name = "D"};
  d.emails = {"Ops@Example.com"};
  CustomerRecord e{.id = "e", .name = "E", .reseller = "d"};  // d resells to e
  CustomerRecord f{.id = "f", .name = "F"};
  f.emails = {"other@example.com"};
  std::vector<std::pair<std::string, std::string>> rows;  // as the store keeps them: sorted
  for (const CustomerRecord* r : {&a, &b, &c, &d, &e, &f}) {
    auto keys = LinkKeys(*r);
    ASSERT_THAT(keys, IsOk());
    for (const std::string& k : *keys) {
      rows.emplace_back(k, r->id);
    }
  }
  std::sort(rows.begin(), rows.end());
  CustomerGroups groups;
  for (const auto& [key, customer] : rows) {
    groups.Add(key, customer);
  }
  EXPECT_EQ(groups.GroupOf("b"), "a");
  EXPECT_EQ(groups.GroupOf("c"), "a");
  EXPECT_EQ(groups.GroupOf("e"), "d");
  EXPECT_EQ(groups.GroupOf("f"), "f");
  CustomerRecord bad{.id = "x", .name = "X"};
  bad.ip_addresses = {"10.0.0.1", "300.1.1.1"};
  auto keys = LinkKeys(bad);
  ASSERT_FALSE(keys);
  EXPECT_THAT(keys.error().message(), HasSubstr("customer.ip_addresses[1]"));
}

TEST(UsageTest, TimesReadAsRfc3339) {
  EXPECT_EQ(*ParseRfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseRfc3339("2027-01-03T01:00:00+01:00"), *ParseRfc3339("2027-01-03T00:00:00Z"));
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("2027-01-03T04:05:06.789Z")), "2027-01-03T04:05:06Z");
  EXPECT_FALSE(ParseRfc3339("2027-02-30T00:00:00Z"));
  EXPECT_FALSE(ParseRfc3339("2027-01-03 00:00:00"));  // no zone
}

TEST(UsageTest, AnHourCountsEachMinuteOnce) {
  HourCell cell;
  EXPECT_DOUBLE_EQ(cell.Add(0, 30, 2.0, false), 60.0);
  EXPECT_DOUBLE_EQ(cell.Add(0, 30, 2.0, false), 0.0);   // delivered twice
  EXPECT_DOUBLE_EQ(cell.Add(20, 40, 2.0, true), 20.0);  // only minutes 30 to 39 are new
  EXPECT_DOUBLE_EQ(cell.Ops(), 80.0);
  auto back = HourCell::Decode(cell.Encode());
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->counted, cell.counted);
  EXPECT_DOUBLE_EQ(back->Ops(), 80.0);
  HourCell stored;
  stored.Add(35, 60, 2.0, false);
  double given = 0;
  EXPECT_DOUBLE_EQ(stored.Merge(cell, &given), 70.0);  // minutes 0 to 34
  EXPECT_DOUBLE_EQ(given, 10.0);
  EXPECT_FALSE(HourCell::Decode("short"));
}

Result<UsageBatch> Read(std::string_view text, UsageFormat format) {
  UsageBatch batch(Catalog());
  StringSource in(text);
  TG_RETURN_IF_ERROR(batch.Read(in, format));
  return batch;
}

double TotalOps(const UsageBatch& batch) {
  double ops = 0;
  for (const auto& [id, cell] : batch.cells()) {
    ops += cell.Ops();
  }
  return ops;
}

TEST(UsageTest, RecordsAreEstimatedFromTheCatalogAndCsvReadsAsJsonLines) {
  const std::string jsonl =
      R"({"account": "a", "job": "j", "start": "2027-01-03T00:30:00Z", "end": "2027-01-03T01:30:00Z", "datacenter": "d", "accelerator": "H100 SXM", "count": 10, "utilization": 0.5})"
      "\n"
      R"({"account": "a", "job": "j", "start": "2027-01-03T00:30:00Z", "end": "2027-01-03T01:30:00Z", "datacenter": "d", "accelerator": "H100 SXM", "count": 10, "utilization": 0.5})"
      "\n"
      R"({"account": "a", "job": "k", "start": "2027-01-03T00:00:00Z", "end": "2027-01-03T00:01:00Z", "datacenter": "d", "accelerator": "unknown part", "count": 1, "ops": 600})"
      "\n";
  auto batch = Read(jsonl, UsageFormat::kJsonLines);
  ASSERT_THAT(batch, IsOk());
  EXPECT_EQ(batch->records(), 3);
  EXPECT_EQ(batch->duplicates(), 1);
  EXPECT_EQ(batch->cells().size(), 3u);  // j in two hours, k in one
  const double h100 = batch->streams()[0].rate.ops_per_second;
  EXPECT_GT(h100, 9e14);
  EXPECT_DOUBLE_EQ(TotalOps(*batch), 10 * 3600 * h100 * 0.5 + 600);
  const std::string csv =
      "account,job,start,end,datacenter,accelerator,count,utilization,ops\n"
      "a,j,2027-01-03T00:30:00Z,2027-01-03T01:30:00Z,d,H100 SXM,10,0.5,\n"
      "a,k,2027-01-03T00:00:00Z,2027-01-03T00:01:00Z,d,unknown part,1,,600\n";
  auto from_csv = Read(csv, UsageFormat::kCsv);
  ASSERT_THAT(from_csv, IsOk());
  EXPECT_DOUBLE_EQ(TotalOps(*from_csv), TotalOps(*batch));
}

TEST(UsageTest, ABadRecordIsRefusedNamingItsLineAndField) {
  const std::string good =
      R"({"account": "a", "job": "j", "start": "2027-01-03T00:00:00Z", "end": "2027-01-03T01:00:00Z", "datacenter": "d", "accelerator": "H100 SXM", "count": 10, "utilization": 0.5})";
  struct Case {
    std::string line;
    std::string message;
  };
  const Case cases[] = {
      {R"({"account": "a"})", "line 2: usage.start: required"},
      {R"({"account": "a", "job": "j", "start": "2027-01-03T00:00:00Z", "end": "2027-01-03T01:00:00Z", "datacenter": "d", "accelerator": "H100 SXM", "count": 10})",
       "line 2: usage.utilization: required unless ops is given"},
      {R"({"account": "a", "job": "j", "start": "2027-01-03T02:00:00Z", "end": "2027-01-03T01:00:00Z", "datacenter": "d", "accelerator": "H100 SXM", "count": 10, "utilization": 0.5})",
       "line 2: usage.end: after start"},
      {R"({"account": "a", "job": "j", "start": "2027-01-03T00:00:00Z", "end": "2027-01-03T01:00:00Z", "datacenter": "d", "accelerator": "H100 SXM", "count": 1.5, "utilization": 0.5})",
       "line 2: usage.count"},
      {R"({"account": "a", "job": "j", "start": "2027-01-03T00:00:00Z", "end": "2027-01-03T01:00:00Z", "datacenter": "d", "accelerator": "No Such Chip", "count": 1, "utilization": 0.5})",
       "line 2: usage.accelerator: unknown accelerator"},
      {R"({"acount": "a"})", "line 2: usage.acount: unknown key"},
      {"not json", "line 2: usage: not a JSON object"},
  };
  for (const Case& c : cases) {
    auto batch = Read(good + "\n" + c.line + "\n", UsageFormat::kJsonLines);
    ASSERT_FALSE(batch) << c.line;
    EXPECT_THAT(batch.error().message(), HasSubstr(c.message)) << c.line;
  }
  // Blank lines, CRLF ends and a last line without its end keep the line numbers right.
  const std::string bad_end =
      R"({"account": "a", "job": "j", "start": "2027-01-03T02:00:00Z", "end": "2027-01-03T01:00:00Z", "datacenter": "d", "accelerator": "H100 SXM", "count": 10, "utilization": 0.5})";
  auto numbered = Read(good + "\r\n\n  \r\n" + good + "\n" + bad_end, UsageFormat::kJsonLines);
  ASSERT_FALSE(numbered);
  EXPECT_THAT(numbered.error().message(), HasSubstr("line 5: usage.end: after start"));
  auto two = Read(good + "\n" + good + good + "\n", UsageFormat::kJsonLines);
  ASSERT_FALSE(two);
  EXPECT_THAT(two.error().message(), HasSubstr("line 2: usage: not a JSON object"));
  auto last = Read(good + "\r\n" + good, UsageFormat::kJsonLines);
  ASSERT_THAT(last, IsOk());
  EXPECT_EQ(last->records(), 2);
  auto csv = Read("account,job,when\n", UsageFormat::kCsv);
  ASSERT_FALSE(csv);
  EXPECT_THAT(csv.error().message(), HasSubstr("column 'when': unknown"));
}

}  // namespace
}  // namespace tg::kyc
