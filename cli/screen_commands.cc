// The screening commands: screen and match (list files, no ledger), lists and hits (the lists
// kept in the ledger, and reviewers' clearances).
#include <cstdio>
#include <memory>

#include "app.h"
#include "output.h"

namespace tg::cli {

namespace {

constexpr const char* kMatchFooter = R"(
Scores pairs of names, for calibration and outside benchmarks. Reads JSON Lines (FILE, or stdin)
  {"name1": "Vladimir Putin", "name2": "PUTIN, Vladimir Vladimirovich", "schema": "Person"}
and writes one line per pair: {"score": 0.94, "match": true}. The scorer and the default
threshold are the ones `screen` uses (docs/screening-quality.md says how it was chosen).)";

constexpr const char* kScreenFooter = R"(
Each --list is a list file in any format tierguard reads (the format is detected from the
content): OFAC legacy CSV (sdn.csv, with its alt, add and sdn_comments files from the same
folder, or the cons_* set), the trade.gov Consolidated Screening List (CSV or JSON), the UN
consolidated XML, the BIS Denied Persons List (tab-separated), FollowTheMoney JSON Lines.
Queries (FILE, or stdin): JSON Lines {"id": "q1", "name": "...", "country": "RU",
"type": "person|entity|vessel|aircraft", "birth_date": "1952-10-07", "identifiers": ["IMO
9187629"]} (only name required), or one name a line. Writes one line per query: {"id", "query",
"hits": [{"list", "list_version", "entry_id", "name", "matched_name", "score", "type",
"programs", "explanation": {"name", "country", "type", "birth", "identifier"}}]}.)";

constexpr const char* kListsLoadFooter = R"(
Keeps a list file (any format `screen` reads) in the ledger under NAME (default: the list's own:
SDN, NONSDN, UN, DPL, CSL, …). From then on determine and ship screen the exporter, consignee
and end user of every request against the kept lists. Prints the version (content hash), the
delta against the version kept before (added, removed, changed entries), and how many new hits
re-screening the parties on record raised as alerts (see tierguard alerts). Logged in the audit
log.)";

constexpr const char* kHitsClearFooter = R"(
Records a reviewer's decision that a party's hit on a list entry is a false positive. It is
keyed to that party (its id, or its name with country and birth date: never a name alone, which
may be anyone's) and to the entry as it stands: the hit then shows as cleared in decisions and
does not change their outcome, until the entry changes in a later list version or --expires
passes. Refused when the party has no hit on the entry. Logged in the audit log; the reviewer
is who --as names (else $TIERGUARD_ACTOR, $USER).)";

// The score at or above which a pair matches, within [0, 1].
CLI::Option* AddThreshold(CLI::App* cmd, double& threshold, const std::string& help) {
  threshold = kDefaultScreeningThreshold;
  return cmd
      ->add_option_function<std::string>(
          "--threshold",
          [&threshold](const std::string& text) {
            double v = 0;
            if (!ParseNumber(text, v) || !(v >= 0 && v <= 1)) {
              throw CLI::ValidationError("--threshold", "'" + text + "' is not within [0, 1]");
            }
            threshold = v;
          },
          help)
      ->type_name("T");
}

void AddMatch(CLI::App& app, CommandTable& table) {
  struct Options {
    double threshold = 0;
    std::vector<std::string> files;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("match", "score pairs of names with the screening scorer");
  cmd->footer(kMatchFooter);
  AddThreshold(cmd, o->threshold,
               "score at or above which a pair is a match (default: the engine's)");
  cmd->add_option("FILE", o->files, "pairs (default: stdin)");
  table.Add(cmd, Needs::kEngine, [o](const Context& c) {
    return RunStream("match", o->files, [&](Source& in, Sink& out) {
      return c.engine().MatchStream(in, out, o->threshold);
    });
  });
}

void AddScreen(CLI::App& app, CommandTable& table) {
  struct Options {
    Engine::ScreenOptions screen;
    uint64_t limit = 10;
    std::vector<std::string> files;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("screen", "screen names against restricted-party list files");
  cmd->footer(kScreenFooter);
  AddRepeated(cmd, "--list", o->screen.lists, "a list to screen against (repeat for several)")
      ->type_name("FILE")
      ->required();
  AddThreshold(cmd, o->screen.threshold, "lowest score listed (default: the engine's)");
  AddIndex(cmd, "--limit", o->limit, "at most K hits per query, best first (default 10)")
      ->type_name("K");
  cmd->add_option("FILE", o->files, "queries (default: stdin)");
  table.Add(cmd, Needs::kEngine, [o](const Context& c) {
    if (o->limit < 1) {
      return Fail("screen: --limit: must be a whole number >= 1");
    }
    o->screen.limit = static_cast<size_t>(o->limit);
    return RunStream("screen", o->files, [&](Source& in, Sink& out) {
      return c.engine().ScreenStream(in, out, o->screen);
    });
  });
}

void AddLists(CLI::App& app, CommandTable& table) {
  CLI::App* lists = app.add_subcommand(
      "lists", "the lists kept in the ledger, which determine and ship screen against");
  lists->require_subcommand(1);
  struct Load {
    std::string file;
    std::string name;
  };
  auto load = std::make_shared<Load>();
  CLI::App* load_cmd = lists->add_subcommand("load", "keep a list file in the ledger");
  load_cmd->footer(kListsLoadFooter);
  load_cmd->add_option("FILE", load->file, "the list file")->required();
  AddText(load_cmd, "--name", load->name, "the name to keep it under (default: the list's own)");
  table.Add(load_cmd, Needs::kLedgerWrites, [load](const Context& c) {
    auto summary = c.session().LoadScreeningList(load->file, load->name);
    if (!summary) {
      return Refused("lists load", summary.error());
    }
    std::printf("%s\n", summary->c_str());
    return kExitOk;
  });
  AddListing(lists, table, "list", "the kept lists: name, version, format, source, entries",
             &Session::ScreeningLists);
  struct Diff {
    std::string before;
    std::string after;
  };
  auto diff = std::make_shared<Diff>();
  CLI::App* diff_cmd = lists->add_subcommand(
      "diff", "the entries added, removed and changed between two list files (no ledger needed)");
  diff_cmd->add_option("OLD_FILE", diff->before, "the older list file")->required();
  diff_cmd->add_option("NEW_FILE", diff->after, "the newer list file")->required();
  table.Add(diff_cmd, Needs::kEngine, [diff](const Context& c) {
    auto delta = c.engine().DiffListFiles(diff->before, diff->after);
    if (!delta) {
      return Refused("lists diff", delta.error());
    }
    std::printf("%s\n", delta->c_str());
    return kExitOk;
  });
}

void AddHits(CLI::App& app, CommandTable& table) {
  CLI::App* hits = app.add_subcommand("hits", "reviewers' clearances of screening hits");
  hits->require_subcommand(1);
  for (const bool clear : {true, false}) {
    struct Options {
      HitClearance clearance;
      std::string country;
    };
    auto o = std::make_shared<Options>();
    const std::string verb = clear ? "clear" : "revoke";
    CLI::App* cmd = hits->add_subcommand(
        verb, clear ? "record that a party's hit on a list entry is a false positive"
                    : "withdraw a clearance (logged, with the reason)");
    if (clear) {
      cmd->footer(kHitsClearFooter);
    }
    AddText(cmd, "--party", o->clearance.party_name, "the party's name, as screened")
        ->type_name("NAME")
        ->required();
    AddText(cmd, "--party-id", o->clearance.party_id, "the party's id (or give its country)")
        ->type_name("ID");
    AddText(cmd, "--country", o->country, "the party's country, without an id")->type_name("CC");
    AddText(cmd, "--birth-date", o->clearance.birth_date, "a person's birth date")
        ->type_name("DATE");
    AddText(cmd, "--entry", o->clearance.entry_id, "the list entry")
        ->type_name("ENTRY_ID")
        ->required();
    AddText(cmd, "--reason", o->clearance.reason, "why")->required();
    if (clear) {
      AddText(cmd, "--expires", o->clearance.expires, "the clearance lapses after DATE")
          ->type_name("DATE");
    }
    table.Add(cmd, Needs::kLedgerWrites, [o, clear, verb](const Context& c) {
      HitClearance clearance = o->clearance;
      if (!o->country.empty()) {
        auto country = c.engine().ParseCountry(o->country);
        if (!country) {
          return BadOption("hits " + verb, "--country", country.error());
        }
        clearance.country = *country;
      }
      const Status s =
          clear ? c.session().ClearHit(clearance) : c.session().RevokeClearance(clearance);
      return s.ok() ? kExitOk : Refused("hits " + verb, s);
    });
  }
  AddListing(hits, table, "list", "the clearances on record", &Session::ClearedHits);
  AddListing(hits, table, "open",
             "the hits of the parties on record that no clearance covers (a page: --limit "
             "parties)",
             &Session::OpenHits);
}

}  // namespace

void AddScreeningCommands(CLI::App& app, CommandTable& table) {
  AddMatch(app, table);
  AddScreen(app, table);
  AddLists(app, table);
  AddHits(app, table);
}

}  // namespace tg::cli
