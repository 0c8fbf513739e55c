// JSON and text renderings of decisions, classifications and regimes. Internal to the engine.
#pragma once

#include <cstdio>
#include <string>

#include "tierguard/types.h"

#include "src/classify/classifier.h"
#include "src/regime/regime.h"

namespace tg::decide {

// Buffered line output to a FILE*, written in 1 MiB blocks (Flush writes the rest).
class LineSink {
 public:
  explicit LineSink(std::FILE* out) : out_(out) { buf_.reserve((1 << 20) + (1 << 16)); }
  ~LineSink() { Flush(); }
  LineSink(const LineSink&) = delete;
  LineSink& operator=(const LineSink&) = delete;
  std::string& Buffer() { return buf_; }
  void EndLine() {
    buf_ += '\n';
    if (buf_.size() > (1 << 20)) {
      Flush();
    }
  }
  void Flush() {
    if (!buf_.empty()) {
      std::fwrite(buf_.data(), 1, buf_.size(), out_);
      buf_.clear();
    }
    std::fflush(out_);
  }

 private:
  std::FILE* out_;
  std::string buf_;
};

void WriteDecisionJson(const Decision& d, std::string& out);
void WriteClassificationJson(const Classification& c, std::string& out);
void WriteErrorJson(std::string_view id, int line, const Status& error, std::string& out);
// A human-readable listing of the regime with every set resolved on `as_of`.
std::string DescribeRegime(const regime::Regime& r, Date as_of,
                           const std::vector<std::string>& eccns);

}  // namespace tg::decide
