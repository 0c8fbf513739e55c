#include "screen_commands.h"

#include "args.h"

namespace tg::cli {

const char* const kMatchHelp = R"(usage: tierguard match [--threshold T] [FILE]

Scores pairs of names, for calibration and outside benchmarks. Reads JSON Lines (FILE, or stdin)
  {"name1": "Vladimir Putin", "name2": "PUTIN, Vladimir Vladimirovich", "schema": "Person"}
and writes one line per pair: {"score": 0.94, "match": true}. The scorer and the default
threshold are the ones `screen` uses (docs/screening-quality.md says how it was chosen).

  --threshold T   score at or above which a pair is a match (default: the engine's)
)";

const char* const kScreenHelp =
    R"(usage: tierguard screen --list FILE [--list FILE ...] [--threshold T] [--limit K] [FILE]

Screens names against restricted-party lists. Each --list is a list file in any format
tierguard reads (the format is detected from the content): OFAC legacy CSV (sdn.csv, with its
alt, add and sdn_comments files from the same folder, or the cons_* set), the trade.gov
Consolidated Screening List (CSV or JSON), the UN consolidated XML, the BIS Denied Persons List
(tab-separated), FollowTheMoney JSON Lines.
Queries (FILE, or stdin): JSON Lines {"id": "q1", "name": "...", "country": "RU",
"type": "person|entity|vessel|aircraft", "birth_date": "1952-10-07", "identifiers": ["IMO
9187629"]} (only name required), or one name a line. Writes one line per query: {"id", "query",
"hits": [{"list", "list_version", "entry_id", "name", "matched_name", "score", "type",
"programs", "explanation": {"name", "country", "type", "birth", "identifier"}}]}.

  --list FILE     a list to screen against (repeat for several)
  --threshold T   lowest score listed (default: the engine's, as for match)
  --limit K       at most K hits per query, best first (default 10)
)";

const char* const kListsHelp = R"(usage: tierguard [--db PATH] lists load FILE [--name NAME]
       tierguard [--db PATH] lists list
       tierguard lists diff OLD_FILE NEW_FILE

load   keeps a list file (any format `screen` reads) in the ledger under NAME (default: the
       list's own: SDN, NONSDN, UN, DPL, CSL, …). From then on determine and ship screen the
       exporter, consignee and end user of every request against the kept lists. Prints the
       version (content hash), the delta against the version kept before (added, removed,
       changed entries), and how many new hits re-screening the parties on record raised as
       alerts (see tierguard alerts). Logged in the audit log.
list   the kept lists: name, version, format, source, entries
diff   the entries added, removed and changed between two list files (no ledger needed)
)";

const char* const kHitsHelp =
    R"(usage: tierguard [--db PATH] hits clear PARTY --entry ENTRY_ID --reason TEXT [--expires DATE]
       tierguard [--db PATH] hits revoke PARTY --entry ENTRY_ID --reason TEXT
       tierguard [--db PATH] hits list | open
  PARTY := --party NAME (--party-id ID | --country CC [--birth-date DATE])

clear   records a reviewer's decision that a party's hit on a list entry is a false positive.
        It is keyed to that party (its id, or its name with country and birth date: never a
        name alone, which may be anyone's) and to the entry as it stands: the hit then shows as
        cleared in decisions and does not change their outcome, until the entry changes in a
        later list version or DATE passes. Refused when the party has no hit on the entry.
        Logged in the audit log; the reviewer is who --as names (else $TIERGUARD_ACTOR, $USER).
revoke  withdraws a clearance (logged, with the reason).
list    the clearances on record
open    the hits of the parties on record that no clearance covers
)";

namespace {

bool ThresholdOpt(Args& a, double& threshold, std::string& error) {
  threshold = kDefaultScreeningThreshold;
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
  std::unique_ptr<tg::Source> in = OpenInput(a, error);
  if (in == nullptr) {
    return Fail("match: " + error);
  }
  auto stats = engine.MatchStream(*in, StandardOutput(), threshold);
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
  std::unique_ptr<tg::Source> in = OpenInput(a, error);
  if (in == nullptr) {
    return Fail("screen: " + error);
  }
  auto stats = engine.ScreenStream(*in, StandardOutput(), options);
  if (!stats) {
    return Fail("screen: " + stats.error().message());
  }
  return stats->errors > 0 ? kExitLineErrors : kExitOk;
}

int Lists(const Session& session, const std::vector<std::string>& argv) {
  if (argv.empty()) {
    return Fail("lists: give load, list or diff (see --help)");
  }
  const std::string sub = argv[0];
  Args a;
  std::string error;
  if (!ParseArgs({argv.begin() + 1, argv.end()}, {"--name"}, {}, a, error)) {
    return Fail("lists: " + error + " (see --help)");
  }
  if (sub == "load") {
    if (a.positional.size() != 1) {
      return Fail("lists load: give one list FILE");
    }
    auto summary = session.LoadScreeningList(a.positional[0], Opt(a, "--name"));
    if (!summary) {
      return Refused("lists load", summary.error());
    }
    std::printf("%s\n", summary->c_str());
    return kExitOk;
  }
  if (sub == "list") {
    return PrintList("lists list", session.ScreeningLists());
  }
  if (sub == "diff") {
    if (a.positional.size() != 2) {
      return Fail("lists diff: give OLD_FILE and NEW_FILE");
    }
    auto delta = session.engine().DiffListFiles(a.positional[0], a.positional[1]);
    if (!delta) {
      return Refused("lists diff", delta.error());
    }
    std::printf("%s\n", delta->c_str());
    return kExitOk;
  }
  return Fail("lists: unknown subcommand '" + sub + "' (see --help)");
}

int Hits(const Session& session, const std::vector<std::string>& argv) {
  if (argv.empty()) {
    return Fail("hits: give clear or list (see --help)");
  }
  const std::string sub = argv[0];
  Args a;
  std::string error;
  if (!ParseArgs({argv.begin() + 1, argv.end()},
                 {"--party", "--party-id", "--country", "--birth-date", "--entry", "--reason",
                  "--expires"},
                 {}, a, error)) {
    return Fail("hits: " + error + " (see --help)");
  }
  if (sub == "clear" || sub == "revoke") {
    HitClearance c;
    if (!Need(a, {"--party", "--entry", "--reason"}, error) ||
        (!Opt(a, "--country").empty() &&
         !CountryOpt(session.engine(), a, "--country", c.country, error))) {
      return Fail("hits " + sub + ": " + error);
    }
    c.party_name = Opt(a, "--party");
    c.party_id = Opt(a, "--party-id");
    c.birth_date = Opt(a, "--birth-date");
    c.entry_id = Opt(a, "--entry");
    c.reason = Opt(a, "--reason");
    c.expires = Opt(a, "--expires");
    Status s = sub == "clear" ? session.ClearHit(c) : session.RevokeClearance(c);
    if (!s.ok()) {
      return Refused("hits " + sub, s);
    }
    return kExitOk;
  }
  if (sub == "list") {
    return PrintList("hits list", session.ClearedHits());
  }
  if (sub == "open") {
    return PrintList("hits open", session.OpenHits());
  }
  return Fail("hits: unknown subcommand '" + sub + "' (see --help)");
}

}  // namespace tg::cli
