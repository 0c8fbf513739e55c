// Restricted-party lists: loading every published format into one entry model, with a version
// (the content hash of the files read) and the delta between two versions of a list.
//
// Formats, detected from content (../shared/spec/screening.md):
//   OFAC legacy CSV   sdn.csv (+ alt, add, sdn_comments from the same folder) or the cons_*
//                     set: no header, "-0-" nulls, CRLF, trailing Ctrl-Z, overflow remarks
//   CSL CSV / JSON    trade.gov Consolidated Screening List (rows name their source list;
//                     Entity List rows keep their licence requirement and policy)
//   UN XML            UN Security Council consolidated list (with original-script names)
//   DPL               BIS Denied Persons List, tab-separated, quoted (with expiry dates)
//   FtM               FollowTheMoney entities, JSON Lines
// Every error names the file and line (or element) it is about.
#pragma once

#include <string>
#include <vector>

#include "tierguard/status.h"

namespace tg::screen {

struct ListEntry {
  std::string list;      // the list the entry is on: SDN, NONSDN, UN, DPL, EL, UVL, MEU, …
  std::string entry_id;  // unique within the loaded list: "SDN-35096", "UN-QDi.001", …
  std::string name;      // as published
  std::vector<std::string> aliases;      // a.k.a., f.k.a., original-script names
  std::string type;                      // person | entity | vessel | aircraft | ""
  std::vector<std::string> programs;     // sanctions programmes
  std::vector<std::string> countries;    // as published (names or codes)
  std::vector<std::string> birth_dates;  // as published
  std::vector<std::string> identifiers;  // IMO numbers, registration and tax numbers, …
  std::string license_requirement;       // CSL: Entity List and MEU rows
  std::string license_policy;
  std::string start_date;  // listed on / effective (YYYY-MM-DD when known)
  std::string end_date;    // expiry (DPL), "" when none
  std::string remarks;
};

struct ScreeningList {
  std::string source;   // the file read (the primary one for an OFAC set)
  std::string format;   // ofac-csv | csl-csv | csl-json | un-xml | dpl | ftm
  std::string version;  // "sha256:" of the bytes of every file read
  std::vector<ListEntry> entries;
};

// Loads one list file (for an OFAC primary file, its companion files too).
Result<ScreeningList> LoadList(const std::string& path);
// The same, from bytes already read (fuzzing, tests). `path` names the data in errors; OFAC
// companion files are not looked for.
Result<ScreeningList> ParseList(const std::string& path, std::string_view bytes);

// The list as one JSON document (how the ledger keeps it) and back.
std::string ListToJson(const ScreeningList& list);
Result<ScreeningList> ListFromJson(std::string_view json);

// The name a list is kept under when none is given: SDN, NONSDN, UN, DPL, CSL, or FtM's
// first dataset.
std::string DefaultListName(const ScreeningList& list);

// Parses bytes as one given format (ofac-csv, csl-csv, csl-json, un-xml, dpl, ftm), without
// detection; InvalidArgument for an unknown format. For fuzzing each loader on its own.
Result<ScreeningList> ParseListAs(std::string_view format, const std::string& path,
                                  std::string_view bytes);

// What changed between two versions of a list, by entry id.
struct ListDelta {
  std::vector<std::string> added;
  std::vector<std::string> removed;
  std::vector<std::string> changed;  // same id, different names, type, programmes or ids
};
ListDelta DiffLists(const ScreeningList& before, const ScreeningList& after);

// A digest of what a screening hit depends on: the entry's names, type, programmes, countries,
// birth dates and identifiers. A cleared hit holds until this changes.
std::string EntryDigest(const ListEntry& entry);

}  // namespace tg::screen
