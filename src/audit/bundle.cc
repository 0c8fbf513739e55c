// Offline verification of audit bundles, and the auditor's key functions (tierguard/audit.h).
#include <charconv>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <simdjson.h>

#include "tierguard/audit.h"

#include "src/audit/audit_log.h"
#include "src/audit/merkle.h"
#include "src/audit/note.h"
#include "src/common/text.h"

namespace tg {

namespace {

Result<std::string> Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return InvalidArgument(path + ": missing from the bundle");
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A record index or count: decimal digits only, no sign, no exponent, within uint64.
Result<uint64_t> ParseIndex(std::string_view text, const std::string& where) {
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return InvalidArgument(where + ": '" + Excerpt(text, 24) + "' is not a whole number");
  }
  return v;
}

Result<audit::Hash> HashLine(const std::string& line, const std::string& where) {
  auto bytes = audit::FromBase64(line);
  if (!bytes || bytes->size() != 32) {
    return InvalidArgument(where + ": not a base64 SHA-256 hash");
  }
  audit::Hash h;
  std::copy(bytes->begin(), bytes->end(), h.begin());
  return h;
}

// "NAME (ID, CC)" of a party of a request, or empty when the request has none.
std::string PartyText(simdjson::dom::element request, const char* key) {
  simdjson::dom::object party;
  if (request[key].get_object().get(party)) {
    return {};
  }
  const auto field = [&](const char* k) {
    std::string_view s;
    return party[k].get_string().get(s) ? std::string_view() : s;
  };
  const std::string_view name = field("name");
  const std::string_view id = field("id");
  const std::string_view country = field("country");
  std::string out(name.empty() ? "(no name)" : name);
  out += " (";
  out += id.empty() ? "no id" : id;
  out += ", ";
  out += country;
  out += ")";
  return out;
}

// Checks a request record against the request beside it and says who it was for.
Result<BundleRecipient> CheckRequest(uint64_t index, std::string_view kind,
                                     simdjson::dom::element record, std::string_view line,
                                     simdjson::dom::parser& line_parser) {
  const std::string where = "record " + std::to_string(index) + " (" + std::string(kind) + ")";
  simdjson::dom::element beside;
  uint64_t stated = 0;
  std::string_view request;
  if (line.empty() || line_parser.parse(line.data(), line.size()).get(beside) ||
      beside["index"].get_uint64().get(stated)) {
    return DataLoss(where + ": its request is missing from requests.jsonl or does not parse");
  }
  if (stated != index) {
    return DataLoss(where + ": requests.jsonl gives the request of record " +
                    std::to_string(stated) + " in its place (a request was added or removed)");
  }
  if (beside["request"].is_null()) {
    return NotFound(where +
                    ": its request is not in the bundle: the exporting ledger has lost "
                    "its row, so who it was for cannot be shown");
  }
  if (beside["request"].get_string().get(request)) {
    return DataLoss(where + ": its request in requests.jsonl is not a string");
  }
  std::string_view digest;
  if (record["body"]["request_sha256"].get_string().get(digest)) {
    return DataLoss(where + ": the record holds no request_sha256");
  }
  if (audit::Hex(audit::Sha256(request)) != digest) {
    return DataLoss(where +
                    ": its request in requests.jsonl does not hash to the record's "
                    "request_sha256 (the request was changed)");
  }
  BundleRecipient r;
  r.index = index;
  r.kind = std::string(kind);
  std::string_view text;
  simdjson::dom::element decision = record["body"]["decision"];
  if (!decision["outcome"].get_string().get(text)) {
    r.outcome = std::string(text);
  }
  if (!decision["authorization"].get_string().get(text)) {
    r.authorization = std::string(text);
  }
  // The request text lives in line_parser's document: parse it with a parser of its own.
  thread_local simdjson::dom::parser request_parser;
  simdjson::dom::element req;
  if (request_parser.parse(request.data(), request.size()).get(req)) {
    return DataLoss(where + ": its request does not parse as JSON");
  }
  if (!req["id"].get_string().get(text)) {
    r.id = std::string(text);
  }
  r.consignee = PartyText(req, "consignee");
  r.end_user = PartyText(req, "end_user");
  return r;
}

}  // namespace

Result<AuditKeys> GenerateAuditKey(std::string_view name) {
  TG_ASSIGN_OR_RETURN(audit::KeyPair k, audit::GenerateKey(name));
  return AuditKeys{std::move(k.private_key), std::move(k.verifier)};
}

namespace {

// The checkpoint of `note` once its signatures by `verifiers` check and its origin is the
// name of the first (the log's key).
Result<audit::Checkpoint> VerifiedCheckpoint(std::string_view note,
                                             const std::vector<std::string>& verifiers) {
  if (verifiers.empty()) {
    return InvalidArgument("checkpoint: the log's public key is needed to verify it");
  }
  auto text = audit::VerifyNote(note, verifiers);
  if (!text) {
    return text.error().WithPrefix("checkpoint");
  }
  TG_ASSIGN_OR_RETURN(audit::Checkpoint cp, audit::ParseCheckpoint(*text));
  TG_ASSIGN_OR_RETURN(std::string log_name, audit::KeyName(verifiers.front()));
  if (cp.origin != log_name) {
    return PermissionDenied("checkpoint: its origin '" + cp.origin +
                            "' is not the name of the log's key '" + log_name + "'");
  }
  return cp;
}

}  // namespace

Result<std::string> CosignCheckpoint(std::string_view checkpoint, std::string_view log_verifier,
                                     std::string_view private_key) {
  TG_RETURN_IF_ERROR(VerifiedCheckpoint(checkpoint, {std::string(log_verifier)}).status());
  return audit::AddSignature(checkpoint, private_key);
}

Result<BundleReport> VerifyAuditBundle(const std::string& bundle,
                                       const std::vector<std::string>& verifiers,
                                       std::string_view since) {
  const std::string dir = bundle + "/";
  TG_ASSIGN_OR_RETURN(std::string note, Slurp(dir + "checkpoint"));
  TG_ASSIGN_OR_RETURN(audit::Checkpoint cp, VerifiedCheckpoint(note, verifiers));
  TG_ASSIGN_OR_RETURN(std::string frontier_text, Slurp(dir + "frontier"));
  std::vector<std::string> frontier;
  for (Lines lines(frontier_text); lines.Next();) {
    frontier.emplace_back(lines.line());
  }
  if (frontier.empty() || !frontier[0].starts_with("from ")) {
    return InvalidArgument("frontier: the first line must be 'from N'");
  }
  BundleReport report;
  TG_ASSIGN_OR_RETURN(report.from, ParseIndex(frontier[0].substr(5), "frontier line 1"));
  report.size = cp.size;
  report.origin = cp.origin;
  audit::CompactRange range;
  uint64_t covered = 0;
  for (size_t i = 1; i < frontier.size(); ++i) {
    // "LEVEL base64": a perfect subtree of 2^LEVEL leaves, largest first.
    const std::string where = "frontier line " + std::to_string(i + 1);
    const size_t space = frontier[i].find(' ');
    if (space == std::string::npos) {
      return InvalidArgument(where + ": expected LEVEL HASH");
    }
    TG_ASSIGN_OR_RETURN(const uint64_t level, ParseIndex(frontier[i].substr(0, space), where));
    if (level > 63 ||
        (!range.stack.empty() && static_cast<int>(level) >= range.stack.back().first)) {
      return InvalidArgument(where + ": level " + std::to_string(level) +
                             " must be below 64 and below the line before");
    }
    TG_ASSIGN_OR_RETURN(audit::Hash h, HashLine(frontier[i].substr(space + 1), where));
    range.stack.emplace_back(static_cast<int>(level), h);
    covered += uint64_t{1} << level;  // distinct levels below 64: no overflow
  }
  if (covered != report.from) {
    return InvalidArgument("frontier: covers " + std::to_string(covered) + " records, not " +
                           std::to_string(report.from));
  }
  std::optional<audit::Checkpoint> old;
  if (!since.empty()) {
    auto old_cp = VerifiedCheckpoint(since, verifiers);
    if (!old_cp) {
      return old_cp.error().WithPrefix("since checkpoint");
    }
    old = *old_cp;
    if (old->origin != cp.origin) {
      return InvalidArgument("since checkpoint: it is for log " + old->origin + ", not " +
                             cp.origin);
    }
    if (old->size < report.from || old->size > cp.size) {
      return InvalidArgument("since checkpoint: it has size " + std::to_string(old->size) +
                             "; a bundle from record " + std::to_string(old->size) + " or earlier");
    }
  }
  // One streaming pass over records and leaf hashes: a changed, swapped, renumbered or
  // missing record is named before the whole is compared with the signed root.
  std::ifstream records(dir + "records.jsonl", std::ios::binary);
  std::ifstream leaves(dir + "leaves", std::ios::binary);
  std::ifstream requests(dir + "requests.jsonl", std::ios::binary);
  if (!records || !leaves || !requests) {
    return InvalidArgument(dir +
                           ": records.jsonl, leaves or requests.jsonl is missing from the "
                           "bundle");
  }
  simdjson::dom::parser record_parser;
  simdjson::dom::parser request_parser;
  std::string request_line;
  audit::CompactRange head = range;
  std::string record;
  std::string leaf;
  std::string expect;
  uint64_t index = report.from;
  for (;;) {
    const bool has_record = static_cast<bool>(std::getline(records, record));
    const bool has_leaf = static_cast<bool>(std::getline(leaves, leaf));
    if (!has_record && !has_leaf) {
      break;
    }
    const std::string where = "record " + std::to_string(index) + " (records.jsonl line " +
                              std::to_string(index - report.from + 1) + ")";
    if (has_record != has_leaf) {
      return DataLoss(where +
                      ": the records and the leaf hashes differ in number (a record "
                      "was added or deleted)");
    }
    expect = "{\"index\":" + std::to_string(index) + ",";
    if (!record.starts_with(expect)) {
      return DataLoss(where + " is missing or out of order");
    }
    TG_ASSIGN_OR_RETURN(audit::Hash h,
                        HashLine(leaf, "leaves line " + std::to_string(index - report.from + 1)));
    if (audit::LeafHash(record) != h) {
      return DataLoss(where + " was changed: it does not match its leaf hash");
    }
    simdjson::dom::element parsed;
    std::string_view kind;
    if (record_parser.parse(record.data(), record.size()).get(parsed) ||
        parsed["kind"].get_string().get(kind)) {
      return DataLoss(where + " does not parse as an audit record");
    }
    if (audit::CarriesRequest(kind)) {
      if (!std::getline(requests, request_line)) {
        request_line.clear();
      }
      auto who = CheckRequest(index, kind, parsed, request_line, request_parser);
      if (who) {
        report.recipients.push_back(std::move(*who));
      } else if (who.error().code() == StatusCode::kNotFound) {
        report.lost_requests.push_back(who.error().message());
      } else {
        return who.error();
      }
    }
    if (old && index == old->size && head.Root() != old->root) {
      return DataLoss("the log was rewritten: the since checkpoint (size " +
                      std::to_string(old->size) + ") is not a prefix of this one");
    }
    head.Append(h);
    ++index;
  }
  if (index != cp.size) {
    return DataLoss("the records end at " + std::to_string(index) +
                    " but the checkpoint's tree has " + std::to_string(cp.size) +
                    " (the log was truncated or extended)");
  }
  if (std::getline(requests, request_line)) {
    return DataLoss(
        "requests.jsonl holds more requests than the records carry (a request was "
        "added)");
  }
  if (old && old->size == cp.size && head.Root() != old->root) {
    return DataLoss("the log was rewritten: the since checkpoint differs at the same size");
  }
  if (head.Root() != cp.root) {
    return DataLoss(
        "the records do not hash to the signed root (a leaf hash or the frontier "
        "was changed)");
  }
  report.root_hex = audit::Hex(cp.root);
  return report;
}

}  // namespace tg
