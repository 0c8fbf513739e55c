// The Engine's screening commands: name matching and list screening.
#include <simdjson.h>

#include <cmath>

#include "src/common/json_writer.h"
#include "src/engine/document_reader.h"
#include "src/engine/engine_impl.h"
#include "src/engine/output.h"

namespace tg {

namespace {

// A required string field of a JSON object, or InvalidArgument naming it.
Status StringField(simdjson::dom::object obj, std::string_view key, bool required,
                   std::string& out) {
  simdjson::dom::element e;
  if (obj[key].get(e) || e.is_null()) {
    if (required) {
      return InvalidArgument(std::string(key) + ": required");
    }
    out.clear();
    return Status::Ok();
  }
  std::string_view s;
  if (e.get_string().get(s)) {
    return InvalidArgument(std::string(key) + ": must be a string");
  }
  out.assign(s);
  return Status::Ok();
}

}  // namespace

Result<StreamStats> Engine::MatchStream(std::FILE* in, std::FILE* out, double threshold) const {
  engine::DocumentReader reader(in);
  engine::LineSink sink(out);
  simdjson::dom::parser parser;
  StreamStats stats;
  std::string doc;
  int line = 0;
  Status read_error;
  std::string name1;
  std::string name2;
  while (reader.Next(doc, line, read_error)) {
    ++stats.lines;
    auto score = [&]() -> Result<double> {
      simdjson::dom::object obj;
      if (parser.parse(doc).get(obj)) {
        return InvalidArgument("not a JSON object");
      }
      TG_RETURN_IF_ERROR(StringField(obj, "name1", true, name1));
      TG_RETURN_IF_ERROR(StringField(obj, "name2", true, name2));
      auto a = impl_->normalizer->NormalizeAll(name1);
      if (!a) {
        return a.status().WithPrefix("name1");
      }
      auto b = impl_->normalizer->NormalizeAll(name2);
      if (!b) {
        return b.status().WithPrefix("name2");
      }
      return impl_->scorer->Best(*a, *b).score;
    }();
    std::string& buf = sink.Buffer();
    if (!score) {
      ++stats.errors;
      engine::WriteErrorJson("", line, score.status().WithPrefix("line " + std::to_string(line)),
                             buf);
    } else {
      const bool match = *score >= threshold;
      ++stats.by_outcome[match ? "match" : "no_match"];
      JsonWriter w(buf);
      w.BeginObject().Key("score").Number(std::round(*score * 1e4) / 1e4).Key("match").Bool(match);
      w.EndObject();
    }
    sink.EndLine();
  }
  if (!read_error.ok()) {
    return read_error;
  }
  return stats;
}

}  // namespace tg
