// Files as caches use them: listing what a folder holds, naming a file's version cheaply, and
// replacing a file whole.
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

}  // namespace tg
