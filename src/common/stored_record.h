// Reads the fields of a record the program stored itself (a ledger row, an audit record's
// JSON): every field must be there with its type, and the first that is not makes the record
// DataLoss ("stored record 'KEY' is damaged (FIELD)"), reported once by Done(). Input from
// callers is read by the request parser instead, which names each field's path.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "tierguard/date.h"
#include "tierguard/status.h"
#include "tierguard/types.h"

#include "src/common/country_table.h"

namespace tg {

class StoredRecordReader {
 public:
  StoredRecordReader(std::string_view json, std::string_view key) : key_(key) {
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(json.data(), json.size()).get(doc) || doc.get_object().get(obj_)) {
      Fail("not a JSON object");
    }
  }
  std::string Str(const char* k) {
    std::string_view s;
    if (ok_ && !obj_[k].get_string().get(s)) {
      return std::string(s);
    }
    Fail(k);
    return {};
  }
  std::string OptStr(const char* k) {
    std::string_view s;
    return ok_ && !obj_[k].get_string().get(s) ? std::string(s) : std::string();
  }
  int64_t OptInt(const char* k) {
    int64_t v = 0;
    return ok_ && !obj_[k].get_int64().get(v) ? v : 0;
  }
  double Num(const char* k) {
    double d = 0;
    if (ok_ && !obj_[k].get_double().get(d)) {
      return d;
    }
    Fail(k);
    return 0;
  }
  int64_t Int(const char* k) {
    int64_t v = 0;
    if (ok_ && !obj_[k].get_int64().get(v)) {
      return v;
    }
    Fail(k);
    return 0;
  }
  Country Ctry(const char* k) {
    auto c = ParseAlpha2(Str(k));
    if (!c) {
      Fail(k);
      return Country();
    }
    return *c;
  }
  Date Dt(const char* k, bool optional = false) {
    const std::string s = optional ? OptStr(k) : Str(k);
    if (s.empty() && optional) {
      return Date::Max();
    }
    auto d = Date::Parse(s);
    if (!d) {
      Fail(k);
      return Date();
    }
    return *d;
  }
  // A state, by its name; a name no state has fails the record.
  template <typename State>
  State St(const char* k) {
    State state{};
    const std::string name = Str(k);
    if (ok_ && !ParseState(name, state)) {
      Fail(k);
    }
    return state;
  }
  std::vector<std::string> StrList(const char* k) {
    std::vector<std::string> out;
    simdjson::dom::array arr;
    if (!ok_ || obj_[k].get_array().get(arr)) {
      Fail(k);
      return out;
    }
    for (simdjson::dom::element e : arr) {
      std::string_view s;
      if (e.get_string().get(s)) {
        Fail(k);
        break;
      }
      out.emplace_back(s);
    }
    return out;
  }
  simdjson::dom::object& Object() { return obj_; }
  void Fail(std::string_view what) {
    if (ok_) {
      ok_ = false;
      error_ = DataLoss("stored record '" + std::string(key_) + "' is damaged (" +
                        std::string(what) + ")");
    }
  }
  Status Done() const { return ok_ ? Status::Ok() : error_; }

 private:
  std::string_view key_;
  simdjson::dom::object obj_;
  bool ok_ = true;
  Status error_;
};

}  // namespace tg
