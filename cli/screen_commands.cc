#include "cli/screen_commands.h"

#include "cli/args.h"
#include "src/screen/scorer.h"

namespace tg::cli {

const char* const kMatchHelp = R"(usage: tierguard match [--threshold T] [FILE]

Scores pairs of names, for calibration and outside benchmarks. Reads JSON Lines (FILE, or stdin)
  {"name1": "Vladimir Putin", "name2": "PUTIN, Vladimir Vladimirovich", "schema": "Person"}
and writes one line per pair: {"score": 0.94, "match": true}. The scorer and the default
threshold are the ones `screen` uses (docs/screening-quality.md says how it was chosen).

  --threshold T   score at or above which a pair is a match (default: the engine's)
)";

const char* const kScreenHelp = R"(usage: tierguard screen --list FILE [--list FILE ...] [--threshold T] [--limit K] [FILE]

Screens names against restricted-party lists. Each --list is a list file in any format
tierguard reads (the format is detected from the content): OFAC legacy CSV (sdn.csv, with its
alt, add and sdn_comments files from the same folder, or the cons_* set), the trade.gov
Consolidated Screening List (CSV or JSON), the UN consolidated XML, the BIS Denied Persons List
(tab-separated), FollowTheMoney JSON Lines.
Queries (FILE, or stdin): JSON Lines {"id": "q1", "name": "...", "country": "RU",
"type": "person|entity|vessel|aircraft"} (only name required), or one name a line. Writes one
line per query: {"id", "query", "hits": [{"list", "list_version", "entry_id", "name",
"matched_name", "score", "type", "programs", "explanation": {"name", "country", "type"}}]}.

  --list FILE     a list to screen against (repeat for several)
  --threshold T   lowest score listed (default: the engine's, as for match)
  --limit K       at most K hits per query, best first (default 10)
)";

namespace {

bool ThresholdOpt(Args& a, double& threshold, std::string& error) {
  threshold = screen::kDefaultThreshold;
  if (!NumberOpt(a, "--threshold", threshold, error)) {
    return false;
  }
  if (threshold > 1) {
    error = "--threshold: must be within [0, 1]";
    return false;
  }
  return true;
}

}  // namespace

int Match(const Engine& engine, const std::vector<std::string>& argv) {
  Args a;
  std::string error;
  double threshold = 0;
  if (!ParseArgs(argv, {"--threshold"}, {}, a, error) || !ThresholdOpt(a, threshold, error)) {
    return Fail("match: " + error + " (see --help)");
  }
  std::FILE* in = OpenInput(a, error);
  if (in == nullptr) {
    return Fail("match: " + error);
  }
  auto stats = engine.MatchStream(in, stdout, threshold);
  if (in != stdin) {
    std::fclose(in);
  }
  if (!stats) {
    return Fail("match: " + stats.error().message());
  }
  return stats->errors > 0 ? kExitLineErrors : kExitOk;
}

int Screen(const Engine& engine, const std::vector<std::string>& argv) {
  Args a;
  std::string error;
  Engine::ScreenOptions options;
  double limit = 10;
  if (!ParseArgs(argv, {"--threshold", "--limit"}, {}, a, error, {"--list"}) ||
      !ThresholdOpt(a, options.threshold, error) || !NumberOpt(a, "--limit", limit, error)) {
    return Fail("screen: " + error + " (see --help)");
  }
  if (limit < 1 || limit != static_cast<double>(static_cast<size_t>(limit))) {
    return Fail("screen: --limit: must be a whole number >= 1");
  }
  options.limit = static_cast<size_t>(limit);
  options.lists = a.repeated["--list"];
  if (options.lists.empty()) {
    return Fail("screen: at least one --list FILE is required (see --help)");
  }
  std::FILE* in = OpenInput(a, error);
  if (in == nullptr) {
    return Fail("screen: " + error);
  }
  auto stats = engine.ScreenStream(in, stdout, options);
  if (in != stdin) {
    std::fclose(in);
  }
  if (!stats) {
    return Fail("screen: " + stats.error().message());
  }
  return stats->errors > 0 ? kExitLineErrors : kExitOk;
}

}  // namespace tg::cli
