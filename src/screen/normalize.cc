#include "src/screen/normalize.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <utility>

#include "src/common/csv.h"
#include "src/common/digest.h"
#include "src/common/files.h"
#include "src/common/text.h"
#include "src/screen/similarity.h"

namespace tg::screen {

namespace {

// Calls visit(code point, its script) for each code point of the UTF-8 `text` until visit
// returns false; whether it went through to the end.
template <typename Visit>
bool ForEachScript(std::string_view text, Visit visit) {
  const icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  for (int32_t i = 0; i < u.length();) {
    const UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    UErrorCode status = U_ZERO_ERROR;
    const UScriptCode script = uscript_getScript(c, &status);
    if (!visit(c, U_FAILURE(status) ? USCRIPT_INVALID_CODE : script)) {
      return false;
    }
  }
  return true;
}

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// ICU transliterators are not thread-safe: one per thread, made on first use.
icu::Transliterator* ToLatin() {
  thread_local std::unique_ptr<icu::Transliterator> t = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> made(
        icu::Transliterator::createInstance("Any-Latin; Latin-ASCII", UTRANS_FORWARD, status));
    return U_SUCCESS(status) ? std::move(made) : nullptr;
  }();
  return t.get();
}

// Scripts written without most vowels: their transliterations are compared by consonants.
bool IsAbjad(UScriptCode script) {
  return script == USCRIPT_ARABIC || script == USCRIPT_HEBREW || script == USCRIPT_SYRIAC ||
         script == USCRIPT_THAI || script == USCRIPT_THAANA;
}

// Rewrites that ICU's transliterators do not make: the Katakana long-vowel mark and middle
// dot, Hebrew abbreviation marks, and Urdu's letters that ICU leaves untransliterated, read as
// the Arabic letters they extend (ٹ → ت, ڈ → د, ڑ → ر, ں → ن, ے → ي, ھ → ه).
UChar32 UrduBase(UChar32 c) {
  switch (c) {
    case 0x0679:
      return 0x062A;
    case 0x0688:
      return 0x062F;
    case 0x0691:
      return 0x0631;
    case 0x06BA:
      return 0x0646;
    case 0x06D2:
      return 0x064A;
    case 0x06BE:
      return 0x0647;
    default:
      return c;
  }
}

// The Arabic article written joined to its word (الواحد, "alwahd") is a word of its own, as
// Latin spellings write it (AL-WAHED; Abdul Wahed, where it joins the word before): "al" and
// "wahd". Words of two or three letters after it stay whole (الله, "allh").
void SplitArticle(std::vector<Token>& tokens, size_t first) {
  for (size_t k = first; k < tokens.size(); ++k) {
    if (tokens[k].text.size() >= 5 && tokens[k].text.starts_with("al")) {
      Token article{"al", tokens[k].flags};
      tokens[k].text.erase(0, 2);
      tokens.insert(tokens.begin() + static_cast<std::ptrdiff_t>(k), std::move(article));
      ++k;
    }
  }
}

void Prepare(icu::UnicodeString& word) {
  icu::UnicodeString out;
  for (int32_t i = 0; i < word.length();) {
    const UChar32 c = UrduBase(word.char32At(i));
    i += U16_LENGTH(c);
    const bool hebrew_quote = c == '"' && i < word.length() &&
                              uscript_getScript(word.char32At(i), nullptr) == USCRIPT_HEBREW;
    if (c == 0x30FC || c == 0x05F3 || c == 0x05F4 || hebrew_quote) {
      continue;  // long-vowel mark; geresh, gershayim, or בע"מ's ASCII quote for it
    }
    if (c == 0x30FB || c == 0x00B7) {
      out.append(static_cast<UChar>(' '));
    } else if (c == 0x05D7) {
      out.append(icu::UnicodeString("ch"));  // ח: ICU writes h, as for ה; romanisations kh, ch
    } else if (c == 0x05E9) {
      out.append(icu::UnicodeString("sh"));  // ש: ICU writes s; romanisations mostly sh
    } else {
      out.append(c);
    }
  }
  word = out;
}

// Spelling variants within one script that a reader takes for the same letter: the Arabic
// script's forms of alif, ya, kaf, ta marbuta, hamza carriers (Arabic and Persian keyboards
// write them apart), Hebrew and Greek final forms.
char32_t SameLetterBase(UChar32 c) {
  static constexpr std::pair<char32_t, char32_t> kBase[] = {
      {0x0622, 0x0627}, {0x0623, 0x0627}, {0x0625, 0x0627}, {0x0671, 0x0627},
      {0x0649, 0x064A}, {0x06CC, 0x064A}, {0x0626, 0x064A}, {0x06A9, 0x0643},
      {0x0629, 0x0647}, {0x0624, 0x0648}, {0x05DA, 0x05DB}, {0x05DD, 0x05DE},
      {0x05DF, 0x05E0}, {0x05E3, 0x05E4}, {0x05E5, 0x05E6}, {0x03C2, 0x03C3}};
  for (const auto& [variant, base] : kBase) {
    if (static_cast<char32_t>(c) == variant) {
      return base;
    }
  }
  return static_cast<char32_t>(c);
}

// A word of another script as ScriptWord keeps it.
std::u32string ScriptLetters(const icu::UnicodeString& word, bool abjad) {
  std::u32string out;
  for (int32_t i = 0; i < word.length();) {
    const UChar32 c = word.char32At(i);
    i += U16_LENGTH(c);
    const auto type = static_cast<UCharCategory>(u_charType(c));
    const bool mark = type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK;
    if ((abjad && mark) || c == 0x0640 || (!mark && !u_isalnum(c))) {
      continue;  // harakat, tatweel, joiners, punctuation
    }
    out += SameLetterBase(UrduBase(u_tolower(c)));
  }
  return out;
}

// The letter a single digit stands for between letters ("Ig0r Sech1n", "I9or"), as names are
// written to slip past filters; 0 when the digit is a digit.
char LeetLetter(std::string_view ascii, size_t i, const std::string& current) {
  static constexpr std::string_view kDigits = "0134579";
  static constexpr std::string_view kLetters = "oieastg";
  const size_t at = kDigits.find(ascii[i]);
  const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (at == std::string_view::npos || current.empty() || !letter(current.back()) ||
      i + 1 >= ascii.size() || !letter(ascii[i + 1])) {
    return 0;
  }
  return kLetters[at];
}

// Appends the tokens of ASCII text: letters and digits lower-cased; apostrophes and dots join
// ("O'Brien", "L.L.C."), '&' is "and", anything else separates.
void Split(std::string_view ascii, uint8_t flags, std::vector<Token>& out) {
  std::string current;
  auto flush = [&] {
    if (!current.empty()) {
      out.push_back(Token{std::move(current), flags});
      current.clear();
    }
  };
  for (size_t i = 0; i < ascii.size(); ++i) {
    const char c = ascii[i];
    // The possessive 's says nothing of the name ("Deutsche Bank's"); a transliteration's
    // apostrophe is a letter (Hebrew א, Arabic ع).
    if (c == '\'' && (flags & kForeign) == 0 && !current.empty() && i + 1 < ascii.size() &&
        (ascii[i + 1] == 's' || ascii[i + 1] == 'S') &&
        (i + 2 == ascii.size() || !IsAsciiAlnum(ascii[i + 2]))) {
      ++i;
      continue;
    }
    if (const char letter = LeetLetter(ascii, i, current); letter != 0) {
      current += letter;  // "Sech1n": a digit written for a letter
      continue;
    }
    if (IsAsciiAlnum(c)) {
      const bool digit = c >= '0' && c <= '9';
      if (!current.empty() && digit != (current.back() >= '0' && current.back() <= '9')) {
        flush();  // "No.8", "V.214W": letters and digits are separate words
      }
      current += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    } else if (c == '.' && current.size() >= 2 &&
               !IsAsciiAlnum(i + 1 < ascii.size() ? ascii[i + 1] : ' ') &&
               current.find_first_of("0123456789") == std::string::npos) {
      out.push_back(Token{std::move(current), static_cast<uint8_t>(flags | kAbbreviated)});
      current.clear();  // "Ind.", "Comm.": a word cut short
    } else if (c == '\'' || c == '.' || c == '`' || static_cast<unsigned char>(c) >= 0x80) {
      continue;  // joins: O'Brien, L.L.C., and marks left by transliteration (ʿ, ʾ)
    } else if (c == '&') {
      flush();
      out.push_back(Token{"and", flags});
    } else {
      flush();
    }
  }
  flush();
}

// The ASCII of a transliterated word. Letters of a script ICU cannot transliterate (Lao,
// Sinhala, Tibetan, …) are written as their code points, in letters a-p for the hex digits
// (U+0E81 is "xaoib"): the word then matches the same word in that script, rather than
// vanishing from the name.
std::string AsciiOf(const icu::UnicodeString& latin) {
  std::string out;
  for (int32_t i = 0; i < latin.length();) {
    const UChar32 c = latin.char32At(i);
    i += U16_LENGTH(c);
    UErrorCode status = U_ZERO_ERROR;
    const UScriptCode script = uscript_getScript(c, &status);
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (u_isalpha(c) && script != USCRIPT_LATIN && script != USCRIPT_COMMON &&
               script != USCRIPT_INHERITED) {
      out += 'x';
      for (int shift = 20; shift >= 0; shift -= 4) {
        const auto nibble = static_cast<char>((static_cast<uint32_t>(c) >> shift) & 0xF);
        if (shift < 16 || nibble != 0) {
          out += static_cast<char>('a' + nibble);
        }
      }
    } else {
      icu::UnicodeString(c).toUTF8String(out);  // marks; Split joins over them
    }
  }
  return out;
}

// Appends the tokens of one word of any script: runs of Burmese and Khmer romanised by their
// tables, each Han character alone (so that the scorer can try its other readings), the rest
// by ICU.
Status AppendTokens(const BurmeseRomanizer& burmese, const KhmerRomanizer& khmer,
                    const icu::UnicodeString& word, uint8_t flags, std::vector<Token>& out) {
  icu::Transliterator* to_latin = ToLatin();
  if (to_latin == nullptr) {
    return Internal("ICU has no Any-Latin transliterator");
  }
  std::u32string run;  // Burmese or Khmer
  bool run_is_khmer = false;
  icu::UnicodeString other;
  auto flush = [&] {
    if (!run.empty()) {
      Split(run_is_khmer ? khmer.Romanize(run) : burmese.Romanize(run), flags, out);
      run.clear();
    }
    if (!other.isEmpty()) {
      to_latin->transliterate(other);
      Split(AsciiOf(other), flags, out);
      other.remove();
    }
  };
  for (int32_t i = 0; i < word.length();) {
    const UChar32 c = word.char32At(i);
    i += U16_LENGTH(c);
    UErrorCode status = U_ZERO_ERROR;
    const bool is_khmer = KhmerRomanizer::IsKhmer(static_cast<char32_t>(c));
    if (is_khmer || BurmeseRomanizer::IsBurmese(static_cast<char32_t>(c))) {
      if (!other.isEmpty() || (!run.empty() && run_is_khmer != is_khmer)) {
        flush();
      }
      run_is_khmer = is_khmer;
      run += static_cast<char32_t>(c);
    } else if (uscript_getScript(c, &status) == USCRIPT_HAN) {
      flush();
      other.append(c);
      const size_t before = out.size();
      flush();
      for (size_t k = before; k < out.size(); ++k) {
        out[k].han = static_cast<char32_t>(c);
      }
    } else {
      if (!run.empty()) {
        flush();
      }
      other.append(c);
    }
  }
  flush();
  return Status::Ok();
}

// Reads a one- or two-column word list, normalising each entry as a name is.
Result<std::vector<std::vector<std::string>>> ReadList(const std::string& path, size_t columns) {
  TG_ASSIGN_OR_RETURN(CsvTable table, CsvTable::Load(path));
  std::vector<std::vector<std::string>> rows;
  for (const CsvRecord& r : table.records()) {
    if (r.fields.size() != columns) {
      return InvalidArgument(path + ":" + std::to_string(r.line) + ": expected " +
                             std::to_string(columns) + " fields");
    }
    rows.push_back(r.fields);
  }
  return rows;
}

uint64_t WordFingerprint(std::string_view word) { return std::hash<std::string_view>()(word); }

// Adds the fingerprints of the lower-case words of a word list (one a line, UTF-8) to `words`,
// accents of the Latin-1 letters folded; capitalised entries, words with other letters and words
// shorter than three letters are left out.
Status ReadWords(const std::string& path, const std::string& package,
                 std::vector<uint64_t>& words) {
  Result<std::string> read = ReadFile(path);
  if (!read) {
    return NotFound(path + ": cannot read the word list (Debian package " + package + ")");
  }
  const std::string& text = *read;
  // U+00E0..U+00FF lower-case, folded; '*' marks a letter without an ASCII fold (÷).
  static constexpr std::string_view kFold = "aaaaaaaceeeeiiiidnooooo*ouuuuyty";
  std::string word;
  for (Lines lines(text); lines.Next();) {
    const std::string_view line = lines.line();
    word.clear();
    bool ok = !line.empty() && line[0] >= 'a' && line[0] <= 'z';
    for (size_t i = 0; ok && i < line.size(); ++i) {
      const auto c = static_cast<unsigned char>(line[i]);
      const auto next = i + 1 < line.size() ? static_cast<unsigned char>(line[i + 1]) : 0;
      if (c >= 'a' && c <= 'z') {
        word += static_cast<char>(c);
      } else if (c == 0xC3 && next >= 0xA0 && next <= 0xBF) {
        const char folded = kFold[next - 0xA0];
        ok = folded != '*';
        word += folded;
        ++i;
      } else if (c == 0xC3 && next == 0x9F) {
        word += "ss";
        ++i;
      } else if (c == '\r' && i + 1 == line.size()) {
        break;
      } else {
        ok = false;  // apostrophes, hyphens, capitals inside, other scripts
      }
    }
    if (ok && word.size() >= 3) {
      words.push_back(WordFingerprint(word));
    }
  }
  return Status::Ok();
}

// The fingerprints of the dictionaries' words (rows: path, language, package), sorted and
// unique. Read from the file `cache` when it was written from the same files, else from the
// files and then written to `cache` for the next start: reading 5 MB of word lists and sorting
// their fingerprints was most of the normaliser's loading.
Result<std::vector<uint64_t>> DictionaryWords(
    const std::vector<std::vector<std::string>>& dictionaries, const std::string& cache) {
  std::string key = "tierguard word fingerprints 1\n";
  for (const auto& row : dictionaries) {
    key += FileStamp(row[0]);
  }
  key += '\0';  // no path holds one: the key ends here, the fingerprints follow
  std::vector<uint64_t> words;
  if (!cache.empty()) {
    // After the key: a CRC-32 of the fingerprints, then the fingerprints.
    if (Result<std::string> bytes = ReadFile(cache); bytes && bytes->starts_with(key) &&
                                                     bytes->size() >= key.size() + 4 &&
                                                     (bytes->size() - key.size() - 4) % 8 == 0) {
      uint32_t crc = 0;
      std::memcpy(&crc, bytes->data() + key.size(), 4);
      words.resize((bytes->size() - key.size() - 4) / 8);
      std::memcpy(words.data(), bytes->data() + key.size() + 4, words.size() * 8);
      if (crc == Crc32(words.data(), words.size() * 8)) {
        return words;
      }
      words.clear();  // torn or damaged: read the word lists again
    }
  }
  for (const auto& row : dictionaries) {
    TG_RETURN_IF_ERROR(ReadWords(row[0], row[2], words));
  }
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  if (!cache.empty()) {
    // A cache: one that cannot be written costs the next start time, never an answer.
    const uint32_t crc = Crc32(words.data(), words.size() * sizeof(uint64_t));
    (void)ReplaceFile(cache, key + std::string(reinterpret_cast<const char*>(&crc), sizeof crc) +
                                 std::string(reinterpret_cast<const char*>(words.data()),
                                             words.size() * sizeof(uint64_t)));
  }
  return words;
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (IsSpace(s.front()) || s.front() == ',' || s.front() == ';')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (IsSpace(s.back()) || s.back() == ',' || s.back() == ';')) {
    s.remove_suffix(1);
  }
  return s;
}

// Words that introduce a former or other name, matched case-insensitively as whole words
// (longest first where one begins another).
constexpr std::string_view kNameMarkers[] = {"formerly known as",
                                             "also known as",
                                             "formerly",
                                             "previously",
                                             "f.k.a.",
                                             "f/k/a",
                                             "fka",
                                             "a.k.a.",
                                             "a/k/a",
                                             "aka",
                                             "ex"};

// The length of the marker that starts at `at` of the lower-cased text, or 0. A marker stands
// after the start, a space, '(' or ',' and before a space, '-' or ':' ("ex-Atlas", "EX ATLAS").
size_t MarkerAt(std::string_view lower, size_t at) {
  if (at > 0 && !IsSpace(lower[at - 1]) && lower[at - 1] != '(' && lower[at - 1] != ',') {
    return 0;
  }
  for (std::string_view m : kNameMarkers) {
    if (lower.compare(at, m.size(), m) != 0) {
      continue;
    }
    const size_t end = at + m.size();
    if (end < lower.size() && (IsSpace(lower[end]) || lower[end] == '-' || lower[end] == ':')) {
      return m.size();
    }
  }
  return 0;
}

// A former name without what dates it: "Lindos Harrier until 2019".
std::string_view WithoutDating(std::string_view s) {
  for (std::string_view word : {" until ", " till ", " to ", " since "}) {
    const size_t at = s.rfind(word);
    if (at != std::string_view::npos && at > 0 &&
        s.find_first_of("0123456789", at) != std::string_view::npos) {
      return Trim(s.substr(0, at));
    }
  }
  return s;
}

// A vessel's name without what shipping documents write after it: a voyage number ("V.214W"),
// and, after a vessel prefix (MV, M/T, …), a port after a comma or in parentheses ("MT GOLDEN
// KINNAREE, Laem Chabang", "M/V MZIURI (Batumi)"). Empty when there is nothing to leave out.
std::vector<std::string> VesselNameAlone(std::string_view name) {
  const std::string lower = AsciiLower(name);
  std::vector<std::string> out;
  // "V.214W", "V 031E": V, digits, a direction letter, at the end.
  const size_t last = lower.rfind(' ');
  if (last != std::string::npos && last > 0) {
    std::string_view tail = std::string_view(lower).substr(last + 1);
    if (tail.size() >= 3 && tail[0] == 'v' && tail[1] == '.') {
      tail.remove_prefix(2);
    } else if (tail.size() >= 2 && tail[0] == 'v') {
      tail.remove_prefix(1);
    } else {
      tail = {};
    }
    size_t digits = 0;
    while (digits < tail.size() && tail[digits] >= '0' && tail[digits] <= '9') {
      ++digits;
    }
    if (digits > 0 && tail.size() - digits <= 1) {
      out.emplace_back(Trim(name.substr(0, last)));
    }
  }
  static constexpr std::string_view kVesselPrefixes[] = {"mv ",  "m/v ", "mt ",  "m/t ", "ms ",
                                                         "m/s ", "ss ",  "n/m ", "mts "};
  bool vessel = false;
  for (std::string_view p : kVesselPrefixes) {
    vessel = vessel || lower.compare(0, p.size(), p) == 0;
  }
  if (vessel) {
    if (const size_t comma = lower.find(", "); comma != std::string::npos) {
      out.emplace_back(Trim(name.substr(0, comma)));
    }
    if (const size_t open = lower.find(" ("); open != std::string::npos) {
      out.emplace_back(Trim(name.substr(0, open)));
    }
  }
  return out;
}

// The names either side of a slash between two words of three letters or more
// ("Al-Qa'ida/Islamic Army"); not the slashes of abbreviations (M/V, A/S, c/o, f/k/a).
std::vector<std::string> SlashAlternatives(std::string_view name) {
  auto letters_around = [&](size_t from, int step) {
    int letters = 0;
    for (auto i = static_cast<std::ptrdiff_t>(from);
         i >= 0 && i < static_cast<std::ptrdiff_t>(name.size()) && !IsSpace(name[i]) &&
         name[i] != '/';
         i += step) {
      const char c = name[static_cast<size_t>(i)];
      if (c >= '0' && c <= '9') {
        return 0;
      }
      letters +=
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80
              ? 1
              : 0;
    }
    return letters;
  };
  std::vector<std::string> out;
  const size_t slash = name.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 >= name.size() ||
      name.find('/', slash + 1) != std::string_view::npos) {
    return out;
  }
  if (letters_around(slash - 1, -1) >= 3 && letters_around(slash + 1, 1) >= 3) {
    out.emplace_back(Trim(name.substr(0, slash)));
    out.emplace_back(Trim(name.substr(slash + 1)));
  }
  return out;
}

}  // namespace

// The length of a SWIFT field tag that opens a lower-cased name ("field 59:", ":50k:"): two
// digits and an optional option letter, after "field " or between colons; 0 when there is none.
size_t SwiftFieldTag(std::string_view lower) {
  size_t at = lower.starts_with("field ") ? 6 : lower.starts_with(":") ? 1 : 0;
  if (at == 0 || at + 3 > lower.size() || lower[at] < '0' || lower[at] > '9' ||
      lower[at + 1] < '0' || lower[at + 1] > '9') {
    return 0;
  }
  at += 2;
  if (lower[at] >= 'a' && lower[at] <= 'z') {
    ++at;  // the field's option letter
  }
  return at + 1 < lower.size() && lower[at] == ':' ? at + 1 : 0;
}

std::vector<std::string> AlternativeNames(std::string_view name) {
  const std::string lower = AsciiLower(name);
  // A SWIFT field tag before the name, as payment messages are exported ("FIELD 59: ACME LTD",
  // ":50K:ACME LTD"), is no part of it.
  if (const size_t tag = SwiftFieldTag(lower); tag > 0) {
    return AlternativeNames(Trim(name.substr(tag)));
  }
  // The care-of party and what follows are another party's name and address; so is what
  // follows a comma and a number (a street address), and a flag is not part of a ship's name.
  if (const size_t co = lower.find(" c/o "); co != std::string::npos && co > 0) {
    return AlternativeNames(Trim(name.substr(0, co)));
  }
  for (size_t comma = lower.find(", "); comma != std::string::npos;
       comma = lower.find(", ", comma + 1)) {
    // A street number is digits, a space and a letter ("12250 Brevard Ln"); a year is not.
    size_t end = comma + 2;
    while (end < lower.size() && lower[end] >= '0' && lower[end] <= '9') {
      ++end;
    }
    if (comma > 0 && end > comma + 2 && end + 1 < lower.size() && lower[end] == ' ' &&
        lower[end + 1] >= 'a' && lower[end + 1] <= 'z') {
      return AlternativeNames(Trim(name.substr(0, comma)));
    }
  }
  if (const size_t flag = lower.find(" flag)"); flag != std::string::npos) {
    const size_t open = lower.rfind('(', flag);
    if (open != std::string::npos && open > 0) {
      return AlternativeNames(std::string(Trim(name.substr(0, open))) +
                              std::string(name.substr(flag + 6)));
    }
  }
  for (size_t at = 1; at < lower.size(); ++at) {
    const size_t marker = MarkerAt(lower, at);
    if (marker == 0) {
      continue;
    }
    // In parentheses the other names run to the closing one; otherwise to the end.
    size_t open = at;
    while (open > 0 && IsSpace(lower[open - 1])) {
      --open;
    }
    const bool parenthesised = open > 0 && lower[open - 1] == '(';
    size_t end = parenthesised ? lower.find(')', at) : std::string::npos;
    end = end == std::string::npos ? lower.size() : end;
    std::string main(Trim(name.substr(0, parenthesised ? open - 1 : at)));
    if (parenthesised && end < name.size()) {
      main += name.substr(end + 1);
    }
    if (Trim(main).empty()) {
      continue;  // a name that begins with the word ("Ex Libris")
    }
    std::vector<std::string> out = AlternativeNames(main);
    // Several other names: "(ex Mandvi Bay, ex Wanshan Pearl)".
    size_t from = at + marker + 1;
    while (from < end) {
      size_t next = end;
      for (size_t k = from; k + 1 < end; ++k) {
        if (lower[k] == ',' || lower[k] == ';') {
          size_t word = k + 1;
          while (word < end && IsSpace(lower[word])) {
            ++word;
          }
          if (MarkerAt(lower, word) != 0) {
            next = k;
            break;
          }
        }
      }
      std::string_view other = WithoutDating(Trim(name.substr(from, next - from)));
      if (!other.empty()) {
        for (std::string& o : AlternativeNames(other)) {
          out.push_back(std::move(o));
        }
      }
      if (next == end) {
        break;
      }
      size_t word = next + 1;
      while (word < end && IsSpace(lower[word])) {
        ++word;
      }
      from = word + MarkerAt(lower, word) + 1;
    }
    return out;
  }
  std::vector<std::string> out{std::string(Trim(name))};
  for (std::string& v : VesselNameAlone(Trim(name))) {
    out.push_back(std::move(v));
  }
  for (std::string& v : SlashAlternatives(Trim(name))) {
    out.push_back(std::move(v));
  }
  return out;
}

std::string UnreadScript(std::string_view name) {
  icu::Transliterator* to_latin = IsAscii(name) ? nullptr : ToLatin();
  if (to_latin == nullptr) {
    return "";
  }
  thread_local std::unordered_map<int, bool> unread;  // by script, as ICU transliterates it
  std::string found;
  ForEachScript(name, [&](UChar32 c, UScriptCode script) {
    if (c < 0x80 || !u_isalpha(c) || script == USCRIPT_LATIN || script == USCRIPT_COMMON ||
        script == USCRIPT_INHERITED || script == USCRIPT_HAN ||
        BurmeseRomanizer::IsBurmese(static_cast<char32_t>(c)) ||
        KhmerRomanizer::IsKhmer(static_cast<char32_t>(c))) {
      return true;
    }
    auto [it, added] = unread.emplace(script, false);
    if (added) {
      icu::UnicodeString letter(c);
      to_latin->transliterate(letter);
      it->second = letter.indexOf(c) >= 0;  // ICU left it as it was
    }
    if (it->second) {
      found = uscript_getName(script);
      return false;
    }
    return true;
  });
  return found;
}

std::string NormalizedName::Joined() const {
  std::string out;
  for (const Token& t : tokens) {
    out += t.text;
  }
  return out;
}

std::string NormalizedName::Text() const {
  std::string out;
  for (const Token& t : tokens) {
    if (!out.empty()) {
      out += ' ';
    }
    out += t.text;
  }
  return out;
}

Status ValidateUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  for (size_t i = 0; i < n;) {
    const unsigned char c = s[i];
    size_t len = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return InvalidArgument("not valid UTF-8 at byte " + std::to_string(i));
    }
    if (i + len > n) {
      return InvalidArgument("not valid UTF-8 at byte " + std::to_string(i) + " (truncated)");
    }
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) {
        return InvalidArgument("not valid UTF-8 at byte " + std::to_string(i));
      }
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    const bool overlong =
        (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return InvalidArgument("not valid UTF-8 at byte " + std::to_string(i));
    }
    i += len;
  }
  return Status::Ok();
}

namespace {

// A row written in Latin letters, in ASCII: its accents dropped (NFD without the marks), which
// needs none of ICU's transliterators. Nullopt when a letter has no ASCII base (ß, ø, ł) or
// belongs to another script.
std::optional<std::string> LatinInAscii(std::string_view text) {
  if (IsAscii(text)) {
    return std::string(text);
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) {
    return std::nullopt;
  }
  const icu::UnicodeString decomposed =
      nfd->normalize(icu::UnicodeString::fromUTF8(
                         icu::StringPiece(text.data(), static_cast<int32_t>(text.size()))),
                     status);
  std::string out;
  for (int32_t i = 0; U_SUCCESS(status) && i < decomposed.length();) {
    const UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (u_charType(c) != U_NON_SPACING_MARK) {
      return std::nullopt;
    }
  }
  return U_SUCCESS(status) ? std::optional<std::string>(std::move(out)) : std::nullopt;
}

// Whether every letter of UTF-8 `text` is Latin (or of no script: digits, punctuation).
bool InLatinLetters(std::string_view text) {
  return ForEachScript(text, [](UChar32, UScriptCode script) {
    return script == USCRIPT_LATIN || script == USCRIPT_COMMON || script == USCRIPT_INHERITED;
  });
}

}  // namespace

struct Normalizer::AllPhrases {
  Normalizer plain;  // the romanisers without tables: what a row is read with
  std::vector<std::vector<std::string>> forms;
  std::vector<std::vector<std::string>> titles;
  std::string titles_path;
  std::once_flag once;
  PhraseTables tables;
  Status status;
};

Status Normalizer::AddPhrases(const Normalizer& plain,
                              const std::vector<std::vector<std::string>>& forms,
                              const std::vector<std::vector<std::string>>& titles,
                              const std::string& titles_path, bool latin_only, PhraseTables& out) {
  // Read as names are read, after romanisation, so that "Co., Ltd." is the phrase "co ltd".
  // With `latin_only`, a row of another script is left out.
  auto phrase_of = [&](const std::string& row) -> Result<std::optional<NormalizedName>> {
    std::optional<std::string> ascii = latin_only ? LatinInAscii(row) : std::nullopt;
    if (ascii) {
      return std::optional<NormalizedName>(plain.Tokenize(*ascii));
    }
    if (latin_only && !InLatinLetters(row)) {
      return std::optional<NormalizedName>();
    }
    TG_ASSIGN_OR_RETURN(NormalizedName name, plain.Normalize(row));
    return std::optional<NormalizedName>(std::move(name));
  };
  // Bits are given in row order over every row, so that a name read with either table has
  // the same bit for a country.
  std::unordered_map<std::string, int> country_bits;
  for (const auto& row : forms) {
    uint64_t jurisdictions = 0;
    for (const std::string& country : SplitList(row[2], ' ')) {
      // Past 64 countries bits are shared: two forms of countries that share one are then
      // not told apart, which costs a penalty, never a match.
      auto [it, added] = country_bits.emplace(country, static_cast<int>(country_bits.size()));
      jurisdictions |= uint64_t{1} << (it->second % 64);
    }
    TG_ASSIGN_OR_RETURN(std::optional<NormalizedName> form, phrase_of(row[0]));
    if (!form) {
      continue;
    }
    const std::string phrase = form->Text();
    const uint8_t script = form->tokens.empty() ? 0 : form->tokens[0].flags & (kForeign | kAbjad);
    out.longest_form = std::max(
        out.longest_form, 1 + static_cast<size_t>(std::count(phrase.begin(), phrase.end(), ' ')));
    out.legal_forms[phrase] = LegalForm{row[1], jurisdictions, script};
  }
  for (const auto& row : titles) {
    if (row[1] != "person" && row[1] != "vessel") {
      return InvalidArgument(titles_path + ": title '" + row[0] + "': `of` is '" + row[1] +
                             "', neither person nor vessel");
    }
    TG_ASSIGN_OR_RETURN(std::optional<NormalizedName> title, phrase_of(row[0]));
    if (!title) {
      continue;
    }
    const std::string phrase = title->Text();
    out.longest_title = std::max(
        out.longest_title, 1 + static_cast<size_t>(std::count(phrase.begin(), phrase.end(), ' ')));
    out.titles[phrase] = row[1] == "vessel";
  }
  return Status::Ok();
}

Result<const Normalizer::PhraseTables*> Normalizer::AllPhraseTables() const {
  if (all_phrases_ == nullptr) {
    return &latin_phrases_;  // a normaliser without tables
  }
  AllPhrases& all = *all_phrases_;
  std::call_once(all.once, [&all] {
    all.status = AddPhrases(all.plain, all.forms, all.titles, all.titles_path,
                            /*latin_only=*/false, all.tables);
  });
  if (!all.status.ok()) {
    return all.status;
  }
  return &all.tables;
}

Result<Normalizer> Normalizer::Load(const std::string& data_dir, const std::string& cache_dir) {
  Normalizer n;
  const std::string dir = data_dir + "/screening/";
  TG_ASSIGN_OR_RETURN(n.burmese_, BurmeseRomanizer::Load(dir + "burmese.csv"));
  TG_ASSIGN_OR_RETURN(n.khmer_, KhmerRomanizer::Load(dir + "khmer.csv"));
  TG_ASSIGN_OR_RETURN(n.generic_words_, GenericWords::Load(dir + "generic_words.csv"));
  TG_ASSIGN_OR_RETURN(auto forms, ReadList(dir + "legal_forms.csv", 3));
  TG_ASSIGN_OR_RETURN(auto titles, ReadList(dir + "titles.csv", 2));
  auto all = std::make_shared<AllPhrases>();
  all->plain.burmese_ = n.burmese_;
  all->plain.khmer_ = n.khmer_;
  all->titles_path = dir + "titles.csv";
  TG_RETURN_IF_ERROR(AddPhrases(all->plain, forms, titles, all->titles_path, /*latin_only=*/true,
                                n.latin_phrases_));
  for (const auto& [phrase, form] : n.latin_phrases_.legal_forms) {
    if (form.script == 0) {
      n.latin_forms_.push_back(phrase);
    }
  }
  std::sort(n.latin_forms_.begin(), n.latin_forms_.end());
  all->forms = std::move(forms);
  all->titles = std::move(titles);
  n.all_phrases_ = std::move(all);
  // Table entries go through Tokenize after transliteration, like the names they must match.
  auto tokens_of = [&](const std::string& entry) -> Result<std::string> {
    TG_ASSIGN_OR_RETURN(NormalizedName name, n.all_phrases_->plain.Normalize(entry));
    return name.Text();
  };
  TG_ASSIGN_OR_RETURN(auto forms_of_words, ReadList(dir + "word_forms.csv", 2));
  for (const auto& row : forms_of_words) {
    TG_ASSIGN_OR_RETURN(std::string word, tokens_of(row[0]));
    std::vector<std::string> replacement;
    for (const Token& t : Normalizer().Tokenize(row[1]).tokens) {
      replacement.push_back(t.text);
    }
    n.word_forms_[word] = std::move(replacement);
  }
  TG_ASSIGN_OR_RETURN(auto particles, ReadList(dir + "particles.csv", 1));
  for (const auto& row : particles) {
    TG_ASSIGN_OR_RETURN(std::string word, tokens_of(row[0]));
    n.particles_.insert(word);
  }
  TG_ASSIGN_OR_RETURN(auto dictionaries, ReadList(dir + "dictionaries.csv", 3));
  TG_ASSIGN_OR_RETURN(
      n.words_,
      DictionaryWords(dictionaries, cache_dir.empty() ? cache_dir : cache_dir + "/words.fp"));
  return n;
}

Result<std::vector<NormalizedName>> Normalizer::NormalizeAll(std::string_view name) const {
  if (name.size() > kMaxNameBytes) {
    return InvalidArgument("name is " + std::to_string(name.size()) + " bytes long; at most " +
                           std::to_string(kMaxNameBytes) + " are accepted");
  }
  TG_RETURN_IF_ERROR(ValidateUtf8(name));
  std::vector<NormalizedName> out;
  for (const std::string& alternative : AlternativeNames(name)) {
    TG_ASSIGN_OR_RETURN(NormalizedName n, Normalize(alternative));
    if (n.tokens.empty()) {
      continue;
    }
    const std::string text = n.Text();
    out.push_back(std::move(n));
    for (const std::string& translated : generic_words_.Translate(alternative)) {
      TG_ASSIGN_OR_RETURN(NormalizedName t, Normalize(translated));
      if (!t.tokens.empty() && t.Text() != text) {
        out.push_back(std::move(t));
      }
    }
  }
  return out;
}

NormalizedName Normalizer::Tokenize(std::string_view ascii, uint8_t flags_of_all) const {
  std::vector<Token> raw;
  Split(ascii, flags_of_all, raw);
  return Finish(std::move(raw), latin_phrases_);
}

NormalizedName Normalizer::Finish(std::vector<Token> in, const PhraseTables& phrases) const {
  // Word forms first, then tens and units written apart joined ("forty four" → 44).
  std::vector<Token> raw;
  auto tens_before = [&raw] {
    return !raw.empty() && raw.back().text.size() == 2 && raw.back().text[1] == '0' &&
           raw.back().text[0] >= '2' && raw.back().text[0] <= '9';
  };
  bool tens_word = false;  // the last token is a tens word made a number ("forty")
  for (Token& t : in) {
    auto it = word_forms_.find(t.text);
    if (it == word_forms_.end()) {
      const bool unit_digit = t.text.size() == 1 && t.text[0] >= '1' && t.text[0] <= '9';
      if (unit_digit && tens_word && tens_before()) {
        raw.back().text[1] = t.text[0];  // "Forty 4"
      } else {
        raw.push_back(std::move(t));
      }
      tens_word = false;
      continue;
    }
    for (const std::string& w : it->second) {
      const bool units = w.size() == 1 && w[0] >= '1' && w[0] <= '9';
      if (units && tens_before()) {
        raw.back().text[1] = w[0];
      } else {
        raw.push_back(Token{w, t.flags});
      }
    }
    tens_word = tens_before();
  }
  NormalizedName name;
  // Longest phrase first at each position: titles are dropped, legal forms become their class.
  auto phrase = [&](size_t at, size_t len) {
    std::string p = raw[at].text;
    for (size_t k = 1; k < len; ++k) {
      p += ' ';
      p += raw[at + k].text;
    }
    return p;
  };
  for (size_t i = 0; i < raw.size();) {
    bool replaced = false;
    for (size_t len =
             std::min(std::max(phrases.longest_form, phrases.longest_title), raw.size() - i);
         len > 0 && !replaced; --len) {
      const std::string p = phrase(i, len);
      if (auto title = len <= phrases.longest_title ? phrases.titles.find(p) : phrases.titles.end();
          title != phrases.titles.end() && raw.size() > len) {
        name.vessel = name.vessel || (i == 0 && title->second);
        i += len;  // a title, unless it is the whole name
        replaced = true;
      } else if (len <= phrases.longest_form && (i > 0 || len < raw.size())) {
        const LegalForm* form = nullptr;
        if (auto it = phrases.legal_forms.find(p);
            it != phrases.legal_forms.end() &&
            (it->second.script == 0 || it->second.script == (raw[i].flags & (kForeign | kAbjad)))) {
          form = &it->second;
        } else if (i + len == raw.size() || len == 1) {
          form = MisspeltForm(p, raw[i + len - 1], i + len == raw.size());
        }
        if (form != nullptr) {
          Token t;
          t.text = t.key = t.ortho = form->form_class;
          t.flags = static_cast<uint8_t>(raw[i].flags | kLegalForm);
          t.jurisdictions = form->jurisdictions;
          name.tokens.push_back(std::move(t));
          i += len;
          replaced = true;
        }
      }
    }
    if (replaced) {
      continue;
    }
    Token t = std::move(raw[i++]);
    if (particles_.count(t.text) != 0) {
      t.flags |= kParticle;
    }
    if (t.text.find_first_not_of("0123456789") == std::string::npos) {
      t.flags |= kNumber;
    } else if (!t.Has(kForeign) && IsWord(t.text)) {
      t.flags |= kWord;
    }
    t.key = PhoneticKey(t.text);
    t.ortho = Orthographic(t.text);
    name.tokens.push_back(std::move(t));
  }
  return name;
}

const Normalizer::LegalForm* Normalizer::MisspeltForm(const std::string& phrase, const Token& last,
                                                      bool ends_name) const {
  const std::string& word = last.text;
  if (last.Has(kForeign) || word.size() < 5 ||
      word.find_first_of("0123456789") != std::string::npos) {
    return nullptr;
  }
  const std::string* form = nullptr;
  // Cut short where the name ends: "JOINT STOCK COMPAN".
  auto it = std::lower_bound(latin_forms_.begin(), latin_forms_.end(), phrase);
  if (ends_name && it != latin_forms_.end() && it->size() > phrase.size() &&
      it->starts_with(phrase) && it->find(' ', phrase.size()) == std::string::npos) {
    form = &*it;
  }
  // One letter wrong in a long one-word form: "Aktiengeselschaft".
  for (auto f = latin_forms_.begin(); form == nullptr && word.size() >= 10 &&
                                      phrase.size() == word.size() && f != latin_forms_.end();
       ++f) {
    if (f->size() + 1 >= word.size() && f->size() <= word.size() + 1 &&
        f->find(' ') == std::string::npos && EditDistance(*f, word) <= 1) {
      form = &*f;
    }
  }
  // Looked up last: the dictionary is the costly test.
  return form != nullptr && !IsWord(word) ? &latin_phrases_.legal_forms.at(*form) : nullptr;
}

bool Normalizer::IsWord(const std::string& word) const {
  return word.size() >= 3 &&
         std::binary_search(words_.begin(), words_.end(), WordFingerprint(word));
}

std::optional<std::string> Normalizer::WithLegalFormsApart(std::string_view name) const {
  std::optional<std::string> out;  // made at the first form found: most names have none
  // From the last word back, so that a space inserted leaves the positions before it as they
  // are in `name`.
  for (size_t end = name.size(); end > 0;) {
    size_t start = name.find_last_of(' ', end - 1);
    start = start == std::string_view::npos ? 0 : start + 1;
    // The capitals that end the word, after a lower-case letter.
    size_t caps = end;
    while (caps > start && name[caps - 1] >= 'A' && name[caps - 1] <= 'Z') {
      --caps;
    }
    if (caps >= start + 3 && end - caps >= 2 && name[caps - 1] >= 'a' && name[caps - 1] <= 'z') {
      std::string form(name.substr(caps, end - caps));
      for (char& c : form) {
        c = static_cast<char>(c - 'A' + 'a');
      }
      if (latin_phrases_.legal_forms.count(form) != 0) {
        if (!out) {
          out.emplace(name);
        }
        out->insert(caps, 1, ' ');
      }
    }
    end = start > 0 ? start - 1 : 0;
  }
  return out;
}

Result<NormalizedName> Normalizer::Normalize(std::string_view name) const {
  if (name.size() > kMaxNameBytes) {
    return InvalidArgument("name is " + std::to_string(name.size()) + " bytes long; at most " +
                           std::to_string(kMaxNameBytes) + " are accepted");
  }
  TG_RETURN_IF_ERROR(ValidateUtf8(name));
  const std::optional<std::string> unglued = WithLegalFormsApart(name);
  if (unglued) {
    name = *unglued;
  }
  if (IsAscii(name)) {
    return Tokenize(name);
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  icu::UnicodeString text = nfkc->normalize(icu::UnicodeString::fromUTF8(icu::StringPiece(
                                                name.data(), static_cast<int32_t>(name.size()))),
                                            status);
  if (U_FAILURE(status)) {
    return InvalidArgument(std::string("cannot normalise name: ") + u_errorName(status));
  }
  // Word by word, so that each word remembers its script.
  std::vector<Token> raw;
  std::vector<ScriptWord> script_words;
  for (int32_t i = 0; i < text.length();) {
    while (i < text.length() && u_isUWhiteSpace(text.char32At(i))) {
      i += U16_LENGTH(text.char32At(i));
    }
    const int32_t start = i;
    bool abjad = false;
    UScriptCode word_script = USCRIPT_LATIN;  // the first letter's not Latin, if any
    while (i < text.length() && !u_isUWhiteSpace(text.char32At(i))) {
      const UChar32 c = text.char32At(i);
      const UScriptCode script = uscript_getScript(c, &status);
      abjad = abjad || IsAbjad(script);
      if (word_script == USCRIPT_LATIN && script != USCRIPT_COMMON && script != USCRIPT_INHERITED) {
        word_script = script;
      }
      i += U16_LENGTH(c);
    }
    if (i == start) {
      break;
    }
    const bool foreign = word_script != USCRIPT_LATIN;
    icu::UnicodeString word(text, start, i - start);
    const size_t first_token = raw.size();
    const bool kept = foreign && word_script != USCRIPT_HAN && script_words.size() < kNoScriptWord;
    if (kept) {
      script_words.push_back(
          ScriptWord{ScriptLetters(word, abjad), static_cast<uint16_t>(word_script)});
    }
    Prepare(word);
    TG_RETURN_IF_ERROR(
        AppendTokens(burmese_, khmer_, word,
                     static_cast<uint8_t>((abjad ? kAbjad : 0) | (foreign ? kForeign : 0) |
                                          (word_script == USCRIPT_HEBREW ? kHebrew : 0)),
                     raw));
    if (word_script == USCRIPT_ARABIC) {
      SplitArticle(raw, first_token);
    }
    if (kept) {
      for (size_t k = first_token; k < raw.size(); ++k) {
        raw[k].word = static_cast<uint8_t>(script_words.size() - 1);
      }
    }
  }
  TG_ASSIGN_OR_RETURN(const PhraseTables* phrases, AllPhraseTables());
  NormalizedName out = Finish(std::move(raw), *phrases);
  out.script_words = std::move(script_words);
  return out;
}

}  // namespace tg::screen
