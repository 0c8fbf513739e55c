// tierguard: the command-line front end. Argument parsing and formatting only; every decision
// is made by tg::Engine.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "tierguard/engine.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitLineErrors = 1;
constexpr int kExitUsage = 2;

constexpr const char* kMainHelp = R"(tierguard: export-control decisions for AI chips and model weights

usage: tierguard [--data DIR] [--regimes DIR] COMMAND [ARGS]

commands:
  classify    classify chips, HBM and model weights (ECCN 3A090.a/.b/.c, 4E091)
  determine   decide order lines: no licence, licence exception, licence required, prohibited
  regimes     list the regimes, or show one resolved on a date

  --data DIR      reference data (default: $TIERGUARD_HOME/data, else ./data)
  --regimes DIR   regime files (default: $TIERGUARD_HOME/regimes, else ./regimes)

Run 'tierguard COMMAND --help' for a command's options.
exit codes: 0 all decided; 1 some lines had errors (reported per line); 2 usage or set-up error
)";

constexpr const char* kClassifyHelp = R"(usage: tierguard classify [--as-of DATE] [--regime ID] [--part NAME | FILE]

Reads items as a JSON array or JSON Lines (FILE, or stdin), each like
  {"part": "H100 SXM"}  or  {"chip": {"name": "x", "tpp": 5000, "die_area_mm2": 600}}
  or {"model": {"name": "m", "training_ops": 3e26, "published": false}}
and writes one JSON object per item: name, eccn, paragraph, tpp, performance_density,
datacenter, classification (version id).

  --as-of DATE   classification version in force on DATE (default: today)
  --regime ID    use the classification versions and model threshold the regime pins
  --part NAME    classify one catalog part (data/chips.csv) instead of reading input
)";

constexpr const char* kDetermineHelp = R"(usage: tierguard determine [--summary] [--output FILE] [FILE]

Reads requests (one JSON object, a JSON array, or JSON Lines; FILE or stdin) and writes one JSON
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

std::string Today() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
  return buf;
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "tierguard: %s\n", message.c_str());
  return kExitUsage;
}

bool IsHelp(const std::string& a) { return a == "--help" || a == "-h" || a == "help"; }

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;
  std::vector<std::string> flags;
};

// Splits args into --key VALUE options (for `with_value` keys), --flags and positionals.
bool ParseArgs(const std::vector<std::string>& argv, const std::vector<std::string>& with_value,
               const std::vector<std::string>& flags, Args& out, std::string& error) {
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.rfind("--", 0) == 0 && a.size() > 2) {
      if (std::find(with_value.begin(), with_value.end(), a) != with_value.end()) {
        if (i + 1 >= argv.size()) {
          error = a + " needs a value";
          return false;
        }
        out.options[a] = argv[++i];
      } else if (std::find(flags.begin(), flags.end(), a) != flags.end()) {
        out.flags.push_back(a);
      } else {
        error = "unknown option " + a;
        return false;
      }
    } else {
      out.positional.push_back(a);
    }
  }
  return true;
}

bool HasFlag(const Args& a, const char* f) {
  return std::find(a.flags.begin(), a.flags.end(), f) != a.flags.end();
}

std::FILE* OpenInput(const Args& a, std::string& error) {
  if (a.positional.empty() || a.positional[0] == "-") {
    return stdin;
  }
  std::FILE* f = std::fopen(a.positional[0].c_str(), "rb");
  if (f == nullptr) {
    error = a.positional[0] + ": " + std::strerror(errno);
  }
  return f;
}

void PrintCounts(const char* title, const std::unordered_map<std::string, int64_t>& counts) {
  std::vector<std::pair<std::string, int64_t>> rows(counts.begin(), counts.end());
  std::sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) {
    return x.second != y.second ? x.second > y.second : x.first < y.first;
  });
  std::fprintf(stderr, "%s\n", title);
  for (const auto& [name, n] : rows) {
    std::fprintf(stderr, "  %-36s %8lld\n", name.c_str(), static_cast<long long>(n));
  }
}

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
  std::FILE* in = OpenInput(a, error);
  if (in == nullptr) {
    return Fail("classify: " + error);
  }
  auto stats = engine.ClassifyStream(in, stdout, *as_of, regime);
  if (in != stdin) {
    std::fclose(in);
  }
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
  std::FILE* in = OpenInput(a, error);
  if (in == nullptr) {
    return Fail("determine: " + error);
  }
  std::FILE* out = stdout;
  if (a.options.count("--output")) {
    out = std::fopen(a.options["--output"].c_str(), "wb");
    if (out == nullptr) {
      return Fail("determine: " + a.options["--output"] + ": " + std::strerror(errno));
    }
  }
  const auto start = std::chrono::steady_clock::now();
  auto stats = engine.DetermineStream(in, out);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (in != stdin) {
    std::fclose(in);
  }
  if (out != stdout) {
    std::fclose(out);
  }
  if (!stats) {
    return Fail("determine: " + stats.error().message());
  }
  if (HasFlag(a, "--summary")) {
    std::fprintf(stderr, "\ndecided %lld order lines in %.3f s (%lld with errors)\n\n",
                 static_cast<long long>(stats->lines), secs,
                 static_cast<long long>(stats->errors));
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
    std::printf("%-36s %-15s %-26s %-8s %s\n", "id", "status", "effective", "chosen", "title");
    for (const auto& r : engine.Regimes()) {
      std::printf("%-36s %-15s %-26s %-8s %s\n", r.id.c_str(), r.status.c_str(),
                  r.effective.c_str(), r.select_by_date ? "by date" : "by name", r.title.c_str());
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

int Run(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  tg::EngineOptions options;
  while (!args.empty() && (args[0] == "--data" || args[0] == "--regimes")) {
    if (args.size() < 2) {
      return Fail(args[0] + " needs a folder");
    }
    (args[0] == "--data" ? options.data_dir : options.regimes_dir) = args[1];
    args.erase(args.begin(), args.begin() + 2);
  }
  if (args.empty() || IsHelp(args[0])) {
    std::fputs(kMainHelp, args.empty() ? stderr : stdout);
    return args.empty() ? kExitUsage : kExitOk;
  }
  const std::string command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  const bool wants_help = !rest.empty() && IsHelp(rest[0]);
  if (wants_help) {
    const char* help = command == "classify"    ? kClassifyHelp
                       : command == "determine" ? kDetermineHelp
                       : command == "regimes"   ? kRegimesHelp
                                                : nullptr;
    if (help != nullptr) {
      std::fputs(help, stdout);
      return kExitOk;
    }
  }
  if (command != "classify" && command != "determine" && command != "regimes") {
    return Fail("unknown command '" + command + "' (see tierguard --help)");
  }
  auto engine = tg::Engine::Open(options);
  if (!engine) {
    return Fail(engine.error().message());
  }
  if (command == "classify") {
    return Classify(**engine, rest);
  }
  if (command == "determine") {
    return Determine(**engine, rest);
  }
  return Regimes(**engine, rest);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {  // out of memory, or a bug: report, never abort silently
    std::fprintf(stderr, "tierguard: internal error: %s\n", e.what());
    return kExitUsage;
  }
}
