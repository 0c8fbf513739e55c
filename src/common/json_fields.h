// Strict reading of one JSON object's fields (simdjson's DOM), for record parsers: an unknown
// key, a value of the wrong type or range, or a missing required field fails with
// InvalidArgument naming "line N: path.field"; the first error wins and later reads are no-ops.
// Include only in parsers' .cc files (it brings simdjson).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "tierguard/date.h"
#include "tierguard/status.h"
#include "tierguard/types.h"

#include "src/common/country_table.h"

namespace tg::json {

// `json` parsed with `parser` (the element lives as long as the parser's next parse);
// InvalidArgument "WHERE: not JSON (why)".
inline Result<simdjson::dom::element> ParseDocument(simdjson::dom::parser& parser,
                                                    std::string_view json,
                                                    const std::string& where) {
  simdjson::dom::element doc;
  if (auto err = parser.parse(json.data(), json.size()).get(doc); err) {
    return InvalidArgument(where + ": not JSON (" + simdjson::error_message(err) + ")");
  }
  return doc;
}

// Reads one JSON object's fields strictly: an unknown key, a value of the wrong type or a
// missing required field is InvalidArgument naming "line N: path.field"; the first error wins.
class Fields {
 public:
  Fields(simdjson::dom::element e, std::string path, const CountryTable& countries, Status& error,
         std::initializer_list<std::string_view> known)
      : path_(std::move(path)), countries_(countries), error_(error) {
    if (!error_.ok()) {
      return;
    }
    if (e.get_object().get(obj_)) {
      Fail(path_ + ": an object");
      return;
    }
    ok_ = true;
    for (auto field : obj_) {
      if (std::find(known.begin(), known.end(), field.key) == known.end()) {
        Fail(Name(field.key) + ": unknown key");
        return;
      }
    }
  }

  std::string Text(const char* key, bool required = false) {
    simdjson::dom::element e;
    std::string_view s;
    if (!Has(key, e, required) || (!required && e.is_null())) {
      return "";
    }
    if (e.get_string().get(s)) {
      Fail(Name(key) + ": a string");
    } else if (required && s.empty()) {
      Fail(Name(key) + ": required");
    }
    return std::string(s);
  }
  std::optional<double> Number(const char* key, double max) {
    simdjson::dom::element e;
    double d = 0;
    if (!Has(key, e, false)) {
      return std::nullopt;
    }
    if (e.get_double().get(d) || !std::isfinite(d) || d < 0 || d > max) {
      Fail(Name(key) + ": a number from 0 to " + Shown(max));
      return std::nullopt;
    }
    return d;
  }
  bool Flag(const char* key) {
    simdjson::dom::element e;
    bool b = false;
    if (Has(key, e, false) && e.get_bool().get(b)) {
      Fail(Name(key) + ": true or false");
    }
    return b;
  }
  std::optional<Date> Day(const char* key) {
    const std::string text = Text(key);
    if (text.empty()) {
      return std::nullopt;
    }
    auto d = Date::Parse(text);
    if (!d) {
      Fail(Name(key) + ": " + d.error().message());
      return std::nullopt;
    }
    return *d;
  }
  std::optional<Country> Place(const char* key) {
    const std::string text = Text(key);
    if (text.empty()) {
      return std::nullopt;
    }
    auto c = countries_.Lookup(text);
    if (!c) {
      Fail(Name(key) + ": " + c.error().message());
      return std::nullopt;
    }
    return *c;
  }
  std::vector<Country> Places(const char* key) {
    std::vector<Country> out;
    Each(key, [&](simdjson::dom::element item, const std::string& at) {
      std::string_view s;
      auto c = item.get_string().get(s) ? Result<Country>(InvalidArgument("a country code"))
                                        : countries_.Lookup(s);
      if (!c) {
        Fail(at + ": " + c.error().message());
        return;
      }
      out.push_back(*c);
    });
    return out;
  }
  // The strings of the array `key` (absent or null: none); an empty one is refused.
  std::vector<std::string> Texts(const char* key) {
    std::vector<std::string> out;
    Each(key, [&](simdjson::dom::element item, const std::string& at) {
      std::string_view s;
      if (item.get_string().get(s) || s.empty()) {
        Fail(at + ": a non-empty string");
        return;
      }
      out.emplace_back(s);
    });
    return out;
  }
  // Calls visit(element, "path.key[i]") for each element of the array `key`.
  template <typename Visit>
  void Each(const char* key, Visit visit) {
    simdjson::dom::element e;
    simdjson::dom::array a;
    if (!Has(key, e, false) || e.is_null()) {
      return;
    }
    if (e.get_array().get(a)) {
      Fail(Name(key) + ": an array");
      return;
    }
    size_t i = 0;
    for (simdjson::dom::element item : a) {
      if (!error_.ok()) {
        return;
      }
      visit(item, Name(key) + "[" + std::to_string(i++) + "]");
    }
  }
  // The object `key` (absent or null: nullopt).
  std::optional<simdjson::dom::element> Object(const char* key) {
    simdjson::dom::element e;
    if (!Has(key, e, false) || e.is_null()) {
      return std::nullopt;
    }
    return e;
  }
  std::string Name(std::string_view key) const { return path_ + "." + std::string(key); }
  bool Ok() const { return ok_ && error_.ok(); }

 private:
  bool Has(const char* key, simdjson::dom::element& out, bool required) {
    if (!Ok()) {
      return false;
    }
    if (obj_[key].get(out) != simdjson::SUCCESS) {
      if (required) {
        Fail(Name(key) + ": required");
      }
      return false;
    }
    return true;
  }
  void Fail(std::string message) {
    if (error_.ok()) {
      error_ = InvalidArgument(std::move(message));
    }
  }
  static std::string Shown(double max) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", max);
    return buf;
  }

  std::string path_;
  const CountryTable& countries_;
  Status& error_;
  simdjson::dom::object obj_;
  bool ok_ = false;
};

}  // namespace tg::json
