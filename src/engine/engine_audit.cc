// The Engine's audit-log commands: signed checkpoints, inclusion proofs, bundle export.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "src/audit/audit_log.h"
#include "src/audit/note.h"
#include "src/engine/engine_impl.h"
#include "src/ledger/ledger.h"

namespace tg {

namespace {

// The log's origin line is the name of the key that signs it.
Result<std::string> OriginOf(std::string_view private_key) {
  if (!private_key.starts_with("PRIVATE+KEY+")) {
    return InvalidArgument("--key: expected a PRIVATE+KEY+… file (tierguard audit keygen)");
  }
  const std::string_view rest = private_key.substr(12);
  return std::string(rest.substr(0, rest.find('+')));
}

Result<std::string> SignedCheckpoint(audit::AuditLog& log, uint64_t size,
                                     std::string_view private_key) {
  TG_ASSIGN_OR_RETURN(std::string origin, OriginOf(private_key));
  TG_ASSIGN_OR_RETURN(audit::Hash root, log.Root(size));
  return audit::SignNote(audit::FormatCheckpoint({origin, size, root}), private_key);
}

Status WriteFile(const std::string& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    return Status(StatusCode::kUnavailable, path + ": cannot write");
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> Engine::AuditCheckpoint(std::string_view private_key) const {
  TG_ASSIGN_OR_RETURN(store::Store * store, impl_->Ledger());
  TG_ASSIGN_OR_RETURN(auto txn, store->BeginRead());
  audit::AuditLog log(*txn);
  TG_ASSIGN_OR_RETURN(uint64_t size, log.Size());
  return SignedCheckpoint(log, size, private_key);
}

Result<std::string> Engine::AuditProve(std::string_view id, std::string_view private_key) const {
  TG_ASSIGN_OR_RETURN(store::Store * store, impl_->Ledger());
  TG_ASSIGN_OR_RETURN(auto txn, store->BeginRead());
  ledger::Ledger ledger(*txn, *impl_->clock, impl_->actor);
  TG_ASSIGN_OR_RETURN(auto shipped, ledger.FindShipment(id));
  TG_ASSIGN_OR_RETURN(auto held, ledger.FindReservation(id));
  if (!shipped && !held) {
    return NotFound("--id: no recorded decision for request '" + std::string(id) + "'");
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
    TG_ASSIGN_OR_RETURN(std::string checkpoint, SignedCheckpoint(log, size, private_key));
    out += checkpoint;
  }
  return out;
}

Result<BundleReport> Engine::AuditExport(std::string_view private_key, uint64_t from,
                                         uint64_t to, const std::string& out) const {
  TG_ASSIGN_OR_RETURN(store::Store * store, impl_->Ledger());
  TG_ASSIGN_OR_RETURN(auto txn, store->BeginRead());
  audit::AuditLog log(*txn);
  TG_ASSIGN_OR_RETURN(uint64_t size, log.Size());
  if (to == 0) {
    to = size;
  }
  if (to > size || from > to) {
    return InvalidArgument("--from/--to: the log has " + std::to_string(size) +
                           " records; asked for [" + std::to_string(from) + ", " +
                           std::to_string(to) + ")");
  }
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) {
    return Status(StatusCode::kUnavailable, out + ": " + ec.message());
  }
  // The frontier: the perfect subtrees covering [0, from), largest first.
  std::string frontier = "from " + std::to_string(from) + "\n";
  uint64_t begin = 0;
  for (int level = 63; level >= 0; --level) {
    const uint64_t width = uint64_t{1} << level;
    if (from - begin >= width) {
      TG_ASSIGN_OR_RETURN(audit::Hash h, log.SubtreeRoot(begin, begin + width));
      frontier += std::to_string(level) + " " + audit::Base64(audit::AsBytes(h)) + "\n";
      begin += width;
    }
  }
  std::string records;
  std::string leaves;
  for (uint64_t i = from; i < to; ++i) {
    TG_ASSIGN_OR_RETURN(std::string r, log.Record(i));
    leaves += audit::Base64(audit::AsBytes(audit::LeafHash(r))) + "\n";
    records += r;
    records += '\n';
  }
  TG_ASSIGN_OR_RETURN(std::string checkpoint, SignedCheckpoint(log, to, private_key));
  TG_RETURN_IF_ERROR(WriteFile(out + "/frontier", frontier));
  TG_RETURN_IF_ERROR(WriteFile(out + "/leaves", leaves));
  TG_RETURN_IF_ERROR(WriteFile(out + "/records.jsonl", records));
  TG_RETURN_IF_ERROR(WriteFile(out + "/checkpoint", checkpoint));
  BundleReport report;
  report.from = from;
  report.size = to;
  TG_ASSIGN_OR_RETURN(report.origin, OriginOf(private_key));
  TG_ASSIGN_OR_RETURN(audit::Hash root, log.Root(to));
  report.root_hex = audit::Hex(root);
  return report;
}

}  // namespace tg
