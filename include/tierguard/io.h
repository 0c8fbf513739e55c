// Sources and sinks: where the stream commands (determine, classify, screen, match, ship) read
// their documents and write their answers. Every read and write returns a Status, so that a
// disk that fills up or a pipe whose reader went away is an error the caller sees, never a
// success with lines lost. The CLI streams files; the server streams request and response
// bodies held in memory.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tierguard/status.h"

namespace tg {

// Bytes read in order. Not thread-safe.
class Source {
 public:
  virtual ~Source() = default;
  // Reads up to `size` bytes into `buffer`: how many were read, 0 only at the end.
  virtual Result<size_t> Read(char* buffer, size_t size) = 0;
};

// Everything `in` holds, read to its end.
Result<std::string> ReadAll(Source& in);

// Bytes written in order. Not thread-safe.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual Status Write(std::string_view bytes) = 0;
  // Hands what was written on to the file or pipe (a reader sees it from then on).
  virtual Status Flush() = 0;
};

// Reads a string the caller keeps alive.
class StringSource final : public Source {
 public:
  explicit StringSource(std::string_view text) : text_(text) {}
  Result<size_t> Read(char* buffer, size_t size) override;

 private:
  std::string_view text_;
};

// Appends to a string of its own.
class StringSink final : public Sink {
 public:
  Status Write(std::string_view bytes) override;
  Status Flush() override { return Status::Ok(); }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// A C stdio file. `name` (a path, or "standard input") is what error messages call it.
class FileSource final : public Source {
 public:
  // Opens `path` for reading; NotFound or Unavailable naming it when it cannot be opened.
  static Result<std::unique_ptr<FileSource>> Open(const std::string& path);
  // Reads `file` without owning it (stdin, say).
  FileSource(std::FILE* file, std::string name) : file_(file), name_(std::move(name)) {}
  ~FileSource() override;
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  Result<size_t> Read(char* buffer, size_t size) override;

 private:
  std::FILE* file_;
  std::string name_;
  bool owned_ = false;
};

class FileSink final : public Sink {
 public:
  // Creates or truncates `path`.
  static Result<std::unique_ptr<FileSink>> Create(const std::string& path);
  // Writes `file` without owning it (stdout, say).
  FileSink(std::FILE* file, std::string name) : file_(file), name_(std::move(name)) {}
  // Closes an owned file; call Close() first to learn whether its last bytes were written.
  ~FileSink() override;
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;
  Status Write(std::string_view bytes) override;
  Status Flush() override;
  // Flushes, and closes an owned file: an error when any byte did not reach it.
  Status Close();

 private:
  std::FILE* file_;
  std::string name_;
  bool owned_ = false;
};

// Several sources read as one, one after another. A source whose last byte is not a newline
// is followed by one, so that its last line and the next source's first stay two lines.
class ChainSource final : public Source {
 public:
  explicit ChainSource(std::vector<std::unique_ptr<Source>> sources)
      : sources_(std::move(sources)) {}
  Result<size_t> Read(char* buffer, size_t size) override;

 private:
  std::vector<std::unique_ptr<Source>> sources_;
  size_t current_ = 0;
  char last_ = '\n';  // the last byte handed out of the current source
};

}  // namespace tg
