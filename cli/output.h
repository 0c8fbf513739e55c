// What every command of the command line prints and reads: exit codes, errors, listings in
// the chosen format, input files and standard output.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "tierguard/api_json.h"
#include "tierguard/engine.h"
#include "tierguard/io.h"

#include "list_format.h"

namespace tg::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitLineErrors = 1;  // some input lines or a command were refused
inline constexpr int kExitUsage = 2;       // bad arguments or unreadable input

// Prints "tierguard: WHAT: reason" and returns kExitLineErrors.
int Refused(const std::string& what, const Status& s);
// Prints "tierguard: MESSAGE" and returns kExitUsage.
int Fail(const std::string& message);
// Standard output, as the stream commands write it.
Sink& StandardOutput();
// The FILEs one after another as one input (none, or one "-": stdin); nullptr with `error`
// when one cannot be opened.
std::unique_ptr<Source> OpenInput(const std::vector<std::string>& files, std::string& error);
// Runs `stream` over the FILEs read as one input, writing to standard output. The exit code:
// a usage error naming `command` when a file cannot be opened or the stream stops; 1 when a
// line was refused; else 0.
int RunStream(const std::string& command, const std::vector<std::string>& files,
              const std::function<Result<StreamStats>(Source&, Sink&)>& stream);
void PrintCounts(const char* title, const std::unordered_map<std::string, int64_t>& counts);

// A number the whole of `text` spells (no sign for an unsigned type, no trailing bytes).
template <typename T>
bool ParseNumber(std::string_view text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}
// A record index or count: decimal digits only (no sign, exponent or fraction), within uint64.
bool WholeNumber(const std::string& text, const std::string& what, uint64_t& out,
                 std::string& error);
// Comma-separated values, empty pieces dropped.
std::vector<std::string> Split(const std::string& text);
// How PrintList writes listings: the --format the command line gave, and the terminal's width
// for a table (0 when the output is no terminal: nothing is cut).
void SetListFormat(ListFormat format, size_t width);
// Prints a listing (JSON objects, one a line, or as SetListFormat chose). When `next` is not
// empty, more follow: stderr says the --after that gives them.
int PrintList(const std::string& what, const std::vector<std::string>& items,
              const std::string& next);
// Prints a page of records as the API encodes them, or the reason it was refused.
template <typename T>
int PrintPage(const std::string& what, const Result<Page<T>>& page) {
  if (!page) {
    return Refused(what, page.error());
  }
  return PrintList(what, api::Encoded(*page), page->next);
}
// Prints one record as the API encodes it, or the reason it was refused.
template <typename T>
int PrintRecord(const std::string& what, const Result<T>& record) {
  if (!record) {
    return Refused(what, record.error());
  }
  std::printf("%s\n", api::ToJson(*record).c_str());
  return kExitOk;
}

// Prints each record as the API encodes it, one a line, or the reason they were refused.
template <typename T>
int PrintEach(const std::string& what, const Result<std::vector<T>>& records) {
  if (!records) {
    return Refused(what, records.error());
  }
  for (const T& r : *records) {
    std::printf("%s\n", api::ToJson(r).c_str());
  }
  return kExitOk;
}
// Opens `file` (- for standard input) and returns what `run` makes of it; a file that cannot be
// opened is refused naming it.
template <typename Run>
int WithInput(const std::string& what, const std::string& file, Run run) {
  std::string error;
  std::unique_ptr<Source> in = OpenInput({file}, error);
  if (in == nullptr) {
    return Fail(what + ": " + error);
  }
  return run(*in);
}

// The whole of a file; empty with `error` set ("PATH: reason") when it cannot be read.
std::string ReadText(const std::string& path, std::string& error);
// The first line of a key file (audit keygen's PREFIX.key); false with `error` when unreadable.
bool ReadKey(const std::string& path, std::string& key, std::string& error);

}  // namespace tg::cli
