// The name scorer: how likely two normalised names are to name the same party, in [0, 1].
// Tokens are aligned one to one (or a token to two joined ones: "Goldman Sachs" and
// "GoldmanSachs"; up to four where a transliteration is involved), best pairs first, by edits,
// Jaro-Winkler and phonetic keys (for transliterated words, Han characters in each of their
// readings), initials and name-variant groups (data/screening/name_variants.csv). Each token
// weighs by how rare it is among listed names (data/screening/token_counts.csv) and by its kind
// (particles and legal forms weigh little). Tokens left without a partner lower the score; a
// pair of leftovers on both sides (a different surname, a different company word) lowers it
// more than extra names on one side only (a middle name, a patronymic). Two names equal but
// for their numbers (sister ships, a fund's vintages) stay a hit for review, just above the
// default threshold. Immutable after Load.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tierguard/status.h"
#include "tierguard/types.h"

#include "src/screen/normalize.h"

namespace tg::screen {

// The default threshold (tierguard/types.h): a score at or above it is a match.
inline constexpr double kDefaultThreshold = kDefaultScreeningThreshold;

// What kind of party a name is of, as far as known. Company and vessel names are made of
// common words, and two different words there are two different names ("Mining" and "Dining");
// in the names of people a one-letter difference is more often a spelling.
// A vessel is an entity whose name is one proper name: a plural there is another ship
// ("ALTAIR STAR", "ALTAIR STARS"), where in a company name it is the same word ("Industry",
// "Industries").
enum class NameKind : uint8_t { kUnknown, kPerson, kEntity, kVessel };

// The kind of a party type as lists and queries write it: "person", "individual" → kPerson;
// "vessel" → kVessel; "entity", "company", "organization", "aircraft", … → kEntity;
// "" → kUnknown.
NameKind KindOfType(std::string_view type);

struct NameScore {
  double score = 0;
  int aligned = 0;   // token pairs aligned
  int leftover = 0;  // tokens left without a partner, both sides
};

class NameScorer {
 public:
  static Result<NameScorer> Load(const std::string& data_dir);

  // Caches each token's weight and variant groups in the name, so that scoring it against
  // many others looks nothing up. Score prepares a copy of a name that is not prepared.
  void Prepare(NormalizedName& name) const;

  // The other spellings in the token's name-variant groups (Uladzimir: Vladimir, Volodymyr …).
  // REQUIRES: the token's name was prepared.
  std::vector<std::string_view> VariantsOf(const Token& t) const;

  // `a` is the query: its words that the listed name `b` lacks count more against than
  // words of `b` that the query lacks.
  NameScore Score(const NormalizedName& a, const NormalizedName& b,
                  NameKind kind = NameKind::kUnknown) const;
  // The best score over every pair of the two names' alternatives (former names, …).
  NameScore Best(const std::vector<NormalizedName>& a, const std::vector<NormalizedName>& b,
                 NameKind kind = NameKind::kUnknown) const;
  // Similarity of two tokens in [0, 1].
  double TokenSimilarity(const Token& a, const Token& b, NameKind kind = NameKind::kUnknown) const;
  // A token's weight: rarer words weigh more.
  double Weight(const Token& t) const;

 private:
  static bool SameVariantGroup(const Token& a, const Token& b);
  // TokenSimilarity of a's i-th token and b's j-th, but words of one script other than Latin
  // are compared in their own letters (NormalizedName::script_words).
  double PairSimilarity(const NormalizedName& a, size_t i, const NormalizedName& b, size_t j,
                        NameKind kind) const;

  std::unordered_map<std::string, std::vector<uint32_t>> variant_groups_;
  std::vector<std::vector<std::string>> group_words_;  // by group id
  std::unordered_map<std::string, uint32_t> token_counts_;
  double log_total_ = 0;  // log of the number of names the counts were taken from
};

}  // namespace tg::screen
