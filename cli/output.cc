#include "output.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>

namespace tg::cli {

int Refused(const std::string& what, const Status& s) {
  std::fprintf(stderr, "tierguard: %s: %s\n", what.c_str(), s.message().c_str());
  return kExitLineErrors;
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "tierguard: %s\n", message.c_str());
  return kExitUsage;
}

Sink& StandardOutput() {
  static FileSink out(stdout, "standard output");
  return out;
}

std::unique_ptr<Source> OpenInput(const std::vector<std::string>& paths, std::string& error) {
  if (paths.empty() || (paths.size() == 1 && paths[0] == "-")) {
    return std::make_unique<FileSource>(stdin, "standard input");
  }
  std::vector<std::unique_ptr<Source>> files;
  for (const std::string& path : paths) {
    if (path == "-") {
      error = "-: standard input cannot be one of several inputs";
      return nullptr;
    }
    auto file = FileSource::Open(path);
    if (!file) {
      error = file.error().message();
      return nullptr;
    }
    files.push_back(std::move(*file));
  }
  if (files.size() == 1) {
    return std::move(files.front());
  }
  return std::make_unique<ChainSource>(std::move(files));
}

int RunStream(const std::string& command, const std::vector<std::string>& files,
              const std::function<Result<StreamStats>(Source&, Sink&)>& stream) {
  std::string error;
  std::unique_ptr<Source> in = OpenInput(files, error);
  if (in == nullptr) {
    return Fail(command + ": " + error);
  }
  auto stats = stream(*in, StandardOutput());
  if (!stats) {
    return Fail(command + ": " + stats.error().message());
  }
  return stats->errors > 0 ? kExitLineErrors : kExitOk;
}

void PrintCounts(const char* title, const std::unordered_map<std::string, int64_t>& counts) {
  std::vector<std::pair<std::string, int64_t>> rows(counts.begin(), counts.end());
  std::sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) {
    return x.second != y.second ? x.second > y.second : x.first < y.first;
  });
  std::fprintf(stderr, "%s\n", title);
  for (const auto& [name, n] : rows) {
    std::fprintf(stderr, "  %-36s %8lld\n", name.c_str(), static_cast<long long>(n));
  }
}

bool WholeNumber(const std::string& text, const std::string& what, uint64_t& out,
                 std::string& error) {
  uint64_t v = 0;
  if (!ParseNumber(text, v)) {
    error = what + ": '" + text + "' is not a whole number from 0 to 18446744073709551615";
    return false;
  }
  out = v;
  return true;
}

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    end = end == std::string::npos ? text.size() : end;
    if (end > start) {
      out.push_back(text.substr(start, end - start));
    }
    start = end + 1;
  }
  return out;
}

namespace {

ListFormat list_format = ListFormat::kJson;
size_t list_width = 0;

}  // namespace

void SetListFormat(ListFormat format, size_t width) {
  list_format = format;
  list_width = width;
}

int PrintList(const std::string& what, const std::vector<std::string>& items,
              const std::string& next) {
  std::string error;
  if (!WriteList(items, list_format, list_width, stdout, error)) {
    return Refused(what, InvalidArgument(error));
  }
  if (!next.empty()) {
    std::fprintf(stderr, "tierguard: %s: more follow; --after %s gives them\n", what.c_str(),
                 next.c_str());
  }
  return kExitOk;
}

std::string ReadText(const std::string& path, std::string& error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    error = path + ": " + std::strerror(errno);
    return {};
  }
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) {
    out.append(buf, n);
  }
  std::fclose(f);
  return out;
}

// The first line of a key file, or a usage error naming the option.
bool ReadKey(const std::string& path, std::string& key, std::string& error) {
  key = ReadText(path, error);
  key = key.substr(0, key.find('\n'));
  return error.empty();
}

}  // namespace tg::cli
