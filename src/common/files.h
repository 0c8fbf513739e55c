// Files as caches use them: listing what a folder holds, naming a file's version cheaply,
// replacing a file whole, and reading one in place.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "tierguard/status.h"

namespace tg {

// Every regular file under `dir`, recursively, in path order; none when `dir` cannot be read.
std::vector<std::filesystem::path> FilesUnder(const std::string& dir);

// "PATH SIZE MTIME\n": what a cache keys a file it was built from by (a changed file changes
// its size or time). A file that cannot be read gives its path alone.
std::string FileStamp(const std::filesystem::path& file);

// Writes `bytes` to a temporary file beside `path` and renames it over `path`, so that a
// reader sees the whole old file or the whole new one. Not synced: for caches, which may be
// lost but must never be read half written.
Status ReplaceFile(const std::string& path, std::string_view bytes);

// A file mapped into memory, read only, its pages read in at once: a cache is read where the
// page cache holds it, with no copy. The mapping keeps the file as it was opened (ReplaceFile
// renames a new file over the path; it never writes into an old one). Movable, not copyable.
class MappedFile {
 public:
  // NotFound when there is no file at `path`; Unavailable when it cannot be mapped.
  static Result<MappedFile> Open(const std::string& path);
  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept { *this = std::move(other); }
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();
  std::string_view bytes() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace tg
