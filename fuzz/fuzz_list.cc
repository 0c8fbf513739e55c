// libFuzzer target: one list loader (TG_FUZZ_FORMAT, set at build time) on arbitrary bytes.
// Any input must give a list or an error naming the file, never a crash or sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "src/screen/lists.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto list = tg::screen::ParseListAs(TG_FUZZ_FORMAT, "fuzz", bytes);
  if (!list && list.error().message().rfind("fuzz", 0) != 0) {
    __builtin_trap();  // an error that does not name the file
  }
  return 0;
}
