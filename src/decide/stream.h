// RunDocuments: the one loop behind every stream command (determine, classify, match, screen,
// ship). It reads documents in batches, hands each to the command's handler, and writes the
// answers, one line each and in input order, only once their batch is answered and its
// EndBatch succeeded: ship commits its transaction there, so that no answer is printed for a
// decision that is not on disk. A read or write error stops the stream and is returned; the
// answers of the batches answered before a read error are written first.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "tierguard/io.h"
#include "tierguard/status.h"

#include "src/decide/document_reader.h"

namespace tg::decide {

// One document of a stream: its text and first line (element, for an array), or the reader's
// refusal of a document too large to read (then `text` is empty).
struct Document {
  std::string text;
  int line = 0;
  Status refused;
};

enum class Answer {
  kAnswered,  // the handler wrote its answer
  kRefused,   // the handler wrote an error object: the line counts as an error
  kSkipped,   // nothing written, nothing counted (a blank line of names, say)
};

// What a stream command does with its documents. Not thread-safe.
class DocumentHandler {
 public:
  virtual ~DocumentHandler() = default;
  // Before a batch's first Answer (ship opens its transaction here).
  virtual Status BeginBatch() { return Status::Ok(); }
  // Appends the one-line answer to `doc` (no newline) to `out`. A non-OK Result stops the
  // stream: the store failed, and the open batch is dropped unwritten.
  virtual Result<Answer> Respond(const Document& doc, std::string& out) = 0;
  // After a batch's last Answer; its answers are written only when this is OK.
  virtual Status EndBatch() { return Status::Ok(); }
};

struct StreamOptions {
  size_t batch_lines = 64;  // documents read before a batch is answered
  size_t batch_bytes = 0;   // or fewer, once the batch holds this many bytes; 0: no bound
  // Each batch's answers are written (and flushed) as soon as it ends: ship's, so that a
  // reader sees each committed batch at once. Otherwise they are written in 1 MiB blocks.
  bool write_each_batch = false;
  // Told the lines answered so far every 4,096 lines, for a progress display.
  std::function<void(int64_t)> progress;
};

struct LineCounts {
  int64_t lines = 0;
  int64_t errors = 0;
};

// Reads `in` to its end. A document the reader refused is answered with its error here,
// without the handler.
Result<LineCounts> RunDocuments(Source& in, Sink& out, const StreamOptions& options,
                                DocumentHandler& handler);

}  // namespace tg::decide
