// Runs a stream function over in-memory input and output, for tests of the Engine's streams.
#pragma once

#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "tierguard/io.h"

namespace tg::testing {

// Calls fn(in, out) with `input` as `in`; returns what it wrote to `out`, line by line.
inline std::vector<std::string> RunOverMemory(const std::string& input,
                                              const std::function<void(Source&, Sink&)>& fn) {
  StringSource in(input);
  StringSink out;
  fn(in, out);
  std::vector<std::string> lines;
  std::stringstream ss(out.text());
  for (std::string line; std::getline(ss, line);) {
    lines.push_back(line);
  }
  return lines;
}

}  // namespace tg::testing
