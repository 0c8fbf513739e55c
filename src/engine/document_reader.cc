#include "src/engine/document_reader.h"

#include <cstdlib>

#include "src/engine/request_json.h"

namespace tg::engine {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Brace and bracket depth change of a line, ignoring those inside strings.
int DepthChange(std::string_view s, bool& in_string) {
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
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return depth;
}

}  // namespace

DocumentReader::~DocumentReader() { std::free(buf_); }

bool DocumentReader::ReadLine(std::string& line) {
  if (has_pushback_) {
    line = std::move(pushback_);
    has_pushback_ = false;
    return true;
  }
  const ssize_t n = getline(&buf_, &cap_, in_);
  if (n < 0) {
    return false;
  }
  size_t len = static_cast<size_t>(n);
  if (len > 0 && buf_[len - 1] == '\n') {
    --len;
  }
  line.assign(buf_, len);
  ++line_no_;
  return true;
}

bool DocumentReader::Next(std::string& doc, int& line, Status& error) {
  error = Status::Ok();
  std::string text;
  if (!started_) {
    started_ = true;
    // Find the first non-blank line to tell an array from JSON Lines.
    while (ReadLine(text)) {
      if (!Trim(text).empty()) {
        break;
      }
      text.clear();
    }
    if (!Trim(text).empty() && DetectShape(text) == StreamShape::kArray) {
      array_ = true;
      std::string all = text + "\n";
      std::string more;
      while (ReadLine(more)) {
        all += more;
        all += '\n';
      }
      auto elements = SplitJsonArray(all);
      if (!elements) {
        error = elements.error().WithPrefix("input array");
        return false;
      }
      elements_ = std::move(*elements);
    } else if (!Trim(text).empty()) {
      pushback_ = std::move(text);
      has_pushback_ = true;  // line_no_ still counts it; re-reading does not advance it
    }
  }
  if (array_) {
    if (next_element_ >= elements_.size()) {
      return false;
    }
    line = static_cast<int>(next_element_ + 1);
    doc = std::move(elements_[next_element_++]);
    return true;
  }
  while (ReadLine(text)) {
    const std::string_view t = Trim(text);
    if (t.empty()) {
      continue;
    }
    line = line_no_;
    if (t == "{") {
      // A pretty-printed object: gather lines until the braces balance.
      doc.assign(text);
      bool in_string = false;
      int depth = DepthChange(text, in_string);
      while (depth > 0 && ReadLine(text)) {
        doc += '\n';
        doc += text;
        depth += DepthChange(text, in_string);
      }
      return true;
    }
    doc.assign(t);
    return true;
  }
  return false;
}

}  // namespace tg::engine
