// DocumentReader splits an input stream into JSON documents: JSON Lines (one document a line),
// a JSON array (one document an element), or pretty-printed objects (a line holding only "{"
// starts a document that runs until its braces balance). It streams JSON Lines without reading
// the whole input, and never holds more than kMaxDocumentBytes of one document: a larger one is
// skipped and reported as its line's error. An array is read whole, up to kMaxArrayBytes. A
// UTF-8 byte-order mark at the start of the input is skipped. Not thread-safe.
#pragma once

#include <string>
#include <vector>

#include "tierguard/io.h"
#include "tierguard/status.h"

namespace tg::decide {

// The largest request (or item, or query) accepted: far above any real order line.
inline constexpr size_t kMaxDocumentBytes = 1 << 20;
// The largest input given as one JSON array; JSON Lines have no limit.
inline constexpr size_t kMaxArrayBytes = size_t{256} << 20;

class DocumentReader {
 public:
  explicit DocumentReader(Source& in) : in_(in) {}
  DocumentReader(const DocumentReader&) = delete;
  DocumentReader& operator=(const DocumentReader&) = delete;

  // Next document and its 1-based line (element index for arrays). False at the end; a
  // malformed or oversized array, or a read error of the source, is reported once through
  // `error`. True with `error` set (and
  // `doc` empty) for a document over kMaxDocumentBytes: the caller reports it as that line's
  // error and goes on.
  bool Next(std::string& doc, int& line, Status& error);

 private:
  // The first byte that is not blank, skipping a byte-order mark and counting the blank lines;
  // left unread. EOF at the end. REQUIRES: nothing read yet.
  int PeekSignificant();
  // Reads the next block of the source into buf_: false at its end or on a read error (kept in
  // read_error_, and every later Fill fails).
  bool Fill();
  // Reads one line without its newline; `oversized` when it ran past `max` bytes (the rest of
  // the line is then read and dropped).
  bool ReadLine(std::string& line, size_t max, bool& oversized);

  Source& in_;
  Status read_error_;
  char buf_[65536];  // read ahead from in_: buf_[pos_, len_) is not consumed yet
  size_t pos_ = 0;
  size_t len_ = 0;
  int line_no_ = 0;
  bool started_ = false;
  bool array_ = false;
  std::vector<std::string> elements_;
  size_t next_element_ = 0;
};

}  // namespace tg::decide
