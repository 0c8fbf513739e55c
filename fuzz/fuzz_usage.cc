// libFuzzer target: usage records (JSON Lines, or CSV when the input starts with "account,") on
// arbitrary bytes. Any input must give a batch or an error naming a line, never a crash, a
// sanitizer report or an exception; a batch's operations are never negative or not finite.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tierguard/io.h"

#include "src/classify/classifier.h"
#include "src/kyc/usage.h"

namespace {

const tg::classify::ChipCatalog& Catalog() {
  static const tg::classify::Classifier* classifier = [] {
    const char* home = std::getenv("TIERGUARD_HOME");
    const std::string root = home != nullptr ? home : ".";
    auto loaded = tg::classify::Classifier::Load(root + "/data/classifications.yaml",
                                                 root + "/data/chips.csv");
    if (!loaded) {
      __builtin_trap();  // set TIERGUARD_HOME to the repository
    }
    return new tg::classify::Classifier(std::move(*loaded));
  }();
  return classifier->catalog();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  tg::kyc::UsageBatch batch(Catalog());
  tg::StringSource in(text);
  const auto format =
      text.starts_with("account,") ? tg::kyc::UsageFormat::kCsv : tg::kyc::UsageFormat::kJsonLines;
  const tg::Status s = batch.Read(in, format);
  if (!s.ok()) {
    if (s.message().rfind("line ", 0) != 0) {
      __builtin_trap();  // an error that does not name the line
    }
    return 0;
  }
  for (const auto& [id, cell] : batch.cells()) {
    const double ops = cell.Ops();
    if (!std::isfinite(ops) || ops < 0) {
      __builtin_trap();
    }
  }
  return 0;
}
