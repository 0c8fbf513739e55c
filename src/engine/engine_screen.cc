// The Engine's screening commands: name matching and list screening.
#include <simdjson.h>

#include <cmath>

#include "src/common/json_writer.h"
#include "src/engine/document_reader.h"
#include "src/engine/engine_impl.h"
#include "src/engine/output.h"
#include "src/screen/index.h"
#include "src/screen/lists.h"

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

namespace {

void WriteHits(const std::string& id, const std::string& query,
               const std::vector<screen::Hit>& hits, std::string& out) {
  JsonWriter w(out);
  w.BeginObject().Key("id").String(id).Key("query").String(query).Key("hits").BeginArray();
  for (const screen::Hit& h : hits) {
    const screen::ListEntry& e = *h.entry;
    w.BeginObject().Key("list").String(e.list).Key("list_version").String(h.list->version);
    w.Key("entry_id").String(e.entry_id).Key("name").String(e.name);
    w.Key("matched_name").String(*h.matched_name);
    w.Key("score").Number(std::round(h.score * 1e4) / 1e4);
    w.Key("type").String(e.type).Key("programs").BeginArray();
    for (const std::string& p : e.programs) {
      w.String(p);
    }
    w.EndArray();
    if (!e.license_requirement.empty()) {
      w.Key("license_requirement").String(e.license_requirement);
    }
    if (!e.license_policy.empty()) {
      w.Key("license_policy").String(e.license_policy);
    }
    if (!e.end_date.empty()) {
      w.Key("expires").String(e.end_date);
    }
    w.Key("explanation").BeginObject();
    w.Key("name").Number(std::round(h.name_score * 1e4) / 1e4);
    w.Key("country").Number(h.country).Key("type").Number(h.type).EndObject();
    w.EndObject();
  }
  w.EndArray().EndObject();
}

}  // namespace

Result<StreamStats> Engine::ScreenStream(std::FILE* in, std::FILE* out,
                                         const ScreenOptions& options) const {
  if (options.lists.empty()) {
    return InvalidArgument("no lists to screen against (give --list FILE)");
  }
  std::vector<screen::ScreeningList> lists;
  lists.reserve(options.lists.size());
  for (const std::string& path : options.lists) {
    TG_ASSIGN_OR_RETURN(screen::ScreeningList list, screen::LoadList(path));
    lists.push_back(std::move(list));
  }
  const CountryTable& countries = impl_->countries;
  screen::Index index(*impl_->normalizer, *impl_->scorer, [&countries](std::string_view text) {
    auto c = countries.Lookup(text);
    return c ? c->ToString() : std::string();
  });
  for (const screen::ScreeningList& list : lists) {
    TG_RETURN_IF_ERROR(index.Add(list).status());
  }
  engine::DocumentReader reader(in);
  engine::LineSink sink(out);
  simdjson::dom::parser parser;
  StreamStats stats;
  std::string doc;
  int line = 0;
  Status read_error;
  screen::Query query;
  while (reader.Next(doc, line, read_error)) {
    const size_t first = doc.find_first_not_of(" \t\r");
    if (first == std::string::npos) {
      continue;
    }
    ++stats.lines;
    Status s = [&]() -> Status {
      query = screen::Query{};
      if (doc[first] != '{') {
        query.id = std::to_string(line);
        query.name = doc.substr(first);
        while (!query.name.empty() && (query.name.back() == '\r' || query.name.back() == ' ')) {
          query.name.pop_back();
        }
        return Status::Ok();
      }
      simdjson::dom::object obj;
      if (parser.parse(doc).get(obj)) {
        return InvalidArgument("not a JSON object");
      }
      TG_RETURN_IF_ERROR(StringField(obj, "id", false, query.id));
      TG_RETURN_IF_ERROR(StringField(obj, "name", true, query.name));
      TG_RETURN_IF_ERROR(StringField(obj, "country", false, query.country));
      TG_RETURN_IF_ERROR(StringField(obj, "type", false, query.type));
      if (!query.country.empty()) {
        TG_ASSIGN_OR_RETURN(Country c, impl_->countries.Lookup(query.country));
        query.country = c.ToString();
      }
      if (!query.type.empty() && query.type != "person" && query.type != "entity" &&
          query.type != "vessel" && query.type != "aircraft") {
        return InvalidArgument("type: must be person, entity, vessel or aircraft");
      }
      if (query.id.empty()) {
        query.id = std::to_string(line);
      }
      return Status::Ok();
    }();
    Result<std::vector<screen::Hit>> hits = s;
    if (s.ok()) {
      hits = index.Search(query, options.threshold, options.limit);
    }
    if (!hits) {
      ++stats.errors;
      engine::WriteErrorJson(query.id, line,
                             hits.error().WithPrefix("line " + std::to_string(line)),
                             sink.Buffer());
    } else {
      ++stats.by_outcome[hits->empty() ? "clear" : "hit"];
      WriteHits(query.id, query.name, *hits, sink.Buffer());
    }
    sink.EndLine();
  }
  if (!read_error.ok()) {
    return read_error;
  }
  return stats;
}

}  // namespace tg
