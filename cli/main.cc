// tierguard: the command-line front end. Argument parsing and formatting only (cli/app.cc and
// the *_commands.cc files); every decision is made by tg::Engine.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <malloc.h>
#include <optional>
#include <string>

#include "app.h"
#include "output.h"

namespace {

// The time tests pin (TIERGUARD_NOW, unix seconds), read only by the tierguard-testing build:
// a release binary must not let an environment variable back-date its audit records.
std::optional<int64_t> TestNow() {
#ifdef TIERGUARD_TEST_CLOCK
  if (const char* now = std::getenv("TIERGUARD_NOW"); now != nullptr) {
    uint64_t seconds = 0;
    std::string error;
    if (tg::cli::WholeNumber(now, "TIERGUARD_NOW", seconds, error) && seconds <= INT64_MAX) {
      return static_cast<int64_t>(seconds);
    }
  }
#endif
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  // SQLite allocates and frees a statement-journal buffer around every counter update; with
  // glibc's default trim threshold each free shrank the heap (brk + TLB flush) and the next
  // malloc grew it again: 12 % of `ship` time under perf. Keep freed memory instead.
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  mallopt(M_TOP_PAD, 4 << 20);
  // Large blocks (a list's JSON, its parse, the index's tables) from the heap, not each from a
  // fresh mapping: what one stage frees the next reuses instead of faulting in new zeroed pages.
  // Half the page faults of a one-line determine against the kept lists, a fifth of its time.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  // One heap for the two threads a command may run (the kept lists' index is read beside the
  // rules): a second arena starts from fresh pages, and the memory one frees the other cannot use.
  mallopt(M_ARENA_MAX, 1);
  try {
    const int code = tg::cli::Main(argc, argv, TestNow());
    // Output that did not reach its file (a full disk, a closed pipe) is an error, not a
    // success with lost lines. (A stream command reports its own write error, naming the last
    // line written.)
    if (code != tg::cli::kExitUsage && (std::fflush(stdout) != 0 || std::ferror(stdout) != 0)) {
      std::fprintf(stderr, "tierguard: cannot write the output: %s\n", std::strerror(errno));
      return tg::cli::kExitUsage;
    }
    return code;
  } catch (const std::exception& e) {  // out of memory, or a bug: report, never abort silently
    std::fprintf(stderr, "tierguard: internal error: %s\n", e.what());
    return tg::cli::kExitUsage;
  }
}
