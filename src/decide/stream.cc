#include "src/decide/stream.h"

#include <vector>

#include "src/decide/output.h"

namespace tg::decide {

namespace {

constexpr int64_t kProgressEvery = 4096;
// Answers are written in blocks of about this many bytes (unless each batch is written).
constexpr size_t kWriteBytes = size_t{1} << 20;

}  // namespace

Result<LineCounts> RunDocuments(Source& in, Sink& out, const StreamOptions& options,
                                DocumentHandler& handler) {
  if (options.batch_lines == 0) {
    return InvalidArgument("batch size must be at least 1");
  }
  DocumentReader reader(in);
  LineCounts counts;
  // The documents' strings are reused from batch to batch: reading a batch allocates nothing
  // once the first one is read.
  std::vector<Document> docs;
  std::string answers;  // answered, not yet written
  int answered_through = 0;
  const auto write = [&]() -> Status {
    Status written = out.Write(answers);
    if (written.ok()) {
      written = out.Flush();
    }
    answers.clear();
    if (!written.ok()) {
      return written.WithPrefix("writing the answers to the lines through " +
                                std::to_string(answered_through));
    }
    return Status::Ok();
  };
  Status read_error;
  bool more = true;
  while (more) {
    // The whole batch is read before it is answered, so that a slow producer never holds a
    // transaction (and other writers) open.
    size_t count = 0;
    size_t bytes = 0;
    while (count < options.batch_lines &&
           (options.batch_bytes == 0 || bytes < options.batch_bytes)) {
      if (count == docs.size()) {
        docs.emplace_back();
      }
      Document& d = docs[count];
      if (!(more = reader.Next(d.text, d.line, d.refused))) {
        read_error = d.refused;
        break;
      }
      bytes += d.text.size();
      ++count;
    }
    if (!read_error.ok()) {
      // What was answered before the input broke off is written, then the error given.
      if (!answers.empty()) {
        TG_RETURN_IF_ERROR(write());
      }
      return read_error;
    }
    if (count == 0) {
      break;
    }
    TG_RETURN_IF_ERROR(handler.BeginBatch());
    for (size_t k = 0; k < count; ++k) {
      const Document& doc = docs[k];
      Answer answer = Answer::kRefused;
      if (doc.refused.ok()) {
        TG_ASSIGN_OR_RETURN(answer, handler.Respond(doc, answers));
      } else {
        WriteErrorJson("", doc.line, doc.refused, answers);
      }
      if (answer == Answer::kSkipped) {
        continue;
      }
      answers += '\n';
      ++counts.lines;
      counts.errors += answer == Answer::kRefused ? 1 : 0;
      if (options.progress && counts.lines % kProgressEvery == 0) {
        options.progress(counts.lines);
      }
    }
    TG_RETURN_IF_ERROR(handler.EndBatch());
    answered_through = docs[count - 1].line;
    if (options.write_each_batch || answers.size() >= kWriteBytes) {
      TG_RETURN_IF_ERROR(write());
    }
  }
  if (!answers.empty()) {
    TG_RETURN_IF_ERROR(write());
  }
  return counts;
}

}  // namespace tg::decide
