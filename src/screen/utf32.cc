#include "src/screen/utf32.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace tg::screen {

std::u32string NfkcUtf32(std::string_view utf8, bool lower_case) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  const icu::UnicodeString text =
      nfkc->normalize(icu::UnicodeString::fromUTF8(
                          icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size()))),
                      status);
  std::u32string out;
  for (int32_t i = 0; i < text.length();) {
    const UChar32 c = text.char32At(i);
    out += static_cast<char32_t>(lower_case ? u_tolower(c) : c);
    i += U16_LENGTH(c);
  }
  return out;
}

std::string Utf8(std::u32string_view text) {
  std::string out;
  icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(text.data()),
                                static_cast<int32_t>(text.size()))
      .toUTF8String(out);
  return out;
}

}  // namespace tg::screen
