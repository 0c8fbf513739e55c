#include "app.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sys/ioctl.h>
#include <type_traits>
#include <unistd.h>

#include "tierguard/text.h"

#include "output.h"

namespace tg::cli {

namespace {

constexpr const char* kMainDescription =
    "tierguard: export-control decisions for AI chips and model weights";

constexpr const char* kMainFooter = R"(
The global options may come before or after the command, and as --db=PATH. Commands that
only read refuse a ledger that does not exist rather than create an empty one.
Run 'tierguard COMMAND --help' for a command's options.

Environment: TIERGUARD_DB (the ledger), TIERGUARD_HOME (data/ and regimes/ below it),
TIERGUARD_ACTOR (who acted, else $USER).
Exit codes: 0 all decided (or the command done); 1 some lines had errors, or the ledger refused
the command (nothing changed); 2 usage or set-up error.)";

// The version of the program, and of the reference data and regimes it reads.
int PrintVersion(const EngineOptions& options) {
  auto engine = Engine::Open(options);
  std::printf("tierguard %s\n", TIERGUARD_VERSION);
  if (!engine) {
    std::printf("data: %s\n", engine.error().message().c_str());
    return kExitOk;
  }
  std::printf("%s", (*engine)->DataVersions().c_str());
  return kExitOk;
}

// The command's path, as "license add", for messages.
std::string PathOf(const CLI::App* app) {
  std::string path;
  for (; app != nullptr && app->get_parent() != nullptr; app = app->get_parent()) {
    path = path.empty() ? app->get_name() : app->get_name() + " " + path;
  }
  return path;
}

// The deepest subcommand the parser reached.
const CLI::App* Deepest(const CLI::App& root) {
  const CLI::App* app = &root;
  for (;;) {
    const auto chosen = app->get_subcommands();
    if (chosen.empty()) {
      return app;
    }
    app = chosen.front();
  }
}

// The environment's defaults, read here: the library reads no environment variable.
void ApplyEnvironment(EngineOptions& options, SessionOptions& session) {
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
    if (const char* v = std::getenv(var); session.actor.empty() && v != nullptr) {
      session.actor = v;
    }
  }
}

[[noreturn]] void Invalid(const std::string& name, const std::string& message) {
  throw CLI::ValidationError(name, message);
}

}  // namespace

namespace {

constexpr std::string_view PermissionText(Permission p) {
  switch (p) {
    case Permission::kRead:
      return "read";
    case Permission::kRecord:
      return "record shipments and applications (clerk, officer, admin)";
    case Permission::kAdminister:
      return "change licences, parties, lists and the like (officer, admin)";
    case Permission::kDecide:
      return "decide applications (approver, admin)";
    case Permission::kAudit:
      return "audit (auditor, admin)";
    case Permission::kManageKeys:
      return "manage keys (admin)";
  }
  return "";
}

// On a ledger that holds keys, whoever acts must hold one whose role allows the command: the
// acting name is then a key holder's, never free text. A ledger without keys (or no ledger)
// lets anyone act under any name, as before keys were made.
Status CheckActor(const Engine& engine, const std::string& actor, Permission needed) {
  auto keys = engine.LedgerHasKeys();
  if (!keys) {
    return keys.error().code() == StatusCode::kFailedPrecondition ? Status::Ok() : keys.error();
  }
  if (!*keys) {
    return Status::Ok();
  }
  auto key = engine.FindKey(actor);
  if (!key) {
    return key.error().code() == StatusCode::kNotFound
               ? PermissionDenied("acting as '" + actor +
                                  "': the ledger holds keys and none has that name (--as NAME "
                                  "names a key's holder)")
               : key.error();
  }
  if (key->revoked != 0) {
    return PermissionDenied("acting as '" + actor + "': that key is revoked");
  }
  if (!Allows(key->role, needed)) {
    return PermissionDenied("acting as '" + actor + "' (" + std::string(RoleName(key->role)) +
                            "): this command needs a role that may " +
                            std::string(PermissionText(needed)));
  }
  return Status::Ok();
}

}  // namespace

Date Context::Today() const { return tg::Today(clock_); }

void CommandTable::Add(CLI::App* app, Needs needs, RunFn run, bool decides, bool screens) {
  const Permission permission =
      needs == Needs::kLedgerWrites ? Permission::kAdminister : Permission::kRead;
  commands_.push_back({app, needs, decides, screens, std::move(run), permission});
}

void CommandTable::ActsAsNoOne(CLI::App* app) {
  for (Command& c : commands_) {
    if (c.app == app) {
      c.acts = false;
    }
  }
}

void CommandTable::Require(CLI::App* app, Permission permission) {
  for (Command& c : commands_) {
    if (c.app == app) {
      c.permission = permission;
    }
  }
}

const Command* CommandTable::Chosen(const CLI::App& root) const {
  for (const CLI::App* app = Deepest(root); app != nullptr; app = app->get_parent()) {
    for (const Command& c : commands_) {
      if (c.app == app) {
        return &c;
      }
    }
  }
  return nullptr;
}

CLI::Option* AddDate(CLI::App* app, const std::string& name, std::optional<Date>& out,
                     const std::string& help) {
  return app
      ->add_option_function<std::string>(
          name,
          [&out, name](const std::string& text) {
            auto date = Date::Parse(text);
            if (!date) {
              Invalid(name, date.error().message());
            }
            out = *date;
          },
          help)
      ->type_name("DATE");
}

CLI::Option* AddAmount(CLI::App* app, const std::string& name, double& out,
                       const std::string& help) {
  return app
      ->add_option_function<std::string>(
          name,
          [&out, name](const std::string& text) {
            double v = 0;
            if (!ParseNumber(text, v) || !std::isfinite(v) || v < 0) {
              Invalid(name, "'" + text + "' is not a number >= 0");
            }
            out = v;
          },
          help)
      ->type_name("NUMBER");
}

CLI::Option* AddUnits(CLI::App* app, const std::string& name, int64_t& out,
                      const std::string& help) {
  return app
      ->add_option_function<std::string>(
          name,
          [&out, name](const std::string& text) {
            int64_t v = 0;
            if (!ParseNumber(text, v) || v < 0 || v > 1'000'000'000'000) {
              Invalid(name, "'" + text + "' is not a whole number from 0 to 1000000000000");
            }
            out = v;
          },
          help)
      ->type_name("N");
}

CLI::Option* AddIndex(CLI::App* app, const std::string& name, uint64_t& out,
                      const std::string& help) {
  return app
      ->add_option_function<std::string>(
          name,
          [&out, name](const std::string& text) {
            std::string error;
            if (!WholeNumber(text, name, out, error)) {
              throw CLI::ValidationError(error);
            }
          },
          help)
      ->type_name("N");
}

CLI::Option* AddText(CLI::App* app, const std::string& name, std::string& out,
                     const std::string& help) {
  return app
      ->add_option_function<std::string>(
          name,
          [&out, name](const std::string& text) {
            if (text.empty()) {
              Invalid(name, "was given an empty value");
            }
            out = text;
          },
          help)
      ->type_name("TEXT");
}

CLI::Option* AddRepeated(CLI::App* app, const std::string& name, std::vector<std::string>& out,
                         const std::string& help) {
  return app->add_option(name, out, help)->allow_extra_args(false)->type_name("TEXT");
}

void AddPaging(CLI::App* app, PageRequest& page) {
  AddText(app, "--after", page.after,
          "the page after this cursor (an id, or as the last page said)")
      ->type_name("CURSOR");
  static_assert(std::is_same_v<size_t, uint64_t>, "a page's limit is read as a record count");
  AddIndex(app, "--limit", page.limit, "at most N (default: all)");
}

int BadOption(const std::string& command, const std::string& option, const Status& reason) {
  return Fail(command + ": " + option + ": " + reason.message());
}

int Main(int argc, char** argv, std::optional<int64_t> test_now) {
  // Every argument may end up in the ledger and the signed log: a byte that is not UTF-8 is
  // refused here, naming the argument, rather than breaking every later read of the record.
  for (int i = 1; i < argc; ++i) {
    const std::string_view previous = i > 1 ? argv[i - 1] : "";
    const bool value = previous.starts_with("--");
    if (Status s =
            CheckUtf8(argv[i], value ? std::string(previous) : "argument " + std::to_string(i));
        !s.ok()) {
      return Fail(s.message());
    }
  }
  CLI::App app(kMainDescription, "tierguard");
  app.fallthrough();  // the global options after the command too
  app.set_help_flag("-h,--help", "print this help");
  app.require_subcommand(0, 1);
  EngineOptions options;
  SessionOptions session_options;
  std::string format = "json";
  bool version = false;
  AddText(&app, "--db", options.db,
          "the ledger: a SQLite file, or a PostgreSQL database (postgresql://… or pg:CONNINFO; "
          "default: $TIERGUARD_DB)")
      ->type_name("PATH");
  AddText(&app, "--data", options.data_dir,
          "reference data (default: $TIERGUARD_HOME/data, else ./data)")
      ->type_name("DIR");
  AddText(&app, "--regimes", options.regimes_dir,
          "regime files (default: $TIERGUARD_HOME/regimes, else ./regimes)")
      ->type_name("DIR");
  AddText(&app, "--as", session_options.actor,
          "who the audit log says acted (default: $TIERGUARD_ACTOR, else $USER)")
      ->type_name("NAME");
  app.add_option_function<std::string>(
         "--format",
         [&format](const std::string& text) {
           ListFormat parsed = ListFormat::kJson;
           if (!ParseListFormat(text, parsed)) {
             Invalid("--format", "'" + text + "' is not json, csv or table");
           }
           format = text;
         },
         "listings as json (JSON Lines, the default), csv or table")
      ->type_name("FORMAT");
  app.add_flag("--version", version, "the program's version, and its data's and regimes'");

  CommandTable table;
  AddDecisionCommands(app, table);
  AddLedgerCommands(app, table);
  AddAuditCommands(app, table);
  AddAccessCommands(app, table);
  AddServeCommand(app, table);
  AddScreeningCommands(app, table);
  AddModelCommands(app, table);
  AddKycCommands(app, table);
  app.footer(kMainFooter);  // after the commands: a command inherits its parent's footer

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& e) {
    const std::string path = PathOf(Deepest(app));
    std::string message = e.what();
    // CLI11 says "NAME was given a disallowed flag override" for --flag=value.
    if (const size_t at = message.find(" was given a disallowed flag override");
        at != std::string::npos) {
      message = "--" + message.substr(0, at) + " takes no value";
    }
    return Fail((path.empty() ? "" : path + ": ") + message + " (see tierguard " +
                (path.empty() ? "" : path + " ") + "--help)");
  }

  ApplyEnvironment(options, session_options);
  // The actor is written into every audit record: refused here rather than at the first write.
  if (Status s = CheckUtf8(session_options.actor, "actor"); !s.ok()) {
    return Fail(s.message());
  }
  if (version) {
    return PrintVersion(options);
  }
  const Command* command = table.Chosen(app);
  if (command == nullptr) {
    const CLI::App* deepest = Deepest(app);
    std::fputs(deepest->help().c_str(), stderr);
    return kExitUsage;
  }
  ListFormat list_format = ListFormat::kJson;
  ParseListFormat(format, list_format);
  winsize terminal{};
  const size_t width =
      ::isatty(STDOUT_FILENO) != 0 && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &terminal) == 0
          ? terminal.ws_col
          : 0;
  SetListFormat(list_format, width);

  std::unique_ptr<FixedClock> fixed;
  const SystemClock system;
  if (test_now) {
    fixed = std::make_unique<FixedClock>(*test_now);
    session_options.clock = fixed.get();
  } else if (std::getenv("TIERGUARD_NOW") != nullptr) {
    std::fputs(
        "tierguard: warning: TIERGUARD_NOW is for tests and only the tierguard-testing "
        "build reads it; the system clock stamps the records\n",
        stderr);
  }
  const Clock& clock = fixed != nullptr ? static_cast<const Clock&>(*fixed) : system;
  if (command->needs == Needs::kNothing) {
    return command->run(Context(nullptr, nullptr, clock));
  }
  const std::string path = PathOf(command->app);
  if ((command->needs == Needs::kLedgerReads || command->needs == Needs::kLedgerWrites) &&
      options.db.empty()) {
    return Fail(path + " needs a ledger: give --db PATH or set TIERGUARD_DB");
  }
  options.ledger_must_exist = command->needs != Needs::kLedgerWrites;
  options.prefetch_screening = command->screens;
  auto engine = Engine::Open(options);
  if (!engine) {
    return Fail(engine.error().message());
  }
  if (Status s = (*engine)->RegimesStatus(); !s.ok()) {
    if (command->decides) {
      return Fail(s.message());
    }
    std::fprintf(stderr, "tierguard: warning: the regimes did not load: %s\n", s.message().c_str());
  }
  int code = 0;
  {
    const Session session(**engine, session_options);
    if (Status s = command->acts ? CheckActor(**engine, session.actor(), command->permission)
                                 : Status::Ok();
        !s.ok()) {
      code = Fail(path + ": " + s.message());
    } else {
      code = command->run(Context(engine->get(), &session, clock));
    }
  }
  // The process ends with this command. The ledger is closed properly; the rest (the kept
  // lists' entries and their index above all) is left to the OS, which takes it back at once,
  // where freeing it piece by piece took a tenth of a one-line determine. Sanitizer builds free
  // it all, so that the leak checker sees every other leak.
  (*engine)->CloseLedger();
#ifndef TG_FREE_AT_EXIT
  (void)engine->release();
#endif
  return code;
}

}  // namespace tg::cli
