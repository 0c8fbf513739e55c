#include "tierguard/engine.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "tierguard/text.h"

#include "src/classify/classifier.h"
#include "src/common/checked.h"
#include "src/common/country_table.h"
#include "src/common/digest.h"
#include "src/common/files.h"
#include "src/decide/document_reader.h"
#include "src/decide/output.h"
#include "src/decide/request_json.h"
#include "src/engine/engine_impl.h"
#include "src/ledger/ledger.h"
#include "src/regime/country_groups.h"
#include "src/regime/regime_set.h"

namespace tg {

namespace {

std::string DefaultDir(const std::string& given, const char* leaf) {
  return given.empty() ? leaf : given;
}

Status LoadRegimes(const std::string& dir, const std::string& data, Engine::Impl& impl) {
  TG_ASSIGN_OR_RETURN(regime::RegimeSet set,
                      regime::RegimeSet::LoadDir(dir, impl.groups, impl.classifier.eccns()));
  for (const auto& r : set.all()) {
    for (const std::string* pin : {&r->chip_classification, &r->model_classification}) {
      if (pin->empty()) {
        continue;
      }
      bool found = false;
      for (const auto& v : impl.classifier.versions()) {
        found = found || v.id == *pin;
      }
      if (!found) {
        return InvalidArgument(r->file + ": classification: no version '" + *pin + "' in " + data +
                               "/classifications.yaml");
      }
    }
  }
  TG_ASSIGN_OR_RETURN(impl.controls,
                      regime::Controls::Load({{data + "/embargoes.yaml", "embargoes"},
                                              {data + "/end_use_controls.yaml", "controls"}},
                                             impl.countries, impl.groups));
  TG_ASSIGN_OR_RETURN(impl.letters, regime::Letters::Load(data + "/letters", impl.countries,
                                                          impl.groups, impl.classifier.eccns()));
  TG_ASSIGN_OR_RETURN(impl.model_policies, regime::ModelPolicies::Load(data + "/policies"));
  impl.regimes = std::move(set);
  return Status::Ok();
}

}  // namespace

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Session::Session(const Engine& engine, SessionOptions options)
    : engine_(&engine),
      impl_(&engine.impl()),
      actor_(options.actor.empty() ? "tierguard" : std::move(options.actor)),
      request_id_(std::move(options.request_id)),
      clock_(options.clock != nullptr ? options.clock : &engine.impl().system_clock) {}
Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::Open(const EngineOptions& options) {
  const std::string data = DefaultDir(options.data_dir, "data");
  const std::string regimes = DefaultDir(options.regimes_dir, "regimes");
  auto impl = std::make_unique<Impl>();
  impl->data_dir = data;
  impl->regimes_dir = regimes;
  TG_ASSIGN_OR_RETURN(impl->countries, CountryTable::Load(data + "/countries.csv"));
  // The ledger is opened (and, for a command that screens, the kept lists' index read) on a
  // second thread while the rules below are read.
  const std::string& db = options.db;
  if (!db.empty()) {
    // A ledger file may be missing; a database's ledger is created by the first to open it.
    if (store::BackendOf(db) == store::Backend::kSqlite) {
      std::error_code ec;
      if (options.ledger_must_exist && !std::filesystem::exists(db, ec)) {
        return NotFound("no ledger at " + db + " (a command that only reads does not create one)");
      }
      impl->snapshot_dir = db + ".screening";
    }
    impl->OpenStoreAside(db, options.prefetch_screening);
  }
  TG_ASSIGN_OR_RETURN(impl->groups,
                      regime::CountryGroups::Load(data + "/country_groups.csv",
                                                  data + "/decided_as.csv", impl->countries));
  TG_ASSIGN_OR_RETURN(impl->classifier, classify::Classifier::Load(data + "/classifications.yaml",
                                                                   data + "/chips.csv"));
  // A broken regime file stops the commands that decide, not the ledger and audit commands.
  impl->regimes_error = LoadRegimes(regimes, data, *impl);
  impl->determiner = std::make_unique<decide::Determiner>(impl->classifier, impl->regimes,
                                                          &impl->controls, &impl->letters);
  if (!db.empty()) {
    TG_RETURN_IF_ERROR(impl->TakeStore());
  }
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

Result<Request> Engine::ParseRequest(std::string_view json, int line) const {
  Request r;
  TG_RETURN_IF_ERROR(decide::ParseRequestJson(json, impl_->countries, line, r));
  return r;
}

Status Engine::RegimesStatus() const { return impl_->regimes_error; }

namespace {

// A SHA-256 over the paths (relative to `dir`) and contents of every file under `dir`, in
// path order.
std::string FolderDigest(const std::string& dir) {
  std::error_code ec;
  std::string all;
  for (const auto& f : FilesUnder(dir)) {
    std::ifstream in(f, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    all += std::filesystem::relative(f, dir, ec).string() + "\n" + Sha256Hex(bytes) + "\n";
  }
  return "sha256:" + Sha256Hex(all);
}

}  // namespace

std::string Engine::DataVersions() const {
  return "data: " + FolderDigest(impl_->data_dir) + " (" + impl_->data_dir +
         ")\nregimes: " + FolderDigest(impl_->regimes_dir) + " (" + impl_->regimes_dir + ")\n";
}

void Engine::Decide(const Request& request, BatchState& batch, Decision& out) const {
  if (!impl_->regimes_error.ok()) {
    out = Decision();
    out.id = request.id;
    out.line = request.line;
    out.error = impl_->regimes_error;
    return;
  }
  impl_->determiner->Decide(request, batch, out);
  if (batch.screener() == nullptr || !out.error.ok()) {
    return;
  }
  const bool allowed = IsAllowed(out.outcome);
  batch.screener()->Apply(request, out);
  if (allowed && !IsAllowed(out.outcome)) {
    // A party on a list stops the export: what the line would have used is not used.
    for (const auto& [key, amount] : out.counter_deltas) {
      // Undoes what Decide added a moment ago: cannot overflow.
      batch.Add(key, -amount).ok();
    }
    out.counter_deltas.clear();
  }
}

void Engine::DecideBatch(std::span<const Request> requests, BatchState& batch,
                         std::vector<Decision>& out) const {
  out.resize(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    Decide(requests[i], batch, out[i]);
  }
}

void Engine::FormatDecision(const Decision& decision, std::string& out) const {
  decide::WriteDecisionJson(decision, out);
}

Result<classify::ClassifyOptions> Engine::Impl::ClassifyOptionsFor(
    std::string_view regime_id) const {
  classify::ClassifyOptions options;
  if (!regime_id.empty()) {
    TG_RETURN_IF_ERROR(regimes_error);
    const regime::Regime* r = regimes.Find(regime_id);
    if (r == nullptr) {
      return NotFound("unknown regime '" + std::string(regime_id) + "'");
    }
    options = {r->chip_classification, r->model_classification, r->model_threshold_ops};
  }
  return options;
}

void Engine::CloseLedger() {
  impl_->AwaitAside();
  impl_->store.reset();
}

Result<store::Store*> Engine::Impl::Ledger() const {
  if (store == nullptr) {
    return FailedPrecondition("this command needs a ledger, and the engine was opened without one");
  }
  return store.get();
}

namespace {

class DetermineHandler final : public decide::DocumentHandler {
 public:
  DetermineHandler(const Engine& engine, BatchState& batch) : engine_(engine), batch_(batch) {}

  Result<decide::Answer> Respond(const decide::Document& doc, std::string& out) override {
    const Status parsed =
        decide::ParseRequestJson(doc.text, engine_.impl().countries, doc.line, request_);
    if (!parsed.ok()) {
      decide::WriteErrorJson(request_.id, doc.line, parsed, out);
      return decide::Answer::kRefused;
    }
    engine_.Decide(request_, batch_, decision_);
    decide::WriteDecisionJson(decision_, out);
    if (!decision_.error.ok()) {
      return decide::Answer::kRefused;
    }
    counts_.Add(decision_);
    return decide::Answer::kAnswered;
  }

  StreamStats Stats(const decide::LineCounts& counts) { return std::move(counts_).Stats(counts); }

 private:
  const Engine& engine_;
  BatchState& batch_;
  Request request_;
  Decision decision_;
  OutcomeCounts counts_;
};

class ClassifyHandler final : public decide::DocumentHandler {
 public:
  ClassifyHandler(const Engine::Impl& impl, Date as_of, const classify::ClassifyOptions& options)
      : impl_(impl), as_of_(as_of), options_(options) {}

  Result<decide::Answer> Respond(const decide::Document& doc, std::string& out) override {
    Status s = decide::ParseItemJson(doc.text, impl_.countries, "item", item_);
    if (s.ok()) {
      s = impl_.classifier.Classify(item_, as_of_, options_, "item", cls_);
    }
    if (!s.ok()) {
      decide::WriteErrorJson("", doc.line, s.WithPrefix("line " + std::to_string(doc.line)), out);
      return decide::Answer::kRefused;
    }
    ++by_eccn[std::string(cls_.eccn)];
    decide::WriteClassificationJson(cls_, out);
    return decide::Answer::kAnswered;
  }

  std::unordered_map<std::string, int64_t> by_eccn;

 private:
  const Engine::Impl& impl_;
  Date as_of_;
  classify::ClassifyOptions options_;
  Item item_;
  Classification cls_;
};

}  // namespace

Result<StreamStats> Engine::DetermineStream(Source& in, Sink& out,
                                            const ProgressFn& progress) const {
  TG_RETURN_IF_ERROR(impl_->regimes_error);
  BatchState batch;
  // With a ledger, the recorded history counts too: read it in a transaction that is never
  // committed (determine records nothing).
  std::unique_ptr<store::Transaction> txn;
  std::unique_ptr<ledger::View> view;
  std::unique_ptr<ScreeningContext> screening;
  if (impl_->store != nullptr) {
    TG_ASSIGN_OR_RETURN(txn, impl_->store->BeginRead());
    view = std::make_unique<ledger::View>(*txn);
    batch.set_view(view.get());
    TG_ASSIGN_OR_RETURN(screening, LoadScreening(*impl_, *txn));
    if (screening != nullptr) {
      batch.set_screener(screening->screener.get());
    }
  }
  DetermineHandler handler(*this, batch);
  TG_ASSIGN_OR_RETURN(const decide::LineCounts counts,
                      decide::RunDocuments(in, out, StreamOptionsFor(progress), handler));
  return handler.Stats(counts);
}

Result<StreamStats> Engine::ClassifyStream(Source& in, Sink& out, Date as_of,
                                           std::string_view regime_id) const {
  TG_ASSIGN_OR_RETURN(classify::ClassifyOptions options, impl_->ClassifyOptionsFor(regime_id));
  ClassifyHandler handler(*impl_, as_of, options);
  TG_ASSIGN_OR_RETURN(const decide::LineCounts counts,
                      decide::RunDocuments(in, out, StreamOptionsFor({}), handler));
  StreamStats stats;
  stats.lines = counts.lines;
  stats.errors = counts.errors;
  stats.by_outcome = std::move(handler.by_eccn);
  return stats;
}

Result<std::string> Engine::ClassifyPart(std::string_view part, Date as_of,
                                         std::string_view regime_id) const {
  TG_ASSIGN_OR_RETURN(classify::ClassifyOptions options, impl_->ClassifyOptionsFor(regime_id));
  Item item;
  item.kind = Item::Kind::kPart;
  item.part = std::string(part);
  Classification cls;
  TG_RETURN_IF_ERROR(impl_->classifier.Classify(item, as_of, options, "part", cls));
  std::string out;
  decide::WriteClassificationJson(cls, out);
  return out;
}

std::vector<RegimeSummary> Engine::Regimes() const {
  std::vector<RegimeSummary> out;
  for (const auto& r : impl_->regimes.all()) {
    out.push_back({r->id, r->title, std::string(regime::RegimeStatusName(r->status)),
                   r->effective.ToString(), r->select_by_date, r->file, r->content_hash});
  }
  return out;
}

Result<std::string> Engine::ShowRegime(std::string_view id, Date as_of) const {
  TG_RETURN_IF_ERROR(impl_->regimes_error);
  const regime::Regime* r = impl_->regimes.Find(id);
  if (r == nullptr) {
    return NotFound("unknown regime '" + std::string(id) + "'");
  }
  return decide::DescribeRegime(*r, as_of, impl_->classifier.eccns());
}

Result<Country> Engine::ParseCountry(std::string_view text) const {
  return impl_->countries.Lookup(text);
}

Result<std::string> Engine::RegimeForDate(Date date) const {
  TG_RETURN_IF_ERROR(impl_->regimes_error);
  TG_ASSIGN_OR_RETURN(const regime::Regime* r, impl_->regimes.ForDate(date));
  return r->id;
}

}  // namespace tg
