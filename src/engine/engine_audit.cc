// The Session's audit-log commands: signed checkpoints, inclusion proofs, bundle export (the
// writing is audit::ExportBundle's) and replay.
#include <simdjson.h>

#include "src/audit/audit_log.h"
#include "src/audit/bundle_writer.h"
#include "src/audit/note.h"
#include "src/common/digest.h"
#include "src/decide/output.h"
#include "src/decide/request_json.h"
#include "src/engine/engine_impl.h"
#include "src/ledger/ledger.h"
#include "src/ledger/reconcile.h"
#include "src/regime/regime_set.h"

namespace tg {

namespace {

// "sha256:" and 64 lower-case hex digits: the only form a regime's content hash takes.
bool IsContentHash(std::string_view h) {
  return h.starts_with("sha256:") && IsSha256Hex(h.substr(7));
}

}  // namespace

Result<Session::Replay> Session::AuditReplay(uint64_t index) const {
  TG_ASSIGN_OR_RETURN(store::Store * store, impl_->Ledger());
  TG_ASSIGN_OR_RETURN(auto txn, store->BeginRead());
  audit::AuditLog log(*txn);
  TG_ASSIGN_OR_RETURN(uint64_t size, log.Size());
  if (index >= size) {
    return NotFound("the log has " + std::to_string(size) + " records");
  }
  // The ledger as it stood before record `index`, rebuilt from the records before it (each
  // checked against the tree as it is read).
  ledger::LogReplayer replayer({.keep_view_tables = true});
  std::string record;
  TG_RETURN_IF_ERROR(log.ScanRecords(0, index + 1, [&](uint64_t i, std::string_view r) {
    if (i < index) {
      replayer.Apply(i, r);
    } else {
      record = r;
    }
    return Status::Ok();
  }));
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view kind;
  std::string_view subject;
  if (parser.parse(record).get(doc) || doc["kind"].get_string().get(kind) ||
      doc["subject"].get_string().get(subject)) {
    return DataLoss("audit record " + std::to_string(index) + " does not parse");
  }
  if (!audit::CarriesRequest(kind)) {
    return InvalidArgument("record " + std::to_string(index) + " is a " + std::string(kind) +
                           ", not a decision");
  }
  Replay out;
  out.index = index;
  out.id = std::string(subject);
  TG_ASSIGN_OR_RETURN(std::string_view body, audit::RecordBody(record));
  TG_ASSIGN_OR_RETURN(ledger::MovementBodyFields fields, ledger::ParseMovementBody(body));
  const std::string& digest_s = fields.request_sha256;
  const std::string& regime_hash_s = fields.movement.regime_hash;
  if (!IsContentHash(regime_hash_s)) {
    return DataLoss("audit record " + std::to_string(index) +
                    ": regime_hash is not sha256: and 64 hex digits");
  }
  auto state = store::OpenMemoryStore();
  TG_ASSIGN_OR_RETURN(auto rebuilt, state->Begin());
  TG_RETURN_IF_ERROR(replayer.WriteState(*rebuilt));
  ledger::Ledger ledger(*txn, *clock_, actor_);
  auto movement = ledger::MovementOfRecord(*txn, kind, subject, index);
  if (!movement) {
    return DataLoss(movement.error().message());
  }
  const std::string& request_text = movement->request;
  if (audit::Hex(audit::Sha256(request_text)) != digest_s) {
    return DataLoss("the stored request of " + out.id + " does not match the digest in record " +
                    std::to_string(index));
  }
  TG_ASSIGN_OR_RETURN(out.logged, ledger.RecordedDecision(*movement));
  // The regime version that decided it: loaded now, or kept in the ledger by content hash.
  const regime::Regime* regime = nullptr;
  for (const auto& r : impl_->regimes.all()) {
    regime = r->content_hash == regime_hash_s ? r.get() : regime;
  }
  std::unique_ptr<regime::Regime> kept;
  if (regime == nullptr) {
    TG_ASSIGN_OR_RETURN(auto source, txn->Get(audit::kAuditTable, "regime/" + regime_hash_s));
    if (!source) {
      return DataLoss("regime " + regime_hash_s + " is not kept in the ledger");
    }
    // From memory: the kept text never touches the file system.
    TG_ASSIGN_OR_RETURN(
        kept, regime::RegimeSet::LoadText("kept regime " + regime_hash_s, *source, impl_->groups,
                                          impl_->classifier.eccns()));
    if (kept->content_hash != regime_hash_s) {
      return DataLoss("the regime kept as " + regime_hash_s + " hashes to " + kept->content_hash);
    }
    regime = kept.get();
  }
  Request request;
  TG_RETURN_IF_ERROR(decide::ParseRequestJson(request_text, impl_->countries, 0, request));
  ledger::View view(*rebuilt);
  BatchState batch;
  batch.set_view(&view);
  Decision decision;
  decision.id = request.id;
  impl_->determiner->DecideUnder(*regime, request, batch, decision);
  if (!decision.error.ok()) {
    return decision.error;
  }
  decide::WriteDecisionJson(decision, out.replayed);
  // A structuring alert is added by the ledger after the decision; it is not part of it.
  std::string logged = out.logged;
  const size_t alert = logged.find(",{\"rule\":\"structuring-alert\"");
  if (alert != std::string::npos) {
    logged.erase(alert, logged.find("}]", alert) + 1 - alert);
  }
  out.same = logged == out.replayed;
  // The counters it moved, too: a decision printed the same can still have logged other deltas.
  const auto& logged_deltas = fields.movement.deltas;
  bool same_deltas = logged_deltas.size() == decision.counter_deltas.size();
  for (size_t i = 0; same_deltas && i < logged_deltas.size(); ++i) {
    same_deltas = logged_deltas[i].key == decision.counter_deltas[i].first &&
                  logged_deltas[i].amount == decision.counter_deltas[i].second;
  }
  if (!same_deltas) {
    out.same = false;
    out.difference = "the record's counter deltas differ from the replayed decision's:";
    for (const auto& d : logged_deltas) {
      out.difference += " logged " + d.key + " " + std::to_string(d.amount) + ";";
    }
    for (const auto& [key, amount] : decision.counter_deltas) {
      out.difference += " replayed " + key + " " + std::to_string(amount) + ";";
    }
  }
  return out;
}

Result<std::string> Session::AuditCheckpoint(std::string_view private_key) const {
  TG_ASSIGN_OR_RETURN(store::Store * store, impl_->Ledger());
  TG_ASSIGN_OR_RETURN(auto txn, store->BeginRead());
  audit::AuditLog log(*txn);
  TG_ASSIGN_OR_RETURN(uint64_t size, log.Size());
  TG_RETURN_IF_ERROR(log.CheckRecords(size));
  return audit::SignedCheckpoint(log, size, private_key);
}

Result<std::string> Session::AuditProve(std::string_view id, std::string_view private_key) const {
  TG_ASSIGN_OR_RETURN(store::Store * store, impl_->Ledger());
  TG_ASSIGN_OR_RETURN(auto txn, store->BeginRead());
  ledger::Ledger ledger(*txn, *clock_, actor_);
  TG_ASSIGN_OR_RETURN(auto shipped, ledger.FindShipment(id));
  TG_ASSIGN_OR_RETURN(auto held, ledger.FindReservation(id));
  if (!shipped && !held) {
    return NotFound("request id: no recorded decision for request '" + std::string(id) + "'");
  }
  const uint64_t index = shipped ? shipped->audit_index : held->audit_index;
  audit::AuditLog log(*txn);
  TG_ASSIGN_OR_RETURN(uint64_t size, log.Size());
  TG_ASSIGN_OR_RETURN(auto proof, log.InclusionProof(index, size));
  TG_ASSIGN_OR_RETURN(std::string record, log.Record(index));
  std::string out = "c2sp.org/tlog-proof@v1\nextra " + audit::Base64(record) + "\nindex " +
                    std::to_string(index) + "\n";
  for (const audit::Hash& h : proof) {
    out += audit::Base64(audit::AsBytes(h)) + "\n";
  }
  out += "\n";
  if (private_key.empty()) {
    TG_ASSIGN_OR_RETURN(audit::Hash root, log.Root(size));
    out += audit::FormatCheckpoint({"unsigned", size, root});
  } else {
    // A signed proof signs the tree head: the records are checked first, as for a checkpoint.
    TG_RETURN_IF_ERROR(log.CheckRecords(size));
    TG_ASSIGN_OR_RETURN(std::string checkpoint, audit::SignedCheckpoint(log, size, private_key));
    out += checkpoint;
  }
  return out;
}

Result<uint64_t> Session::AuditSize() const {
  TG_ASSIGN_OR_RETURN(store::Store * store, impl_->Ledger());
  TG_ASSIGN_OR_RETURN(auto txn, store->BeginRead());
  return audit::AuditLog(*txn).Size();
}

Result<std::vector<std::string>> Session::AuditRecords(uint64_t from, uint64_t to) const {
  TG_ASSIGN_OR_RETURN(store::Store * store, impl_->Ledger());
  TG_ASSIGN_OR_RETURN(auto txn, store->BeginRead());
  audit::AuditLog log(*txn);
  TG_ASSIGN_OR_RETURN(uint64_t size, log.Size());
  if (to == 0) {
    to = size;
  }
  if (from > to || to > size) {
    return InvalidArgument("records [" + std::to_string(from) + ", " + std::to_string(to) +
                           "): the log holds records [0, " + std::to_string(size) + ")");
  }
  std::vector<std::string> out;
  out.reserve(to - from);
  for (uint64_t i = from; i < to; ++i) {
    TG_ASSIGN_OR_RETURN(std::string record, log.Record(i));
    out.push_back(std::move(record));
  }
  return out;
}

Result<BundleReport> Session::AuditExport(std::string_view private_key, uint64_t from, uint64_t to,
                                          const std::string& out) const {
  TG_ASSIGN_OR_RETURN(store::Store * store, impl_->Ledger());
  TG_ASSIGN_OR_RETURN(auto txn, store->BeginRead());
  audit::AuditLog log(*txn);
  // A record that carries a request (by its digest) has the request itself beside it in the
  // bundle, from its ledger row; NotFound when the ledger lost the row (the bundle says so).
  return audit::ExportBundle(
      log, from, to, out, private_key,
      [&](uint64_t index, std::string_view kind, std::string_view subject) -> Result<std::string> {
        TG_ASSIGN_OR_RETURN(ledger::Movement movement,
                            ledger::MovementOfRecord(*txn, kind, subject, index));
        return movement.request;
      });
}

}  // namespace tg
