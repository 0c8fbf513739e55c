// Name normalisation for screening: any script to lower-case ASCII tokens that can be compared.
// Unicode NFKC, ICU transliteration to Latin (per word, remembering which words were written
// in a script without written vowels), diacritics and case folded, punctuation split or joined,
// titles dropped, legal forms and particles marked. The word lists are data
// (data/screening/*.csv), not code. A Normalizer is immutable after Load and may be shared
// between threads (each thread keeps its own ICU transliterator).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "tierguard/status.h"

#include "src/screen/burmese.h"
#include "src/screen/generic_words.h"
#include "src/screen/khmer.h"

namespace tg::screen {

enum TokenFlag : uint8_t {
  kAbjad = 1,      // transliterated from Arabic, Hebrew, Syriac or Thai: vowels were not written
  kLegalForm = 2,  // a legal form, replaced by its class ("ltd", "jsc", …)
  kParticle = 4,   // al, bin, de, van, and …: part of a name but says little
  kNumber = 8,     // digits only
  kForeign = 16,   // transliterated from a script other than Latin
  kWord = 32,      // a common word of a dictionary (data/screening/dictionaries.csv)
  kHebrew = 64,    // transliterated from Hebrew: "ch" is ח (also read h), "sh" is ש (also s)
  kAbbreviated = 128,  // written with a closing dot ("Ind.", "Comm."): may stand for a word
                       // it begins
};

// No ScriptWord: the token was written in Latin letters, or is a Han character.
inline constexpr uint8_t kNoScriptWord = 255;

struct Token {
  std::string text;  // lower-case ASCII letters and digits
  uint8_t flags = 0;
  // For a Han character of a name written in simplified Chinese characters (张, 陈): read in
  // Mandarin only, not in Korean or Japanese. Set by NameScorer::Prepare.
  bool mandarin_only = false;
  // The word of another script the token romanises: NormalizedName::script_words[word].
  uint8_t word = kNoScriptWord;
  // The Han character the token romanises (in Mandarin, as ICU does), whose other readings
  // the scorer tries (src/screen/han_readings.h); 0 for other tokens.
  char32_t han = 0;
  std::string key;    // PhoneticKey(text), set by the Normalizer
  std::string ortho;  // Orthographic(text), set by the Normalizer
  // Set by NameScorer::Prepare: the token's weight, and its name-variant groups (0: none).
  float weight = -1;
  // For a legal form of national registers (GmbH, Sdn Bhd): one bit a country, as
  // Normalizer numbers them (modulo 64); 0 for forms written in many countries (Ltd, LLC).
  uint64_t jurisdictions = 0;
  uint32_t groups[2] = {0, 0};
  bool Has(TokenFlag f) const { return (flags & f) != 0; }
};

// A word written in a script other than Latin (Han characters aside), in its own letters: two
// names written in the same script are compared in it, not through their romanisations, which
// blur what the script keeps apart (김정은 and 김종은 are two names; both romanise "Kim Jong").
struct ScriptWord {
  // Lower-cased, without joiners and punctuation; in abjads without vowel marks, and the
  // Arabic script's letter variants folded (ي ی ى, ك ک, ة ه, أ إ آ ا).
  std::u32string letters;
  uint16_t script = 0;  // ICU's UScriptCode
};

struct NormalizedName {
  std::vector<Token> tokens;
  std::vector<ScriptWord> script_words;  // empty for names in Latin letters
  bool prepared = false;                 // NameScorer::Prepare has run
  bool vessel = false;  // begins with a ship's prefix (MV, MT, …; data/screening/titles.csv)
  // The tokens' text joined without spaces, for word-joining comparisons.
  std::string Joined() const;
  // The tokens' text joined with single spaces.
  std::string Text() const;
};

// Longest accepted name, in bytes. Longer input is an error, not silently cut.
inline constexpr size_t kMaxNameBytes = 4096;

// Checks UTF-8; InvalidArgument naming the byte offset of the first bad sequence.
Status ValidateUtf8(std::string_view text);

class Normalizer {
 public:
  // Reads data_dir/screening/{burmese,khmer,generic_words,legal_forms,titles,particles,
  // word_forms}.csv and the word lists that dictionaries.csv names. With a `cache_dir`, the
  // word lists' fingerprints are kept there (words.fp) and read back while the lists are
  // unchanged.
  static Result<Normalizer> Load(const std::string& data_dir, const std::string& cache_dir = "");

  // InvalidArgument for invalid UTF-8 or a name over kMaxNameBytes. A name with no letters or
  // digits gives no tokens.
  Result<NormalizedName> Normalize(std::string_view name) const;

  // Normalize() of each of AlternativeNames(name) and of each of their translations of
  // generic words (data/screening/generic_words.csv); names without tokens are left out.
  Result<std::vector<NormalizedName>> NormalizeAll(std::string_view name) const;

  // Tokens of an already ASCII-folded text: split, joined, titles dropped, forms classed.
  NormalizedName Tokenize(std::string_view ascii, uint8_t flags_of_all = 0) const;

 private:
  // A legal form glued in capitals to the name before it set apart: "SiemensAG" is
  // "Siemens AG"; nullopt when the name has none.
  std::optional<std::string> WithLegalFormsApart(std::string_view name) const;
  struct PhraseTables;
  // Drops titles, classes legal forms (of `phrases`) and marks particles and numbers.
  NormalizedName Finish(std::vector<Token> raw, const PhraseTables& phrases) const;
  struct LegalForm;
  // The legal form a phrase of Latin words that is none stands for: a form cut short where the
  // name ends (`ends_name`; SWIFT lines hold 35 characters: "JOINT STOCK COMPAN"), or a long
  // one-word form with one letter wrong ("Aktiengeselschaft"). `last` is the phrase's last
  // token; null when the phrase is no form or its last word is a word of the dictionaries.
  const LegalForm* MisspeltForm(const std::string& phrase, const Token& last, bool ends_name) const;
  // Whether a lower-case word of three letters or more is in the dictionaries.
  bool IsWord(const std::string& word) const;

  BurmeseRomanizer burmese_;
  KhmerRomanizer khmer_;
  GenericWords generic_words_;

  // Titles and legal forms by phrase (token sequences joined by ' ').
  struct LegalForm {
    std::string form_class;
    uint64_t jurisdictions;
    // kForeign and kAbjad of a form written in another script: it is that script's form only
    // (Georgian შპს and Hebrew שחף both transliterate to "shp").
    uint8_t script;
  };
  struct PhraseTables {
    std::unordered_map<std::string, LegalForm> legal_forms;
    std::unordered_map<std::string, bool> titles;  // to whether it begins a ship's name
    size_t longest_form = 1;                       // in tokens
    size_t longest_title = 1;
  };
  // The rows of the tables written in Latin letters: all that a name written in ASCII can
  // match, since a row of another script matches only words of its script.
  PhraseTables latin_phrases_;
  std::vector<std::string> latin_forms_;  // the phrases of forms written in Latin, sorted
  // Every row, made on the first name not written in ASCII: romanising the rows of other
  // scripts starts ICU's transliterators (Han's alone takes 90 ms), which a command whose
  // names are all ASCII then never pays for. Shared by copies; thread-safe.
  struct AllPhrases;
  std::shared_ptr<AllPhrases> all_phrases_;
  Result<const PhraseTables*> AllPhraseTables() const;
  // Adds the legal forms and titles of the rows to `out`; with `latin_only`, only the rows
  // written in Latin letters.
  static Status AddPhrases(const Normalizer& plain,
                           const std::vector<std::vector<std::string>>& forms,
                           const std::vector<std::vector<std::string>>& titles,
                           const std::string& titles_path, bool latin_only, PhraseTables& out);
  std::unordered_set<std::string> particles_;
  // Common words of the dictionaries (lower-case ASCII, three letters or more), kept as sorted
  // 64-bit fingerprints: a hash set of a million strings took a second to build at every
  // start, and a chance collision among 2^64 values is negligible.
  std::vector<uint64_t> words_;
  // Abbreviations, number words, ordinals and Roman numerals to their normal form.
  std::unordered_map<std::string, std::vector<std::string>> word_forms_;
};

// The name of the first script of the name's letters that neither ICU nor tierguard's tables
// romanise (Lao, Sinhala, Tibetan, …), as ICU names scripts; "" when every letter is read.
// Such words are matched only as written (Normalizer keeps them as their code points), and a
// screening answer says so.
std::string UnreadScript(std::string_view name);

// The names a written name stands for: itself without the annotations, and each former name
// it gives ("OCEAN PIONEER (ex-Cape Diamond)", "X f/k/a Y"). Always at least one.
std::vector<std::string> AlternativeNames(std::string_view name);

}  // namespace tg::screen
