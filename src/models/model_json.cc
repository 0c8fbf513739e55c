#include "src/models/model_json.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>

#include <simdjson.h>

namespace tg::models {

namespace {

// Reads one JSON object's fields strictly: an unknown key, a value of the wrong type or a
// missing required field is InvalidArgument naming "line N: path.field"; the first error wins.
class Fields {
 public:
  Fields(simdjson::dom::element e, std::string path, const CountryTable& countries, Status& error,
         std::initializer_list<std::string_view> known)
      : path_(std::move(path)), countries_(countries), error_(error) {
    if (!error_.ok()) {
      return;
    }
    if (e.get_object().get(obj_)) {
      Fail(path_ + ": an object");
      return;
    }
    ok_ = true;
    for (auto field : obj_) {
      if (std::find(known.begin(), known.end(), field.key) == known.end()) {
        Fail(Name(field.key) + ": unknown key");
        return;
      }
    }
  }

  std::string Text(const char* key, bool required = false) {
    simdjson::dom::element e;
    std::string_view s;
    if (!Has(key, e, required)) {
      return "";
    }
    if (e.get_string().get(s)) {
      Fail(Name(key) + ": a string");
    } else if (required && s.empty()) {
      Fail(Name(key) + ": required");
    }
    return std::string(s);
  }
  std::optional<double> Number(const char* key, double max) {
    simdjson::dom::element e;
    double d = 0;
    if (!Has(key, e, false)) {
      return std::nullopt;
    }
    if (e.get_double().get(d) || !std::isfinite(d) || d < 0 || d > max) {
      Fail(Name(key) + ": a number from 0 to " + Shown(max));
      return std::nullopt;
    }
    return d;
  }
  bool Flag(const char* key) {
    simdjson::dom::element e;
    bool b = false;
    if (Has(key, e, false) && e.get_bool().get(b)) {
      Fail(Name(key) + ": true or false");
    }
    return b;
  }
  std::optional<Date> Day(const char* key) {
    const std::string text = Text(key);
    if (text.empty()) {
      return std::nullopt;
    }
    auto d = Date::Parse(text);
    if (!d) {
      Fail(Name(key) + ": " + d.error().message());
      return std::nullopt;
    }
    return *d;
  }
  std::optional<Country> Place(const char* key) {
    const std::string text = Text(key);
    if (text.empty()) {
      return std::nullopt;
    }
    auto c = countries_.Lookup(text);
    if (!c) {
      Fail(Name(key) + ": " + c.error().message());
      return std::nullopt;
    }
    return *c;
  }
  std::vector<Country> Places(const char* key) {
    std::vector<Country> out;
    Each(key, [&](simdjson::dom::element item, const std::string& at) {
      std::string_view s;
      auto c = item.get_string().get(s) ? Result<Country>(InvalidArgument("a country code"))
                                        : countries_.Lookup(s);
      if (!c) {
        Fail(at + ": " + c.error().message());
        return;
      }
      out.push_back(*c);
    });
    return out;
  }
  // Calls visit(element, "path.key[i]") for each element of the array `key`.
  template <typename Visit>
  void Each(const char* key, Visit visit) {
    simdjson::dom::element e;
    simdjson::dom::array a;
    if (!Has(key, e, false) || e.is_null()) {
      return;
    }
    if (e.get_array().get(a)) {
      Fail(Name(key) + ": an array");
      return;
    }
    size_t i = 0;
    for (simdjson::dom::element item : a) {
      if (!error_.ok()) {
        return;
      }
      visit(item, Name(key) + "[" + std::to_string(i++) + "]");
    }
  }
  // The object `key` (absent or null: nullopt).
  std::optional<simdjson::dom::element> Object(const char* key) {
    simdjson::dom::element e;
    if (!Has(key, e, false) || e.is_null()) {
      return std::nullopt;
    }
    return e;
  }
  std::string Name(std::string_view key) const { return path_ + "." + std::string(key); }
  bool Ok() const { return ok_ && error_.ok(); }

 private:
  bool Has(const char* key, simdjson::dom::element& out, bool required) {
    if (!Ok()) {
      return false;
    }
    if (obj_[key].get(out) != simdjson::SUCCESS) {
      if (required) {
        Fail(Name(key) + ": required");
      }
      return false;
    }
    return true;
  }
  void Fail(std::string message) {
    if (error_.ok()) {
      error_ = InvalidArgument(std::move(message));
    }
  }
  static std::string Shown(double max) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", max);
    return buf;
  }

  std::string path_;
  const CountryTable& countries_;
  Status& error_;
  simdjson::dom::object obj_;
  bool ok_ = false;
};

// Operations above this are no training anyone ran: a typo, not a figure.
constexpr double kMaxOperations = 1e40;

ComputeUse ReadCompute(simdjson::dom::element e, const std::string& path,
                       const CountryTable& countries, Status& error) {
  Fields f(e, path, countries, error,
           {"provider", "country", "accelerator", "count", "hours", "utilization"});
  ComputeUse c;
  c.provider = f.Text("provider");
  c.country = f.Place("country").value_or(Country());
  c.accelerator = f.Text("accelerator");
  c.count = static_cast<int64_t>(f.Number("count", 1e8).value_or(0));
  c.hours = f.Number("hours", 1e6).value_or(0);
  c.utilization = f.Number("utilization", 1).value_or(0);
  return c;
}

TrainingRun ReadRun(simdjson::dom::element e, const std::string& path,
                    const CountryTable& countries, Status& error) {
  Fields f(
      e, path, countries, error,
      {"id", "start", "end", "operations", "data_origin", "biological_sequence_data", "compute"});
  TrainingRun run;
  run.id = f.Text("id");
  run.start = f.Day("start");
  run.end = f.Day("end");
  run.operations = f.Number("operations", kMaxOperations);
  run.data_origin = f.Places("data_origin");
  run.biological_sequence_data = f.Flag("biological_sequence_data");
  if (auto compute = f.Object("compute"); compute && f.Ok()) {
    run.compute = ReadCompute(*compute, f.Name("compute"), countries, error);
  }
  if (error.ok() && !run.operations && !run.compute) {
    error = InvalidArgument(path + ": operations or compute is required");
  }
  if (error.ok() && run.start && run.end && *run.start > *run.end) {
    error = InvalidArgument(path + ".start: after its end");
  }
  return run;
}

Release ReadRelease(simdjson::dom::element e, const std::string& path,
                    const CountryTable& countries, Status& error) {
  Fields f(e, path, countries, error, {"date", "approved_by", "evaluations"});
  Release r;
  const auto date = f.Day("date");
  r.approved_by = f.Text("approved_by", /*required=*/true);
  f.Each("evaluations", [&](simdjson::dom::element item, const std::string& at) {
    Fields ev(item, at, countries, error, {"kind", "by", "date", "result"});
    r.evaluations.push_back(Evaluation{.kind = ev.Text("kind", /*required=*/true),
                                       .by = ev.Text("by"),
                                       .date = ev.Day("date"),
                                       .result = ev.Text("result", /*required=*/true)});
  });
  if (error.ok() && !date) {
    error = InvalidArgument(f.Name("date") + ": required");
  }
  r.date = date.value_or(Date());
  return r;
}

}  // namespace

Result<ModelRecord> ParseModelRecord(std::string_view json, int line,
                                     const CountryTable& countries) {
  const std::string where = "line " + std::to_string(line);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto err = parser.parse(json.data(), json.size()).get(doc); err) {
    return InvalidArgument(where + ": not JSON (" + simdjson::error_message(err) + ")");
  }
  Status error;
  Fields f(doc, where + ": model", countries, error,
           {"id", "name", "developer", "base_model", "published", "weights_origin", "training_runs",
            "releases"});
  ModelRecord m;
  m.id = f.Text("id", /*required=*/true);
  m.name = f.Text("name");
  if (auto developer = f.Object("developer"); developer && f.Ok()) {
    Fields d(*developer, f.Name("developer"), countries, error, {"name", "country"});
    m.developer = d.Text("name");
    m.developer_country = d.Place("country");
  }
  m.base_model = f.Text("base_model");
  m.published = f.Flag("published");
  m.weights_origin = f.Places("weights_origin");
  f.Each("training_runs", [&](simdjson::dom::element e, const std::string& at) {
    m.training_runs.push_back(ReadRun(e, at, countries, error));
  });
  f.Each("releases", [&](simdjson::dom::element e, const std::string& at) {
    m.releases.push_back(ReadRelease(e, at, countries, error));
  });
  TG_RETURN_IF_ERROR(error);
  if (m.base_model == m.id) {
    return InvalidArgument(f.Name("base_model") + ": a model cannot be its own base");
  }
  return m;
}

}  // namespace tg::models
