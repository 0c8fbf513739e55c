// The command-line front end's shared helpers: argument splitting, option parsing, input
// opening, error printing and exit codes. Used by every command file in cli/.
#pragma once

#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

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
std::string Today();  // YYYY-MM-DD, UTC
bool IsHelp(const std::string& a);

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;
  std::map<std::string, std::vector<std::string>> repeated;  // options that may repeat
  std::vector<std::string> flags;
};

// Splits args into --key VALUE options (for `with_value` keys; every value of a `repeatable`
// key), --flags and positionals.
bool ParseArgs(const std::vector<std::string>& argv, const std::vector<std::string>& with_value,
               const std::vector<std::string>& flags, Args& out, std::string& error,
               const std::vector<std::string>& repeatable = {});
bool HasFlag(const Args& a, const char* f);
// The positionals as one input stream, read one file after another (none, or one "-": stdin);
// nullptr with `error` when one is unreadable.
// Standard output, as the stream commands write it.
Sink& StandardOutput();
std::unique_ptr<Source> OpenInput(const Args& a, std::string& error);
void PrintCounts(const char* title, const std::unordered_map<std::string, int64_t>& counts);

std::string Opt(Args& a, const char* key);
// False (with `error`) when one of `keys` is missing or empty.
bool Need(Args& a, std::initializer_list<const char*> keys, std::string& error);
// Optional option parsers: true when absent (out untouched) or valid.
bool NumberOpt(Args& a, const char* key, double& out, std::string& error);  // a number >= 0
// A count of units: a whole number from 0 to 1e12 (unchanged when the option is absent).
bool UnitsOpt(Args& a, const char* key, int64_t& out, std::string& error);
// A record index or count: decimal digits only (no sign, exponent or fraction), within uint64.
bool WholeNumber(const std::string& text, const std::string& what, uint64_t& out,
                 std::string& error);
bool IndexOpt(Args& a, const char* key, uint64_t& out, std::string& error);
bool DateOpt(Args& a, const char* key, Date& out, std::string& error);
bool CountryOpt(const Engine& engine, Args& a, const char* key, Country& out, std::string& error);
// Comma-separated values, empty pieces dropped.
std::vector<std::string> Split(const std::string& text);
// How PrintList writes listings: the --format the command line gave, and the terminal's width
// for a table (0 when the output is no terminal: nothing is cut).
void SetListFormat(ListFormat format, size_t width);
// Prints a listing (JSON objects, one a line, or as SetListFormat chose), or the reason it was
// refused.
int PrintList(const std::string& what, const Result<std::vector<std::string>>& lines);

}  // namespace tg::cli
