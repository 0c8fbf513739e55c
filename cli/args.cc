#include "args.h"

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

std::string Today() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
  return buf;
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "tierguard: %s\n", message.c_str());
  return kExitUsage;
}

bool IsHelp(const std::string& a) { return a == "--help" || a == "-h" || a == "help"; }

bool ParseArgs(const std::vector<std::string>& argv, const std::vector<std::string>& with_value,
               const std::vector<std::string>& flags, Args& out, std::string& error,
               const std::vector<std::string>& repeatable) {
  for (size_t i = 0; i < argv.size(); ++i) {
    // --key=value is --key value.
    const size_t equals = argv[i].find('=');
    const bool joined = argv[i].rfind("--", 0) == 0 && equals != std::string::npos;
    const std::string a = joined ? argv[i].substr(0, equals) : argv[i];
    if (a.rfind("--", 0) == 0 && a.size() > 2) {
      const bool repeats = std::find(repeatable.begin(), repeatable.end(), a) != repeatable.end();
      if (repeats || std::find(with_value.begin(), with_value.end(), a) != with_value.end()) {
        if (!joined && i + 1 >= argv.size()) {
          error = a + " needs a value";
          return false;
        }
        std::string value = joined ? argv[i].substr(equals + 1) : argv[++i];
        if (repeats) {
          out.repeated[a].push_back(std::move(value));
        } else {
          out.options[a] = std::move(value);
        }
      } else if (std::find(flags.begin(), flags.end(), a) != flags.end()) {
        if (joined) {
          error = "option " + a + " takes no value";
          return false;
        }
        out.flags.push_back(a);
      } else {
        error = "unknown option " + a;
        return false;
      }
    } else {
      out.positional.push_back(a);
    }
  }
  return true;
}

bool HasFlag(const Args& a, const char* f) {
  return std::find(a.flags.begin(), a.flags.end(), f) != a.flags.end();
}

Sink& StandardOutput() {
  static FileSink out(stdout, "standard output");
  return out;
}

std::unique_ptr<tg::Source> OpenInput(const Args& a, std::string& error) {
  if (a.positional.empty() || (a.positional.size() == 1 && a.positional[0] == "-")) {
    return std::make_unique<tg::FileSource>(stdin, "standard input");
  }
  std::vector<std::unique_ptr<tg::Source>> files;
  for (const std::string& path : a.positional) {
    if (path == "-") {
      error = "-: standard input cannot be one of several inputs";
      return nullptr;
    }
    auto file = tg::FileSource::Open(path);
    if (!file) {
      error = file.error().message();
      return nullptr;
    }
    files.push_back(std::move(*file));
  }
  if (files.size() == 1) {
    return std::move(files.front());
  }
  return std::make_unique<tg::ChainSource>(std::move(files));
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

std::string Opt(Args& a, const char* key) { return a.options.count(key) ? a.options[key] : ""; }

bool Need(Args& a, std::initializer_list<const char*> keys, std::string& error) {
  for (const char* k : keys) {
    if (!a.options.count(k) || a.options[k].empty()) {
      error = std::string(k) + " is required";
      return false;
    }
  }
  return true;
}

bool NumberOpt(Args& a, const char* key, double& out, std::string& error) {
  const std::string text = Opt(a, key);
  if (text.empty()) {
    return true;
  }
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !std::isfinite(v) || v < 0) {
    error = std::string(key) + ": '" + text + "' is not a number >= 0";
    return false;
  }
  out = v;
  return true;
}

bool UnitsOpt(Args& a, const char* key, int64_t& out, std::string& error) {
  double v = static_cast<double>(out);
  if (!NumberOpt(a, key, v, error)) {
    return false;
  }
  if (v != std::floor(v) || v > 1e12) {
    error = std::string(key) + ": a whole number of units";
    return false;
  }
  out = static_cast<int64_t>(v);
  return true;
}

bool WholeNumber(const std::string& text, const std::string& what, uint64_t& out,
                 std::string& error) {
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    error = what + ": '" + text + "' is not a whole number from 0 to 18446744073709551615";
    return false;
  }
  out = v;
  return true;
}

bool IndexOpt(Args& a, const char* key, uint64_t& out, std::string& error) {
  const std::string text = Opt(a, key);
  return text.empty() || WholeNumber(text, key, out, error);
}

bool DateOpt(Args& a, const char* key, Date& out, std::string& error) {
  const std::string text = Opt(a, key);
  if (text.empty()) {
    return true;
  }
  auto d = Date::Parse(text);
  if (!d) {
    error = std::string(key) + ": " + d.error().message();
    return false;
  }
  out = *d;
  return true;
}

bool CountryOpt(const Engine& engine, Args& a, const char* key, Country& out, std::string& error) {
  auto c = engine.ParseCountry(Opt(a, key));
  if (!c) {
    error = std::string(key) + ": " + c.error().message();
    return false;
  }
  out = *c;
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

int PrintList(const std::string& what, const Result<std::vector<std::string>>& lines) {
  if (!lines) {
    return Refused(what, lines.error());
  }
  std::string error;
  if (!WriteList(*lines, list_format, list_width, stdout, error)) {
    return Refused(what, InvalidArgument(error));
  }
  return kExitOk;
}

}  // namespace tg::cli
