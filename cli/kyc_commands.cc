// A cloud provider's commands: customers (kyc customers add, list, show), usage (usage ingest)
// and the training runs it reports (kyc runs, kyc report).
#include <cstdio>
#include <memory>

#include "tierguard/api_json.h"

#include "app.h"
#include "output.h"

namespace tg::cli {

namespace {

constexpr const char* kKycFooter = R"(
Customers are JSON Lines of CIP records (../shared/spec/models-cloud.md): name, address,
country, accounts, payment means, emails, phones, IP addresses, beneficial owners, reseller.
Each customer and its owners are screened against the kept lists (alerts on hits, again at
every list update), and judged per regime for controlled compute. Customers sharing an owner,
a payment instrument, an email, a phone, an IP range or a reseller are linked: their jobs that
run at the same time in one datacenter are one training run.)";

constexpr const char* kUsageFooter = R"(
Usage records (JSON Lines, or CSV with the same column names): account, job, start, end (RFC
3339), datacenter, accelerator, count, and utilization or ops. They are kept as aggregates per
account, job, datacenter, accelerator and hour, counted at whole minutes: a record delivered
twice, or out of order, changes nothing. Runs reaching a regime's reporting threshold are
reported once, and updated as later usage changes them.)";

}  // namespace

void AddKycCommands(CLI::App& app, CommandTable& table) {
  CLI::App* kyc =
      app.add_subcommand("kyc", "cloud customers and training runs: customers runs report");
  kyc->require_subcommand(1);
  kyc->footer(kKycFooter);
  CLI::App* customers = kyc->add_subcommand("customers", "customers: add list show");
  customers->require_subcommand(1);

  auto file = std::make_shared<std::string>();
  CLI::App* add = customers->add_subcommand("add", "add or update customers from JSON Lines");
  add->add_option("file", *file, "customer records, JSON Lines (- for standard input)")->required();
  table.Add(
      add, Needs::kLedgerWrites,
      [file](const Context& c) {
        return WithInput("kyc customers add", *file, [&](Source& in) {
          return PrintEach("kyc customers add", c.session().AddCustomers(in));
        });
      },
      /*decides=*/true, /*screens=*/true);
  AddListing(customers, table, "list", "the customers on record", &Session::ListCustomers);
  auto id = std::make_shared<std::string>();
  CLI::App* show =
      customers->add_subcommand("show", "a customer, its linked customers and standing");
  show->add_option("id", *id, "the customer's id")->required();
  table.Add(
      show, Needs::kLedgerReads,
      [id](const Context& c) {
        return PrintRecord("kyc customers show", c.session().ShowCustomer(*id));
      },
      /*decides=*/true);

  struct Range {
    std::optional<Date> from, to;
  };
  auto range = std::make_shared<Range>();
  CLI::App* runs = kyc->add_subcommand("runs", "the training runs reported, JSON Lines");
  AddDate(runs, "--from", range->from, "runs that ended on or after this day");
  AddDate(runs, "--to", range->to, "runs that started on or before this day");
  table.Add(runs, Needs::kLedgerReads, [range](const Context& c) {
    auto all = c.session().TrainingRuns(range->from, range->to);
    if (!all) {
      return Refused("kyc runs", all.error());
    }
    for (const std::string& r : *all) {
      std::printf("%s\n", r.c_str());
    }
    return kExitOk;
  });
  auto run_id = std::make_shared<std::string>();
  CLI::App* report = kyc->add_subcommand("report", "the report of one training run");
  report->add_option("run", *run_id, "the run's id (RUN-…)")->required();
  table.Add(report, Needs::kLedgerReads, [run_id](const Context& c) {
    auto r = c.session().TrainingRunReport(*run_id);
    if (!r) {
      return Refused("kyc report", r.error());
    }
    std::printf("%s\n", r->c_str());
    return kExitOk;
  });

  CLI::App* usage = app.add_subcommand("usage", "cloud usage records: ingest");
  usage->require_subcommand(1);
  usage->footer(kUsageFooter);
  struct Ingest {
    std::string file;
    std::string format = "jsonl";
  };
  auto ingest = std::make_shared<Ingest>();
  CLI::App* ingest_cmd = usage->add_subcommand("ingest", "aggregate usage records and report runs");
  ingest_cmd->add_option("file", ingest->file, "usage records (- for standard input)")->required();
  AddText(ingest_cmd, "--format", ingest->format, "jsonl (default) or csv")->type_name("F");
  table.Add(
      ingest_cmd, Needs::kLedgerWrites,
      [ingest](const Context& c) {
        return WithInput("usage ingest", ingest->file, [&](Source& in) {
          return PrintRecord("usage ingest",
                             c.session().IngestUsage(in, ingest->format, ingest->file));
        });
      },
      /*decides=*/true);
  table.Require(ingest_cmd, Permission::kRecord);
}

}  // namespace tg::cli
