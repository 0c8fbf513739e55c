#include "src/screen/han_readings.h"

#include <algorithm>
#include <atomic>
#include <bzlib.h>
#include <cstdio>
#include <memory>
#include <unicode/translit.h>
#include <unicode/unistr.h>

#include "src/common/csv.h"
#include "src/common/text.h"

namespace tg::screen {

namespace {

Result<std::string> ReadBzip2(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return NotFound(path + ": cannot read the Han readings (Debian package unicode-data)");
  }
  int error = BZ_OK;
  BZFILE* bz = BZ2_bzReadOpen(&error, f, 0, 0, nullptr, 0);
  std::string text;
  char buf[1 << 16];
  while (error == BZ_OK) {
    const int got = BZ2_bzRead(&error, bz, buf, sizeof(buf));
    if (error == BZ_OK || error == BZ_STREAM_END) {
      text.append(buf, static_cast<size_t>(got));
    }
  }
  int ignored = BZ_OK;
  BZ2_bzReadClose(&ignored, bz);
  std::fclose(f);
  if (error != BZ_STREAM_END) {
    return InvalidArgument(path + ": not a complete bzip2 file (error " + std::to_string(error) +
                           ")");
  }
  return text;
}

// A long vowel written short, as Japanese names are romanised on documents ("Tarō" → "Taro").
std::string ShortVowels(std::string r) {
  for (const char* longer : {"ou", "oo", "uu"}) {
    for (size_t at; (at = r.find(longer)) != std::string::npos;) {
      r.erase(at + 1, 1);
    }
  }
  return r;
}

// The voiced form of a reading inside a compound word; empty when it has none.
std::string Voiced(const std::string& r) {
  static constexpr std::pair<std::string_view, std::string_view> kVoicing[] = {
      {"sh", "j"}, {"ch", "j"}, {"ts", "z"}, {"k", "g"},
      {"s", "z"},  {"t", "d"},  {"h", "b"},  {"f", "b"}};
  for (const auto& [plain, voiced] : kVoicing) {
    if (r.compare(0, plain.size(), plain) == 0) {
      return std::string(voiced) + r.substr(plain.size());
    }
  }
  return "";
}

void AddOnce(std::vector<std::string>& to, std::string r) {
  if (!r.empty() && std::find(to.begin(), to.end(), r) == to.end()) {
    to.push_back(std::move(r));
  }
}

}  // namespace

namespace {
std::atomic<bool> default_loaded{false};
}  // namespace

const Result<HanReadings>& HanReadings::Default() {
  static const Result<HanReadings> kReadings = [] {
    Result<HanReadings> readings = Load(kDefaultPath);
    default_loaded = true;
    return readings;
  }();
  return kReadings;
}

bool HanReadings::DefaultLoaded() { return default_loaded; }

Result<HanReadings> HanReadings::Load(const std::string& path) {
  std::string text;
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".bz2") == 0) {
    TG_ASSIGN_OR_RETURN(text, ReadBzip2(path));
  } else {
    TG_ASSIGN_OR_RETURN(text, ReadFile(path));
  }
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> hangul(
      icu::Transliterator::createInstance("Hangul-Latin; Latin-ASCII", UTRANS_FORWARD, status));
  if (U_FAILURE(status)) {
    return Internal("ICU has no Hangul-Latin transliterator");
  }
  std::unordered_map<std::string, std::string> romanised;  // Hangul syllable → Latin
  HanReadings out;
  for (Lines lines(text); lines.Next();) {
    const std::string_view line = lines.line();
    if (line.empty() || line[0] == '#') {
      continue;
    }
    // U+4E2D<TAB>kJapaneseKun<TAB>NAKA UCHI ATARU
    const size_t tab1 = line.find('\t');
    const size_t tab2 = tab1 == std::string_view::npos ? tab1 : line.find('\t', tab1 + 1);
    if (tab2 == std::string_view::npos || line.compare(0, 2, "U+") != 0) {
      return InvalidArgument(path + ":" + std::to_string(lines.number()) +
                             ": expected U+code<TAB>field<TAB>value");
    }
    const std::string_view field = line.substr(tab1 + 1, tab2 - tab1 - 1);
    const bool korean = field == "kHangul";
    const bool kun = field == "kJapaneseKun";
    if (!korean && !kun && field != "kJapaneseOn") {
      continue;
    }
    const auto code = static_cast<char32_t>(
        std::strtoul(std::string(line.substr(2, tab1 - 2)).c_str(), nullptr, 16));
    Readings& r = out.readings_[code];
    for (const std::string& value : SplitList(line.substr(tab2 + 1), ' ')) {
      if (korean) {
        const std::string syllable = value.substr(0, value.find(':'));
        auto [it, added] = romanised.emplace(syllable, "");
        if (added) {
          icu::UnicodeString s = icu::UnicodeString::fromUTF8(syllable);
          hangul->transliterate(s);
          s.toUTF8String(it->second);
        }
        AddOnce(r.all, LookupKey(it->second));
        continue;
      }
      const std::string reading = LookupKey(value);
      r.japanese = true;
      AddOnce(r.all, ShortVowels(reading));
      if (kun) {
        AddOnce(r.voiced, Voiced(reading));
      }
    }
  }
  return out;
}

const HanReadings::Readings* HanReadings::Of(char32_t c) const {
  auto it = readings_.find(c);
  return it == readings_.end() ? nullptr : &it->second;
}

}  // namespace tg::screen
