#include "progress.h"

#include <cstdio>
#include <unistd.h>

namespace tg::cli {

ProgressLine::ProgressLine(std::string what)
    : what_(std::move(what)),
      terminal_(::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

ProgressLine::~ProgressLine() { Finish(); }

void ProgressLine::Finish() {
  if (drawn_) {
    std::fputc('\n', stderr);
    drawn_ = false;
  }
  terminal_ = false;  // nothing more is drawn
}

ProgressFn ProgressLine::Fn() {
  if (!terminal_) {
    return {};
  }
  return [this](int64_t lines) { Report(lines); };
}

void ProgressLine::Report(int64_t lines) {
  if (!terminal_) {
    return;
  }
  using std::chrono::duration;
  const auto now = std::chrono::steady_clock::now();
  const double running = duration<double>(now - start_).count();
  if (running < 2.0 || duration<double>(now - last_).count() < 0.5) {
    return;
  }
  last_ = now;
  drawn_ = true;
  std::fprintf(stderr, "\rtierguard: %lld lines %s (%.0f a second)", static_cast<long long>(lines),
               what_.c_str(), static_cast<double>(lines) / running);
  std::fflush(stderr);
}

}  // namespace tg::cli
