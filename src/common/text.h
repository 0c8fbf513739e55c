// Small text helpers shared by the loaders: lookup keys, number parsing, lists and lines.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tg {

// Lower-case ASCII letters and digits only: "H100-SXM5 (80GB)" -> "h100sxm580gb". Used to look
// up parts and country names insensitively to case, spaces and punctuation.
std::string LookupKey(std::string_view text);
// The same key written into buf[0..cap); returns its length, or nullopt when it does not fit.
std::optional<size_t> LookupKeyInto(std::string_view text, char* buf, size_t cap);

// Parses a finite decimal number; nullopt when the text is not one.
std::optional<double> ParseNumber(std::string_view text);

// Whether every byte is ASCII (most names are: they skip Unicode normalisation).
bool IsAscii(std::string_view text);

// The offset of the first byte that does not begin a well-formed UTF-8 sequence (overlong
// forms, surrogates and code points above U+10FFFF are ill-formed), or npos when the whole
// text is valid UTF-8.
size_t InvalidUtf8At(std::string_view text);
inline bool IsValidUtf8(std::string_view text) {
  return InvalidUtf8At(text) == std::string_view::npos;
}

// At most `max_bytes` of `text` for an error message, cut at a character boundary and ended
// with "…" when cut; an ill-formed byte is shown as U+FFFD, so the message stays valid UTF-8.
std::string Excerpt(std::string_view text, size_t max_bytes);

// `text` without a UTF-8 byte-order mark at its start (editors on Windows write one).
inline std::string_view SkipByteOrderMark(std::string_view text) {
  return text.starts_with("\xEF\xBB\xBF") ? text.substr(3) : text;
}

// A number as people read it: 1e+15, 26900000, 0.25 (shortest of %.15g).
std::string FormatNumber(double value);

// The text with A-Z lower-cased and every other byte as it is.
std::string AsciiLower(std::string_view text);
// How JSON's bracket depth ([ and {, outside strings) changes across `s`. `in_string` carries a
// string left open at the end of one piece into the next; `deepest`, when given, is raised to
// the deepest depth reached, counted from the start of `s`.
int JsonDepthChange(std::string_view s, bool& in_string, int* deepest = nullptr);

// Splits on `sep`, trimming spaces; empty pieces are dropped.
std::vector<std::string> SplitList(std::string_view text, char sep);

// The lines of a text one by one, without their '\n' (nor a '\r' before it); a last line
// without a '\n' counts, an empty text has none:
//   for (Lines lines(text); lines.Next();) { use(lines.line(), lines.number()); }
class Lines {
 public:
  explicit Lines(std::string_view text) : text_(text) {}
  // Moves to the next line; false at the end of the text.
  bool Next();
  std::string_view line() const { return line_; }
  size_t number() const { return number_; }  // from 1

 private:
  std::string_view text_;
  size_t next_ = 0;
  std::string_view line_;
  size_t number_ = 0;
};

}  // namespace tg
