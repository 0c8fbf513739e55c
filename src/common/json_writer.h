// JsonWriter appends compact JSON to a caller-owned std::string. It is the one place that
// escapes strings and formats numbers, so every command prints JSON the same way. Commas are
// inserted automatically; the caller only nests Begin/End calls correctly.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tg {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // REQUIRES: `key` needs no escaping (keys are the program's own identifiers).
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  // Shortest round-trip form; integral values print without a fraction.
  JsonWriter& Number(double value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // A value that is already JSON (REQUIRES: well-formed).
  JsonWriter& Raw(std::string_view json);

 private:
  void Separate();
  std::string& out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

void AppendJsonString(std::string& out, std::string_view value);

}  // namespace tg
