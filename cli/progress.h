// A progress line on stderr for a long batch (determine, ship, reserve): shown only when stderr
// is a terminal and the batch has run for two seconds, redrawn at most twice a second, with the
// lines decided and the rate; Finish (or the destructor) ends the line.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "tierguard/engine.h"

namespace tg::cli {

class ProgressLine {
 public:
  explicit ProgressLine(std::string what);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // What the stream calls; empty when stderr is not a terminal (nothing to draw).
  ProgressFn Fn();
  // Ends the line, once it was drawn (before a summary or an error is printed).
  void Finish();

 private:
  void Report(int64_t lines);

  std::string what_;
  bool terminal_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace tg::cli
