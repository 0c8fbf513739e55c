// Listing the files of a folder, for what hashes or caches what a folder holds.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace tg {

// Every regular file under `dir`, recursively, in path order; none when `dir` cannot be read.
std::vector<std::filesystem::path> FilesUnder(const std::string& dir);

}  // namespace tg
