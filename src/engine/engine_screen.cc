// The Engine's screening commands: name matching and list screening.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include <simdjson.h>

#include "src/common/digest.h"
#include "src/common/files.h"
#include "src/common/json_writer.h"
#include "src/common/stored_record.h"
#include "src/common/text.h"
#include "src/decide/document_reader.h"
#include "src/decide/output.h"
#include "src/engine/engine_impl.h"
#include "src/ledger/ledger.h"
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

class MatchHandler final : public decide::DocumentHandler {
 public:
  MatchHandler(const Engine::Impl::ScreeningTools& tools, double threshold)
      : tools_(tools), threshold_(threshold) {}

  Result<decide::Answer> Respond(const decide::Document& doc, std::string& out) override {
    Result<double> score = Score(doc.text);
    if (!score) {
      decide::WriteErrorJson("", doc.line,
                             score.status().WithPrefix("line " + std::to_string(doc.line)), out);
      return decide::Answer::kRefused;
    }
    const bool match = *score >= threshold_;
    ++by_outcome[match ? "match" : "no_match"];
    JsonWriter w(out);
    w.BeginObject().Key("score").Number(std::round(*score * 1e4) / 1e4).Key("match").Bool(match);
    w.EndObject();
    return decide::Answer::kAnswered;
  }

  std::unordered_map<std::string, int64_t> by_outcome;

 private:
  Result<double> Score(const std::string& doc) {
    simdjson::dom::object obj;
    if (parser_.parse(doc).get(obj)) {
      return InvalidArgument("not a JSON object");
    }
    TG_RETURN_IF_ERROR(StringField(obj, "name1", true, name1_));
    TG_RETURN_IF_ERROR(StringField(obj, "name2", true, name2_));
    TG_RETURN_IF_ERROR(StringField(obj, "schema", false, schema_));
    auto a = tools_.normalizer.NormalizeAll(name1_);
    if (!a) {
      return a.status().WithPrefix("name1");
    }
    auto b = tools_.normalizer.NormalizeAll(name2_);
    if (!b) {
      return b.status().WithPrefix("name2");
    }
    // Prepared once here, not again for every pair of alternatives Best compares.
    for (auto* names : {&*a, &*b}) {
      for (screen::NormalizedName& n : *names) {
        tools_.scorer.Prepare(n);
      }
    }
    return tools_.scorer.Best(*a, *b, screen::KindOfType(schema_)).score;
  }

  const Engine::Impl::ScreeningTools& tools_;
  double threshold_;
  simdjson::dom::parser parser_;
  std::string name1_;
  std::string name2_;
  std::string schema_;
};

// The stats of a stream that counts its own outcomes.
StreamStats CountedStats(const decide::LineCounts& counts,
                         std::unordered_map<std::string, int64_t> by_outcome) {
  StreamStats stats;
  stats.lines = counts.lines;
  stats.errors = counts.errors;
  stats.by_outcome = std::move(by_outcome);
  return stats;
}

}  // namespace

Result<StreamStats> Engine::MatchStream(Source& in, Sink& out, double threshold) const {
  TG_ASSIGN_OR_RETURN(const Impl::ScreeningTools* tools, impl_->Screening());
  MatchHandler handler(*tools, threshold);
  TG_ASSIGN_OR_RETURN(const decide::LineCounts counts,
                      decide::RunDocuments(in, out, StreamOptionsFor({}), handler));
  return CountedStats(counts, std::move(handler.by_outcome));
}

namespace {

void WriteHits(const std::string& id, const std::string& query,
               const std::vector<screen::Hit>& hits, std::string& out) {
  JsonWriter w(out);
  w.BeginObject().Key("id").String(id).Key("query").String(query);
  // Words of a script nothing here romanises match only as written: say so.
  if (std::string script = screen::UnreadScript(query); !script.empty()) {
    w.Key("unread_script").String(script);
  }
  w.Key("hits").BeginArray();
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
    w.Key("country").Number(h.country).Key("type").Number(h.type);
    w.Key("birth").Number(h.birth).Key("identifier").Number(std::round(h.identifier * 1e4) / 1e4);
    w.EndObject();
    w.EndObject();
  }
  w.EndArray().EndObject();
}

// Screen queries are JSON objects or plain names, one a line; a blank line is no query.
class ScreenHandler final : public decide::DocumentHandler {
 public:
  ScreenHandler(const Engine::Impl& impl, const screen::Index& index,
                const Engine::ScreenOptions& options)
      : impl_(impl), index_(index), options_(options) {}

  Result<decide::Answer> Respond(const decide::Document& doc, std::string& out) override {
    const size_t first = doc.text.find_first_not_of(" \t\r");
    if (first == std::string::npos) {
      return decide::Answer::kSkipped;
    }
    query_ = screen::Query{};
    Status s = ParseQuery(doc, first);
    Result<std::vector<screen::Hit>> hits =
        s.ok() ? index_.Search(query_, options_.threshold, options_.limit)
               : Result<std::vector<screen::Hit>>(s);
    if (!hits) {
      decide::WriteErrorJson(query_.id, doc.line,
                             hits.error().WithPrefix("line " + std::to_string(doc.line)), out);
      return decide::Answer::kRefused;
    }
    ++by_outcome[hits->empty() ? "clear" : "hit"];
    WriteHits(query_.id, query_.name, *hits, out);
    return decide::Answer::kAnswered;
  }

  std::unordered_map<std::string, int64_t> by_outcome;

 private:
  Status ParseQuery(const decide::Document& doc, size_t first) {
    const std::string& text = doc.text;
    if (text[first] != '{') {
      query_.id = std::to_string(doc.line);
      query_.name = text.substr(first);
      while (!query_.name.empty() && (query_.name.back() == '\r' || query_.name.back() == ' ')) {
        query_.name.pop_back();
      }
      return Status::Ok();
    }
    simdjson::dom::object obj;
    if (parser_.parse(text).get(obj)) {
      return InvalidArgument("not a JSON object");
    }
    TG_RETURN_IF_ERROR(StringField(obj, "id", false, query_.id));
    TG_RETURN_IF_ERROR(StringField(obj, "name", true, query_.name));
    TG_RETURN_IF_ERROR(StringField(obj, "country", false, query_.country));
    TG_RETURN_IF_ERROR(StringField(obj, "type", false, query_.type));
    TG_RETURN_IF_ERROR(StringField(obj, "birth_date", false, query_.birth_date));
    simdjson::dom::element ids;
    if (!obj["identifiers"].get(ids) && !ids.is_null()) {
      simdjson::dom::array arr;
      if (ids.get_array().get(arr)) {
        return InvalidArgument("identifiers: must be an array of strings");
      }
      for (auto v : arr) {
        std::string_view id;
        if (v.get_string().get(id)) {
          return InvalidArgument("identifiers: must be an array of strings");
        }
        query_.identifiers.emplace_back(id);
      }
    }
    if (!query_.country.empty()) {
      TG_ASSIGN_OR_RETURN(Country c, impl_.countries.Lookup(query_.country));
      query_.country = c.ToString();
    }
    if (!query_.type.empty() && query_.type != "person" && query_.type != "entity" &&
        query_.type != "vessel" && query_.type != "aircraft") {
      return InvalidArgument("type: must be person, entity, vessel or aircraft");
    }
    if (query_.id.empty()) {
      query_.id = std::to_string(doc.line);
    }
    return Status::Ok();
  }

  const Engine::Impl& impl_;
  const screen::Index& index_;
  const Engine::ScreenOptions& options_;
  simdjson::dom::parser parser_;
  screen::Query query_;
};

// Answers the queries of `in` against `index`, one line of hits each.
Result<StreamStats> ScreenAgainst(const Engine::Impl& impl, const screen::Index& index,
                                  const Engine::ScreenOptions& options, Source& in, Sink& out) {
  ScreenHandler handler(impl, index, options);
  TG_ASSIGN_OR_RETURN(const decide::LineCounts counts,
                      decide::RunDocuments(in, out, StreamOptionsFor({}), handler));
  return CountedStats(counts, std::move(handler.by_outcome));
}

}  // namespace

Result<StreamStats> Engine::ScreenStream(Source& in, Sink& out,
                                         const ScreenOptions& options) const {
  if (options.lists.empty()) {
    return InvalidArgument("no lists to screen against");
  }
  std::vector<screen::ScreeningList> lists;
  lists.reserve(options.lists.size());
  for (const std::string& path : options.lists) {
    TG_ASSIGN_OR_RETURN(screen::ScreeningList list, screen::LoadList(path));
    lists.push_back(std::move(list));
  }
  TG_ASSIGN_OR_RETURN(std::unique_ptr<screen::Index> index, impl_->MakeIndex());
  for (const screen::ScreeningList& list : lists) {
    TG_RETURN_IF_ERROR(index->Add(list).status());
  }
  return ScreenAgainst(*impl_, *index, options, in, out);
}

Result<const Engine::Impl::ScreeningTools*> Engine::Impl::Screening() const {
  std::call_once(screening_once_, [this] {
    if (!snapshot_dir.empty()) {
      std::error_code ec;  // without the folder the caches are not kept; nothing else changes
      std::filesystem::create_directories(snapshot_dir, ec);
    }
    auto normalizer = screen::Normalizer::Load(data_dir, snapshot_dir);
    auto scorer = screen::NameScorer::Load(data_dir);
    auto consequences = screen::LoadListConsequences(data_dir);
    screening_error_ = !normalizer ? normalizer.status()
                       : !scorer   ? scorer.status()
                                   : consequences.status();
    if (screening_error_.ok()) {
      screening_ = std::make_unique<ScreeningTools>(
          ScreeningTools{std::move(*normalizer), std::move(*scorer), std::move(*consequences)});
    }
  });
  if (!screening_error_.ok()) {
    return screening_error_;
  }
  return screening_.get();
}

Result<std::unique_ptr<screen::Index>> Engine::Impl::MakeIndex() const {
  TG_ASSIGN_OR_RETURN(const ScreeningTools* tools, Screening());
  const CountryTable* table = &countries;
  return std::make_unique<screen::Index>(tools->normalizer, tools->scorer,
                                         [table](std::string_view text) {
                                           auto c = table->Lookup(text);
                                           return c ? c->ToString() : std::string();
                                         });
}

namespace {

// A reviewer's clearance as the ledger keeps it. The party key, the entry and its digest say
// what it covers; the rest is what the reviewer and the entry said when it was made.
Status ClearanceFromJson(std::string_view json, std::string_view key, ClearedHit& out) {
  StoredRecordReader r(json, key);
  out.party_key = r.Str("party_key");
  out.entry_id = r.Str("entry_id");
  out.entry_digest = r.Str("entry_digest");
  out.party_name = r.OptStr("party");
  out.party_id = r.OptStr("party_id");
  out.country = ParseAlpha2(r.OptStr("country")).value_or(Country());
  out.birth_date = r.OptStr("birth_date");
  out.list = r.OptStr("list");
  out.list_version = r.OptStr("list_version");
  out.entry_name = r.OptStr("entry_name");
  out.reason = r.OptStr("reason");
  out.expires = r.OptStr("expires");
  out.reviewer = r.OptStr("reviewer");
  out.cleared_at = r.OptInt("cleared_at");
  return r.Done();
}

Result<Page<ClearedHit>> ReadClearedHits(ledger::Ledger& ledger, const PageRequest& page) {
  TG_ASSIGN_OR_RETURN(Page<store::Row> rows, ledger.Clearances(page));
  Page<ClearedHit> out{.items = std::vector<ClearedHit>(rows.items.size()),
                       .next = std::move(rows.next)};
  for (size_t i = 0; i < rows.items.size(); ++i) {
    TG_RETURN_IF_ERROR(ClearanceFromJson(rows.items[i].second, rows.items[i].first, out.items[i]));
  }
  return out;
}

Result<std::vector<screen::Clearance>> ReadClearances(ledger::Ledger& ledger) {
  TG_ASSIGN_OR_RETURN(Page<ClearedHit> cleared, ReadClearedHits(ledger, {}));
  std::vector<screen::Clearance> out;
  out.reserve(cleared.items.size());
  for (ClearedHit& c : cleared.items) {
    out.push_back({std::move(c.party_key), std::move(c.entry_id), std::move(c.entry_digest),
                   std::move(c.reason), std::move(c.expires)});
  }
  return out;
}

// The fields that name a hit: the list (`list_name`) and its version, the entry, the name
// matched and the score.
void WriteHit(JsonWriter& w, const screen::Hit& h, std::string_view list_name) {
  w.Key("list").String(list_name).Key("list_version").String(h.list->version);
  w.Key("entry_id").String(h.entry->entry_id).Key("name").String(h.entry->name);
  w.Key("matched_name").String(*h.matched_name);
  w.Key("score").Number(std::round(h.score * 1e4) / 1e4);
}

// Records a hit of a party on record as an alert for review: found when the list changed
// (`list_name` as kept) or when the party was added (`raised_by`, else omitted).
Status AddScreeningAlert(ledger::Ledger& l, const PartyRecord& p, const screen::Hit& h,
                         std::string_view list_name, std::string_view raised_by) {
  std::string alert;
  JsonWriter w(alert);
  w.BeginObject().Key("kind").String("screening").Key("party").String(p.id);
  w.Key("party_name").String(p.name);
  WriteHit(w, h, list_name);
  if (!raised_by.empty()) {
    w.Key("raised_by").String(raised_by);
  }
  w.EndObject();
  return l.AddAlert("screening/" + h.list->version + "/" + p.id + "/" + h.entry->entry_id, alert);
}

// The kept lists, parsed, in name order.
Result<std::vector<std::pair<std::string, screen::ScreeningList>>> KeptLists(ledger::Ledger& l) {
  TG_ASSIGN_OR_RETURN(auto rows, l.StoredLists());
  std::vector<std::pair<std::string, screen::ScreeningList>> out;
  for (const auto& [name, json] : rows) {
    auto list = screen::ListFromJson(json);
    if (!list) {
      return list.status().WithPrefix("list " + name);
    }
    out.emplace_back(name, std::move(*list));
  }
  return out;
}

// Size and modification time of every file under `dir`, in name order: what a snapshot was
// built from besides the lists.
void AddFilesOf(const std::filesystem::path& dir, std::string& out) {
  for (const auto& f : FilesUnder(dir)) {
    out += FileStamp(f);
  }
}

// Names what a snapshot is built from: the lists (name order, by name and version), the program (a
// rebuilt program may key names otherwise), the screening data and the system word lists and
// Han readings the normaliser reads.
std::string SnapshotKey(const Engine::Impl& impl, const ledger::Ledger::ListVersions& lists) {
  std::string what = "tierguard screening snapshot 2\n";
  for (const auto& [name, version] : lists) {
    what += name + " " + version + "\n";
  }
  std::error_code ec;
  const std::filesystem::path program = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    what += FileStamp(program);
  }
  AddFilesOf(std::filesystem::path(impl.data_dir) / "screening", what);
  AddFilesOf("/usr/share/dict", what);
  AddFilesOf("/usr/share/unicode", what);
  return Sha256Hex(what);
}

// The key and file of the snapshot of `lists`; both empty for a ledger that keeps no
// snapshots (one in memory).
std::pair<std::string, std::string> SnapshotOf(const Engine::Impl& impl,
                                               const ledger::Ledger::ListVersions& lists) {
  if (impl.snapshot_dir.empty()) {
    return {};
  }
  std::string key = SnapshotKey(impl, lists);
  std::string path = impl.snapshot_dir + "/" + key + ".idx";
  return {std::move(key), std::move(path)};
}

void WriteSnapshot(const screen::Index& index, const std::string& dir, const std::string& path,
                   const std::string& key) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !index.SaveSnapshot(path, key).ok()) {
    return;
  }
  // One snapshot is kept: those of lists no longer kept, or of another program, go.
  for (auto it = std::filesystem::directory_iterator(dir, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (it->path() != path && it->path().extension() == ".idx") {
      std::filesystem::remove(it->path(), ec);
    }
  }
}

}  // namespace

namespace {

// The kept lists and their index, as LoadScreening reads them when no engine cache holds
// them: from the snapshot of `manifest`'s versions (no list read), else from the ledger (then
// from the snapshot of their versions, or indexed and written to one). Null when the ledger
// keeps no list.
Result<std::shared_ptr<const Engine::Impl::KeptScreening>> ReadKeptScreening(
    const Engine::Impl& impl, ledger::Ledger& ledger,
    const std::optional<ledger::Ledger::ListVersions>& manifest) {
  auto kept = std::make_shared<Engine::Impl::KeptScreening>();
  TG_ASSIGN_OR_RETURN(kept->index, impl.MakeIndex());
  // The snapshot is a cache: one that cannot be written (a read-only folder) or read
  // (damaged; it is then written again) costs time, never an answer.
  const auto [key, path] =
      manifest ? SnapshotOf(impl, *manifest) : std::pair<std::string, std::string>();
  if (!path.empty() && kept->index->LoadSnapshotWithLists(path, key, kept->lists).ok()) {
    return std::shared_ptr<const Engine::Impl::KeptScreening>(std::move(kept));
  }
  TG_ASSIGN_OR_RETURN(auto stored, KeptLists(ledger));
  if (stored.empty()) {
    return std::shared_ptr<const Engine::Impl::KeptScreening>();
  }
  ledger::Ledger::ListVersions versions;
  kept->lists.clear();
  for (auto& [name, list] : stored) {
    versions.emplace_back(name, list.version);
    kept->lists.push_back(std::move(list));
  }
  std::vector<const screen::ScreeningList*> lists;
  for (const screen::ScreeningList& list : kept->lists) {
    lists.push_back(&list);
  }
  TG_ASSIGN_OR_RETURN(kept->index, impl.MakeIndex());
  const auto [kept_key, kept_path] = SnapshotOf(impl, versions);
  if (kept_path.empty() || !kept->index->LoadSnapshot(kept_path, kept_key, lists).ok()) {
    TG_ASSIGN_OR_RETURN(kept->index, impl.MakeIndex());
    for (const screen::ScreeningList* list : lists) {
      TG_RETURN_IF_ERROR(kept->index->Add(*list).status());
    }
    if (!kept_path.empty()) {
      WriteSnapshot(*kept->index, impl.snapshot_dir, kept_path, kept_key);
    }
  }
  return std::shared_ptr<const Engine::Impl::KeptScreening>(std::move(kept));
}

}  // namespace

std::shared_ptr<const Engine::Impl::KeptScreening> Engine::Impl::CachedScreening(
    std::string_view versions) const {
  std::lock_guard<std::mutex> lock(cache_mu_);
  return cached_ != nullptr && cached_versions_ == versions ? cached_ : nullptr;
}

void Engine::Impl::CacheScreening(std::string versions,
                                  std::shared_ptr<const KeptScreening> kept) const {
  std::lock_guard<std::mutex> lock(cache_mu_);
  cached_versions_ = std::move(versions);
  cached_ = std::move(kept);
}

namespace {

// The kept lists' index for the versions `ledger` sees, from the engine's cache or read; null
// when the ledger keeps no list.
Result<std::shared_ptr<const Engine::Impl::KeptScreening>> KeptIndexNow(const Engine::Impl& impl,
                                                                        ledger::Ledger& ledger) {
  TG_ASSIGN_OR_RETURN(auto manifest, ledger.KeptListVersions());
  if (manifest && manifest->empty()) {
    return std::shared_ptr<const Engine::Impl::KeptScreening>();
  }
  // The versions this transaction sees, as the cache's key (a ledger from before the manifest
  // is not cached: it names no versions without reading its lists).
  std::string versions;
  if (manifest) {
    for (const auto& [name, version] : *manifest) {
      versions += name + " " + version + "\n";
    }
  }
  auto kept = manifest ? impl.CachedScreening(versions) : nullptr;
  if (kept == nullptr) {
    TG_ASSIGN_OR_RETURN(kept, ReadKeptScreening(impl, ledger, manifest));
    if (kept != nullptr && manifest) {
      impl.CacheScreening(std::move(versions), kept);
    }
  }
  return kept;
}

Result<std::unique_ptr<ScreeningContext>> LoadScreeningNow(const Engine::Impl& impl,
                                                           store::Transaction& txn) {
  // Read only: no record is stamped or signed with the clock and actor.
  ledger::Ledger ledger(txn, impl.system_clock, "");
  auto ctx = std::make_unique<ScreeningContext>();
  TG_ASSIGN_OR_RETURN(ctx->kept, KeptIndexNow(impl, ledger));
  if (ctx->kept == nullptr) {
    return std::unique_ptr<ScreeningContext>();
  }
  TG_ASSIGN_OR_RETURN(auto clearances, ReadClearances(ledger));
  TG_ASSIGN_OR_RETURN(const Engine::Impl::ScreeningTools* tools, impl.Screening());
  ctx->screener = std::make_unique<screen::PartyScreener>(
      *ctx->kept->index, tools->consequences, screen::kDefaultThreshold, std::move(clearances));
  return ctx;
}

}  // namespace

void Engine::Impl::OpenStoreAside(const std::string& db, bool prefetch) {
  opening_ = std::make_shared<Opening>();
  aside_ = std::async(std::launch::async, [this, opening = opening_, db, prefetch] {
             opening->store = store::OpenStore(db);
             store::Store* opened = opening->store ? opening->store->get() : nullptr;
             opening->opened.set_value();
             if (!prefetch || opened == nullptr) {
               return;
             }
             // A failure here is met again, and reported, by the command that loads them.
             if (auto txn = opened->BeginRead(); txn) {
               (void)LoadScreeningNow(*this, **txn);
             }
           }).share();
}

Status Engine::Impl::TakeStore() {
  opening_->opened.get_future().wait();
  TG_ASSIGN_OR_RETURN(store, std::move(opening_->store));
  return Status::Ok();
}

Result<std::unique_ptr<ScreeningContext>> LoadScreening(const Engine::Impl& impl,
                                                        store::Transaction& txn) {
  impl.AwaitAside();  // a prefetch has put its index in the cache, when the versions are these
  return LoadScreeningNow(impl, txn);
}

Result<StreamStats> Session::ScreenKept(Source& in, Sink& out, double threshold,
                                        size_t limit) const {
  impl_->AwaitAside();  // a prefetch has put its index in the cache, when the versions are these
  TG_ASSIGN_OR_RETURN(
      std::shared_ptr<const Engine::Impl::KeptScreening> kept,
      InTransaction(
          *this, [&](ledger::Ledger& l) { return KeptIndexNow(*impl_, l); }, Access::kRead));
  if (kept == nullptr) {
    return FailedPrecondition(
        "the ledger keeps no screening list to screen against (load one: lists load)");
  }
  return ScreenAgainst(*impl_, *kept->index, {.threshold = threshold, .limit = limit}, in, out);
}

namespace {

void WriteDelta(JsonWriter& w, const screen::ListDelta& d) {
  w.Key("added").Int(static_cast<int64_t>(d.added.size()));
  w.Key("removed").Int(static_cast<int64_t>(d.removed.size()));
  w.Key("changed").Int(static_cast<int64_t>(d.changed.size()));
}

// Keeps `list` (read from `path`) under `name`, as LoadScreeningList describes.
Result<std::string> KeepList(const Session& session, const Engine::Impl& impl,
                             screen::ScreeningList list, const std::string& path,
                             std::string_view name) {
  const std::string list_name = name.empty() ? screen::DefaultListName(list) : std::string(name);
  // Index the list before taking the write lock: it is the slow part.
  TG_ASSIGN_OR_RETURN(std::unique_ptr<screen::Index> index, impl.MakeIndex());
  TG_RETURN_IF_ERROR(index->Add(list).status());
  return InTransaction(session, [&](ledger::Ledger& l) -> Result<std::string> {
    TG_ASSIGN_OR_RETURN(auto previous_json, l.StoredList(list_name));
    screen::ScreeningList previous;
    if (previous_json) {
      TG_ASSIGN_OR_RETURN(previous, screen::ListFromJson(*previous_json));
    }
    const screen::ListDelta delta = screen::DiffLists(previous, list);
    // Re-screen the parties on record against what is new or changed.
    std::vector<std::string> fresh(delta.added);
    fresh.insert(fresh.end(), delta.changed.begin(), delta.changed.end());
    std::sort(fresh.begin(), fresh.end());
    TG_ASSIGN_OR_RETURN(Page<PartyRecord> parties, l.Parties());
    int64_t alerts = 0;
    for (const PartyRecord& p : parties.items) {
      TG_ASSIGN_OR_RETURN(
          auto hits,
          index->Search(screen::Query{.id = p.id, .name = p.name, .country = p.country.ToString()},
                        screen::kDefaultThreshold, 10));
      for (const screen::Hit& h : hits) {
        if (!std::binary_search(fresh.begin(), fresh.end(), h.entry->entry_id)) {
          continue;
        }
        TG_RETURN_IF_ERROR(AddScreeningAlert(l, p, h, list_name, ""));
        ++alerts;
      }
    }
    std::string summary;
    JsonWriter w(summary);
    w.BeginObject().Key("list").String(list_name).Key("source").String(path);
    w.Key("format").String(list.format).Key("version").String(list.version);
    w.Key("previous_version");
    if (previous_json) {
      w.String(previous.version);
    } else {
      w.Null();
    }
    w.Key("entries").Int(static_cast<int64_t>(list.entries.size()));
    w.Key("names").Int(static_cast<int64_t>(index->names()));
    WriteDelta(w, delta);
    w.Key("alerts").Int(alerts).EndObject();
    TG_ASSIGN_OR_RETURN(auto manifest, l.KeptListVersions());
    if (!manifest) {  // lists kept before the manifest: note their versions once
      TG_ASSIGN_OR_RETURN(auto kept, KeptLists(l));
      for (const auto& [kept_name, kept_list] : kept) {
        TG_RETURN_IF_ERROR(l.NoteListVersion(kept_name, kept_list.version));
      }
      TG_RETURN_IF_ERROR(l.MarkListVersionsComplete());
    }
    TG_RETURN_IF_ERROR(l.StoreList(list_name, list.version, screen::ListToJson(list), summary));
    return summary;
  });
}

}  // namespace

Result<std::string> Session::LoadScreeningList(const std::string& path,
                                               std::string_view name) const {
  TG_ASSIGN_OR_RETURN(screen::ScreeningList list, screen::LoadList(path));
  return KeepList(*this, *impl_, std::move(list), path, name);
}

Result<std::string> Session::LoadScreeningListText(std::string_view source, std::string_view bytes,
                                                   std::string_view name) const {
  TG_ASSIGN_OR_RETURN(screen::ScreeningList list, screen::ParseList(std::string(source), bytes));
  return KeepList(*this, *impl_, std::move(list), std::string(source), name);
}

Result<Page<KeptList>> Session::ScreeningLists(const PageRequest& page) const {
  return InTransaction(
      *this,
      [&](ledger::Ledger& l) -> Result<Page<KeptList>> {
        TG_ASSIGN_OR_RETURN(auto kept, KeptLists(l));
        return PageOf<KeptList>(kept, page, [](const auto& named) {
          const auto& [name, list] = named;
          return KeptList{.name = name,
                          .version = list.version,
                          .format = list.format,
                          .source = list.source,
                          .entries = static_cast<int64_t>(list.entries.size())};
        });
      },
      Access::kRead);
}

Result<std::vector<std::pair<std::string, std::string>>> Session::KeptListVersions() const {
  return InTransaction(
      *this,
      [&](ledger::Ledger& l) -> Result<std::vector<std::pair<std::string, std::string>>> {
        TG_ASSIGN_OR_RETURN(auto manifest, l.KeptListVersions());
        if (manifest) {
          return *manifest;
        }
        // A ledger whose lists were kept before the manifest: their versions are in them.
        TG_ASSIGN_OR_RETURN(auto kept, KeptLists(l));
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& [name, list] : kept) {
          out.emplace_back(name, list.version);
        }
        return out;
      },
      Access::kRead);
}

Result<std::string> Engine::DiffListFiles(const std::string& before,
                                          const std::string& after) const {
  TG_ASSIGN_OR_RETURN(screen::ScreeningList a, screen::LoadList(before));
  TG_ASSIGN_OR_RETURN(screen::ScreeningList b, screen::LoadList(after));
  const screen::ListDelta d = screen::DiffLists(a, b);
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("before").String(a.version).Key("after").String(b.version);
  for (const auto& [key, ids] :
       {std::pair<const char*, const std::vector<std::string>*>{"added", &d.added},
        {"removed", &d.removed},
        {"changed", &d.changed}}) {
    w.Key(key).BeginArray();
    for (const std::string& id : *ids) {
      w.String(id);
    }
    w.EndArray();
  }
  w.EndObject();
  return out;
}

namespace {

// The party key a clearance names its party by (its id, else its name, country and birth
// date), or InvalidArgument naming what is missing. The clearance is kept under it, "|", and
// the entry id.
Result<std::string> ClearancePartyKey(const HitClearance& c) {
  if (c.party_name.empty() || c.entry_id.empty()) {
    return InvalidArgument("a clearance needs the party's name and the entry id");
  }
  if (c.party_id.empty() && c.country.empty()) {
    return InvalidArgument(
        "a clearance names one party: give its id, or its country (and its "
        "birth date for a person); a name alone may be anyone's");
  }
  if (!c.birth_date.empty() && !Date::Parse(c.birth_date) &&
      !(c.birth_date.size() == 4 && std::all_of(c.birth_date.begin(), c.birth_date.end(),
                                                [](char ch) { return ch >= '0' && ch <= '9'; }))) {
    return InvalidArgument("birth_date: '" + Excerpt(c.birth_date, 20) +
                           "' is not YYYY or YYYY-MM-DD");
  }
  const auto keys = screen::PartyKeys(c.party_id, c.party_name, c.country.ToString(), c.birth_date);
  return keys.front();  // the id's key when there is one
}

// The hits of a party on record that no clearance covers (a party on record gives its name,
// country and id; no birth date).
Result<std::vector<screen::Hit>> OpenHitsOf(const ScreeningContext& ctx,
                                            const std::vector<screen::Clearance>& clearances,
                                            const PartyRecord& p) {
  const std::string country = p.country.ToString();
  const auto keys = screen::PartyKeys(p.id, p.name, country, "");
  TG_ASSIGN_OR_RETURN(auto hits, ctx.kept->index->Search(
                                     screen::Query{.id = p.id, .name = p.name, .country = country},
                                     screen::kDefaultThreshold, 10));
  std::erase_if(hits, [&](const screen::Hit& h) {
    for (const screen::Clearance& c : clearances) {
      if (c.entry_id == h.entry->entry_id && c.entry_digest == screen::EntryDigest(*h.entry) &&
          std::find(keys.begin(), keys.end(), c.party_key) != keys.end()) {
        return true;
      }
    }
    return false;
  });
  return hits;
}

}  // namespace

Result<int64_t> ScreenPartyOnRecord(const Engine::Impl& impl, ledger::Ledger& l,
                                    const PartyRecord& p) {
  TG_ASSIGN_OR_RETURN(auto ctx, LoadScreening(impl, l.txn()));
  if (!ctx || p.name.empty()) {
    return 0;
  }
  TG_ASSIGN_OR_RETURN(auto clearances, ReadClearances(l));
  TG_ASSIGN_OR_RETURN(const auto hits, OpenHitsOf(*ctx, clearances, p));
  int64_t alerts = 0;
  for (const screen::Hit& h : hits) {
    TG_RETURN_IF_ERROR(AddScreeningAlert(l, p, h, h.entry->list, "party.add"));
    ++alerts;
  }
  return alerts;
}

Status Session::ClearHit(const HitClearance& c) const {
  TG_ASSIGN_OR_RETURN(const std::string party_key, ClearancePartyKey(c));
  if (c.reason.empty()) {
    return InvalidArgument("reason: required (say why the hit is a false positive)");
  }
  if (!c.expires.empty()) {
    TG_RETURN_IF_ERROR(Date::Parse(c.expires).status().WithPrefix("expires"));
  }
  return InTransaction(*this, [&](ledger::Ledger& l) -> Status {
    TG_ASSIGN_OR_RETURN(auto ctx, LoadScreening(*impl_, l.txn()));
    if (!ctx) {
      return NotFound("no list is kept in the ledger, so no entry '" + Excerpt(c.entry_id, 80) +
                      "' (see tierguard lists load)");
    }
    const screen::ListEntry* entry = nullptr;
    std::string list_name;
    std::string list_version;
    for (const screen::ScreeningList& list : ctx->kept->lists) {
      for (const screen::ListEntry& e : list.entries) {
        if (e.entry_id == c.entry_id) {
          entry = &e;
          list_name = e.list;
          list_version = list.version;
        }
      }
    }
    if (entry == nullptr) {
      return NotFound("no kept list has an entry '" + Excerpt(c.entry_id, 80) +
                      "' (see tierguard lists list)");
    }
    // Only a hit can be cleared: the party, screened as decisions screen it, must match it.
    TG_ASSIGN_OR_RETURN(auto hits,
                        ctx->kept->index->Search(screen::Query{.id = c.party_id,
                                                               .name = c.party_name,
                                                               .country = c.country.ToString(),
                                                               .birth_date = c.birth_date},
                                                 screen::kDefaultThreshold, 50));
    bool hit = false;
    for (const screen::Hit& h : hits) {
      hit = hit || h.entry->entry_id == c.entry_id;
    }
    if (!hit) {
      return FailedPrecondition("'" + Excerpt(c.party_name, 80) + "' has no hit on " + c.entry_id +
                                " at or above the threshold: there is nothing to clear");
    }
    std::string json;
    JsonWriter w(json);
    w.BeginObject().Key("party").String(c.party_name).Key("party_id").String(c.party_id);
    w.Key("country").String(c.country.ToString());
    w.Key("birth_date").String(c.birth_date);
    w.Key("party_key").String(party_key);
    w.Key("list").String(list_name).Key("list_version").String(list_version);
    w.Key("entry_id").String(entry->entry_id).Key("entry_name").String(entry->name);
    w.Key("entry_digest").String(screen::EntryDigest(*entry)).Key("reason").String(c.reason);
    w.Key("expires").String(c.expires).Key("reviewer").String(actor_);
    w.Key("cleared_at").Int(clock_->NowUnix()).EndObject();
    return l.AddClearance(party_key + "|" + c.entry_id, std::move(json));
  });
}

Status Session::RevokeClearance(const HitClearance& c) const {
  TG_ASSIGN_OR_RETURN(const std::string party_key, ClearancePartyKey(c));
  if (c.reason.empty()) {
    return InvalidArgument("reason: required (say why the clearance is withdrawn)");
  }
  return InTransaction(*this, [&](ledger::Ledger& l) -> Status {
    std::string json;
    JsonWriter w(json);
    w.BeginObject().Key("reason").String(c.reason).Key("reviewer").String(actor_);
    w.Key("revoked_at").Int(clock_->NowUnix()).EndObject();
    return l.RemoveClearance(party_key + "|" + c.entry_id, std::move(json));
  });
}

Result<Page<OpenHit>> Session::OpenHits(const PageRequest& page) const {
  return InTransaction(
      *this,
      [&](ledger::Ledger& l) -> Result<Page<OpenHit>> {
        Page<OpenHit> out;
        TG_ASSIGN_OR_RETURN(auto ctx, LoadScreening(*impl_, l.txn()));
        if (!ctx) {
          return out;  // no lists kept: nothing is screened
        }
        TG_ASSIGN_OR_RETURN(auto clearances, ReadClearances(l));
        TG_ASSIGN_OR_RETURN(Page<PartyRecord> parties, l.Parties(page));
        out.next = std::move(parties.next);
        for (const PartyRecord& p : parties.items) {
          TG_ASSIGN_OR_RETURN(const auto hits, OpenHitsOf(*ctx, clearances, p));
          for (const screen::Hit& h : hits) {
            out.items.push_back({.party = p.id,
                                 .party_name = p.name,
                                 .country = p.country,
                                 .list = h.entry->list,
                                 .list_version = h.list->version,
                                 .entry_id = h.entry->entry_id,
                                 .entry_name = h.entry->name,
                                 .matched_name = *h.matched_name,
                                 .score = std::round(h.score * 1e4) / 1e4});
          }
        }
        return out;
      },
      Access::kRead);
}

Result<Page<ClearedHit>> Session::ClearedHits(const PageRequest& page) const {
  return InTransaction(
      *this, [&](ledger::Ledger& l) { return ReadClearedHits(l, page); }, Access::kRead);
}

}  // namespace tg
