// libFuzzer target: a regime file's text (YAML) on arbitrary bytes. Any input must give a
// regime or an error naming the file, never a crash, a sanitizer report or an exception from
// the YAML parser.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "src/classify/classifier.h"
#include "src/common/country_table.h"
#include "src/regime/country_groups.h"
#include "src/regime/regime_set.h"

namespace {

struct Reference {
  tg::CountryTable countries;
  tg::regime::CountryGroups groups;
  std::vector<std::string> eccns;
};

const Reference& Loaded() {
  static const Reference* ref = [] {
    const char* home = std::getenv("TIERGUARD_HOME");
    const std::string data = std::string(home != nullptr ? home : ".") + "/data/";
    auto countries = tg::CountryTable::Load(data + "countries.csv");
    if (!countries) {
      __builtin_trap();  // set TIERGUARD_HOME to the repository
    }
    auto* out = new Reference{std::move(*countries), {}, {}};
    auto groups = tg::regime::CountryGroups::Load(data + "country_groups.csv",
                                                  data + "decided_as.csv", out->countries);
    auto classifier =
        tg::classify::Classifier::Load(data + "classifications.yaml", data + "chips.csv");
    if (!groups || !classifier) {
      __builtin_trap();
    }
    out->groups = std::move(*groups);
    out->eccns = classifier->eccns();
    return out;
  }();
  return *ref;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Reference& ref = Loaded();
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto regime = tg::regime::RegimeSet::LoadText("fuzz.yaml", text, ref.groups, ref.eccns);
  if (!regime && regime.error().message().find("fuzz.yaml") == std::string::npos) {
    __builtin_trap();  // an error that does not name the file
  }
  return 0;
}
