// The deciding commands: classify, determine, regimes, ship and reserve, commit and release,
// and the listings of shipments and reservations.
#include <chrono>
#include <cstdio>
#include <memory>

#include "app.h"
#include "list_format.h"
#include "output.h"
#include "progress.h"

namespace tg::cli {

namespace {

constexpr const char* kClassifyFooter = R"(
Reads items as a JSON array or JSON Lines (FILE, or stdin), each like
  {"part": "H100 SXM"}  or  {"chip": {"name": "x", "tpp": 5000, "die_area_mm2": 600}}
  or {"model": {"name": "m", "training_ops": 3e26, "published": false}}
and writes one JSON object per item: name, eccn, paragraph, tpp, performance_density,
datacenter, classification (version id).)";

constexpr const char* kDetermineFooter = R"(
Reads requests (one JSON object, a JSON array, or JSON Lines; the FILEs one after another, their
lines numbered as one stream, or stdin) and writes one JSON decision per request, one per line,
in input order. The batch is a what-if over the whole book: an allowed line counts against the
caps for the lines after it; nothing is recorded. With --db, the recorded history counts too.
A line that cannot be decided gets {"id": ..., "error": {"code", "message"}} naming the line and
field; the other lines are still decided and the command exits 1.)";

constexpr const char* kShipFooter = R"(
Reads requests like `determine` (each needs an "id") and decides them against the recorded
history. ship records every allowed line as a shipment: its caps and licence balances are
consumed in the same transaction. reserve holds them instead, until `commit ID`, `release ID`
or expiry. Each batch of N lines is one transaction, committed before its decisions are
printed, so every printed decision is on disk. Decisions carry "recorded" (or "reserved"):
true|false. An id already recorded is not recorded again: its recorded decision comes back with
"duplicate": true. A request may name the licence it ships under ("license": "NUMBER"); an
unknown, expired, mismatched, revoked or exhausted licence is an error.)";

constexpr const char* kMovementsFooter = R"(
In id order, one line each: id, date, consignee, its party group, when it was recorded, and the
audit record that holds its decision (`audit prove ID`, `audit replay INDEX`). Dates are the
orders' dates, both ends included; --after the last id of one page gives the next.)";

constexpr size_t kMaxBatch = 1'000'000;
constexpr double kMaxHoldHours = 876'600;  // 100 years of 365.25 days

void AddClassify(CLI::App& app, CommandTable& table) {
  struct Options {
    std::optional<Date> as_of;
    std::string regime;
    std::string part;
    std::vector<std::string> files;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "classify", "classify chips, HBM and model weights (ECCN 3A090.a/.b/.c, 4E091)");
  cmd->footer(kClassifyFooter);
  AddDate(cmd, "--as-of", o->as_of, "the classification version in force on DATE (default: today)");
  AddText(cmd, "--regime", o->regime,
          "use the classification versions and model threshold the regime pins")
      ->type_name("ID");
  AddText(cmd, "--part", o->part, "classify one catalog part (data/chips.csv) instead of input")
      ->type_name("NAME");
  cmd->add_option("FILE", o->files, "items (default: stdin)");
  table.Add(cmd, Needs::kEngine, [o](const Context& c) {
    const Date as_of = o->as_of.value_or(c.Today());
    if (!o->part.empty()) {
      auto out = c.engine().ClassifyPart(o->part, as_of, o->regime);
      if (!out) {
        return Refused("classify", out.error());
      }
      std::printf("%s\n", out->c_str());
      return kExitOk;
    }
    return RunStream("classify", o->files, [&](Source& in, Sink& out) {
      return c.engine().ClassifyStream(in, out, as_of, o->regime);
    });
  });
}

void AddDetermine(CLI::App& app, CommandTable& table) {
  struct Options {
    bool summary = false;
    std::string output;
    std::vector<std::string> files;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd =
      app.add_subcommand("determine", "decide order lines (what-if: nothing is recorded)");
  cmd->footer(kDetermineFooter);
  cmd->add_flag("--summary", o->summary,
                "print a summary (by outcome, regime, authorization) to stderr")
      ->disable_flag_override();
  AddText(cmd, "--output", o->output, "write the decisions to FILE instead of stdout")
      ->type_name("FILE");
  cmd->add_option("FILE", o->files, "requests (default: stdin)");
  table.Add(
      cmd, Needs::kEngine,
      [o](const Context& c) {
        std::string error;
        std::unique_ptr<Source> in = OpenInput(o->files, error);
        if (in == nullptr) {
          return Fail("determine: " + error);
        }
        std::unique_ptr<FileSink> output;
        if (!o->output.empty()) {
          auto created = FileSink::Create(o->output);
          if (!created) {
            return Fail("determine: " + created.error().message());
          }
          output = std::move(*created);
        }
        const auto start = std::chrono::steady_clock::now();
        ProgressLine progress("decided");
        auto stats = c.engine().DetermineStream(*in, output != nullptr ? *output : StandardOutput(),
                                                progress.Fn());
        progress.Finish();
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (output != nullptr) {
          if (const Status closed = output->Close(); !closed.ok() && stats) {
            stats = closed;
          }
        }
        if (!stats) {
          return Fail("determine: " + stats.error().message());
        }
        if (o->summary) {
          std::fprintf(stderr, "\ndecided %lld order lines in %.3f s (%lld with errors)\n\n",
                       static_cast<long long>(stats->lines), secs,
                       static_cast<long long>(stats->errors));
          PrintCounts("by outcome:", stats->by_outcome);
          PrintCounts("by regime:", stats->by_regime);
          PrintCounts("by authorization (licence exceptions):", stats->by_authorization);
        }
        return stats->errors > 0 ? kExitLineErrors : kExitOk;
      },
      /*decides=*/true, /*screens=*/true);
}

int ListRegimes(const Context& c) {
  auto row = [](std::string_view id, std::string_view status, std::string_view effective,
                std::string_view chosen, std::string_view title) {
    std::printf("%s %s %s %s %.*s\n", PadRight(id, 36).c_str(), PadRight(status, 15).c_str(),
                PadRight(effective, 26).c_str(), PadRight(chosen, 8).c_str(),
                static_cast<int>(title.size()), title.data());
  };
  row("id", "status", "effective", "chosen", "title");
  for (const auto& r : c.engine().Regimes()) {
    row(r.id, r.status, r.effective, r.select_by_date ? "by date" : "by name", r.title);
  }
  return kExitOk;
}

void AddRegimes(CLI::App& app, CommandTable& table) {
  CLI::App* cmd = app.add_subcommand("regimes", "list the regimes, or show one resolved on a date");
  cmd->require_subcommand(0, 1);
  table.Add(cmd, Needs::kEngine, ListRegimes, /*decides=*/true);
  CLI::App* list = cmd->add_subcommand(
      "list", "every regime with its status, effective period and how it is chosen (the default)");
  table.Add(list, Needs::kEngine, ListRegimes, /*decides=*/true);

  struct Show {
    std::string id;
    std::optional<Date> as_of;
  };
  auto show = std::make_shared<Show>();
  CLI::App* show_cmd = cmd->add_subcommand(
      "show",
      "one regime resolved on a date: tiers and sets expanded to countries, every requirement, "
      "exception, policy and cap with its citation");
  show_cmd->add_option("ID", show->id, "the regime (see regimes list)")->required();
  AddDate(show_cmd, "--as-of", show->as_of, "resolve the sets on DATE (default: today)");
  table.Add(
      show_cmd, Needs::kEngine,
      [show](const Context& c) {
        auto text = c.engine().ShowRegime(show->id, show->as_of.value_or(c.Today()));
        if (!text) {
          return Fail("regimes show: " + text.error().message());
        }
        std::fputs(text->c_str(), stdout);
        return kExitOk;
      },
      /*decides=*/true);

  auto date = std::make_shared<std::optional<Date>>();
  CLI::App* for_cmd = cmd->add_subcommand("for", "the regime chosen by date for DATE");
  for_cmd
      ->add_option_function<std::string>(
          "DATE",
          [date](const std::string& text) {
            auto parsed = Date::Parse(text);
            if (!parsed) {
              throw CLI::ValidationError("DATE", parsed.error().message());
            }
            *date = *parsed;
          },
          "an order's date")
      ->required();
  table.Add(
      for_cmd, Needs::kEngine,
      [date](const Context& c) {
        auto id = c.engine().RegimeForDate(**date);
        if (!id) {
          return Fail("regimes for: " + id.error().message());
        }
        std::printf("%s\n", id->c_str());
        return kExitOk;
      },
      /*decides=*/true);
}

void AddShip(CLI::App& app, CommandTable& table, bool reserve) {
  struct Options {
    uint64_t batch = 1000;
    double hours = 72;
    bool summary = false;
    std::vector<std::string> files;
  };
  auto o = std::make_shared<Options>();
  const char* name = reserve ? "reserve" : "ship";
  CLI::App* cmd = app.add_subcommand(
      name, reserve ? "decide and hold order lines; then commit ID or release ID"
                    : "decide and record order lines in the ledger (caps, licences consumed)");
  cmd->footer(kShipFooter);
  AddIndex(cmd, "--batch", o->batch, "lines per transaction, 1 to 1000000 (default 1000)");
  if (reserve) {
    AddAmount(cmd, "--expires-in", o->hours,
              "hours until an uncommitted hold lapses (default 72, at most 876600)")
        ->type_name("HOURS");
  }
  cmd->add_flag("--summary", o->summary, "print the counts by outcome to stderr")
      ->disable_flag_override();
  cmd->add_option("FILE", o->files, "requests (default: stdin)");
  table.Add(
      cmd, Needs::kLedgerWrites,
      [o, name, reserve](const Context& c) {
        if (o->batch < 1 || o->batch > kMaxBatch) {
          return Fail(std::string(name) + ": --batch: between 1 and 1000000");
        }
        if (o->hours > kMaxHoldHours) {
          return Fail(std::string(name) + ": --expires-in: at most 876,600 hours (100 years)");
        }
        ShipOptions options;
        options.batch_size = static_cast<size_t>(o->batch);
        options.reserve = reserve;
        options.expires_at = c.clock().NowUnix() + static_cast<int64_t>(o->hours * 3600);
        std::string error;
        std::unique_ptr<Source> in = OpenInput(o->files, error);
        if (in == nullptr) {
          return Fail(std::string(name) + ": " + error);
        }
        const auto start = std::chrono::steady_clock::now();
        ProgressLine progress(reserve ? "decided and held" : "decided and recorded");
        auto stats = c.session().ShipStream(*in, StandardOutput(), options, progress.Fn());
        progress.Finish();
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (!stats) {
          return Fail(std::string(name) + ": " + stats.error().message());
        }
        if (o->summary) {
          std::fprintf(stderr, "\n%s: %lld order lines in %.3f s (%lld with errors)\n\n", name,
                       static_cast<long long>(stats->lines), secs,
                       static_cast<long long>(stats->errors));
          PrintCounts("by outcome (allowed outcomes are recorded):", stats->by_outcome);
        }
        return stats->errors > 0 ? kExitLineErrors : kExitOk;
      },
      /*decides=*/true, /*screens=*/true);
  table.Require(cmd, Permission::kRecord);
}

void AddCommitOrRelease(CLI::App& app, CommandTable& table, bool commit) {
  auto id = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      commit ? "commit" : "release",
      commit ? "commit a held reservation as a shipment (caps and balances spent as held)"
             : "release a held reservation: its headroom is given back");
  cmd->add_option("RESERVATION_ID", *id, "the reservation's id (its order's id)")->required();
  table.Add(cmd, Needs::kLedgerWrites, [id, commit](const Context& c) {
    const Status s =
        commit ? c.session().CommitReservation(*id) : c.session().ReleaseReservation(*id);
    if (!s.ok()) {
      return Refused(commit ? "commit" : "release", s);
    }
    std::printf("%s %s\n", commit ? "committed" : "released", id->c_str());
    return kExitOk;
  });
  table.Require(cmd, Permission::kRecord);
}

// `shipments list` and `reservation list`, with their filters and paging.
void AddMovements(CLI::App& app, CommandTable& table, bool reservations) {
  struct Options {
    MovementFilter filter;
    PageRequest page;
  };
  auto o = std::make_shared<Options>();
  o->filter.reservations = reservations;
  const std::string name = reservations ? "reservation" : "shipments";
  CLI::App* cmd = app.add_subcommand(
      name, reservations ? "list the reservations (by state, consignee, dates, page)"
                         : "list the recorded shipments (by consignee, dates, page)");
  cmd->require_subcommand(1);
  CLI::App* list = cmd->add_subcommand(
      "list", reservations ? "the reservations in id order" : "the shipments in id order");
  list->footer(kMovementsFooter);
  AddText(list, "--consignee", o->filter.consignee, "one consignee's")->type_name("ID");
  if (reservations) {
    list->add_option_function<std::string>(
            "--state",
            [o](const std::string& text) {
              MovementState state{};
              if (!ParseState(text, state)) {
                throw CLI::ValidationError(
                    "--state", "'" + text + "' is none of held, committed, released, expired");
              }
              o->filter.state = state;
            },
            "held, committed, released or expired")
        ->type_name("STATE");
  }
  AddDate(list, "--from", o->filter.from, "orders dated DATE or later");
  AddDate(list, "--to", o->filter.to, "orders dated DATE or earlier");
  AddPaging(list, o->page);
  table.Add(list, Needs::kLedgerReads, [o, name](const Context& c) {
    return PrintPage(name + " list", c.session().ListMovements(o->filter, o->page));
  });
}

}  // namespace

void AddDecisionCommands(CLI::App& app, CommandTable& table) {
  AddClassify(app, table);
  AddDetermine(app, table);
  AddRegimes(app, table);
  AddShip(app, table, /*reserve=*/false);
  AddShip(app, table, /*reserve=*/true);
  AddCommitOrRelease(app, table, /*commit=*/true);
  AddCommitOrRelease(app, table, /*commit=*/false);
  AddMovements(app, table, /*reservations=*/false);
  AddMovements(app, table, /*reservations=*/true);
}

}  // namespace tg::cli
