// libFuzzer target: the name normaliser and scorer on arbitrary bytes. Any input must give a
// result or a clean error, never a crash, a hang or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "src/screen/normalize.h"
#include "src/screen/scorer.h"

namespace {

struct Loaded {
  Loaded() {
    const char* home = std::getenv("TIERGUARD_HOME");
    const std::string data = std::string(home != nullptr ? home : ".") + "/data";
    auto n = tg::screen::Normalizer::Load(data);
    auto s = tg::screen::NameScorer::Load(data);
    if (!n || !s) {
      std::abort();  // the fuzz run is misconfigured, not the code broken
    }
    normalizer = std::move(*n);
    scorer = std::move(*s);
  }
  tg::screen::Normalizer normalizer;
  tg::screen::NameScorer scorer;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Loaded* loaded = new Loaded();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto names = loaded->normalizer.NormalizeAll(text);
  if (!names) {
    return 0;
  }
  const size_t half = size / 2;
  auto other = loaded->normalizer.NormalizeAll(text.substr(half));
  if (other) {
    const double s = loaded->scorer.Best(*names, *other).score;
    if (!(s >= 0.0 && s <= 1.0)) {
      std::abort();  // a score outside [0, 1]
    }
  }
  return 0;
}
