// The screening index: every name and alias of the loaded lists, normalised once, with
// postings from each token, its phonetic key and its first four letters to the names holding
// them. A search gathers candidates from the query's tokens (rarest first, common tokens
// capped), scores the best of them with the NameScorer, and adjusts by the qualifiers given
// (country, type). Immutable after building; Search may run on several threads at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "src/common/files.h"
#include "src/screen/lists.h"
#include "src/screen/normalize.h"
#include "src/screen/scorer.h"

namespace tg::screen {

struct Query {
  std::string id;
  std::string name;
  std::string country;                   // alpha-2, or empty
  std::string type;                      // person | entity | vessel | aircraft, or empty
  std::string birth_date;                // YYYY or YYYY-MM-DD, or empty
  std::vector<std::string> identifiers;  // IMO, registration, tax, passport numbers …
};

struct Hit {
  const ScreeningList* list = nullptr;
  const ListEntry* entry = nullptr;
  const std::string* matched_name = nullptr;  // the entry's name or alias that matched
  double score = 0;                           // name score adjusted by the qualifiers, in [0, 1]
  double name_score = 0;
  double country = 0;     // adjustment for the country (+ same, - different, 0 unknown)
  double type = 0;        // adjustment for the party type
  double birth = 0;       // adjustment for the birth year (+ same, - different)
  double identifier = 0;  // raise for an identifier both sides give; - for another IMO number
};

class Index {
 public:
  // Turns a country as a list writes it ("Russia", "RU", "Iran (Islamic Republic of)") into
  // its alpha-2 code, or "" when unknown.
  using CountryResolver = std::function<std::string(std::string_view)>;

  Index(const Normalizer& normalizer, const NameScorer& scorer, CountryResolver countries)
      : normalizer_(normalizer), scorer_(scorer), countries_(std::move(countries)) {}
  ~Index();
  Index(const Index&) = delete;
  Index& operator=(const Index&) = delete;

  // Adds every entry of `list`, which must outlive the index. Names that do not normalise
  // (no letters) are skipped; returns how many names were indexed.
  Result<size_t> Add(const ScreeningList& list);

  // A snapshot: the index's postings and its table of names written to `path` (atomically:
  // a temporary file renamed), under `key`, which names what it was built from (the lists'
  // versions, the normaliser's data and program). Loading one for the same lists, in the same
  // order, costs a file read instead of normalising every listed name: names are normalised
  // when a search first scores them. REQUIRES for Save: built by Add alone.
  Status SaveSnapshot(const std::string& path, std::string_view key) const;
  // Indexes `lists` (which must outlive the index) from the snapshot at `path`. NotFound when
  // there is none, or it was written under another key; DataLoss when it does not fit the
  // lists. REQUIRES: the index is empty.
  Status LoadSnapshot(const std::string& path, std::string_view key,
                      const std::vector<const ScreeningList*>& lists);
  // The same, with the lists read from the snapshot (every snapshot holds the lists it was
  // built from) into `lists`, which must then outlive the index unchanged: a command that
  // knows the lists' versions reads no list. On an error `lists` is left empty.
  Status LoadSnapshotWithLists(const std::string& path, std::string_view key,
                               std::vector<ScreeningList>& lists);

  // Hits at or above `threshold`, best first, at most `limit`; one per entry (its best name).
  // InvalidArgument when the query name is not valid UTF-8 or too long.
  Result<std::vector<Hit>> Search(const Query& query, double threshold, size_t limit) const;

  size_t names() const { return names_.size(); }
  size_t entries() const { return entries_.size(); }

 private:
  struct Name {
    uint32_t entry;
    const std::string* text;
    uint16_t text_index;  // 0: the entry's name; k: its alias k - 1
    uint8_t alternative;  // which of the text's normalised alternatives (NormalizeAll)
    uint8_t tokens;       // how many tokens it has (at most 255 counted)
  };
  // Name::tokens again, a byte a name: a search reads it for every candidate, and a dense
  // array of bytes stays in cache where the table of names does not.
  std::vector<uint8_t> name_tokens_;
  struct EntryRef {
    const ScreeningList* list;
    const ListEntry* entry;
    std::vector<std::string> countries;    // alpha-2, as far as known
    std::vector<int> birth_years;          // every four-digit year in the birth dates
    std::vector<std::string> identifiers;  // IdentifierKey of each, its IMO numbers first
    NameKind kind;                         // of the entry's type
    uint8_t imo_count = 0;                 // how many of the identifiers are IMO numbers
  };
  void Post(const std::string& key, uint32_t name);
  void AddEntry(const ScreeningList& list, const ListEntry& e);
  // The names holding `key`, ascending; empty when none.
  std::span<const uint32_t> Posting(const std::string& key) const;
  // Name `id` normalised and prepared: made on first use for a name read from a snapshot.
  // Thread-safe.
  const NormalizedName& Norm(uint32_t id) const;

  const Normalizer& normalizer_;
  const NameScorer& scorer_;
  CountryResolver countries_;
  // What countries_ gave for each text an entry named a country by while entries were added:
  // a few hundred texts stand in tens of thousands of entries.
  std::unordered_map<std::string, std::string> country_codes_;
  std::vector<Name> names_;
  std::vector<EntryRef> entries_;
  // Each name's normalised form, by id: made by Add; or, for an index read from a snapshot,
  // made when first scored (null until then).
  std::vector<std::unique_ptr<const NormalizedName>> built_;
  std::unique_ptr<std::vector<std::atomic<const NormalizedName*>>> read_norms_;
  // Postings as Add builds them; after a snapshot is loaded, sorted keys over a flat array.
  std::unordered_map<std::string, std::vector<uint32_t>> postings_;
  struct Flat {
    MappedFile file;                            // the snapshot, mapped
    std::span<const uint32_t> words;            // its words after the magic
    std::span<const uint32_t> key_offsets;      // into key_chars, one more than the keys
    std::string_view key_chars;                 // the keys, sorted, back to back
    std::span<const uint32_t> posting_offsets;  // into postings, one more than the keys
    std::span<const uint32_t> postings;
    std::span<const uint32_t> norm_offsets;  // per name, into norms
    std::span<const uint32_t> norms;         // normalised names written in other scripts
  };
  // Reads the snapshot at `path` for the `given` lists, or for the lists it holds, read into
  // `read` (one of the two is null).
  Status LoadSnapshotFrom(const std::string& path, std::string_view key,
                          const std::vector<const ScreeningList*>* given,
                          std::vector<ScreeningList>* read);
  // Name `id` as the snapshot stores it normalised (unprepared); false when it stores none
  // (a name in ASCII) or the stored words do not read as a name.
  bool StoredNorm(uint32_t id, NormalizedName& out) const;
  std::unique_ptr<Flat> flat_;
};

}  // namespace tg::screen
