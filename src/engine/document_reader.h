// DocumentReader splits an input stream into JSON documents: JSON Lines (one document a line),
// a JSON array (one document an element), or pretty-printed objects (a line holding only "{"
// starts a document that runs until its braces balance). It streams JSON Lines without reading
// the whole input. Not thread-safe.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "tierguard/status.h"

namespace tg::engine {

class DocumentReader {
 public:
  explicit DocumentReader(std::FILE* in) : in_(in) {}
  ~DocumentReader();
  DocumentReader(const DocumentReader&) = delete;
  DocumentReader& operator=(const DocumentReader&) = delete;

  // Next document and its 1-based line (element index for arrays). False at the end.
  // A malformed array is reported once through `error`.
  bool Next(std::string& doc, int& line, Status& error);

 private:
  bool ReadLine(std::string& line);

  std::FILE* in_;
  char* buf_ = nullptr;
  size_t cap_ = 0;
  int line_no_ = 0;
  bool started_ = false;
  bool array_ = false;
  std::vector<std::string> elements_;
  size_t next_element_ = 0;
  std::string pushback_;
  bool has_pushback_ = false;
};

}  // namespace tg::engine
