// Index snapshots: the postings and the table of names of a built index, written to a file and
// read back for the same lists, so that a command screening a few parties does not normalise
// every listed name again.
//
// Layout, in 32-bit words of the machine's byte order after the 8-byte magic (a snapshot is a
// cache beside the ledger, not a file to move between machines); the first two words are the
// XXH3 hash of the words after them (low word first), so that a torn or damaged file is
// refused, never read as other postings:
//   the key: its length in bytes, then its bytes (padded to a word);
//   the lists: the words they take, their count, then per list its source, format and version
//   (bytes) and its entries (count; per entry its text fields as bytes and its list fields as
//   a count and bytes each, in ListEntry's order), so that a command with the lists' versions
//   reads the lists from here, not from the ledger's JSON;
//   names: count, then per name: entry, text index, alternative and token count (a word each);
//   keys: count, count + 1 offsets into the key bytes, the key bytes (length, then the sorted
//   keys back to back, padded to a word);
//   postings: count of keys + 1 offsets into the posting words, then the posting words;
//   normalised names: for every name an offset into the words that follow (kNotStored for a
//   name written in ASCII, normalised again when first scored, which is cheap), then the words:
//   per name its vessel flag, its tokens (count; per token flags, script word, Han character,
//   jurisdictions as two words, then text, key and orthographic form as bytes) and its script
//   words (count; per word its script and letters, count then one word each). A name in
//   another script is read from here because normalising it again would start ICU's
//   transliterators, which cost more than the rest of a one-line screening.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <string>

#include "src/common/digest.h"
#include "src/common/files.h"
#include "src/common/text.h"
#include "src/screen/index.h"

namespace tg::screen {

namespace {

constexpr char kMagic[8] = {'T', 'G', 'S', 'N', 'A', 'P', '0', '5'};
constexpr uint32_t kNotStored = UINT32_MAX;

void PutBytes(std::vector<uint32_t>& out, std::string_view bytes) {
  out.push_back(static_cast<uint32_t>(bytes.size()));
  const size_t start = out.size();
  out.resize(start + (bytes.size() + 3) / 4, 0);
  std::memcpy(out.data() + start, bytes.data(), bytes.size());
}

// Reads words from a snapshot, refusing to read past its end.
class Reader {
 public:
  explicit Reader(std::span<const uint32_t> words) : words_(words) {}
  bool Word(uint32_t& w) {
    if (at_ >= words_.size()) {
      return false;
    }
    w = words_[at_++];
    return true;
  }
  bool Words(size_t n, std::span<const uint32_t>& out) {
    if (n > words_.size() - at_) {
      return false;
    }
    out = words_.subspan(at_, n);
    at_ += n;
    return true;
  }
  bool Bytes(std::string_view& out) {
    uint32_t n = 0;
    std::span<const uint32_t> w;
    if (!Word(n) || !Words((static_cast<size_t>(n) + 3) / 4, w)) {
      return false;
    }
    out = std::string_view(reinterpret_cast<const char*>(w.data()), n);
    return true;
  }
  bool AtEnd() const { return at_ == words_.size(); }
  size_t Position() const { return at_; }
  size_t Remaining() const { return words_.size() - at_; }
  void Seek(size_t at) { at_ = std::min(at, words_.size()); }

 private:
  std::span<const uint32_t> words_;
  size_t at_ = 0;
};

void PutNorm(std::vector<uint32_t>& out, const NormalizedName& n) {
  out.push_back(n.vessel ? 1 : 0);
  out.push_back(static_cast<uint32_t>(n.tokens.size()));
  for (const Token& t : n.tokens) {
    out.insert(out.end(), {t.flags, t.word, static_cast<uint32_t>(t.han),
                           static_cast<uint32_t>(t.jurisdictions),
                           static_cast<uint32_t>(t.jurisdictions >> 32)});
    PutBytes(out, t.text);
    PutBytes(out, t.key);
    PutBytes(out, t.ortho);
  }
  out.push_back(static_cast<uint32_t>(n.script_words.size()));
  for (const ScriptWord& w : n.script_words) {
    out.push_back(w.script);
    out.push_back(static_cast<uint32_t>(w.letters.size()));
    out.insert(out.end(), w.letters.begin(), w.letters.end());
  }
}

// False when the words run out or hold a value no name has.
bool ReadNorm(Reader& r, NormalizedName& n) {
  uint32_t vessel = 0;
  uint32_t tokens = 0;
  if (!r.Word(vessel) || vessel > 1 || !r.Word(tokens)) {
    return false;
  }
  n.vessel = vessel == 1;
  for (uint32_t i = 0; i < tokens; ++i) {
    std::span<const uint32_t> fixed;
    std::string_view text;
    std::string_view key;
    std::string_view ortho;
    if (!r.Words(5, fixed) || fixed[0] > 255 || fixed[1] > 255 || !r.Bytes(text) || !r.Bytes(key) ||
        !r.Bytes(ortho)) {
      return false;
    }
    Token& t = n.tokens.emplace_back();
    t.flags = static_cast<uint8_t>(fixed[0]);
    t.word = static_cast<uint8_t>(fixed[1]);
    t.han = static_cast<char32_t>(fixed[2]);
    t.jurisdictions = uint64_t{fixed[3]} | (uint64_t{fixed[4]} << 32);
    t.text = text;
    t.key = key;
    t.ortho = ortho;
  }
  uint32_t words = 0;
  if (!r.Word(words)) {
    return false;
  }
  for (uint32_t i = 0; i < words; ++i) {
    uint32_t script = 0;
    uint32_t letters = 0;
    std::span<const uint32_t> chars;
    if (!r.Word(script) || script > UINT16_MAX || !r.Word(letters) || !r.Words(letters, chars)) {
      return false;
    }
    n.script_words.push_back(
        ScriptWord{std::u32string(chars.begin(), chars.end()), static_cast<uint16_t>(script)});
  }
  return true;
}

// A ListEntry's fields in their order: the text fields, then the lists of text.
constexpr std::string ListEntry::*kEntryTexts[] = {&ListEntry::list,
                                                   &ListEntry::entry_id,
                                                   &ListEntry::name,
                                                   &ListEntry::type,
                                                   &ListEntry::license_requirement,
                                                   &ListEntry::license_policy,
                                                   &ListEntry::start_date,
                                                   &ListEntry::end_date,
                                                   &ListEntry::remarks};
constexpr std::vector<std::string> ListEntry::*kEntryLists[] = {
    &ListEntry::aliases, &ListEntry::programs, &ListEntry::countries, &ListEntry::birth_dates,
    &ListEntry::identifiers};

void PutList(std::vector<uint32_t>& out, const ScreeningList& list) {
  PutBytes(out, list.source);
  PutBytes(out, list.format);
  PutBytes(out, list.version);
  out.push_back(static_cast<uint32_t>(list.entries.size()));
  for (const ListEntry& e : list.entries) {
    for (const auto field : kEntryTexts) {
      PutBytes(out, e.*field);
    }
    for (const auto field : kEntryLists) {
      out.push_back(static_cast<uint32_t>((e.*field).size()));
      for (const std::string& v : e.*field) {
        PutBytes(out, v);
      }
    }
  }
}

// False when the words run out.
bool ReadList(Reader& r, ScreeningList& list) {
  std::string_view text;
  uint32_t entries = 0;
  if (!r.Bytes(text)) {
    return false;
  }
  list.source = text;
  if (!r.Bytes(text)) {
    return false;
  }
  list.format = text;
  // An entry takes a word for each of its fields at least: a count past what is left is
  // refused before anything is allocated for it.
  constexpr size_t kLeastWords = std::size(kEntryTexts) + std::size(kEntryLists);
  if (!r.Bytes(text) || !r.Word(entries) || entries > r.Remaining() / kLeastWords) {
    return false;
  }
  list.version = text;
  list.entries.resize(entries);
  for (ListEntry& e : list.entries) {
    for (const auto field : kEntryTexts) {
      if (!r.Bytes(text)) {
        return false;
      }
      e.*field = text;
    }
    for (const auto field : kEntryLists) {
      uint32_t count = 0;
      if (!r.Word(count)) {
        return false;
      }
      (e.*field).reserve(std::min<size_t>(count, 1024));
      for (uint32_t i = 0; i < count; ++i) {
        if (!r.Bytes(text)) {
          return false;
        }
        (e.*field).emplace_back(text);
      }
    }
  }
  return true;
}

}  // namespace

Status Index::SaveSnapshot(const std::string& path, std::string_view key) const {
  if (flat_ != nullptr) {
    return FailedPrecondition("an index read from a snapshot is not written to another");
  }
  std::vector<uint32_t> out;
  PutBytes(out, key);
  // The lists, in the order their entries were added.
  std::vector<const ScreeningList*> lists;
  for (const EntryRef& e : entries_) {
    if (lists.empty() || lists.back() != e.list) {
      lists.push_back(e.list);
    }
  }
  const size_t lists_at = out.size();
  out.push_back(0);  // the words the lists take, filled below
  out.push_back(static_cast<uint32_t>(lists.size()));
  for (const ScreeningList* list : lists) {
    PutList(out, *list);
  }
  out[lists_at] = static_cast<uint32_t>(out.size() - lists_at - 1);
  out.push_back(static_cast<uint32_t>(names_.size()));
  for (const Name& n : names_) {
    out.insert(out.end(), {n.entry, n.text_index, n.alternative, n.tokens});
  }
  std::vector<const std::pair<const std::string, std::vector<uint32_t>>*> sorted;
  sorted.reserve(postings_.size());
  for (const auto& p : postings_) {
    sorted.push_back(&p);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  out.push_back(static_cast<uint32_t>(sorted.size()));
  std::string chars;
  uint32_t offset = 0;
  for (const auto* p : sorted) {
    out.push_back(offset);
    offset += static_cast<uint32_t>(p->first.size());
    chars += p->first;
  }
  out.push_back(offset);
  PutBytes(out, chars);
  uint32_t postings = 0;
  for (const auto* p : sorted) {
    out.push_back(postings);
    postings += static_cast<uint32_t>(p->second.size());
  }
  out.push_back(postings);
  for (const auto* p : sorted) {
    out.insert(out.end(), p->second.begin(), p->second.end());
  }
  std::vector<uint32_t> norms;
  for (size_t id = 0; id < names_.size(); ++id) {
    if (IsAscii(*names_[id].text)) {
      out.push_back(kNotStored);
    } else {
      out.push_back(static_cast<uint32_t>(norms.size()));
      PutNorm(norms, *built_[id]);
    }
  }
  out.push_back(static_cast<uint32_t>(norms.size()));
  out.insert(out.end(), norms.begin(), norms.end());
  const uint64_t hash = Xxh3(out.data(), out.size() * sizeof(uint32_t));
  const uint32_t hash_words[2] = {static_cast<uint32_t>(hash), static_cast<uint32_t>(hash >> 32)};
  std::string bytes(kMagic, sizeof kMagic);
  bytes.append(reinterpret_cast<const char*>(hash_words), sizeof hash_words);
  bytes.append(reinterpret_cast<const char*>(out.data()), out.size() * sizeof(uint32_t));
  return ReplaceFile(path, bytes);
}

Status Index::LoadSnapshot(const std::string& path, std::string_view key,
                           const std::vector<const ScreeningList*>& lists) {
  return LoadSnapshotFrom(path, key, &lists, nullptr);
}

Status Index::LoadSnapshotWithLists(const std::string& path, std::string_view key,
                                    std::vector<ScreeningList>& lists) {
  return LoadSnapshotFrom(path, key, nullptr, &lists);
}

Status Index::LoadSnapshotFrom(const std::string& path, std::string_view key,
                               const std::vector<const ScreeningList*>* given,
                               std::vector<ScreeningList>* read) {
  if (!names_.empty() || !entries_.empty()) {
    return FailedPrecondition("a snapshot is loaded into an empty index only");
  }
  auto flat = std::make_unique<Flat>();
  Result<MappedFile> file = MappedFile::Open(path);
  if (!file) {
    return file.status().code() == StatusCode::kNotFound
               ? NotFound("no screening snapshot at " + path)
               : DataLoss(path + ": cannot read the screening snapshot");
  }
  flat->file = std::move(*file);
  const std::string_view bytes = flat->file.bytes();
  // The words start 8 bytes into a page-aligned mapping: aligned for uint32_t.
  if (bytes.size() < sizeof kMagic || (bytes.size() - sizeof kMagic) % 4 != 0 ||
      std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return DataLoss(path + ": not a screening snapshot");
  }
  flat->words =
      std::span<const uint32_t>(reinterpret_cast<const uint32_t*>(bytes.data() + sizeof kMagic),
                                (bytes.size() - sizeof kMagic) / 4);
  if (flat->words.size() < 2 || (flat->words[0] | uint64_t{flat->words[1]} << 32) !=
                                    Xxh3(flat->words.data() + 2, (flat->words.size() - 2) * 4)) {
    return DataLoss(path + ": the screening snapshot's checksum does not hold");
  }
  Reader r(flat->words.subspan(2));
  std::string_view written_key;
  if (!r.Bytes(written_key)) {
    return DataLoss(path + ": screening snapshot cut short");
  }
  if (written_key != key) {
    return NotFound(path + ": the screening snapshot is of other lists or another program");
  }
  auto fail = [&](const std::string& why) {
    entries_.clear();
    names_.clear();
    name_tokens_.clear();
    if (read != nullptr) {
      read->clear();
    }
    return DataLoss(path + ": " + why);
  };
  uint32_t lists_words = 0;
  if (!r.Word(lists_words) || lists_words > flat->words.size() - r.Position() - 2) {
    return fail("screening snapshot cut short in its lists");
  }
  const size_t lists_end = r.Position() + lists_words;
  std::vector<const ScreeningList*> read_lists;
  const std::vector<const ScreeningList*>* lists = given;
  if (read != nullptr) {
    uint32_t count = 0;
    if (!r.Word(count) || count > lists_words) {
      return fail("screening snapshot cut short in its lists");
    }
    read->clear();
    read->resize(count);  // never resized again: the index points into it
    for (ScreeningList& list : *read) {
      if (!ReadList(r, list) || r.Position() > lists_end) {
        return fail("screening snapshot cut short in its lists");
      }
      read_lists.push_back(&list);
    }
    if (r.Position() != lists_end) {
      return fail("screening snapshot's lists end where they should not");
    }
    lists = &read_lists;
  } else {
    r.Seek(lists_end);
  }
  for (const ScreeningList* list : *lists) {
    for (const ListEntry& e : list->entries) {
      AddEntry(*list, e);
    }
  }
  uint32_t name_count = 0;
  std::span<const uint32_t> table;
  if (!r.Word(name_count) || !r.Words(static_cast<size_t>(name_count) * 4, table)) {
    return fail("screening snapshot cut short in its names");
  }
  names_.reserve(name_count);
  for (size_t i = 0; i < name_count; ++i) {
    const uint32_t entry = table[4 * i];
    const uint32_t text_index = table[4 * i + 1];
    if (entry >= entries_.size() || text_index > entries_[entry].entry->aliases.size() ||
        table[4 * i + 2] > 255 || table[4 * i + 3] > 255) {
      return fail("name " + std::to_string(i) + " of the screening snapshot fits no entry");
    }
    const ListEntry& e = *entries_[entry].entry;
    names_.push_back(Name{entry, text_index == 0 ? &e.name : &e.aliases[text_index - 1],
                          static_cast<uint16_t>(text_index), static_cast<uint8_t>(table[4 * i + 2]),
                          static_cast<uint8_t>(table[4 * i + 3])});
    name_tokens_.push_back(names_.back().tokens);
  }
  uint32_t keys = 0;
  if (!r.Word(keys) || !r.Words(static_cast<size_t>(keys) + 1, flat->key_offsets) ||
      !r.Bytes(flat->key_chars) || !r.Words(static_cast<size_t>(keys) + 1, flat->posting_offsets)) {
    return fail("screening snapshot cut short in its keys");
  }
  const uint32_t posting_words = flat->posting_offsets.back();
  if (!r.Words(posting_words, flat->postings)) {
    return fail("screening snapshot cut short in its postings");
  }
  uint32_t norm_words = 0;
  if (!r.Words(name_count, flat->norm_offsets) || !r.Word(norm_words) ||
      !r.Words(norm_words, flat->norms) || !r.AtEnd()) {
    return fail("screening snapshot cut short in its normalised names");
  }
  for (const uint32_t offset : flat->norm_offsets) {
    if (offset != kNotStored && offset >= norm_words) {
      return fail("screening snapshot offsets out of bounds");
    }
  }
  // Offsets ascending and within bounds, names within the table: a damaged file is refused,
  // never read out of bounds.
  for (size_t k = 0; k < keys; ++k) {
    if (flat->key_offsets[k] > flat->key_offsets[k + 1] ||
        flat->posting_offsets[k] > flat->posting_offsets[k + 1]) {
      return fail("screening snapshot offsets out of order");
    }
  }
  if (flat->key_offsets[0] != 0 || flat->posting_offsets[0] != 0 ||
      flat->key_offsets.back() != flat->key_chars.size()) {
    return fail("screening snapshot offsets out of bounds");
  }
  for (const uint32_t name : flat->postings) {
    if (name >= name_count) {
      return fail("screening snapshot posting names no name");
    }
  }
  read_norms_ = std::make_unique<std::vector<std::atomic<const NormalizedName*>>>(name_count);
  flat_ = std::move(flat);
  return Status::Ok();
}

bool Index::StoredNorm(uint32_t id, NormalizedName& out) const {
  const uint32_t offset = flat_->norm_offsets[id];
  if (offset == kNotStored) {
    return false;
  }
  Reader r(flat_->norms);
  r.Seek(offset);
  out = NormalizedName();
  return ReadNorm(r, out);
}

}  // namespace tg::screen
