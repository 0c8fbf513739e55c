// The command line's frame: the command table, the typed options every command shares, and what
// a command is given when it runs. Each *_commands.cc file adds its commands to the table; Main
// parses the arguments (CLI11), opens what the chosen command needs, and runs it.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tierguard/clock.h"
#include "tierguard/date.h"
#include "tierguard/engine.h"

#include "output.h"

namespace tg::cli {

// What a command needs opened before it runs.
enum class Needs : uint8_t {
  kNothing,       // no data and no ledger: an auditor's commands on a bare machine
  kEngine,        // the data and regimes, and the ledger when one is given (only read)
  kLedgerReads,   // a ledger that exists: a read never creates one
  kLedgerWrites,  // a ledger, created on first use
};

// What a running command is given: the engine and session its Needs opened (none for
// kNothing), and the clock the session stamps records with.
class Context {
 public:
  Context(const Engine* engine, const Session* session, const Clock& clock)
      : engine_(engine), session_(session), clock_(clock) {}
  const Engine& engine() const { return *engine_; }
  const Session& session() const { return *session_; }
  const Clock& clock() const { return clock_; }
  Date Today() const;

 private:
  const Engine* engine_;
  const Session* session_;
  const Clock& clock_;
};

using RunFn = std::function<int(const Context&)>;

struct Command {
  CLI::App* app;
  Needs needs;
  bool decides;  // refuses to run when a regime file did not load
  bool screens;  // screens against the kept lists: their index is read while the engine opens
  RunFn run;
  // What the acting identity's role must allow, on a ledger that holds keys: reading, unless
  // the table says otherwise; a command that writes needs kAdminister unless it says less.
  Permission permission;
  bool acts = true;  // whether the acting identity is checked on a ledger that holds keys
};

class CommandTable {
 public:
  // `app` (a subcommand) runs `run` when it is the one the arguments chose.
  void Add(CLI::App* app, Needs needs, RunFn run, bool decides = false, bool screens = false);
  // The permission `app` (added before) needs, where it is not what Add supposes.
  void Require(CLI::App* app, Permission permission);
  // `app` acts as no one (serve: each call acts as its key's holder), so no acting identity
  // is checked.
  void ActsAsNoOne(CLI::App* app);
  // The chosen command: the deepest subcommand parsed that is in the table.
  const Command* Chosen(const CLI::App& root) const;

 private:
  std::vector<Command> commands_;
};

// Options typed and checked as they are parsed: a bad value is refused before anything opens,
// naming the option and the value.
//
// A date, YYYY-MM-DD.
CLI::Option* AddDate(CLI::App* app, const std::string& name, std::optional<Date>& out,
                     const std::string& help);
// A number >= 0 (an amount, a fraction, a TPP figure).
CLI::Option* AddAmount(CLI::App* app, const std::string& name, double& out,
                       const std::string& help);
// A count of units: a whole number from 0 to 1e12.
CLI::Option* AddUnits(CLI::App* app, const std::string& name, int64_t& out,
                      const std::string& help);
// A record index or count: decimal digits only, within uint64.
CLI::Option* AddIndex(CLI::App* app, const std::string& name, uint64_t& out,
                      const std::string& help);
// Text that may not be empty.
CLI::Option* AddText(CLI::App* app, const std::string& name, std::string& out,
                     const std::string& help);
// Text that may be given several times (--pub A --pub B), one value each time.
CLI::Option* AddRepeated(CLI::App* app, const std::string& name, std::vector<std::string>& out,
                         const std::string& help);
// --after CURSOR and --limit N, the page of a listing to print.
void AddPaging(CLI::App* app, PageRequest& page);
// "--name: reason" for a value the engine refused (a country, say), as a usage error.
int BadOption(const std::string& command, const std::string& option, const Status& reason);

// A subcommand NAME of `parent` that prints one page of what `list` gives (--format json, csv or
// table; --after, --limit).
template <typename T>
void AddListing(CLI::App* parent, CommandTable& table, const std::string& name,
                const std::string& help,
                Result<Page<T>> (Session::*list)(const PageRequest&) const) {
  CLI::App* cmd = parent->add_subcommand(name, help + " (--format json, csv or table)");
  auto page = std::make_shared<PageRequest>();
  AddPaging(cmd, *page);
  const std::string what = parent->get_parent() == nullptr ? name : parent->get_name() + " " + name;
  table.Add(cmd, Needs::kLedgerReads, [what, list, page](const Context& c) {
    return PrintPage(what, (c.session().*list)(*page));
  });
}

// Adds each group of commands to the table.
void AddAccessCommands(CLI::App& app, CommandTable& table);
void AddServeCommand(CLI::App& app, CommandTable& table);
void AddDecisionCommands(CLI::App& app, CommandTable& table);
void AddLedgerCommands(CLI::App& app, CommandTable& table);
void AddAuditCommands(CLI::App& app, CommandTable& table);
void AddScreeningCommands(CLI::App& app, CommandTable& table);
void AddKycCommands(CLI::App& app, CommandTable& table);
void AddModelCommands(CLI::App& app, CommandTable& table);

// Parses the arguments, opens what the chosen command needs and runs it; the exit code.
// `test_now` (tierguard-testing only) pins the clock.
int Main(int argc, char** argv, std::optional<int64_t> test_now);

}  // namespace tg::cli
