// libFuzzer target: one order line (request JSON) on arbitrary bytes. Any input must give a
// request or an error naming its line, never a crash, a sanitizer report or an exception.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "src/common/country_table.h"
#include "src/decide/request_json.h"

namespace {

const tg::CountryTable& Countries() {
  static const tg::CountryTable* table = [] {
    const char* home = std::getenv("TIERGUARD_HOME");
    auto loaded =
        tg::CountryTable::Load(std::string(home != nullptr ? home : ".") + "/data/countries.csv");
    if (!loaded) {
      __builtin_trap();  // set TIERGUARD_HOME to the repository
    }
    return new tg::CountryTable(std::move(*loaded));
  }();
  return *table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  tg::Request request;
  const tg::Status s = tg::decide::ParseRequestJson(json, Countries(), 7, request);
  if (!s.ok() && s.message().rfind("line 7", 0) != 0) {
    __builtin_trap();  // an error that does not name the line
  }
  return 0;
}
