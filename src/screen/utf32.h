// Text as code points, for the tables matched against a name's script (Burmese syllables,
// generic words): NFKC as names are normalised, optionally lower-cased.
#pragma once

#include <string>
#include <string_view>

namespace tg::screen {

// The code points of valid UTF-8 text after NFKC.
std::u32string NfkcUtf32(std::string_view utf8, bool lower_case = false);

// UTF-32 back to UTF-8.
std::string Utf8(std::u32string_view text);

}  // namespace tg::screen
