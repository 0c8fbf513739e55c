#include "src/models/model_json.h"

#include "src/common/json_fields.h"

namespace tg::models {

namespace {

using json::Fields;

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
  TG_ASSIGN_OR_RETURN(const simdjson::dom::element doc, json::ParseDocument(parser, json, where));
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
