#include "src/screen/index.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "src/screen/han_readings.h"
#include "src/screen/similarity.h"

namespace tg::screen {

namespace {

// Candidates scored per round: the names sharing the most (rarest) tokens with the query. A
// round whose hits reach into its second half means the hits go on (a common name listed many
// times): the next round is scored, until one ends without.
constexpr size_t kMaxCandidates = 32;
// A posting list longer than this is read only when the rarer tokens found few candidates;
// otherwise its key is looked for in the kShortlist candidates with the most votes.
constexpr size_t kCommonPosting = 4000;
constexpr size_t kShortlist = 128;
// Once a hit is found, candidates with at least this share of the best candidate's votes are
// scored, up to kMaxNearTop of them, even after a round of kMaxCandidates without a hit.
constexpr double kNearTopVotes = 0.7;
constexpr size_t kMaxNearTop = 1024;
// A Han name of at most this many characters is also looked up as a whole, in at most this many
// combinations of its characters' readings.
constexpr size_t kMaxHanRun = 4;
constexpr size_t kMaxHanRunReadings = 256;
// The vote of a key for the whole name (joined, or by sound): 2 when one listed name has it,
// undoing the rarity scaling for that case.
const double kJoinedVote = 2.0 * (1.0 + std::log1p(1.0));
// Qualifier adjustments: a matching country or type confirms a little; a different one, known
// on both sides, counts against.
constexpr double kCountrySame = 0.03;
constexpr double kCountryDifferent = -0.05;
constexpr double kTypeDifferent = -0.10;
// A birth year both sides give: the same confirms, a different one (beyond a year's
// uncertainty) counts strongly against. An identifier both sides give (IMO, tax number) lifts a
// name match to at least kIdentifierFloor.
constexpr double kBirthSame = 0.03;
constexpr double kBirthDifferent = -0.15;
constexpr double kIdentifierFloor = 0.95;
// A ship keeps one IMO number for life: two different ones are two hulls, whatever the names
// (sister ships "Maru No. 8" and "Maru No. 6" differ in little else).
constexpr double kImoDifferent = -0.20;

// Every four-digit year (1900-2099) in published birth dates ("07 Oct 1952", "circa 1960").
std::vector<int> Years(const std::vector<std::string>& dates) {
  std::vector<int> out;
  for (const std::string& d : dates) {
    for (size_t i = 0; i + 4 <= d.size(); ++i) {
      const bool digits = std::all_of(d.begin() + static_cast<std::ptrdiff_t>(i),
                                      d.begin() + static_cast<std::ptrdiff_t>(i + 4),
                                      [](char c) { return c >= '0' && c <= '9'; });
      const bool bounded = (i == 0 || d[i - 1] < '0' || d[i - 1] > '9') &&
                           (i + 4 == d.size() || d[i + 4] < '0' || d[i + 4] > '9');
      if (digits && bounded && (d[i] == '1' || d[i] == '2') &&
          (d[i + 1] == '9' || d[i + 1] == '0')) {
        out.push_back((d[i] - '0') * 1000 + (d[i + 1] - '0') * 100 + (d[i + 2] - '0') * 10 +
                      (d[i + 3] - '0'));
      }
    }
  }
  return out;
}

// Whether an identifier is labelled as an IMO number ("IMO 9187629").
bool IsImo(const std::string& id);

// An identifier's digits and letters after its label ("IMO 9187629" and "9187629" agree):
// the longest run containing a digit, upper-cased.
std::string IdentifierKey(const std::string& id) {
  std::string best;
  std::string cur;
  auto take = [&] {
    if (cur.size() > best.size() && cur.find_first_of("0123456789") != std::string::npos) {
      best = cur;
    }
    cur.clear();
  };
  for (char c : id) {
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
      cur += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    } else if (c != '-' && c != '.' && c != '/') {
      take();
    }
  }
  take();
  return best.size() >= 5 ? best : std::string();  // shorter numbers identify nothing
}

bool IsImo(const std::string& id) {
  return id.size() > 3 && (id[0] == 'I' || id[0] == 'i') && (id[1] == 'M' || id[1] == 'm') &&
         (id[2] == 'O' || id[2] == 'o') && !std::isalpha(static_cast<unsigned char>(id[3]));
}

std::string PrefixKey(const std::string& text) { return "^" + text.substr(0, 4); }
// The word with its i-th letter deleted, marked: two words one substitution or transposition
// apart share such a key, and a word one insertion away equals one (SymSpell's idea).
std::string DeletionKey(const std::string& text, size_t i) {
  std::string key = "-" + text;
  key.erase(i + 1, 1);
  return key;
}
// Words this long get deletion keys: shorter ones are found by their other keys.
constexpr size_t kMinDeletionLength = 5;
std::string PhoneticPostingKey(std::string_view key) { return "#" + std::string(key); }
// The abjad key of a Latin word or name, for queries written in an abjad.
std::string AbjadPostingKey(std::string_view key) { return "%" + std::string(key); }

bool Indexed(const Token& t) { return !t.Has(kParticle) && !t.Has(kLegalForm); }

// What a posting key was made from, so that a name can be checked for it without its posting.
enum class KeyKind : uint8_t { kText, kPhonetic, kPrefix, kOther };

struct Source {
  std::span<const uint32_t> posting;
  double weight;
  KeyKind kind;
  std::string key;
  // The query word the key stands for (its text, sound, prefix, deletions, other spellings):
  // a name gets the best vote of each word, so that holding two of the query's words counts
  // for more than holding one word spelt the ways several keys find.
  uint16_t word;
};

// Whether a listed name holds the source's key; keys of other kinds are not checked (false).
bool Holds(const NormalizedName& name, const Source& s) {
  for (const Token& t : name.tokens) {
    if (!Indexed(t)) {
      continue;
    }
    switch (s.kind) {
      case KeyKind::kText:
        if (t.text == s.key) {
          return true;
        }
        break;
      case KeyKind::kPhonetic:
        if (std::string_view(s.key).substr(1) == t.key) {
          return true;
        }
        break;
      case KeyKind::kPrefix:
        if (t.text.size() > 4 &&
            std::string_view(t.text).substr(0, 4) == std::string_view(s.key).substr(1)) {
          return true;
        }
        break;
      case KeyKind::kOther:
        return false;
    }
  }
  return false;
}

// Adds, through `add(key, kind, weight, token)`, the Korean and Japanese readings of the name's
// Han characters as text keys (`token`: the character's index), and of each two adjacent ones
// joined, the second also voiced (`token`: npos).
template <typename AddKey>
void AddHanReadings(const NormalizedName& n, AddKey&& add) {
  const HanReadings::Readings* previous = nullptr;
  const Token* previous_token = nullptr;
  std::vector<const HanReadings::Readings*> chars;  // every token's, while all have some
  bool all_read = true;
  for (size_t i = 0; i < n.tokens.size(); ++i) {
    const Token& t = n.tokens[i];
    const HanReadings::Readings* r =
        t.han != 0 && !t.mandarin_only ? HanReadings::OfDefault(t.han) : nullptr;
    all_read = all_read && r != nullptr && !r->all.empty();
    if (all_read) {
      chars.push_back(r);
    }
    if (r == nullptr) {
      previous = nullptr;
      continue;
    }
    for (const std::string& reading : r->all) {
      add(reading, KeyKind::kText, 0.8 * t.weight, i);
      if (std::string key = PhoneticKey(reading); key.size() >= 3) {
        add(PhoneticPostingKey(key), KeyKind::kPhonetic, 0.64 * t.weight, i);  // jeong: Jong
      }
    }
    if (previous != nullptr) {
      const double w = 0.8 * (t.weight + previous_token->weight);
      for (const std::string& first : previous->all) {
        for (const auto* second : {&r->all, &r->voiced}) {
          for (const std::string& s : *second) {
            add(first + s, KeyKind::kText, w, std::string::npos);
          }
        }
      }
    }
    previous = r;
    previous_token = &t;
  }
  // A name of two to four characters, every reading of it run together by sound, as listed
  // names are posted joined: 金正恩 as gimjeongeun finds KIM Jong Un (kimjongun).
  if (!all_read || chars.size() < 2 || chars.size() > kMaxHanRun) {
    return;
  }
  size_t combinations = 1;
  for (const HanReadings::Readings* r : chars) {
    combinations *= r->all.size();
    if (combinations > kMaxHanRunReadings) {
      return;
    }
  }
  for (size_t c = 0; c < combinations; ++c) {
    std::string joined;
    for (size_t k = 0, rest = c; k < chars.size(); ++k) {
      joined += chars[k]->all[rest % chars[k]->all.size()];
      rest /= chars[k]->all.size();
    }
    if (const std::string key = PhoneticKey(joined); key.size() >= 4) {
      add(PhoneticPostingKey(key), KeyKind::kOther, kJoinedVote, std::string::npos);
    }
  }
}

bool CompatibleTypes(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty() || a == b) {
    return true;
  }
  return false;
}

}  // namespace

std::span<const uint32_t> Index::Posting(const std::string& key) const {
  if (flat_ == nullptr) {
    auto it = postings_.find(key);
    return it == postings_.end() ? std::span<const uint32_t>() : std::span(it->second);
  }
  const Flat& f = *flat_;
  size_t low = 0;
  size_t high = f.key_offsets.size() - 1;
  while (low < high) {  // the first key not less than `key`
    const size_t mid = (low + high) / 2;
    const std::string_view k =
        f.key_chars.substr(f.key_offsets[mid], f.key_offsets[mid + 1] - f.key_offsets[mid]);
    if (k < key) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  if (low == f.key_offsets.size() - 1 ||
      f.key_chars.substr(f.key_offsets[low], f.key_offsets[low + 1] - f.key_offsets[low]) != key) {
    return {};
  }
  return f.postings.subspan(f.posting_offsets[low],
                            f.posting_offsets[low + 1] - f.posting_offsets[low]);
}

const NormalizedName& Index::Norm(uint32_t id) const {
  if (flat_ == nullptr) {
    return *built_[id];  // normalised by Add
  }
  std::atomic<const NormalizedName*>& slot = (*read_norms_)[id];
  if (const NormalizedName* n = slot.load(std::memory_order_acquire)) {
    return *n;
  }
  // As the snapshot stores it, else normalised as Add did; a text that no longer normalises
  // (it did when the snapshot was written under the same program and data) scores as an empty
  // name.
  const Name& name = names_[id];
  auto made = std::make_unique<NormalizedName>();
  if (!StoredNorm(id, *made)) {
    *made = NormalizedName();
    if (auto all = normalizer_.NormalizeAll(*name.text); all && name.alternative < all->size()) {
      *made = std::move((*all)[name.alternative]);
    }
  }
  scorer_.Prepare(*made);
  const NormalizedName* expected = nullptr;
  if (slot.compare_exchange_strong(expected, made.get(), std::memory_order_acq_rel)) {
    return *made.release();
  }
  return *expected;  // another thread made it first
}

void Index::Post(const std::string& key, uint32_t name) {
  std::vector<uint32_t>& p = postings_[key];
  if (p.empty() || p.back() != name) {
    p.push_back(name);
  }
}

Index::~Index() {
  if (read_norms_ != nullptr) {
    for (std::atomic<const NormalizedName*>& n : *read_norms_) {
      delete n.load();
    }
  }
}

void Index::AddEntry(const ScreeningList& list, const ListEntry& e) {
  EntryRef ref{&list, &e, {}, {}, {}, KindOfType(e.type)};
  for (const std::string& c : e.countries) {
    auto [known, added] = country_codes_.try_emplace(c);
    if (added) {
      known->second = countries_(c);
    }
    const std::string& code = known->second;
    if (!code.empty() &&
        std::find(ref.countries.begin(), ref.countries.end(), code) == ref.countries.end()) {
      ref.countries.push_back(code);
    }
  }
  ref.birth_years = Years(e.birth_dates);
  for (const bool imo : {true, false}) {
    for (const std::string& id : e.identifiers) {
      std::string key = IsImo(id) == imo ? IdentifierKey(id) : "";
      if (!key.empty() && (!imo || ref.imo_count < 255)) {
        ref.identifiers.push_back(std::move(key));
        ref.imo_count += imo ? 1 : 0;
      }
    }
  }
  entries_.push_back(std::move(ref));
}

Result<size_t> Index::Add(const ScreeningList& list) {
  size_t added = 0;
  for (const ListEntry& e : list.entries) {
    const auto entry = static_cast<uint32_t>(entries_.size());
    AddEntry(list, e);
    for (size_t text_index = 0; text_index <= e.aliases.size(); ++text_index) {
      const std::string* text = text_index == 0 ? &e.name : &e.aliases[text_index - 1];
      auto norms = normalizer_.NormalizeAll(*text);
      if (!norms) {
        return norms.status().WithPrefix(list.source + ": " + e.entry_id);
      }
      for (size_t alternative = 0; alternative < norms->size(); ++alternative) {
        NormalizedName& n = (*norms)[alternative];
        scorer_.Prepare(n);
        const auto id = static_cast<uint32_t>(names_.size());
        for (const Token& t : n.tokens) {
          if (!Indexed(t)) {
            continue;
          }
          Post(t.text, id);
          Post(PhoneticPostingKey(t.key), id);
          // The word's sound as an abjad writes it (no vowels, h a letter, w a vowel): a name
          // written in Arabic or Hebrew script reaches the Latin spellings by it (محمد:
          // mhmd, MOHAMED).
          if (!t.Has(kAbjad)) {
            if (const std::string abjad = PhoneticKey(t.text, /*abjad=*/true);
                abjad.size() >= 3 && abjad != t.key) {
              Post(AbjadPostingKey(abjad), id);
            }
          }
          if (t.text.size() > 4) {
            Post(PrefixKey(t.text), id);
          }
          if (t.text.size() >= kMinDeletionLength && !t.Has(kNumber)) {
            for (size_t i = 0; i < t.text.size(); ++i) {
              Post(DeletionKey(t.text, i), id);
            }
          }
          // A Han character is found by its Korean and Japanese readings too (金: kim).
          if (const HanReadings::Readings* r =
                  t.han != 0 && !t.mandarin_only ? HanReadings::OfDefault(t.han) : nullptr) {
            for (const std::string& reading : r->all) {
              Post(reading, id);
            }
          }
        }
        if (n.tokens.size() > 1) {
          const std::string joined = n.Joined();
          Post(joined, id);  // "Goldman Sachs" found from "GoldmanSachs"
          if (const std::string abjad = PhoneticKey(joined, /*abjad=*/true); abjad.size() >= 3) {
            Post(AbjadPostingKey(abjad), id);  // ABD ALLAH found from عبد الله as one run
          }
          // And by sound, for names written without spaces in another script and romanised as
          // one word (김정은, gimjeongeun, for KIM Jong Un): the scorer compares the joined run
          // with that word, so the candidates must include it.
          if (const std::string key = PhoneticKey(joined); key.size() >= 4) {
            Post(PhoneticPostingKey(key), id);
          }
        }
        names_.push_back(Name{entry, text, static_cast<uint16_t>(text_index),
                              static_cast<uint8_t>(alternative),
                              static_cast<uint8_t>(std::min<size_t>(n.tokens.size(), 255))});
        name_tokens_.push_back(names_.back().tokens);
        built_.push_back(std::make_unique<NormalizedName>(std::move(n)));
        ++added;
      }
    }
  }
  return added;
}

Result<std::vector<Hit>> Index::Search(const Query& query, double threshold, size_t limit) const {
  TG_ASSIGN_OR_RETURN(std::vector<NormalizedName> names, normalizer_.NormalizeAll(query.name));
  for (NormalizedName& n : names) {
    scorer_.Prepare(n);
  }
  std::vector<Hit> hits;
  if (names.empty()) {
    return hits;
  }
  // Gather candidates: each posting adds the query token's weight, scaled by how rare the
  // key is, to the names it lists.
  thread_local std::vector<Source> sources;
  sources.clear();
  // Words written in an abjad too short to key (علي: ly, one consonant): they find nothing (such
  // a key would find everything) but re-rank what the longer words found, below.
  thread_local std::vector<std::string> short_abjad;
  short_abjad.clear();
  uint16_t word = 0;  // the Source::word of the keys added
  uint16_t next_word = 0;
  auto add = [&](std::string key, KeyKind kind, double weight) {
    for (const Source& s : sources) {
      if (s.key == key) {
        return;
      }
    }
    if (const std::span<const uint32_t> p = Posting(key); !p.empty()) {
      sources.push_back({p, weight, kind, std::move(key), word});
    }
  };
  // A key that stands for no one query word (a Han reading, the name joined) votes on its own.
  auto add_alone = [&](std::string key, KeyKind kind, double weight) {
    word = next_word++;
    add(std::move(key), kind, weight);
  };
  // An abjad key, and without a final h that may be a written vowel (عبد الله, "bdallh", is
  // Abdulla as well as Abdallah), among the abjad keys of listed words and, where a word's
  // abjad key is its phonetic key, among those. A key of two consonants finds many names: it
  // is looked up only for a name of one word (משה: Musa), which has nothing else to find by.
  auto add_abjad_key = [&](const std::string& key, double weight, bool one_word) {
    for (const std::string& k :
         {key,
          key.size() >= 3 && key.back() == 'h' ? key.substr(0, key.size() - 1) : std::string()}) {
      if (k.size() >= 3 || (one_word && k.size() == 2)) {
        add(AbjadPostingKey(k), KeyKind::kOther, weight);
        add(PhoneticPostingKey(k), KeyKind::kOther, weight);
      }
    }
  };
  for (const NormalizedName& n : names) {
    const uint16_t first_word = next_word;
    next_word = static_cast<uint16_t>(next_word + n.tokens.size());
    for (size_t i = 0; i < n.tokens.size(); ++i) {
      const Token& t = n.tokens[i];
      if (!Indexed(t) && n.tokens.size() > 1) {
        continue;
      }
      word = static_cast<uint16_t>(first_word + i);
      const double w = t.weight;
      add(t.text, KeyKind::kText, w);
      if (t.key.size() >= 3) {  // a key of one or two consonants finds everything
        add(PhoneticPostingKey(t.key), KeyKind::kPhonetic, 0.8 * w);
      }
      if (t.text.size() > 4) {
        add(PrefixKey(t.text), KeyKind::kPrefix, 0.5 * w);  // the weakest evidence of a word
      }
      // One typo away: the query word's deletions against listed words and their deletions,
      // for words no listed name has as they are (a listed word is most likely not a typo).
      if (t.text.size() + 1 >= kMinDeletionLength && !t.Has(kNumber) && Posting(t.text).empty()) {
        for (size_t at = 0; at < t.text.size(); ++at) {
          add(DeletionKey(t.text, at), KeyKind::kOther, 0.8 * w);
          add(t.text.substr(0, at) + t.text.substr(at + 1), KeyKind::kText, 0.8 * w);
        }
        // The query word may lack a letter: it is then a deletion key of the listed word.
        add("-" + t.text, KeyKind::kOther, 0.8 * w);
      }
      // Other spellings of the same given name find the names that use them.
      for (std::string_view v : scorer_.VariantsOf(t)) {
        add(std::string(v), KeyKind::kText, 0.9 * w);
      }
    }
    // Han characters: each reading, and two adjacent ones read together (山田: yamada), for
    // listed names romanised from Korean or Japanese.
    AddHanReadings(n, [&](std::string key, KeyKind kind, double weight, size_t token) {
      if (token == std::string::npos) {
        add_alone(std::move(key), kind, weight);
      } else {
        word = static_cast<uint16_t>(first_word + token);
        add(std::move(key), kind, weight);
      }
    });
    // A name written in an abjad (its words' consonants): looked up among the abjad keys of
    // the listed Latin words and names, word by word and joined.
    bool abjad = false;
    for (size_t i = 0; i < n.tokens.size(); ++i) {
      const Token& t = n.tokens[i];
      abjad = abjad || t.Has(kAbjad);
      if (!t.Has(kAbjad)) {
        continue;
      }
      word = static_cast<uint16_t>(first_word + i);
      // The word's own key reads h as silent (mhmd: "mt", too short to look up); the abjad
      // key keeps it (mhmt), as the listed MOHAMMED's abjad key does.
      const bool one_word = n.tokens.size() == 1;
      if (std::string key = PhoneticKey(t.text, /*abjad=*/true); key.size() >= 3 || one_word) {
        add_abjad_key(key, 0.8 * t.weight, one_word);
      } else if (!key.empty()) {
        short_abjad.push_back(std::move(key));
      }
      // w (و, ו) read as the consonant v (דוד, "dwd": David).
      if (std::string v = t.text; std::replace(v.begin(), v.end(), 'w', 'v'), v != t.text) {
        add_abjad_key(PhoneticKey(v, /*abjad=*/true), 0.8 * t.weight, one_word);
      }
    }
    if (abjad && n.tokens.size() > 1) {
      if (const std::string key = PhoneticKey(n.Joined(), /*abjad=*/true); key.size() >= 3) {
        word = next_word++;
        add_abjad_key(key, kJoinedVote, false);
      }
    }
    // The whole name written as one word ("GoldmanSachs").
    if (n.tokens.size() > 1) {
      const std::string joined = n.Joined();
      add_alone(joined, KeyKind::kOther, kJoinedVote);
      // By sound too: a romanisation splits and spells syllables its own way (김정은:
      // gimjeong eun) where the list joins others (KIM Jong Un: kimjongun).
      if (const std::string key = PhoneticKey(joined); key.size() >= 4) {
        add_alone(PhoneticPostingKey(key), KeyKind::kOther, kJoinedVote);
      }
    }
  }
  // A key's vote scales by how rare its word is: by its word's commonest key, so that the
  // spellings of one word (Alexander, Aleksandr, Alexandr) vote alike, however few names a
  // rare spelling finds.
  thread_local std::vector<size_t> word_names;
  word_names.assign(next_word, 0);
  for (const Source& s : sources) {
    word_names[s.word] = std::max(word_names[s.word], s.posting.size());
  }
  for (Source& s : sources) {
    s.weight /= 1.0 + std::log1p(static_cast<double>(word_names[s.word]));
  }
  // The keys of common postings last, rarest first (they may be left unread); the others a
  // word at a time, its best key first, so that a name gets the vote of the first key of the
  // word that holds it.
  std::sort(sources.begin(), sources.end(), [](const Source& a, const Source& b) {
    const bool common_a = a.posting.size() > kCommonPosting;
    const bool common_b = b.posting.size() > kCommonPosting;
    if (common_a != common_b) {
      return common_b;
    }
    if (common_a) {
      return a.posting.size() < b.posting.size();
    }
    if (a.word != b.word) {
      return a.word < b.word;
    }
    return a.weight != b.weight ? a.weight > b.weight : a.posting.size() < b.posting.size();
  });
  // Votes in dense arrays per thread (reset through the list of names touched): a hash map
  // here cost more than the scoring. `voted` marks the names a word has voted for in this
  // search (the search's number in the high bits, the word's in the low 16).
  thread_local std::vector<float> votes;
  thread_local std::vector<uint32_t> voted;
  thread_local std::vector<uint32_t> touched;
  thread_local uint32_t search = 0;
  votes.resize(names_.size(), 0.0f);
  voted.resize(names_.size(), 0);
  if (++search == 1u << 16) {  // the search numbers wrapped: forget every mark
    std::fill(voted.begin(), voted.end(), 0);
    search = 1;
  }
  touched.clear();
  size_t read = 0;
  for (; read < sources.size(); ++read) {
    const Source& s = sources[read];
    if (s.posting.size() > kCommonPosting && touched.size() >= kMaxCandidates) {
      break;  // the rarer keys already found enough candidates
    }
    const auto w = static_cast<float>(s.weight);
    const uint32_t mark = search << 16 | s.word;
    for (const uint32_t name : s.posting) {
      if (voted[name] == mark) {
        continue;  // this word has voted for the name with a better key
      }
      voted[name] = mark;
      if (votes[name] == 0.0f) {
        touched.push_back(name);
      }
      votes[name] += w;
    }
  }
  // A candidate's votes, and in the low bits of its key its length (fewer words first when
  // votes are equal: it has fewer words the query lacks) and its id.
  thread_local std::vector<std::pair<double, uint64_t>> ranked;
  ranked.clear();
  for (const uint32_t name : touched) {
    ranked.emplace_back(votes[name], uint64_t{name_tokens_[name]} << 32 | name);
    votes[name] = 0.0f;
  }
  auto by_votes = [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  };
  auto id_of = [](const std::pair<double, uint64_t>& r) { return static_cast<uint32_t>(r.second); };
  if (read < sources.size()) {
    // The common keys left unread still count: rather than read their long postings, look
    // for the keys in the leading candidates' own tokens, then rank again.
    const size_t shortlist = std::min(ranked.size(), kShortlist);
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(shortlist),
                      ranked.end(), by_votes);
    ranked.resize(shortlist);
    for (auto& ranked_name : ranked) {
      const NormalizedName& norm = Norm(id_of(ranked_name));
      for (size_t k = read; k < sources.size(); ++k) {
        if (Holds(norm, sources[k])) {
          ranked_name.first += sources[k].weight;
        }
      }
    }
  }
  // The short abjad words rank: among the many names a long word found (MOHAMMED), those
  // that also hold a short word's consonants (ALI) come first, a vote for each word held.
  if (!short_abjad.empty()) {
    for (auto& ranked_name : ranked) {
      uint64_t held = 0;  // which short words this name holds, each counted once
      for (const Token& t : Norm(id_of(ranked_name)).tokens) {
        if (t.Has(kAbjad)) {
          continue;
        }
        const std::string key = PhoneticKey(t.text, /*abjad=*/true);  // once per token
        for (size_t k = 0; k < short_abjad.size() && k < 64; ++k) {
          if ((held >> k & 1) == 0 && short_abjad[k] == key) {
            held |= uint64_t{1} << k;
            ranked_name.first += 1.0;
          }
        }
      }
    }
  }
  // Score the candidates; keep each entry's best name.
  std::vector<std::pair<uint32_t, Hit>> best;  // by entry, a few at most
  const std::vector<int> query_years = Years({query.birth_date});
  std::vector<std::string> query_ids;
  for (const std::string& id : query.identifiers) {
    if (std::string key = IdentifierKey(id); !key.empty()) {
      query_ids.push_back(std::move(key));
    }
  }
  std::vector<std::string> query_imo;
  for (const std::string& id : query.identifiers) {
    if (std::string key = IsImo(id) ? IdentifierKey(id) : ""; !key.empty()) {
      query_imo.push_back(std::move(key));
    }
  }
  std::string query_country = query.country;
  for (char& c : query_country) {
    c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  const NameKind query_kind = KindOfType(query.type);
  // Whether candidate `id` is a hit, recorded in `best`.
  auto score_candidate = [&](uint32_t id) -> bool {
    const Name& cand = names_[id];
    const NormalizedName& cand_norm = Norm(id);
    double name_score = 0;
    const EntryRef& ref = entries_[cand.entry];
    // The listed entry's type decides how its words compare; the query's when the list says
    // none.
    const NameKind kind = ref.kind == NameKind::kUnknown ? query_kind : ref.kind;
    for (const NormalizedName& q : names) {
      name_score = std::max(name_score, scorer_.Score(q, cand_norm, kind).score);
    }
    Hit h;
    h.list = ref.list;
    h.entry = ref.entry;
    h.matched_name = cand.text;
    h.name_score = name_score;
    if (!query_country.empty() && !ref.countries.empty()) {
      bool same = false;
      for (const std::string& c : ref.countries) {
        same = same || c == query_country;
      }
      h.country = same ? kCountrySame : kCountryDifferent;
    }
    if (!CompatibleTypes(query.type, ref.entry->type)) {
      h.type = kTypeDifferent;
    }
    if (!query_years.empty() && !ref.birth_years.empty()) {
      bool near = false;
      for (int y : ref.birth_years) {
        near = near || std::abs(y - query_years[0]) <= 1;
      }
      h.birth = near ? kBirthSame : kBirthDifferent;
    }
    const auto imo_end = ref.identifiers.begin() + ref.imo_count;
    if (!query_imo.empty() && ref.imo_count > 0 &&
        std::find_first_of(query_imo.begin(), query_imo.end(), ref.identifiers.begin(), imo_end) ==
            query_imo.end()) {
      h.identifier = kImoDifferent;
    }
    h.score = std::clamp(name_score + h.country + h.type + h.birth + h.identifier, 0.0, 1.0);
    for (const std::string& id : query_ids) {
      if (std::find(ref.identifiers.begin(), ref.identifiers.end(), id) != ref.identifiers.end() &&
          name_score >= 0.5 && h.score < kIdentifierFloor) {
        h.identifier = kIdentifierFloor - h.score;
        h.score = kIdentifierFloor;
      }
    }
    if (h.score < threshold) {
      return false;
    }
    auto it = std::find_if(best.begin(), best.end(),
                           [&](const auto& b) { return b.first == cand.entry; });
    if (it == best.end()) {
      best.emplace_back(cand.entry, h);
    } else if (h.score > it->second.score) {
      it->second = h;
    }
    return true;
  };
  bool any_hit = false;
  for (size_t start = 0; start < ranked.size();) {
    const size_t end = std::min(ranked.size(), start + kMaxCandidates);
    std::partial_sort(ranked.begin() + static_cast<std::ptrdiff_t>(start),
                      ranked.begin() + static_cast<std::ptrdiff_t>(end), ranked.end(), by_votes);
    size_t last_hit = 0;
    size_t round_hits = 0;
    for (size_t k = start; k < end; ++k) {
      if (score_candidate(id_of(ranked[k]))) {
        last_hit = k + 1;
        ++round_hits;
      }
    }
    // The hits go on when the round found several, or one in its second half (a common name
    // listed many times), or when there were hits and the round's names still hold the
    // query's words about as well as the first one: names that hold one common word alike
    // (Alexander) come in no better order than by their length, and the hits among them are
    // spread out.
    any_hit = any_hit || last_hit > 0;
    const bool near_top =
        any_hit && ranked[end - 1].first >= kNearTopVotes * ranked[0].first && end < kMaxNearTop;
    if (round_hits < 2 && 2 * last_hit <= start + end && !near_top) {
      break;
    }
    start = end;
  }
  for (auto& [entry, h] : best) {
    hits.push_back(h);
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return a.score != b.score ? a.score > b.score : a.entry->entry_id < b.entry->entry_id;
  });
  if (hits.size() > limit) {
    hits.resize(limit);
  }
  return hits;
}

}  // namespace tg::screen
