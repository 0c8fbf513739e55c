// tierguard: the command-line front end. Argument parsing and formatting only; every decision
// is made by tg::Engine.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <malloc.h>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <sys/ioctl.h>
#include <unistd.h>
#include <vector>

#include "tierguard/engine.h"
#include "tierguard/text.h"

#include "args.h"
#include "progress.h"
#include "screen_commands.h"

namespace {

using namespace tg::cli;  // NOLINT(google-build-using-namespace): the CLI's own helpers

// The time tests pin (TIERGUARD_NOW, unix seconds), read only by the tierguard-testing build:
// a release binary must not let an environment variable back-date its audit records.
std::optional<int64_t> TestNow() {
#ifdef TIERGUARD_TEST_CLOCK
  if (const char* now = std::getenv("TIERGUARD_NOW"); now != nullptr) {
    uint64_t seconds = 0;
    std::string error;
    if (WholeNumber(now, "TIERGUARD_NOW", seconds, error) && seconds <= INT64_MAX) {
      return static_cast<int64_t>(seconds);
    }
  }
#endif
  return std::nullopt;
}

constexpr const char* kMainHelp =
    R"(tierguard: export-control decisions for AI chips and model weights

usage: tierguard [--db PATH] [--data DIR] [--regimes DIR] [--as NAME] COMMAND [ARGS]
       tierguard --version

commands:
  classify    classify chips, HBM and model weights (ECCN 3A090.a/.b/.c, 4E091)
  determine   decide order lines: no licence, licence exception, licence required, prohibited
  regimes     list the regimes, or show one resolved on a date
  ship        decide and record order lines in the ledger (caps, licences consumed)
  reserve     decide and hold order lines; then commit ID or release ID
  commit      commit a held reservation as a shipment
  release     release a held reservation
  shipments   list the recorded shipments (by consignee, dates, page)
  reservation list the reservations (by state, consignee, dates, page)
  license     add | apply | submit | approve | deny | return | revoke | list | show | applications
  agreement   add | list government-to-government agreements
  veu         add | list Validated End-User authorisations
  nac         file | confirm | refuse | list License Exception NAC notifications
  party       add | link | show | list parties and party groups
  caps        usage and headroom of every cap on record
  check       verify that every counter equals the sum of its shipments and holds
  alerts      structuring alerts and new screening hits after a list update
  audit       keygen | checkpoint | prove | export | verify | cosign | replay (the signed log)
  screen      screen names against restricted-party list files (OFAC, CSL, UN, DPL, FtM)
  match       score pairs of names with the screening scorer
  lists       load | list | diff the lists kept in the ledger, which determine and ship screen
  hits        clear | list reviewers' clearances of screening hits

  --db PATH       the ledger, a SQLite file (default: $TIERGUARD_DB); ship, reserve and the
                  ledger commands need it; with it, determine counts the recorded history.
                  Commands that only read (determine, caps, check, alerts, audit, list and
                  show) refuse a ledger that does not exist rather than create an empty one
  --as NAME       who the audit log says acted (default: $TIERGUARD_ACTOR, else $USER)
  --format F      listings (caps, alerts, license list, agreement list, veu list, nac list,
                  party list, shipments list, reservation list, lists list, hits list,
                  hits open) as json (JSON Lines, the default), csv or table
  --data DIR      reference data (default: $TIERGUARD_HOME/data, else ./data)
  --regimes DIR   regime files (default: $TIERGUARD_HOME/regimes, else ./regimes)

The options above may come before or after the command, and as --db=PATH.
Run 'tierguard COMMAND --help' for a command's options.
exit codes: 0 all decided (or the command done); 1 some lines had errors, or the ledger refused
the command (nothing changed); 2 usage or set-up error
)";

constexpr const char* kReservationHelp = R"(usage: tierguard --db PATH commit RESERVATION_ID
       tierguard --db PATH release RESERVATION_ID
       tierguard --db PATH reservation list [--state held|committed|released|expired]
                 [--consignee ID] [--from DATE] [--to DATE] [--after ID] [--limit N]

commit   records a reservation held by `reserve` as a shipment: its caps, licence balances and
         NAC notifications are spent as reserved
release  gives a held reservation's headroom back; nothing is shipped
A reservation expires on its own after the hours `reserve --expires-in` gave it.
list     the reservations in id order (with --format json, csv or table); --after the last id
         of one page gives the next
)";

constexpr const char* kShipmentsHelp =
    R"(usage: tierguard --db PATH shipments list [--consignee ID] [--from DATE] [--to DATE]
                 [--after ID] [--limit N]
The recorded shipments in id order, one line each: id, date, consignee, its party group, when
it was recorded and the audit record that holds its decision (`audit prove ID`, `audit replay
INDEX`). Dates are the orders' dates, both ends included; --after the last id of one page
gives the next. --format json, csv or table.
)";

constexpr const char* kReportHelp = R"(usage: tierguard --db PATH caps
       tierguard --db PATH check
       tierguard --db PATH alerts

caps     every cap on record: its usage, its limit and the headroom left, one JSON line each
check    verifies that every counter of the ledger equals the sum of the shipments and holds
         behind it; exit code 1 and the differences when one does not
alerts   the structuring alerts (orders split to stay under a threshold) and the screening
         hits raised when a list changed or a party was added, one JSON line each
)";

constexpr const char* kShipHelp = R"(usage: tierguard --db PATH ship [--batch N] [--summary] [FILE…]
       tierguard --db PATH reserve [--expires-in HOURS] [--summary] [FILE…]

Reads requests like `determine` (each needs an "id") and decides them against the recorded
history. ship records every allowed line as a shipment: its caps and licence balances are
consumed in the same transaction. reserve holds them instead, until `commit ID`, `release ID`
or expiry (default 72 hours). Each batch of N lines (default 1000) is one transaction, committed
before its decisions are printed, so every printed decision is on disk. Decisions carry
"recorded" (or "reserved"): true|false. An id already recorded is not recorded again: its
recorded decision comes back with "duplicate": true. A request may name the licence it ships
under ("license": "NUMBER"); an unknown, expired, mismatched or exhausted licence is an error.
)";

constexpr const char* kLicenseHelp = R"(usage: tierguard --db PATH license COMMAND
  add --number N --eccn E[,E…] --destination CC [--consignee ID] [--regime ID]
      [--quantity Q] [--value USD] [--tpp T] --from DATE --to DATE [--conditions TEXT]
  apply --requester WHO --eccn E[,E…] --destination CC [--consignee ID] [--regime ID]
      [--quantity Q] [--value USD] [--tpp T] --to DATE [--id ID] [--draft]
  submit ID
  approve ID --approver WHO [--number N] [--from DATE]   (the approver may not be the requester)
  deny ID --approver WHO --reason TEXT
  return ID --approver WHO --reason TEXT                  (returned without action)
  revoke NUMBER --reason TEXT     (no later order is licensed under it; what shipped stays)
  list | show NUMBER | applications
)";

constexpr const char* kAgreementHelp =
    R"(usage: tierguard --db PATH agreement add --id ID --country CC --cap CAP --increase F
                                        --from DATE [--to DATE] --citation TEXT
       tierguard --db PATH agreement list
A government-to-government agreement raises a cap (e.g. country_allocation) for one country by
the fraction F (1.0 doubles it), within the maximum the regime allows.
)";

constexpr const char* kNacHelp =
    R"(usage: tierguard --db PATH nac file --id ID --party PARTY_ID --destination CC --filed DATE
                                  [--quantity Q] [--value USD]
       tierguard --db PATH nac confirm ID --confirmation NUMBER --date DATE
       tierguard --db PATH nac refuse ID --date DATE
       tierguard --db PATH nac list
A License Exception NAC notification (15 CFR 740.8(a)(2)) is filed in SNAP-R at least 25 days
before export and covers shipments to one party up to the notified quantity and value. ship
records a NAC line only against a notification on record naming its consignee or end user
(in that party's country) that BIS confirmed and that was filed 25 days before the line's date; otherwise the line needs a
licence, and the decision says which notification is missing and from when one could serve.
)";

constexpr const char* kVeuHelp =
    R"(usage: tierguard --db PATH veu add --id ID --kind national|universal --holder CONSIGNEE_ID
                                  --headquarters CC [--parent-headquarters CC]
                                  --eccn E[,E…] --from DATE [--to DATE] [--regime ID]
                                  [--country CC [--limit-tpp T]]          (national)
                                  [--total-tpp T [--tier2-share F] [--country-share F]]  (universal)
                                  [--location "CC: NAME"]…
       tierguard --db PATH veu list
The VEU is checked against the Data Center VEU rules of --regime (else the regime in force on
--from): no data centre in Macau or D:5; a universal holder headquartered, with its ultimate
parent, in the US or Supp. 5(a); a national holder not headquartered in Macau or D:5.
A shipment to the holder is licensed under the VEU while it fits: a national VEU's ceiling in
its country (the regime's quarterly schedule, or --limit-tpp if lower); a universal VEU's shares
of the holder's installed base in Tier 2 (the regime's maxima, or lower shares given here).
Macau and D:5 are never covered.
)";

constexpr const char* kAuditHelp = R"(usage:
  tierguard audit keygen --name ORIGIN --out PREFIX      writes PREFIX.key (mode 0600), PREFIX.pub
  tierguard --db DB audit checkpoint --key PREFIX.key    prints the signed checkpoint
  tierguard --db DB audit prove --id REQUEST_ID [--key PREFIX.key]
                                                         inclusion proof (C2SP tlog-proof)
  tierguard --db DB audit export --key PREFIX.key [--from N] [--to M] OUT
                                                         writes a bundle folder OUT
  tierguard audit verify OUT --pub PREFIX.pub [--pub WITNESS.pub] [--since OLD_CHECKPOINT]
                                  [--reconcile]          (the first --pub is the log's key)
  tierguard audit cosign CHECKPOINT_FILE --pub PREFIX.pub --key AUDITOR.key
                                                         checks the log's signature, then cosigns
  tierguard --db DB audit replay N                       re-run logged decision N, compare bytes
Every decision and state change is a record in a Merkle tree (RFC 6962); checkpoints are C2SP
signed notes (Ed25519). verify needs only the bundle and public keys; it exits 0 when every
record hashes into the signed root (and, with --since, the old tree is a prefix of the new), and
otherwise 1, naming the first record, proof or signature that fails. With --reconcile (a bundle
from record 0) it also rebuilds every cap and licence balance from the records and reports any
driven past its limit, or any decision whose usage the records before it do not add up to.
)";

constexpr const char* kPartyHelp =
    R"(usage: tierguard --db PATH party add --id ID --name NAME --country CC [--address TEXT]
                                    [--owner NAME]…
       tierguard --db PATH party link FROM TO --kind owns|shares_address|shares_owner [--share S]
       tierguard --db PATH party show ID
       tierguard --db PATH party list [--format json|csv|table]
Linked parties, and parties with the same address or beneficial owner, form one party group;
caps defined "per: group" and the structuring detector count the group together.
)";

constexpr const char* kClassifyHelp =
    R"(usage: tierguard classify [--as-of DATE] [--regime ID] [--part NAME | FILE…]

Reads items as a JSON array or JSON Lines (FILE, or stdin), each like
  {"part": "H100 SXM"}  or  {"chip": {"name": "x", "tpp": 5000, "die_area_mm2": 600}}
  or {"model": {"name": "m", "training_ops": 3e26, "published": false}}
and writes one JSON object per item: name, eccn, paragraph, tpp, performance_density,
datacenter, classification (version id).

  --as-of DATE   classification version in force on DATE (default: today)
  --regime ID    use the classification versions and model threshold the regime pins
  --part NAME    classify one catalog part (data/chips.csv) instead of reading input
)";

constexpr const char* kDetermineHelp =
    R"(usage: tierguard determine [--summary] [--output FILE] [FILE…]

Reads requests (one JSON object, a JSON array, or JSON Lines; the FILEs one after another, their
lines numbered as one stream, or stdin) and writes one JSON
decision per request, one per line, in input order. The batch is a what-if over the whole
book: an allowed line counts against the caps for the lines after it; nothing is recorded.
A line that cannot be decided gets {"id": ..., "error": {"code", "message"}} naming the line and
field; the other lines are still decided and the command exits 1.

  --summary       print a readable summary (by outcome, regime, authorization) to stderr
  --output FILE   write decisions to FILE instead of stdout
)";

constexpr const char* kRegimesHelp = R"(usage: tierguard regimes [list]
       tierguard regimes show ID [--as-of DATE]
       tierguard regimes for DATE

list   every regime with its status, effective period and content hash
show   one regime resolved on DATE (default: today): tiers and sets expanded to countries,
       every requirement, exception, policy and cap with its citation
for    the regime chosen by date for DATE
)";

int Classify(const tg::Engine& engine, const std::vector<std::string>& argv) {
  Args a;
  std::string error;
  if (!ParseArgs(argv, {"--as-of", "--regime", "--part"}, {}, a, error)) {
    return Fail("classify: " + error + " (see --help)");
  }
  auto as_of = tg::Date::Parse(a.options.count("--as-of") ? a.options["--as-of"] : Today());
  if (!as_of) {
    return Fail("classify: --as-of: " + as_of.error().message());
  }
  const std::string regime = a.options.count("--regime") ? a.options["--regime"] : "";
  if (a.options.count("--part")) {
    auto out = engine.ClassifyPart(a.options["--part"], *as_of, regime);
    if (!out) {
      std::fprintf(stderr, "tierguard: classify: %s\n", out.error().message().c_str());
      return kExitLineErrors;
    }
    std::printf("%s\n", out->c_str());
    return kExitOk;
  }
  std::unique_ptr<tg::Source> in = OpenInput(a, error);
  if (in == nullptr) {
    return Fail("classify: " + error);
  }
  auto stats = engine.ClassifyStream(*in, StandardOutput(), *as_of, regime);
  if (!stats) {
    return Fail("classify: " + stats.error().message());
  }
  return stats->errors > 0 ? kExitLineErrors : kExitOk;
}

int Determine(const tg::Engine& engine, const std::vector<std::string>& argv) {
  Args a;
  std::string error;
  if (!ParseArgs(argv, {"--output"}, {"--summary"}, a, error)) {
    return Fail("determine: " + error + " (see --help)");
  }
  std::unique_ptr<tg::Source> in = OpenInput(a, error);
  if (in == nullptr) {
    return Fail("determine: " + error);
  }
  std::unique_ptr<tg::FileSink> output;
  if (a.options.count("--output")) {
    auto created = tg::FileSink::Create(a.options["--output"]);
    if (!created) {
      return Fail("determine: " + created.error().message());
    }
    output = std::move(*created);
  }
  const auto start = std::chrono::steady_clock::now();
  ProgressLine progress("decided");
  auto stats =
      engine.DetermineStream(*in, output != nullptr ? *output : StandardOutput(), progress.Fn());
  progress.Finish();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (output != nullptr) {
    if (const tg::Status closed = output->Close(); !closed.ok() && stats) {
      stats = closed;
    }
  }
  if (!stats) {
    return Fail("determine: " + stats.error().message());
  }
  if (HasFlag(a, "--summary")) {
    std::fprintf(stderr, "\ndecided %lld order lines in %.3f s (%lld with errors)\n\n",
                 static_cast<long long>(stats->lines), secs, static_cast<long long>(stats->errors));
    PrintCounts("by outcome:", stats->by_outcome);
    PrintCounts("by regime:", stats->by_regime);
    PrintCounts("by authorization (licence exceptions):", stats->by_authorization);
  }
  return stats->errors > 0 ? kExitLineErrors : kExitOk;
}

int Regimes(const tg::Engine& engine, const std::vector<std::string>& argv) {
  Args a;
  std::string error;
  if (!ParseArgs(argv, {"--as-of"}, {}, a, error)) {
    return Fail("regimes: " + error + " (see --help)");
  }
  const std::string verb = a.positional.empty() ? "list" : a.positional[0];
  if (verb == "list") {
    auto row = [](std::string_view id, std::string_view status, std::string_view effective,
                  std::string_view chosen, std::string_view title) {
      std::printf("%s %s %s %s %.*s\n", PadRight(id, 36).c_str(), PadRight(status, 15).c_str(),
                  PadRight(effective, 26).c_str(), PadRight(chosen, 8).c_str(),
                  static_cast<int>(title.size()), title.data());
    };
    row("id", "status", "effective", "chosen", "title");
    for (const auto& r : engine.Regimes()) {
      row(r.id, r.status, r.effective, r.select_by_date ? "by date" : "by name", r.title);
    }
    return kExitOk;
  }
  if (verb == "show") {
    if (a.positional.size() != 2) {
      return Fail("regimes show: needs one regime id (see 'tierguard regimes list')");
    }
    auto as_of = tg::Date::Parse(a.options.count("--as-of") ? a.options["--as-of"] : Today());
    if (!as_of) {
      return Fail("regimes show: --as-of: " + as_of.error().message());
    }
    auto text = engine.ShowRegime(a.positional[1], *as_of);
    if (!text) {
      return Fail("regimes show: " + text.error().message());
    }
    std::fputs(text->c_str(), stdout);
    return kExitOk;
  }
  if (verb == "for") {
    if (a.positional.size() != 2) {
      return Fail("regimes for: needs a date");
    }
    auto date = tg::Date::Parse(a.positional[1]);
    if (!date) {
      return Fail("regimes for: " + date.error().message());
    }
    auto id = engine.RegimeForDate(*date);
    if (!id) {
      return Fail("regimes for: " + id.error().message());
    }
    std::printf("%s\n", id->c_str());
    return kExitOk;
  }
  return Fail("regimes: unknown verb '" + verb + "' (list, show, for)");
}

int Ship(const tg::Session& session, const std::vector<std::string>& argv, bool reserve) {
  Args a;
  std::string error;
  const char* name = reserve ? "reserve" : "ship";
  if (!ParseArgs(argv, {"--batch", "--expires-in"}, {"--summary"}, a, error)) {
    return Fail(std::string(name) + ": " + error + " (see --help)");
  }
  tg::ShipOptions options;
  double batch = 1000;
  double hours = 72;
  if (!NumberOpt(a, "--batch", batch, error) || !NumberOpt(a, "--expires-in", hours, error)) {
    return Fail(std::string(name) + ": " + error);
  }
  if (batch < 1 || batch > 1e6) {
    return Fail(std::string(name) + ": --batch: between 1 and 1000000");
  }
  constexpr double kMaxHoldHours = 876'600;  // 100 years of 365.25 days
  if (hours > kMaxHoldHours) {
    return Fail(std::string(name) + ": --expires-in: at most 876,600 hours (100 years)");
  }
  options.batch_size = static_cast<size_t>(batch);
  options.reserve = reserve;
  const tg::SystemClock system;
  options.expires_at = TestNow().value_or(system.NowUnix()) + static_cast<int64_t>(hours * 3600);
  std::unique_ptr<tg::Source> in = OpenInput(a, error);
  if (in == nullptr) {
    return Fail(std::string(name) + ": " + error);
  }
  const auto start = std::chrono::steady_clock::now();
  ProgressLine progress(reserve ? "decided and held" : "decided and recorded");
  auto stats = session.ShipStream(*in, StandardOutput(), options, progress.Fn());
  progress.Finish();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!stats) {
    return Fail(std::string(name) + ": " + stats.error().message());
  }
  if (HasFlag(a, "--summary")) {
    std::fprintf(stderr, "\n%s: %lld order lines in %.3f s (%lld with errors)\n\n", name,
                 static_cast<long long>(stats->lines), secs, static_cast<long long>(stats->errors));
    PrintCounts("by outcome (allowed outcomes are recorded):", stats->by_outcome);
  }
  return stats->errors > 0 ? kExitLineErrors : kExitOk;
}

int Reservation(const tg::Session& session, const std::vector<std::string>& argv, bool commit) {
  const char* name = commit ? "commit" : "release";
  if (argv.size() != 1) {
    return Fail(std::string(name) + ": needs one reservation id");
  }
  tg::Status s = commit ? session.CommitReservation(argv[0]) : session.ReleaseReservation(argv[0]);
  if (!s.ok()) {
    return Refused(name, s);
  }
  std::printf("%s %s\n", commit ? "committed" : "released", argv[0].c_str());
  return kExitOk;
}

// `shipments list` and `reservation list`, with their filters and paging.
int Movements(const tg::Session& session, const std::vector<std::string>& argv, bool reservations) {
  const std::string name = reservations ? "reservation" : "shipments";
  Args a;
  std::string error;
  std::vector<std::string> options = {"--consignee", "--from", "--to", "--after", "--limit"};
  if (reservations) {
    options.push_back("--state");
  }
  if (!ParseArgs(argv, options, {}, a, error)) {
    return Fail(name + ": " + error + " (see " + name + " --help)");
  }
  if (a.positional.size() != 1 || a.positional[0] != "list") {
    return Fail(name + ": the command is '" + name + " list' (see " + name + " --help)");
  }
  tg::MovementFilter filter{.reservations = reservations,
                            .consignee = Opt(a, "--consignee"),
                            .state = Opt(a, "--state"),
                            .after = Opt(a, "--after")};
  tg::Date from = tg::Date::Min();
  tg::Date to = tg::Date::Min();
  uint64_t limit = 0;
  if (!DateOpt(a, "--from", from, error) || !DateOpt(a, "--to", to, error) ||
      !IndexOpt(a, "--limit", limit, error)) {
    return Fail(name + " list: " + error);
  }
  if (!Opt(a, "--from").empty()) {
    filter.from = from;
  }
  if (!Opt(a, "--to").empty()) {
    filter.to = to;
  }
  filter.limit = static_cast<size_t>(limit);
  return PrintList(name + " list", session.ListMovements(filter));
}

int License(const tg::Session& session, const std::vector<std::string>& argv) {
  Args a;
  std::string error;
  if (!ParseArgs(argv,
                 {"--number", "--eccn", "--destination", "--consignee", "--regime", "--quantity",
                  "--value", "--tpp", "--from", "--to", "--conditions", "--requester", "--id",
                  "--approver", "--reason"},
                 {"--draft"}, a, error)) {
    return Fail("license: " + error + " (see license --help)");
  }
  const std::string verb = a.positional.empty() ? "" : a.positional[0];
  auto fail = [&](const std::string& e) { return Fail("license " + verb + ": " + e); };
  if (verb == "add" || verb == "apply") {
    int64_t quantity = 0;
    double value = 0;
    double tpp = 0;
    tg::Date from = tg::Date::Min();
    tg::Date to;
    tg::Country destination;
    const bool add = verb == "add";
    if (!Need(a, {"--eccn", "--destination", "--to"}, error) ||
        (add && !Need(a, {"--number", "--from"}, error)) ||
        (!add && !Need(a, {"--requester"}, error)) || !UnitsOpt(a, "--quantity", quantity, error) ||
        !NumberOpt(a, "--value", value, error) || !NumberOpt(a, "--tpp", tpp, error) ||
        !DateOpt(a, "--from", from, error) || !DateOpt(a, "--to", to, error) ||
        !CountryOpt(session.engine(), a, "--destination", destination, error)) {
      return fail(error);
    }
    if (add) {
      tg::License l;
      l.number = Opt(a, "--number");
      l.regime = Opt(a, "--regime");
      l.eccns = Split(Opt(a, "--eccn"));
      l.destination = destination;
      l.consignee = Opt(a, "--consignee");
      l.quantity_limit = quantity;
      l.value_limit_usd = value;
      l.tpp_limit = tpp;
      l.valid_from = from;
      l.valid_to = to;
      l.conditions = Opt(a, "--conditions");
      tg::Status s = session.AddLicense(l);
      if (!s.ok()) {
        return Refused("license add", s);
      }
      std::printf("added licence %s\n", l.number.c_str());
      return kExitOk;
    }
    tg::LicenseApplication app;
    app.id = Opt(a, "--id");
    app.requester = Opt(a, "--requester");
    app.regime = Opt(a, "--regime");
    app.eccns = Split(Opt(a, "--eccn"));
    app.destination = destination;
    app.consignee = Opt(a, "--consignee");
    app.quantity = quantity;
    app.value_usd = value;
    app.tpp = tpp;
    app.valid_to = to;
    auto id = session.ApplyForLicense(app, !HasFlag(a, "--draft"));
    if (!id) {
      return Refused("license apply", id.error());
    }
    std::printf("%s\n", id->c_str());
    return kExitOk;
  }
  if (verb == "submit" || verb == "approve" || verb == "deny" || verb == "return") {
    if (a.positional.size() != 2) {
      return fail("needs one application id");
    }
    const std::string& id = a.positional[1];
    if (verb == "submit") {
      tg::Status s = session.SubmitApplication(id);
      return s.ok() ? (std::printf("submitted %s\n", id.c_str()), kExitOk)
                    : Refused("license submit", s);
    }
    if (!Need(a, {"--approver"}, error)) {
      return fail(error);
    }
    if (verb == "approve") {
      tg::Date from = tg::Date::Parse(Today()).value();
      if (!DateOpt(a, "--from", from, error)) {
        return fail(error);
      }
      auto number = session.ApproveApplication(id, Opt(a, "--approver"), Opt(a, "--number"), from);
      if (!number) {
        return Refused("license approve", number.error());
      }
      std::printf("approved %s: licence %s\n", id.c_str(), number->c_str());
      return kExitOk;
    }
    if (!Need(a, {"--reason"}, error)) {
      return fail(error);
    }
    tg::Status s = verb == "deny"
                       ? session.DenyApplication(id, Opt(a, "--approver"), Opt(a, "--reason"))
                       : session.ReturnApplication(id, Opt(a, "--approver"), Opt(a, "--reason"));
    if (!s.ok()) {
      return Refused("license " + verb, s);
    }
    std::printf("%s %s\n", verb == "deny" ? "denied" : "returned", id.c_str());
    return kExitOk;
  }
  if (verb == "revoke") {
    if (a.positional.size() != 2) {
      return fail("needs one licence number");
    }
    if (!Need(a, {"--reason"}, error)) {
      return fail(error);
    }
    tg::Status s = session.RevokeLicense(a.positional[1], Opt(a, "--reason"));
    if (!s.ok()) {
      return Refused("license revoke", s);
    }
    std::printf("revoked licence %s\n", a.positional[1].c_str());
    return kExitOk;
  }
  if (verb == "list" || verb == "applications") {
    return PrintList("license " + verb,
                     verb == "list" ? session.ListLicenses() : session.ListApplications());
  }
  if (verb == "show") {
    if (a.positional.size() != 2) {
      return fail("needs a licence number");
    }
    auto json = session.ShowLicense(a.positional[1]);
    if (!json) {
      return Refused("license show", json.error());
    }
    std::printf("%s\n", json->c_str());
    return kExitOk;
  }
  return Fail("license: unknown command '" + verb + "' (see license --help)");
}

int AgreementCmd(const tg::Session& session, const std::vector<std::string>& argv) {
  Args a;
  std::string error;
  if (!ParseArgs(argv, {"--id", "--country", "--cap", "--increase", "--from", "--to", "--citation"},
                 {}, a, error)) {
    return Fail("agreement: " + error);
  }
  const std::string verb = a.positional.empty() ? "" : a.positional[0];
  if (verb == "list") {
    return PrintList("agreement list", session.ListAgreements());
  }
  if (verb != "add") {
    return Fail("agreement: unknown command '" + verb + "' (add, list)");
  }
  tg::Agreement ag;
  double increase = 0;
  if (!Need(a, {"--id", "--country", "--cap", "--increase", "--from", "--citation"}, error) ||
      !NumberOpt(a, "--increase", increase, error) || !DateOpt(a, "--from", ag.from, error) ||
      !DateOpt(a, "--to", ag.to, error) ||
      !CountryOpt(session.engine(), a, "--country", ag.country, error)) {
    return Fail("agreement add: " + error);
  }
  ag.id = Opt(a, "--id");
  ag.cap = Opt(a, "--cap");
  ag.increase = increase;
  ag.citation = Opt(a, "--citation");
  tg::Status s = session.AddAgreement(ag);
  if (!s.ok()) {
    return Refused("agreement add", s);
  }
  std::printf("added agreement %s\n", ag.id.c_str());
  return kExitOk;
}

int NacCmd(const tg::Session& session, const std::vector<std::string>& argv) {
  Args a;
  std::string error;
  if (!ParseArgs(argv,
                 {"--id", "--party", "--destination", "--filed", "--quantity", "--value",
                  "--confirmation", "--date"},
                 {}, a, error)) {
    return Fail("nac: " + error);
  }
  const std::string verb = a.positional.empty() ? "" : a.positional[0];
  if (verb == "list") {
    return PrintList("nac list", session.ListNotifications());
  }
  if (verb == "confirm" || verb == "refuse") {
    tg::Date date;
    if (a.positional.size() != 2) {
      return Fail("nac " + verb + ": give the notification's id (nac " + verb + " ID ...)");
    }
    if (!Need(a, {"--date"}, error) || (verb == "confirm" && !Need(a, {"--confirmation"}, error)) ||
        !DateOpt(a, "--date", date, error)) {
      return Fail("nac " + verb + ": " + error);
    }
    const std::string& id = a.positional[1];
    tg::Status s = verb == "confirm"
                       ? session.ConfirmNotification(id, Opt(a, "--confirmation"), date)
                       : session.RefuseNotification(id, date);
    if (!s.ok()) {
      return Refused("nac " + verb, s);
    }
    std::printf("%s notification %s\n", verb == "confirm" ? "confirmed" : "refused", id.c_str());
    return kExitOk;
  }
  if (verb != "file") {
    return Fail("nac: unknown command '" + verb + "' (file, confirm, refuse, list)");
  }
  tg::Notification n;
  if (!Need(a, {"--id", "--party", "--destination", "--filed"}, error) ||
      !UnitsOpt(a, "--quantity", n.quantity_limit, error) ||
      !NumberOpt(a, "--value", n.value_limit_usd, error) ||
      !DateOpt(a, "--filed", n.filed, error) ||
      !CountryOpt(session.engine(), a, "--destination", n.destination, error)) {
    return Fail("nac file: " + error);
  }
  n.id = Opt(a, "--id");
  n.party = Opt(a, "--party");
  tg::Status s = session.FileNotification(n);
  if (!s.ok()) {
    return Refused("nac file", s);
  }
  std::printf("filed notification %s\n", n.id.c_str());
  return kExitOk;
}

int VeuCmd(const tg::Session& session, const std::vector<std::string>& argv) {
  Args a;
  std::string error;
  if (!ParseArgs(argv,
                 {"--id", "--kind", "--holder", "--eccn", "--from", "--to", "--regime", "--country",
                  "--limit-tpp", "--total-tpp", "--tier2-share", "--country-share",
                  "--headquarters", "--parent-headquarters"},
                 {}, a, error, {"--location"})) {
    return Fail("veu: " + error);
  }
  const std::string verb = a.positional.empty() ? "" : a.positional[0];
  if (verb == "list") {
    return PrintList("veu list", session.ListVeus());
  }
  if (verb != "add") {
    return Fail("veu: unknown command '" + verb + "' (add, list)");
  }
  tg::Veu v;
  if (!Need(a, {"--id", "--kind", "--holder", "--eccn", "--from"}, error) ||
      !NumberOpt(a, "--limit-tpp", v.limit_tpp, error) ||
      !NumberOpt(a, "--total-tpp", v.total_tpp, error) ||
      !NumberOpt(a, "--tier2-share", v.tier2_share, error) ||
      !NumberOpt(a, "--country-share", v.country_share, error) ||
      !DateOpt(a, "--from", v.valid_from, error) || !DateOpt(a, "--to", v.valid_to, error) ||
      (!Opt(a, "--country").empty() &&
       !CountryOpt(session.engine(), a, "--country", v.country, error)) ||
      (!Opt(a, "--headquarters").empty() &&
       !CountryOpt(session.engine(), a, "--headquarters", v.headquarters, error)) ||
      (!Opt(a, "--parent-headquarters").empty() &&
       !CountryOpt(session.engine(), a, "--parent-headquarters", v.parent_headquarters, error))) {
    return Fail("veu add: " + error);
  }
  v.id = Opt(a, "--id");
  v.kind = Opt(a, "--kind");
  v.holder = Opt(a, "--holder");
  v.regime = Opt(a, "--regime");
  v.eccns = Split(Opt(a, "--eccn"));
  v.locations = a.repeated["--location"];
  tg::Status s = session.AddVeu(v);
  if (!s.ok()) {
    return Refused("veu add", s);
  }
  std::printf("added VEU %s\n", v.id.c_str());
  return kExitOk;
}

int PartyCmd(const tg::Session& session, const std::vector<std::string>& argv) {
  Args a;
  std::string error;
  if (!ParseArgs(argv, {"--id", "--name", "--country", "--address", "--kind", "--share"}, {}, a,
                 error, {"--owner"})) {
    return Fail("party: " + error);
  }
  const std::string verb = a.positional.empty() ? "" : a.positional[0];
  if (verb == "add") {
    tg::PartyRecord p;
    if (!Need(a, {"--id", "--country"}, error) ||
        !CountryOpt(session.engine(), a, "--country", p.country, error)) {
      return Fail("party add: " + error);
    }
    p.id = Opt(a, "--id");
    p.name = Opt(a, "--name");
    p.address = Opt(a, "--address");
    p.beneficial_owners = a.repeated["--owner"];
    auto alerts = session.AddParty(p);
    if (!alerts) {
      return Refused("party add", alerts.error());
    }
    std::printf("added party %s", p.id.c_str());
    if (*alerts > 0) {
      std::printf(
          "; screened against the kept lists: %lld hit%s raised an alert (tierguard "
          "alerts, tierguard hits open)",
          static_cast<long long>(*alerts), *alerts == 1 ? "" : "s");
    }
    std::printf("\n");
    return kExitOk;
  }
  if (verb == "link") {
    double share = 0;
    if (a.positional.size() != 3 || !Need(a, {"--kind"}, error) ||
        !NumberOpt(a, "--share", share, error)) {
      return Fail("party link: " +
                  (error.empty() ? std::string("needs FROM TO --kind KIND") : error));
    }
    tg::PartyLink link{a.positional[1], a.positional[2], Opt(a, "--kind"), share};
    tg::Status s = session.LinkParties(link);
    return s.ok() ? (std::printf("linked %s -> %s\n", link.from.c_str(), link.to.c_str()), kExitOk)
                  : Refused("party link", s);
  }
  if (verb == "show") {
    if (a.positional.size() != 2) {
      return Fail("party show: needs a party id");
    }
    auto json = session.ShowParty(a.positional[1]);
    if (!json) {
      return Refused("party show", json.error());
    }
    std::printf("%s\n", json->c_str());
    return kExitOk;
  }
  if (verb == "list") {
    if (a.positional.size() != 1) {
      return Fail("party list: takes no arguments, got '" + a.positional[1] + "'");
    }
    return PrintList("party list", session.ListParties());
  }
  return Fail("party: unknown command '" + verb + "' (add, link, show, list)");
}

std::string ReadText(const std::string& path, std::string& error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    error = path + ": " + std::strerror(errno);
    return {};
  }
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) {
    out.append(buf, n);
  }
  std::fclose(f);
  return out;
}

// Creates `path` (which must not exist, and is not followed if it is a link) holding `text`.
bool WriteNewFile(const std::string& path, const std::string& text, mode_t mode,
                  std::string& error) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) {
    error = path + ": " + std::strerror(errno);
    return false;
  }
  const bool wrote = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!wrote || !synced) {
    error = path + ": cannot write";
    ::unlink(path.c_str());
    return false;
  }
  return true;
}

// The audit commands that need no ledger and no reference data: an auditor runs them on a
// machine with nothing but the bundle and the public keys.
int AuditOffline(const std::vector<std::string>& argv) {
  Args a;
  std::string error;
  if (!ParseArgs(argv, {"--name", "--out", "--since", "--key"}, {"--reconcile"}, a, error,
                 {"--pub"})) {
    return Fail("audit: " + error);
  }
  const std::string verb = a.positional[0];
  if (verb == "keygen") {
    if (!Need(a, {"--name", "--out"}, error)) {
      return Fail("audit keygen: " + error);
    }
    auto keys = tg::GenerateAuditKey(Opt(a, "--name"));
    if (!keys) {
      return Fail("audit keygen: --name: " + keys.error().message());
    }
    // Both files are new ones: never through a planted link, never over an existing key.
    const std::string prefix = Opt(a, "--out");
    if (!WriteNewFile(prefix + ".key", keys->private_key + "\n", 0600, error)) {
      return Fail("audit keygen: " + error);
    }
    if (!WriteNewFile(prefix + ".pub", keys->verifier + "\n", 0644, error)) {
      ::unlink((prefix + ".key").c_str());  // no half pair left behind
      return Fail("audit keygen: " + error);
    }
    std::printf("%s\n", keys->verifier.c_str());
    return kExitOk;
  }
  if (verb == "cosign") {
    const std::vector<std::string>& logs = a.repeated["--pub"];
    if (a.positional.size() != 2 || !Need(a, {"--key"}, error) || logs.size() != 1) {
      return Fail("audit cosign: needs CHECKPOINT_FILE --pub LOG.pub --key AUDITOR.key");
    }
    const std::string note = ReadText(a.positional[1], error);
    const std::string key = ReadText(Opt(a, "--key"), error);
    const std::string log = ReadText(logs.front(), error);
    if (!error.empty()) {
      return Fail("audit cosign: " + error);
    }
    auto signed_note =
        tg::CosignCheckpoint(note, log.substr(0, log.find('\n')), key.substr(0, key.find('\n')));
    if (!signed_note) {
      return Refused("audit cosign", signed_note.error());
    }
    std::fputs(signed_note->c_str(), stdout);
    return kExitOk;
  }
  // verify
  const std::vector<std::string>& pubs = a.repeated["--pub"];
  if (a.positional.size() != 2 || pubs.empty()) {
    return Fail("audit verify: needs BUNDLE --pub PREFIX.pub");
  }
  std::vector<std::string> verifiers;
  for (const std::string& p : pubs) {
    std::string v = ReadText(p, error);
    if (!error.empty()) {
      return Fail("audit verify: " + error);
    }
    verifiers.push_back(v.substr(0, v.find('\n')));
  }
  std::string since;
  if (!Opt(a, "--since").empty()) {
    since = ReadText(Opt(a, "--since"), error);
    if (!error.empty()) {
      return Fail("audit verify: " + error);
    }
  }
  auto report = tg::VerifyAuditBundle(a.positional[1], verifiers, since);
  if (!report) {
    std::printf("FAILED: %s\n", report.error().message().c_str());
    return kExitLineErrors;
  }
  std::printf("verified: %s, records %llu to %llu, root %s%s\n", report->origin.c_str(),
              static_cast<unsigned long long>(report->from),
              static_cast<unsigned long long>(report->size), report->root_hex.c_str(),
              since.empty() ? "" : "; the --since checkpoint is a prefix");
  // Who got what: every request the bundle's records decided, with its recipients.
  for (const std::string& lost : report->lost_requests) {
    std::printf("MISSING: %s\n", lost.c_str());
  }
  for (const tg::BundleRecipient& r : report->recipients) {
    std::printf("record %llu %s %s: consignee %s%s%s: %s%s%s\n",
                static_cast<unsigned long long>(r.index), r.kind.c_str(), r.id.c_str(),
                r.consignee.c_str(), r.end_user.empty() ? "" : ", end user ", r.end_user.c_str(),
                r.outcome.c_str(), r.authorization.empty() ? "" : " ", r.authorization.c_str());
  }
  const int verified = report->lost_requests.empty() ? kExitOk : kExitLineErrors;
  if (!HasFlag(a, "--reconcile")) {
    return verified;
  }
  auto balances = tg::ReconcileAuditBundle(a.positional[1]);
  if (!balances) {
    std::printf("FAILED: %s\n", balances.error().message().c_str());
    return kExitLineErrors;
  }
  for (const std::string& f : balances->findings) {
    std::printf("FINDING: %s\n", f.c_str());
  }
  if (balances->findings_count > balances->findings.size()) {
    std::printf(
        "FINDING: … and %llu more\n",
        static_cast<unsigned long long>(balances->findings_count - balances->findings.size()));
  }
  std::printf("reconciled: %llu records, %llu counters: %s\n",
              static_cast<unsigned long long>(balances->records),
              static_cast<unsigned long long>(balances->counters),
              balances->findings_count == 0 ? "every balance within its limit, every decision "
                                              "consistent with the records before it"
                                            : "FINDINGS");
  return balances->findings_count == 0 ? verified : kExitLineErrors;
}

int Audit(const tg::Session& session, const std::vector<std::string>& argv) {
  Args a;
  std::string error;
  if (!ParseArgs(argv, {"--key", "--id", "--from", "--to"}, {}, a, error)) {
    return Fail("audit: " + error);
  }
  const std::string verb = a.positional.empty() ? "" : a.positional[0];
  std::string key;
  if (!Opt(a, "--key").empty()) {
    key = ReadText(Opt(a, "--key"), error);
    if (!error.empty()) {
      return Fail("audit " + verb + ": --key: " + error);
    }
    key = key.substr(0, key.find('\n'));
  }
  if (verb == "checkpoint") {
    if (key.empty()) {
      return Fail("audit checkpoint: --key is required");
    }
    auto note = session.AuditCheckpoint(key);
    if (!note) {
      return Refused("audit checkpoint", note.error());
    }
    std::fputs(note->c_str(), stdout);
    return kExitOk;
  }
  if (verb == "prove") {
    if (!Need(a, {"--id"}, error)) {
      return Fail("audit prove: " + error);
    }
    auto proof = session.AuditProve(Opt(a, "--id"), key);
    if (!proof) {
      return Refused("audit prove", proof.error());
    }
    std::fputs(proof->c_str(), stdout);
    return kExitOk;
  }
  if (verb == "export") {
    uint64_t from = 0;
    uint64_t to = 0;
    if (key.empty() || a.positional.size() != 2 || !IndexOpt(a, "--from", from, error) ||
        !IndexOpt(a, "--to", to, error)) {
      return Fail("audit export: needs --key PREFIX.key and OUT" +
                  (error.empty() ? std::string() : ": " + error));
    }
    auto report = session.AuditExport(key, from, to, a.positional[1]);
    if (!report) {
      return Refused("audit export", report.error());
    }
    std::printf("exported records %llu to %llu of %s into %s (root %s)\n",
                static_cast<unsigned long long>(report->from),
                static_cast<unsigned long long>(report->size), report->origin.c_str(),
                a.positional[1].c_str(), report->root_hex.c_str());
    return kExitOk;
  }
  if (verb == "replay") {
    uint64_t n = 0;
    if (a.positional.size() != 2) {
      return Fail("audit replay: needs the index N of a logged decision");
    }
    if (!WholeNumber(a.positional[1], "audit replay: N", n, error)) {
      return Fail(error);
    }
    auto replay = session.AuditReplay(n);
    if (!replay) {
      return Refused("audit replay", replay.error());
    }
    std::printf("record %llu (%s): %s\n", static_cast<unsigned long long>(n), replay->id.c_str(),
                replay->same ? "the replayed decision is identical, byte for byte"
                             : "THE REPLAYED DECISION DIFFERS");
    if (!replay->same) {
      std::printf("logged:   %s\nreplayed: %s\n", replay->logged.c_str(), replay->replayed.c_str());
      if (!replay->difference.empty()) {
        std::printf("%s\n", replay->difference.c_str());
      }
    }
    return replay->same ? kExitOk : kExitLineErrors;
  }
  return Fail("audit: unknown command '" + verb + "' (see audit --help)");
}

int Report(const tg::Session& session, const std::string& command) {
  if (command == "check") {
    auto report = session.Check();
    if (!report) {
      return Refused("check", report.error());
    }
    std::printf("shipments %lld, held reservations %lld, counters %lld, audit records %lld\n",
                static_cast<long long>(report->shipments),
                static_cast<long long>(report->reservations_held),
                static_cast<long long>(report->counters), static_cast<long long>(report->records));
    for (const std::string& p : report->problems) {
      std::printf("PROBLEM: %s\n", p.c_str());
    }
    std::printf("%s\n", report->problems.empty() ? "consistent" : "INCONSISTENT");
    return report->problems.empty() ? kExitOk : kExitLineErrors;
  }
  return PrintList(command, command == "caps" ? session.Caps() : session.Alerts());
}

// Whether `command` with `rest` only reads the ledger: such a command refuses a ledger path
// that does not exist, where a command that writes creates the ledger.
bool OnlyReads(const std::string& command, const std::vector<std::string>& rest) {
  static const char* const kReaders[] = {"determine", "caps",     "check",  "alerts", "audit",
                                         "regimes",   "classify", "screen", "match"};
  if (std::find(std::begin(kReaders), std::end(kReaders), command) != std::end(kReaders)) {
    return true;
  }
  const std::string verb = rest.empty() ? "" : rest[0];
  return verb == "list" || verb == "show" || verb == "open" || verb == "applications" ||
         verb == "diff";
}

// The version of the program, and of the reference data and regimes it reads.
int Version(const tg::EngineOptions& options) {
  auto engine = tg::Engine::Open(options);
  std::printf("tierguard %s\n", TIERGUARD_VERSION);
  if (!engine) {
    std::printf("data: %s\n", engine.error().message().c_str());
    return kExitOk;
  }
  std::printf("%s", (*engine)->DataVersions().c_str());
  return kExitOk;
}

int Run(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // Every argument may end up in the ledger and the signed log: a byte that is not UTF-8 is
  // refused here, naming the argument, rather than breaking every later read of the record.
  for (size_t i = 0; i < args.size(); ++i) {
    const bool value = i > 0 && args[i - 1].starts_with("--");
    if (tg::Status s =
            tg::CheckUtf8(args[i], value ? args[i - 1] : "argument " + std::to_string(i + 1));
        !s.ok()) {
      return Fail(s.message());
    }
  }
  // The global options, before or after the command, as --opt VALUE or --opt=VALUE.
  tg::EngineOptions options;
  tg::SessionOptions session_options;
  std::string format_text;
  for (size_t i = 0; i < args.size();) {
    const char* given = nullptr;
    for (const auto& [name, field] :
         {std::pair{"--db", &options.db}, std::pair{"--data", &options.data_dir},
          std::pair{"--regimes", &options.regimes_dir}, std::pair{"--as", &session_options.actor},
          std::pair{"--format", &format_text}}) {
      const std::string joined = std::string(name) + "=";
      if (args[i] == name) {
        if (i + 1 >= args.size()) {
          return Fail(std::string(name) + " needs a value");
        }
        *field = args[i + 1];
        args.erase(args.begin() + static_cast<std::ptrdiff_t>(i),
                   args.begin() + static_cast<std::ptrdiff_t>(i + 2));
      } else if (args[i].starts_with(joined)) {
        *field = args[i].substr(joined.size());
        args.erase(args.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        continue;
      }
      if (field->empty()) {
        return Fail(std::string(name) + " was given an empty value");
      }
      given = name;
      break;
    }
    if (given == nullptr) {
      ++i;
    }
  }
  // --format for listings.
  if (!format_text.empty()) {
    ListFormat format = ListFormat::kJson;
    if (!ParseListFormat(format_text, format)) {
      return Fail("--format: '" + format_text + "' is not json, csv or table");
    }
    winsize terminal{};
    const size_t width =
        ::isatty(STDOUT_FILENO) != 0 && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &terminal) == 0
            ? terminal.ws_col
            : 0;
    SetListFormat(format, width);
  }
  // The environment's defaults, read here: the library reads no environment variable.
  if (const char* home = std::getenv("TIERGUARD_HOME"); home != nullptr && *home != '\0') {
    for (const auto& [dir, leaf] :
         {std::pair{&options.data_dir, "/data"}, std::pair{&options.regimes_dir, "/regimes"}}) {
      if (dir->empty()) {
        *dir = std::string(home) + leaf;
      }
    }
  }
  if (const char* db = std::getenv("TIERGUARD_DB"); options.db.empty() && db != nullptr) {
    options.db = db;
  }
  for (const char* var : {"TIERGUARD_ACTOR", "USER"}) {
    if (const char* v = std::getenv(var); session_options.actor.empty() && v != nullptr) {
      session_options.actor = v;
    }
  }
  // The actor is written into every audit record: refused here rather than at the first write.
  if (tg::Status s = tg::CheckUtf8(session_options.actor, "actor"); !s.ok()) {
    return Fail(s.message());
  }
  if (!args.empty() && args[0] == "--version") {
    return Version(options);
  }
  std::unique_ptr<tg::FixedClock> fixed;
  if (const std::optional<int64_t> now = TestNow()) {
    fixed = std::make_unique<tg::FixedClock>(*now);
    session_options.clock = fixed.get();
  } else if (std::getenv("TIERGUARD_NOW") != nullptr) {
    std::fputs(
        "tierguard: warning: TIERGUARD_NOW is for tests and only the tierguard-testing "
        "build reads it; the system clock stamps the records\n",
        stderr);
  }
  if (args.empty() || IsHelp(args[0])) {
    std::fputs(kMainHelp, args.empty() ? stderr : stdout);
    return args.empty() ? kExitUsage : kExitOk;
  }
  const std::string command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  const bool wants_help = (!rest.empty() && IsHelp(rest[0])) ||
                          std::any_of(rest.begin(), rest.end(), [](const std::string& a) {
                            return a == "--help" || a == "-h";
                          });
  if (wants_help) {
    const char* help =
        command == "classify"                                                     ? kClassifyHelp
        : command == "determine"                                                  ? kDetermineHelp
        : command == "regimes"                                                    ? kRegimesHelp
        : command == "ship" || command == "reserve"                               ? kShipHelp
        : command == "license"                                                    ? kLicenseHelp
        : command == "agreement"                                                  ? kAgreementHelp
        : command == "party"                                                      ? kPartyHelp
        : command == "veu"                                                        ? kVeuHelp
        : command == "nac"                                                        ? kNacHelp
        : command == "audit"                                                      ? kAuditHelp
        : command == "match"                                                      ? kMatchHelp
        : command == "screen"                                                     ? kScreenHelp
        : command == "lists"                                                      ? kListsHelp
        : command == "hits"                                                       ? kHitsHelp
        : command == "commit" || command == "release" || command == "reservation" ? kReservationHelp
        : command == "shipments"                                                  ? kShipmentsHelp
        : command == "caps" || command == "check" || command == "alerts"          ? kReportHelp
                                                                                  : nullptr;
    if (help != nullptr) {
      std::fputs(help, stdout);
      return kExitOk;
    }
  }
  static const char* const kCommands[] = {
      "classify",  "determine", "regimes", "ship",  "reserve",   "commit",     "release", "license",
      "agreement", "party",     "caps",    "check", "alerts",    "veu",        "audit",   "match",
      "screen",    "lists",     "hits",    "nac",   "shipments", "reservation"};
  if (std::find(std::begin(kCommands), std::end(kCommands), command) == std::end(kCommands)) {
    return Fail("unknown command '" + command + "' (see tierguard --help)");
  }
  if (command == "audit" && !rest.empty() &&
      (rest[0] == "keygen" || rest[0] == "verify" || rest[0] == "cosign")) {
    return AuditOffline(rest);
  }
  static const char* const kNeedLedger[] = {
      "ship",  "reserve", "commit", "release", "license", "agreement", "party",     "caps",
      "check", "alerts",  "veu",    "nac",     "audit",   "hits",      "shipments", "reservation"};
  const bool needs_ledger =
      std::find(std::begin(kNeedLedger), std::end(kNeedLedger), command) != std::end(kNeedLedger) ||
      (command == "lists" && (rest.empty() || rest[0] != "diff"));
  if (needs_ledger && options.db.empty()) {
    return Fail(command + " needs a ledger: give --db PATH or set TIERGUARD_DB");
  }
  options.ledger_must_exist = OnlyReads(command, rest);
  auto engine = tg::Engine::Open(options);
  if (!engine) {
    return Fail(engine.error().message());
  }
  if (tg::Status s = (*engine)->RegimesStatus(); !s.ok()) {
    if (command == "determine" || command == "ship" || command == "reserve" ||
        command == "regimes") {
      return Fail(s.message());
    }
    std::fprintf(stderr, "tierguard: warning: the regimes did not load: %s\n", s.message().c_str());
  }
  const tg::Session session(**engine, session_options);
  if (command == "classify") {
    return Classify(**engine, rest);
  }
  if (command == "determine") {
    return Determine(**engine, rest);
  }
  if (command == "ship" || command == "reserve") {
    return Ship(session, rest, command == "reserve");
  }
  if (command == "commit" || command == "release") {
    return Reservation(session, rest, command == "commit");
  }
  if (command == "shipments" || command == "reservation") {
    return Movements(session, rest, command == "reservation");
  }
  if (command == "license") {
    return License(session, rest);
  }
  if (command == "agreement") {
    return AgreementCmd(session, rest);
  }
  if (command == "party") {
    return PartyCmd(session, rest);
  }
  if (command == "veu") {
    return VeuCmd(session, rest);
  }
  if (command == "nac") {
    return NacCmd(session, rest);
  }
  if (command == "audit") {
    return Audit(session, rest);
  }
  if (command == "match") {
    return Match(**engine, rest);
  }
  if (command == "screen") {
    return Screen(**engine, rest);
  }
  if (command == "lists") {
    return Lists(session, rest);
  }
  if (command == "hits") {
    return Hits(session, rest);
  }
  if (command == "caps" || command == "check" || command == "alerts") {
    return Report(session, command);
  }
  return Regimes(**engine, rest);
}

}  // namespace

int main(int argc, char** argv) {
  // SQLite allocates and frees a statement-journal buffer around every counter update; with
  // glibc's default trim threshold each free shrank the heap (brk + TLB flush) and the next
  // malloc grew it again: 12 % of `ship` time under perf. Keep freed memory instead.
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  mallopt(M_TOP_PAD, 4 << 20);
  try {
    const int code = Run(argc, argv);
    // Output that did not reach its file (a full disk, a closed pipe) is an error, not a
    // success with lost lines.
    // (A stream command reports its own write error, naming the last line written.)
    if (code != kExitUsage && (std::fflush(stdout) != 0 || std::ferror(stdout) != 0)) {
      std::fprintf(stderr, "tierguard: cannot write the output: %s\n", std::strerror(errno));
      return kExitUsage;
    }
    return code;
  } catch (const std::exception& e) {  // out of memory, or a bug: report, never abort silently
    std::fprintf(stderr, "tierguard: internal error: %s\n", e.what());
    return kExitUsage;
  }
}
