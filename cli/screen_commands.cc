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

}  // namespace tg::cli
