#include "src/common/text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "tierguard/text.h"

namespace tg {

std::optional<size_t> LookupKeyInto(std::string_view text, char* buf, size_t cap) {
  size_t n = 0;
  for (char c : text) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      static_cast<unsigned char>(c) >= 0x80;  // non-ASCII letters ("Türkiye")
    const bool upper = c >= 'A' && c <= 'Z';
    if (!keep && !upper) {
      continue;
    }
    if (n == cap) {
      return std::nullopt;
    }
    buf[n++] = upper ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return n;
}

std::string LookupKey(std::string_view text) {
  std::string key(text.size(), '\0');
  key.resize(*LookupKeyInto(text, key.data(), key.size()));
  return key;
}

std::optional<double> ParseNumber(std::string_view text) {
  while (!text.empty() && text.front() == ' ') {
    text.remove_prefix(1);
  }
  while (!text.empty() && text.back() == ' ') {
    text.remove_suffix(1);
  }
  if (text.empty()) {
    return std::nullopt;
  }
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

bool IsAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

size_t InvalidUtf8At(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    // ASCII eight bytes at a time: records and requests are mostly ASCII.
    uint64_t word = 0;
    while (i + 8 <= n && (std::memcpy(&word, p + i, 8), (word & 0x8080808080808080ULL) == 0)) {
      i += 8;
    }
    if (i == n) {
      break;
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // The lead byte gives the length and the range of the second byte (Unicode 15, table 3-7).
    size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      lo = c == 0xE0 ? 0xA0 : 0x80;
      hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      lo = c == 0xF0 ? 0x90 : 0x80;
      hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
      return i;
    }
    if (i + len > n || p[i + 1] < lo || p[i + 1] > hi) {
      return i;
    }
    for (size_t k = 2; k < len; ++k) {
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) {
        return i;
      }
    }
    i += len;
  }
  return std::string_view::npos;
}

std::string Excerpt(std::string_view text, size_t max_bytes) {
  std::string out;
  while (!text.empty()) {
    const size_t bad = InvalidUtf8At(text);
    const std::string_view good = text.substr(0, bad);
    if (out.size() + good.size() > max_bytes) {
      size_t cut = max_bytes > out.size() ? max_bytes - out.size() : 0;
      while (cut > 0 && (static_cast<unsigned char>(good[cut]) & 0xC0) == 0x80) {
        --cut;  // back to the start of the character
      }
      out.append(good.substr(0, cut));
      return out + "…";
    }
    out.append(good);
    if (bad == std::string_view::npos) {
      break;
    }
    out += "\xEF\xBF\xBD";
    text.remove_prefix(bad + 1);
  }
  return out;
}

Status CheckUtf8(std::string_view text, std::string_view what) {
  const size_t at = InvalidUtf8At(text);
  if (at == std::string_view::npos) {
    return Status::Ok();
  }
  return InvalidArgument(std::string(what) + ": not valid UTF-8 (byte " + std::to_string(at + 1) +
                         " of " + std::to_string(text.size()) + ")");
}

std::string FormatNumber(double value) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.15g", value);
  return buf;
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return out;
}

std::vector<std::string> SplitList(std::string_view text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(sep, start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    std::string_view piece = text.substr(start, end - start);
    while (!piece.empty() && piece.front() == ' ') {
      piece.remove_prefix(1);
    }
    while (!piece.empty() && piece.back() == ' ') {
      piece.remove_suffix(1);
    }
    if (!piece.empty()) {
      out.emplace_back(piece);
    }
    start = end + 1;
  }
  return out;
}

bool Lines::Next() {
  if (next_ >= text_.size()) {
    return false;
  }
  size_t end = text_.find('\n', next_);
  end = end == std::string_view::npos ? text_.size() : end;
  line_ = text_.substr(next_, end - next_);
  if (!line_.empty() && line_.back() == '\r') {
    line_.remove_suffix(1);
  }
  next_ = end + 1;
  ++number_;
  return true;
}

int JsonDepthChange(std::string_view s, bool& in_string, int* deepest) {
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
      if (deepest != nullptr && depth > *deepest) {
        *deepest = depth;
      }
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return depth;
}

}  // namespace tg
