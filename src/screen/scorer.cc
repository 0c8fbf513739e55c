#include "src/screen/scorer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "src/common/csv.h"
#include "src/common/text.h"
#include "src/screen/han_readings.h"
#include "src/screen/similarity.h"
#include "src/screen/spellings.h"

namespace tg::screen {

namespace {

// Spelling similarity (Jaro-Winkler or edits) below which two words of alphabets are not
// compared by their phonetic keys.
constexpr double kMinAlphabetSpelling = 0.60;
// Below this a token pair is not aligned at all.
constexpr double kMinTokenSimilarity = 0.70;
// Extra tokens of the listed name (a middle name, a patronymic) count this much of their
// weight against; extra tokens of the query (a surname the listed name lacks) count more.
constexpr double kExtraPenalty = 0.30;
constexpr double kQueryExtraPenalty = 0.60;
// But when every word of a listed name of two names or more is found in the query, the query
// is that name written out in full ("MORENO BRIONES, Fidel Antonio" for "MORENO, Fidel"): its
// extra words count less. A listed name of one word ("DAN") stays a coincidence.
constexpr double kContainedQueryExtraPenalty = 0.40;
// Leftovers on both sides (a different surname) count more than their weight against.
constexpr double kConflictPenalty = 1.5;
// The factor for names made of the same words in another order.
constexpr double kOrderPenalty = 0.75;
// The factor for names whose words are in order but for two neighbours exchanged.
constexpr double kSwapPenalty = 0.90;
// The factor for names that number different members of one series: sister ships, a fund's
// vintages, a trust's tranches, numbered companies. Their names alone cannot tell them apart,
// and one member designated puts its owner's others at risk: equal but for the numbers, they
// stay a hit for review, just above the default threshold, where an identifier (IMO number,
// registration) decides.
constexpr double kOtherSeriesFactor = 0.82;
// The factor for names whose legal forms belong to different countries' registers.
constexpr double kJurisdictionPenalty = 0.75;
// Names longer than this are compared on their first kMaxTokens tokens.
constexpr size_t kMaxTokens = 24;
// The most adjacent tokens compared joined with one token of the other name.
constexpr size_t kMaxJoined = 4;
// The fewest letters of an abjad word that may align with words of the other name joined.
constexpr size_t kMinAbjadJoin = 5;

struct Candidate {
  double sim;
  uint8_t a_begin, a_len, b_begin, b_len;
  bool acronym = false;  // a's one token spells the initials of b's tokens
};

// Spelling similarity: edits relative to length, so that one typo in a long word stays close
// while two names that merely share a beginning (Castro, Castillo) do not. Edits never number
// fewer than the difference in length: words that cannot come within reach are skipped.
template <typename Text>
double Spelling(const Text& x, const Text& y) {
  const size_t lx = x.size();
  const size_t ly = y.size();
  const double longest = static_cast<double>(std::max(lx, ly));
  if (static_cast<double>(lx > ly ? lx - ly : ly - lx) > 0.35 * longest) {
    return 0.0;
  }
  const int edits = EditDistance(x, y);
  if (edits == 1 && longest >= 5) {
    return std::max(1.0 - 1.0 / longest, 0.86);  // one typo in a word that survives one
  }
  return 1.0 - edits / longest;
}

bool IsEntity(NameKind kind) { return kind == NameKind::kEntity || kind == NameKind::kVessel; }

// Whether the first na tokens of a and nb of b spell the same letters when joined ("Goldman
// Sachs", "GoldmanSachs"), compared without building the joined strings.
bool SameLetters(const NormalizedName& a, size_t na, const NormalizedName& b, size_t nb) {
  size_t i = 0;
  size_t j = 0;
  size_t pi = 0;
  size_t pj = 0;
  while (true) {
    while (i < na && pi == a.tokens[i].text.size()) {
      ++i;
      pi = 0;
    }
    while (j < nb && pj == b.tokens[j].text.size()) {
      ++j;
      pj = 0;
    }
    if (i == na || j == nb) {
      return i == na && j == nb;
    }
    const Token& x = a.tokens[i];
    const Token& y = b.tokens[j];
    if (x.text[pi++] != y.text[pj++] || (x.han != 0 && y.han != 0 && x.han != y.han)) {
      return false;  // Han characters are compared as characters, not as their readings
    }
  }
}

// Whether the names share a proper name: a word of three letters or more that is not a common
// word, a number, a legal form or a particle ("Ashcorran" in "Ashcorran Mining Supplies").
bool SharesProperName(const NormalizedName& a, size_t na, const NormalizedName& b, size_t nb) {
  constexpr uint8_t kCommon = kWord | kNumber | kLegalForm | kParticle;
  for (size_t i = 0; i < na; ++i) {
    const Token& x = a.tokens[i];
    if ((x.flags & kCommon) != 0 || x.text.size() < 3) {
      continue;
    }
    for (size_t j = 0; j < nb; ++j) {
      if (x.text == b.tokens[j].text) {
        return true;
      }
    }
  }
  return false;
}

// The spellings of a run of tokens joined: as written, and, where it holds Han characters,
// with each character read in Korean or Japanese (voiced after the first: 山田, "yamada"), up
// to kMaxSpellings of them.
void RunSpellings(const NormalizedName& name, size_t begin, size_t len,
                  std::vector<std::string>& out) {
  constexpr size_t kMaxSpellings = 512;
  out.resize(1);  // kept between calls: no allocation for the common run without Han
  out[0].clear();
  for (size_t k = begin; k < begin + len; ++k) {
    out[0] += name.tokens[k].text;
  }
  size_t product = 1;
  for (size_t k = begin; k < begin + len; ++k) {
    if (const Token& t = name.tokens[k]; t.han != 0 && !t.mandarin_only) {
      if (const HanReadings::Readings* r = HanReadings::OfDefault(t.han)) {
        product *= 1 + r->all.size() + (k > begin ? r->voiced.size() : 0);
      }
    }
  }
  if (product == 1 || product > kMaxSpellings) {
    return;
  }
  std::vector<std::string> partial(1, "");
  std::vector<std::string> next;
  for (size_t k = begin; k < begin + len; ++k) {
    const Token& t = name.tokens[k];
    const HanReadings::Readings* r =
        t.han != 0 && !t.mandarin_only ? HanReadings::OfDefault(t.han) : nullptr;
    next.clear();
    for (const std::string& p : partial) {
      next.push_back(p + t.text);
      if (r == nullptr) {
        continue;
      }
      for (const std::string& reading : r->all) {
        next.push_back(p + reading);
      }
      for (size_t v = 0; k > begin && v < r->voiced.size(); ++v) {
        next.push_back(p + r->voiced[v]);
      }
    }
    partial.swap(next);
  }
  out.swap(partial);  // the first is the run as written
}

}  // namespace

Result<NameScorer> NameScorer::Load(const std::string& data_dir) {
  NameScorer s;
  const std::string dir = data_dir + "/screening/";
  TG_ASSIGN_OR_RETURN(CsvTable variants, CsvTable::Load(dir + "name_variants.csv"));
  TG_ASSIGN_OR_RETURN(size_t col, variants.Column("variants"));
  uint32_t group = 0;
  for (const CsvRecord& r : variants.records()) {
    std::vector<std::string> words = SplitList(r.fields[col], ' ');
    for (const std::string& v : words) {
      s.variant_groups_[v].push_back(group);
    }
    s.group_words_.push_back(std::move(words));
    ++group;
  }
  TG_ASSIGN_OR_RETURN(CsvTable counts, CsvTable::Load(dir + "token_counts.csv"));
  TG_ASSIGN_OR_RETURN(size_t tcol, counts.Column("token"));
  TG_ASSIGN_OR_RETURN(size_t ccol, counts.Column("count"));
  uint64_t total = 0;
  for (const CsvRecord& r : counts.records()) {
    auto n = ParseNumber(r.fields[ccol]);
    if (!n || *n < 1) {
      return InvalidArgument(counts.Where(r, "count") + ": not a positive number");
    }
    if (r.fields[tcol] == "*names") {
      total = static_cast<uint64_t>(*n);
    } else {
      s.token_counts_[r.fields[tcol]] = static_cast<uint32_t>(*n);
    }
  }
  if (total == 0) {
    return InvalidArgument(dir + "token_counts.csv: no '*names' row giving the number of names");
  }
  s.log_total_ = std::log(static_cast<double>(total));
  // The Han readings load when first needed; a missing database is an error here rather than
  // a silent Mandarin-only comparison later.
  std::FILE* han = std::fopen(HanReadings::kDefaultPath, "rb");
  if (han == nullptr) {
    return NotFound(std::string(HanReadings::kDefaultPath) +
                    ": cannot read the Han readings (Debian package unicode-data)");
  }
  std::fclose(han);
  return s;
}

std::vector<std::string_view> NameScorer::VariantsOf(const Token& t) const {
  std::vector<std::string_view> out;
  for (uint32_t g : t.groups) {
    if (g == 0) {
      continue;
    }
    for (const std::string& w : group_words_[g - 1]) {
      if (w != t.text) {
        out.push_back(w);
      }
    }
  }
  return out;
}

void NameScorer::Prepare(NormalizedName& name) const {
  // A name written with a simplified character Japan does not use is Chinese: its characters
  // are read in Mandarin only (the Korean and Japanese readings of Chinese names spell other
  // names by chance: 朱敏, "shu bin"). Decided here, not when names are normalised, so that
  // normalising the data tables (株式会社) does not load the Han readings at every start.
  bool simplified = false;
  for (const Token& t : name.tokens) {
    if (t.han != 0 && IsSimplifiedForm(t.han)) {
      const HanReadings::Readings* r = HanReadings::OfDefault(t.han);
      simplified = simplified || r == nullptr || !r->japanese;
    }
  }
  for (Token& t : name.tokens) {
    t.mandarin_only = simplified && t.han != 0;
    t.weight = static_cast<float>(Weight(t));
    if (auto it = variant_groups_.find(t.text); it != variant_groups_.end()) {
      for (size_t k = 0; k < 2 && k < it->second.size(); ++k) {
        t.groups[k] = it->second[k] + 1;
      }
    }
  }
  name.prepared = true;
}

bool NameScorer::SameVariantGroup(const Token& a, const Token& b) {
  for (uint32_t ga : a.groups) {
    for (uint32_t gb : b.groups) {
      if (ga != 0 && ga == gb) {
        return true;
      }
    }
  }
  return false;
}

double NameScorer::Weight(const Token& t) const {
  if (t.Has(kParticle)) {
    return 0.25;
  }
  if (t.Has(kLegalForm)) {
    return 0.3;
  }
  if (t.Has(kNumber)) {
    return 1.0;  // a number identifies (a ship of a series, a fund, a year of incorporation)
  }
  if (t.text.size() == 1 && !t.Has(kAbjad)) {
    return 0.5;  // an initial
  }
  // Inverse document frequency, scaled so that a word seen in five names or fewer weighs 1 and
  // the commonest words about 0.45.
  auto it = token_counts_.find(t.text);
  if (it == token_counts_.end() || it->second <= 5) {
    return 1.0;
  }
  const double idf =
      (log_total_ - std::log(static_cast<double>(it->second))) / (log_total_ - std::log(5.0));
  return 0.45 + 0.55 * std::clamp(idf, 0.0, 1.0);
}

NameKind KindOfType(std::string_view type) {
  if (type.empty()) {
    return NameKind::kUnknown;
  }
  const std::string lower = AsciiLower(type);
  if (lower == "person" || lower == "individual") {
    return NameKind::kPerson;
  }
  return lower == "vessel" ? NameKind::kVessel : NameKind::kEntity;
}

double NameScorer::TokenSimilarity(const Token& a, const Token& b, NameKind kind) const {
  if (a.han != 0 && b.han != 0) {
    // Two Han characters are one name only as one character (traditional or simplified):
    // 高石 and 高市 read alike ("gao shi") and are two names.
    return a.han == b.han || Simplified(a.han) == Simplified(b.han) ? 1.0 : 0.0;
  }
  if (a.text == b.text) {
    return 1.0;
  }
  if ((a.han != 0) != (b.han != 0)) {
    // A Han character romanised in Mandarin against another script: its Korean and Japanese
    // readings as well (金 "jin" is Kim).
    const Token& other = a.han != 0 ? b : a;
    const Token& han = a.han != 0 ? a : b;
    const std::string syllables = SyllableKey(other.text);
    double best = HanSyllables(han.text, other.text, syllables);
    if (const HanReadings::Readings* readings =
            han.mandarin_only ? nullptr : HanReadings::OfDefault(han.han)) {
      for (const std::string& reading : readings->all) {
        best = std::max(best, HanSyllables(reading, other.text, syllables));
      }
    }
    return best;
  }
  if (a.Has(kNumber) || b.Has(kNumber)) {
    return 0.0;  // 2004-1 is not 2004-2
  }
  if (a.Has(kLegalForm) || b.Has(kLegalForm)) {
    return 0.0;  // forms align only with their own class (equal text above)
  }
  // An initial; a one-letter word of an abjad is a word whose vowels were not written (עץ).
  if ((a.text.size() == 1 && !a.Has(kAbjad)) || (b.text.size() == 1 && !b.Has(kAbjad))) {
    return a.text[0] == b.text[0] ? 0.9 : 0.0;
  }
  // A word cut short with a dot and the word it begins ("Ind.", "Indústria").
  const Token& shorter = a.text.size() < b.text.size() ? a : b;
  const Token& longer = a.text.size() < b.text.size() ? b : a;
  if (shorter.Has(kAbbreviated) && longer.text.compare(0, shorter.text.size(), shorter.text) == 0) {
    return 0.9;
  }
  // A common word and its plural are one word of a company's name (Guard, Guards), not of a
  // person's; in a ship's name a plural names another ship (ALTAIR STARS, ALTAIR STAR).
  if (SameVariantGroup(a, b)) {
    return 0.95;
  }
  if (kind != NameKind::kPerson && SingularAndPlural(a.text, b.text)) {
    if (kind == NameKind::kVessel) {
      return 0.0;
    }
    if (a.Has(kWord) || b.Has(kWord)) {
      return 0.95;
    }
  }
  if (IsEntity(kind) && a.Has(kWord) && b.Has(kWord) && a.ortho != b.ortho &&
      BritishSpelling(a.text) != BritishSpelling(b.text)) {
    return 0.0;  // two different words: "Mining", "Dining"
  }
  double sim = Spelling(a.text, b.text);
  if (sim < 0.93 && !IsEntity(kind) && (VowelsApart(a.text, b.text) || BalticEnding(a, b))) {
    sim = 0.93;
  }
  // The same word in another language's spelling (Poetin, Wladimirowitsch).
  const std::string& oa = a.ortho.empty() ? a.text : a.ortho;
  const std::string& ob = b.ortho.empty() ? b.text : b.ortho;
  if (oa == ob) {
    sim = std::max(sim, 0.95);
  } else if (oa != a.text || ob != b.text) {
    sim = std::max(sim, 0.95 * Spelling(oa, ob));
  }
  if ((a.flags | b.flags) & kForeign) {
    // Jaro-Winkler credits shared letters in order, which an abjad's written consonants share
    // with many longer words (khald, Khalilzadeh): there only between words of about one
    // length (an abjad word is shorter by its unwritten vowels).
    const bool abjad = ((a.flags | b.flags) & kAbjad) != 0;
    const size_t shorter_length = std::min(a.text.size(), b.text.size());
    const size_t longer_length = std::max(a.text.size(), b.text.size());
    if (!BeginsOther(a.text, b.text) && (!abjad || longer_length <= shorter_length + 2)) {
      sim = std::max(sim, JaroWinkler(a.text, b.text));
    }
    // Transliterations differ by system: compare how the words sound as well. An abjad
    // leaves its vowels out, so there its consonants decide, letter by letter; alphabets write
    // their vowels, and there the keys' coarse classes decide only between spellings that
    // already look alike ("vita" and "fuad" share a key).
    if (abjad) {
      if (SameAbjadConsonants(a, b)) {
        sim = std::max(sim, 0.93);
      }
    } else if (sim >= kMinAlphabetSpelling) {
      if (!a.key.empty() && a.key == b.key) {
        sim = std::max(sim, 0.93);
      } else if (!BeginsOther(a.key, b.key)) {
        sim = std::max(sim, 0.9 * JaroWinkler(a.key, b.key));
      }
    }
  }
  return sim;
}

double NameScorer::PairSimilarity(const NormalizedName& a, size_t i, const NormalizedName& b,
                                  size_t j, NameKind kind) const {
  const Token& x = a.tokens[i];
  const Token& y = b.tokens[j];
  if (x.word != kNoScriptWord && y.word != kNoScriptWord && x.text != y.text &&
      a.script_words[x.word].script == b.script_words[y.word].script && !SameVariantGroup(x, y)) {
    // Two words of one script: no romanisation stands between them, so a difference in their
    // letters is a difference in the name, not a choice of transliteration.
    return Spelling(a.script_words[x.word].letters, b.script_words[y.word].letters);
  }
  return TokenSimilarity(x, y, kind);
}

NameScore NameScorer::Best(const std::vector<NormalizedName>& a,
                           const std::vector<NormalizedName>& b, NameKind kind) const {
  NameScore best;
  for (const NormalizedName& x : a) {
    for (const NormalizedName& y : b) {
      NameScore s = Score(x, y, kind);
      if (s.score > best.score) {
        best = s;
      }
    }
  }
  return best;
}

NameScore NameScorer::Score(const NormalizedName& a, const NormalizedName& b, NameKind kind) const {
  if (!a.prepared || !b.prepared) {
    NormalizedName pa = a;
    NormalizedName pb = b;
    Prepare(pa);
    Prepare(pb);
    return Score(pa, pb, kind);
  }
  NameScore out;
  if ((a.vessel || b.vessel) && kind != NameKind::kPerson) {
    kind = NameKind::kVessel;
  }
  const size_t na = std::min(a.tokens.size(), kMaxTokens);
  const size_t nb = std::min(b.tokens.size(), kMaxTokens);
  if (na == 0 || nb == 0) {
    return out;
  }
  // Legal forms of different countries' registers: companies registered apart.
  uint64_t countries_a = 0;
  uint64_t countries_b = 0;
  for (size_t i = 0; i < na; ++i) {
    countries_a |= a.tokens[i].jurisdictions;
  }
  for (size_t j = 0; j < nb; ++j) {
    countries_b |= b.tokens[j].jurisdictions;
  }
  const double registered_apart =
      countries_a != 0 && countries_b != 0 && (countries_a & countries_b) == 0
          ? kJurisdictionPenalty
          : 1.0;
  if (SameLetters(a, na, b, nb)) {
    out.score = registered_apart;  // the same letters, split differently
    out.aligned = static_cast<int>(std::min(na, nb));
    return out;
  }
  // Different common words tell apart businesses that share a proper name ("Ashcorran Mining
  // Supplies", "Ashcorran Dining Supplies"); a company name made of common words alone may be
  // misspelt in one of them ("Fjord Motor Company"). A ship's name is one proper name, whatever
  // its words.
  if (kind == NameKind::kEntity && !SharesProperName(a, na, b, nb)) {
    kind = NameKind::kUnknown;
  }
  // Fixed-size scratch: Score runs for every candidate of every query, and allocating here
  // cost more than the comparisons.
  std::array<double, kMaxTokens> wa;
  std::array<double, kMaxTokens> wb;
  for (size_t i = 0; i < na; ++i) {
    wa[i] = a.tokens[i].weight;
  }
  for (size_t j = 0; j < nb; ++j) {
    wb[j] = b.tokens[j].weight;
  }
  // Candidate alignments: token to token, and a token to two adjacent tokens joined.
  thread_local std::vector<Candidate> cands;
  cands.clear();
  for (size_t i = 0; i < na; ++i) {
    for (size_t j = 0; j < nb; ++j) {
      const double sim = PairSimilarity(a, i, b, j, kind);
      if (sim >= kMinTokenSimilarity) {
        cands.push_back({sim, static_cast<uint8_t>(i), 1, static_cast<uint8_t>(j), 1});
      }
    }
  }
  thread_local Token joined;  // a run of tokens joined, as written
  thread_local std::vector<std::string> spellings;
  // Runs of adjacent tokens joined: two in any name ("Goldman Sachs", "GoldmanSachs"), up to
  // kMaxJoined where a transliteration is involved, since scripts without spaces between
  // syllables or words are romanised with them ("ကျော်ဇော်ထွန်း", "Kyaw Zaw Htun").
  auto joined_runs = [&](const NormalizedName& one, size_t n1, const NormalizedName& two, size_t n2,
                         bool one_is_a) {
    uint8_t two_flags = 0;
    for (size_t j = 0; j < n2; ++j) {
      two_flags |= two.tokens[j].flags;
    }
    for (size_t i = 0; i + 1 < n1; ++i) {
      size_t length = one.tokens[i].text.size();
      size_t ortho = one.tokens[i].ortho.size();
      auto flags = static_cast<uint8_t>(one.tokens[i].flags & (kAbjad | kForeign));
      for (size_t len = 2; len <= kMaxJoined && i + len <= n1; ++len) {
        const Token& right = one.tokens[i + len - 1];
        length += right.text.size();
        ortho += right.ortho.size();
        flags |= static_cast<uint8_t>(right.flags & (kAbjad | kForeign));
        if (len > 2 && (((flags | two_flags) & kForeign) == 0 || right.Has(kLegalForm) ||
                        right.Has(kNumber))) {
          break;
        }
        // A joined run aligns only at 0.9 or more. Without transliteration that needs the
        // spellings within a tenth of each other's length, or the spelling keys (joined across
        // the boundary, which may merge up to three letters) within three letters.
        auto within_reach = [&](const Token& t) {
          if (t.text.size() < 4 || t.Has(kNumber) || t.Has(kLegalForm)) {
            return false;
          }
          const size_t other = t.text.size();
          const size_t other_ortho = t.ortho.size();
          return ((flags | t.flags) & kForeign) != 0 ||
                 10 * (std::max(length, other) - std::min(length, other)) <=
                     std::max(length, other) + 10 ||
                 std::max(ortho, other_ortho) - std::min(ortho, other_ortho) <= 3;
        };
        bool any = false;
        for (size_t j = 0; j < n2 && !any; ++j) {
          any = within_reach(two.tokens[j]);
        }
        if (!any) {
          continue;
        }
        RunSpellings(one, i, len, spellings);
        bool run_has_han = false;
        for (size_t k = i; k < i + len; ++k) {
          run_has_han = run_has_han || one.tokens[k].han != 0;
        }
        joined.text = spellings[0];  // as written
        joined.flags = flags;
        joined.key = PhoneticKey(joined.text);
        joined.ortho = Orthographic(joined.text);
        for (size_t j = 0; j < n2; ++j) {
          const Token& other = two.tokens[j];
          // A short abjad word is one name, not two run together (משה is not "Myo Swe").
          if (!within_reach(other) ||
              (other.Has(kAbjad) && !joined.Has(kAbjad) && other.text.size() < kMinAbjadJoin)) {
            continue;
          }
          // Han against Han compares as written; against another script, every reading, as
          // syllables.
          double sim = 0;
          if (run_has_han && other.han == 0) {
            const std::string syllables = SyllableKey(other.text);
            for (const std::string& spelling : spellings) {
              sim = std::max(sim, HanSyllables(spelling, other.text, syllables));
            }
          } else {
            sim = TokenSimilarity(joined, other, kind);
          }
          const auto run = static_cast<uint8_t>(len);
          if (sim >= 0.9) {
            cands.push_back(
                one_is_a
                    ? Candidate{sim, static_cast<uint8_t>(i), run, static_cast<uint8_t>(j), 1}
                    : Candidate{sim, static_cast<uint8_t>(j), 1, static_cast<uint8_t>(i), run});
          }
        }
      }
    }
  };
  joined_runs(a, na, b, nb, true);
  joined_runs(b, nb, a, na, false);
  // A short token that spells the initials of adjacent tokens: "JC" and "Jean Claude", "PLA"
  // and "People's Liberation Army". Credited like an initial: the spelled words' weight beyond
  // the acronym's own stays unexplained.
  auto acronyms = [&](const NormalizedName& one, size_t n1, const NormalizedName& two, size_t n2) {
    for (size_t i = 0; i < n1; ++i) {
      const std::string& t = one.tokens[i].text;
      if (t.size() < 2 || t.size() > 4 || one.tokens[i].Has(kNumber)) {
        continue;
      }
      for (size_t j = 0; j + t.size() <= n2 && t.size() <= 255; ++j) {
        bool spells = true;
        for (size_t k = 0; k < t.size() && spells; ++k) {
          spells = two.tokens[j + k].text[0] == t[k];
        }
        if (spells) {
          const auto len = static_cast<uint8_t>(t.size());
          cands.push_back(
              Candidate{0.9, static_cast<uint8_t>(i), 1, static_cast<uint8_t>(j), len, true});
        }
      }
    }
  };
  // Only the query's short words are read as acronyms: a listed acronym ("JI") spelled by the
  // initials of a query ("Jay Inslee") is a coincidence, not a match.
  acronyms(a, na, b, nb);
  // Best first; between equals, the one that explains more words (a joined run over the
  // single word it contains: نور الله and NURULLAH before نور and NURI).
  std::stable_sort(cands.begin(), cands.end(), [](const Candidate& x, const Candidate& y) {
    return x.sim != y.sim ? x.sim > y.sim : x.a_len + x.b_len > y.a_len + y.b_len;
  });
  std::array<bool, kMaxTokens> used_a{};
  std::array<bool, kMaxTokens> used_b{};
  double matched = 0;
  double matched_weight = 0;
  std::array<std::pair<uint8_t, uint8_t>, kMaxTokens> order;  // aligned (a, b), names only
  size_t ordered = 0;
  double unexplained_a = 0;
  double unexplained_b = 0;
  for (const Candidate& c : cands) {
    bool free = true;
    for (size_t k = 0; k < c.a_len; ++k) {
      free = free && !used_a[c.a_begin + k];
    }
    for (size_t k = 0; k < c.b_len; ++k) {
      free = free && !used_b[c.b_begin + k];
    }
    if (!free) {
      continue;
    }
    double w = 0;
    for (size_t k = 0; k < c.a_len; ++k) {
      used_a[c.a_begin + k] = true;
      w += wa[c.a_begin + k];
    }
    for (size_t k = 0; k < c.b_len; ++k) {
      used_b[c.b_begin + k] = true;
      w += wb[c.b_begin + k];
    }
    // An initial says less than the word it stands for: the rest of that word's weight stays
    // unexplained, on its side.
    if (c.acronym) {
      const double spelled = w - wa[c.a_begin];
      if (spelled > wa[c.a_begin]) {
        unexplained_b += spelled - wa[c.a_begin];
        w -= spelled - wa[c.a_begin];
      }
    } else if (c.a_len == 1 && c.b_len == 1) {
      const double ia = wa[c.a_begin];
      const double ib = wb[c.b_begin];
      if (a.tokens[c.a_begin].text.size() == 1 && ib > ia) {
        unexplained_b += ib - ia;
        w -= ib - ia;
      } else if (b.tokens[c.b_begin].text.size() == 1 && ia > ib) {
        unexplained_a += ia - ib;
        w -= ia - ib;
      }
    }
    matched += c.sim * w;
    matched_weight += w;
    ++out.aligned;
    if (!a.tokens[c.a_begin].Has(kParticle) && !a.tokens[c.a_begin].Has(kLegalForm)) {
      order[ordered++] = {c.a_begin, c.b_begin};
    }
  }
  // Numbers left on both sides are one name's series ("Fund VI", "Fund VII"; "Maru No. 8",
  // "Maru No. 6"): aligned, and the score put in the review band below. Outside the names of
  // people, I, V and X are numerals as well, not initials ("Fund V", "Trust I").
  auto series_mark = [kind](const Token& t) {
    return t.Has(kNumber) || (kind != NameKind::kPerson && t.text.size() == 1 &&
                              (t.text[0] == 'i' || t.text[0] == 'v' || t.text[0] == 'x'));
  };
  bool other_series = false;
  for (size_t i = 0, j = 0; i < na; ++i) {
    if (used_a[i] || !series_mark(a.tokens[i])) {
      continue;
    }
    while (j < nb && (used_b[j] || !series_mark(b.tokens[j]))) {
      ++j;
    }
    if (j == nb) {
      break;
    }
    used_a[i] = used_b[j] = true;
    matched += wa[i] + wb[j];
    matched_weight += wa[i] + wb[j];
    other_series = true;
  }
  double left_a = unexplained_a;
  double left_b = unexplained_b;
  double numbers = 0;  // weight of numbers left without a partner
  for (size_t i = 0; i < na; ++i) {
    if (!used_a[i]) {
      left_a += wa[i];
      numbers += a.tokens[i].Has(kNumber) ? wa[i] : 0;
      ++out.leftover;
    }
  }
  for (size_t j = 0; j < nb; ++j) {
    if (!used_b[j]) {
      left_b += wb[j];
      numbers += b.tokens[j].Has(kNumber) ? wb[j] : 0;
      ++out.leftover;
    }
  }
  if (out.aligned == 0) {
    return out;
  }
  // Leftovers on both sides conflict up to the smaller side's weight; the rest are extras. A
  // number on one side only conflicts as well: it tells a ship or company from its numbered
  // successor apart ("Gulf Sunbird", "Gulf Sunbird II").
  const double conflict = std::min(left_a, left_b);
  int names_b = 0;  // words of the listed name that are names: not particles or forms
  for (size_t j = 0; j < nb; ++j) {
    names_b += b.tokens[j].Has(kParticle) || b.tokens[j].Has(kLegalForm) ? 0 : 1;
  }
  const double denominator =
      matched_weight + kConflictPenalty * 2 * conflict +
      (left_b == 0 && names_b >= 2 ? kContainedQueryExtraPenalty : kQueryExtraPenalty) *
          (left_a - conflict) +
      kExtraPenalty * (left_b - conflict) + kConflictPenalty * numbers;
  out.score = matched / denominator;
  // Names keep their order, or move their last part first ("PUTIN, Vladimir"): aligned
  // positions must be a rotation of an increasing sequence. Otherwise the names are made of
  // the same words in another arrangement (Salman bin Muhammad, Muhammad bin Salman).
  std::sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(ordered));
  int descents = 0;
  for (size_t k = 1; k < ordered; ++k) {
    descents += order[k].second < order[k - 1].second ? 1 : 0;
  }
  if (descents > 1 || (descents == 1 && order[ordered - 1].second > order[0].second)) {
    // Two neighbouring words exchanged, the rest in order ("First Bank International",
    // "First International Bank"; two middle names) is a lesser change, but not across a
    // particle: "Salman bin Muhammad" is the son of another man.
    auto particle_between = [&](size_t from, size_t to) {
      for (size_t p = from + 1; p < to; ++p) {
        if (a.tokens[p].Has(kParticle)) {
          return true;
        }
      }
      return false;
    };
    bool one_swap = false;
    for (size_t k = 1; k < ordered && !one_swap; ++k) {
      if (order[k].second < order[k - 1].second &&
          !particle_between(order[k - 1].first, order[k].first)) {
        std::swap(order[k].second, order[k - 1].second);
        one_swap =
            std::is_sorted(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(ordered),
                           [](const auto& x, const auto& y) { return x.second < y.second; });
        std::swap(order[k].second, order[k - 1].second);
      }
    }
    out.score *= one_swap && ordered > 2 ? kSwapPenalty : kOrderPenalty;
  }
  out.score *= registered_apart;
  if (other_series) {
    out.score *= kOtherSeriesFactor;
  }
  return out;
}

}  // namespace tg::screen
