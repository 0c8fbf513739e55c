// Runs a stream function over in-memory input and output, for tests of the Engine's
// FILE*-based streams.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace tg::testing {

// Calls fn(in, out) with `input` as `in`; returns what it wrote to `out`, line by line.
inline std::vector<std::string> RunOverMemory(
    const std::string& input, const std::function<void(std::FILE*, std::FILE*)>& fn) {
  std::string copy = input;
  std::FILE* in = fmemopen(copy.data(), copy.size(), "r");
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* out = open_memstream(&buf, &len);
  fn(in, out);
  std::fclose(in);
  std::fclose(out);
  std::vector<std::string> lines;
  std::stringstream ss(std::string(buf, len));
  std::free(buf);
  for (std::string line; std::getline(ss, line);) {
    lines.push_back(line);
  }
  return lines;
}

}  // namespace tg::testing
