// The Korean and Japanese readings of Han characters, from the Unicode Han Database
// (Unihan_Readings.txt in Debian's unicode-data): ICU romanises Han in Mandarin only, so
// without them 金正恩 ("jin zheng en") cannot match "Kim Jong Un", nor 田中花子 "Tanaka Hanako".
// Korean readings come from kHangul, romanised as ICU romanises Hangul; Japanese from
// kJapaneseKun and kJapaneseOn (long vowels written short, as names are: "rou" → "ro").
// Immutable after loading; safe to share between threads.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "tierguard/status.h"

namespace tg::screen {

class HanReadings {
 public:
  // Where Debian's unicode-data installs the readings.
  static constexpr const char* kDefaultPath = "/usr/share/unicode/Unihan_Readings.txt.bz2";

  // The readings at kDefaultPath, loaded once per process on the first call (about 0.15 s).
  static const Result<HanReadings>& Default();
  // Whether Default() has loaded them in this process: names without Han characters, and the
  // data tables, must not pay for them.
  static bool DefaultLoaded();
  // Reads a Unihan_Readings.txt file, plain or bzip2-compressed (by its ".bz2" name).
  static Result<HanReadings> Load(const std::string& path);

  struct Readings {
    std::vector<std::string> all;     // lower-case ASCII, Korean and Japanese
    std::vector<std::string> voiced;  // the kun readings voiced, as inside a compound (rendaku:
                                      // 山田 is "yama" + "da")
    bool japanese = false;            // the character has Japanese readings
  };
  // The readings of a Han character; null when the database has none.
  const Readings* Of(char32_t c) const;
  // The same in the Default() readings; null as well when they did not load (NameScorer::Load
  // reports a missing database).
  static const Readings* OfDefault(char32_t c) {
    const Result<HanReadings>& all = Default();
    return all ? all->Of(c) : nullptr;
  }

 private:
  std::unordered_map<char32_t, Readings> readings_;
};

}  // namespace tg::screen
