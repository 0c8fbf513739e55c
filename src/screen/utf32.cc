#include "src/screen/utf32.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "src/common/text.h"

namespace tg::screen {

std::u32string NfkcUtf32(std::string_view utf8, bool lower_case) {
  // ASCII is its own NFKC: most names are, and every one is translated for generic words.
  if (IsAscii(utf8)) {
    std::u32string out(utf8.size(), U'\0');
    for (size_t i = 0; i < utf8.size(); ++i) {
      const char c = utf8[i];
      out[i] = static_cast<char32_t>(lower_case && c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    return out;
  }
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

Result<std::u32string> RomanisationRow(const CsvTable& table, const CsvRecord& row,
                                       size_t script_col, std::string_view script,
                                       bool (*in_script)(char32_t), size_t latin_col) {
  const std::string& latin = row.fields[latin_col];
  if (latin.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789") != std::string::npos) {
    return InvalidArgument(table.Where(row, "latin") + ": lower-case ASCII letters only");
  }
  std::u32string text = NfkcUtf32(row.fields[script_col]);
  for (char32_t c : text) {
    if (!in_script(c)) {
      std::string column(script);
      for (char& ch : column) {
        ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
      }
      return InvalidArgument(table.Where(row, column) + ": not " + std::string(script) + " script");
    }
  }
  return text;
}

}  // namespace tg::screen
