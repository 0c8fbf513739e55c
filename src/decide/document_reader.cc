#include "src/decide/document_reader.h"

#include <cstring>

#include "src/common/text.h"
#include "src/decide/request_json.h"

namespace tg::decide {

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

}  // namespace

bool DocumentReader::Fill() {
  pos_ = 0;
  len_ = 0;
  if (!read_error_.ok()) {
    return false;
  }
  Result<size_t> n = in_.Read(buf_, sizeof(buf_));
  if (!n) {
    read_error_ = n.status().WithPrefix("reading the input");
    return false;
  }
  len_ = *n;
  return len_ > 0;
}

int DocumentReader::PeekSignificant() {
  bool first = true;
  for (;;) {
    if (pos_ == len_) {
      if (!Fill()) {
        return EOF;
      }
      if (first) {  // a byte-order mark can only open the input
        pos_ = len_ - SkipByteOrderMark(std::string_view(buf_, len_)).size();
        first = false;
      }
      continue;
    }
    const char c = buf_[pos_];
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
      return static_cast<unsigned char>(c);
    }
    line_no_ += c == '\n' ? 1 : 0;
    ++pos_;
  }
}

bool DocumentReader::ReadLine(std::string& line, size_t max, bool& oversized) {
  oversized = false;
  line.clear();
  bool any = false;
  for (;;) {
    if (pos_ == len_) {
      if (!Fill()) {
        break;
      }
    }
    any = true;
    const char* start = buf_ + pos_;
    const auto* nl = static_cast<const char*>(std::memchr(start, '\n', len_ - pos_));
    const size_t n = nl != nullptr ? static_cast<size_t>(nl - start) : len_ - pos_;
    if (!oversized && line.size() + n > max) {
      oversized = true;
      line.clear();
      line.shrink_to_fit();
    }
    if (!oversized) {
      line.append(start, n);
    }
    pos_ += n + (nl != nullptr ? 1 : 0);
    if (nl != nullptr) {
      break;
    }
  }
  if (!any) {
    return false;
  }
  ++line_no_;
  return true;
}

bool DocumentReader::Next(std::string& doc, int& line, Status& error) {
  error = Status::Ok();
  std::string text;
  bool oversized = false;
  const auto too_large = [&](int at) {
    doc.clear();
    line = at;
    error = InvalidArgument("line " + std::to_string(at) + ": larger than " +
                            std::to_string(kMaxDocumentBytes >> 20) + " MiB; refused");
    return true;
  };
  if (!started_) {
    started_ = true;
    // The first byte that is not blank tells an array from JSON Lines, before any line is read.
    if (PeekSignificant() == '[') {
      array_ = true;
      std::string all;
      while (ReadLine(text, kMaxArrayBytes, oversized)) {
        if (oversized || all.size() + text.size() + 1 > kMaxArrayBytes) {
          error =
              InvalidArgument("input array: larger than " + std::to_string(kMaxArrayBytes >> 20) +
                              " MiB; give the requests as JSON Lines");
          return false;
        }
        all += text;
        all += '\n';
      }
      if (!read_error_.ok()) {
        error = read_error_;
        return false;
      }
      auto elements = SplitJsonArray(all);
      if (!elements) {
        error = elements.error().WithPrefix("input array");
        return false;
      }
      elements_ = std::move(*elements);
    }
  }
  if (array_) {
    if (next_element_ >= elements_.size()) {
      return false;
    }
    line = static_cast<int>(next_element_ + 1);
    if (elements_[next_element_].size() > kMaxDocumentBytes) {
      ++next_element_;
      doc.clear();
      error = InvalidArgument("element " + std::to_string(line) + ": larger than " +
                              std::to_string(kMaxDocumentBytes >> 20) + " MiB; refused");
      return true;
    }
    doc = std::move(elements_[next_element_++]);
    return true;
  }
  while (ReadLine(text, kMaxDocumentBytes, oversized)) {
    if (oversized) {
      return too_large(line_no_);
    }
    const std::string_view t = Trim(text);
    if (t.empty()) {
      continue;
    }
    line = line_no_;
    if (t == "{") {
      // A pretty-printed object: gather lines until the braces balance.
      doc.assign(text);
      bool in_string = false;
      int depth = JsonDepthChange(text, in_string);
      bool dropped = false;
      while (depth > 0 && ReadLine(text, kMaxDocumentBytes, oversized)) {
        dropped = dropped || oversized || doc.size() + text.size() + 1 > kMaxDocumentBytes;
        if (!oversized) {
          depth += JsonDepthChange(text, in_string);  // an oversized line is taken as balanced
        }
        if (!dropped) {
          doc += '\n';
          doc += text;
        }
      }
      return dropped ? too_large(line) : true;
    }
    doc.assign(t);
    return true;
  }
  error = read_error_;
  return false;
}

}  // namespace tg::decide
