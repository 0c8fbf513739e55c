// The auditor's side of tierguard's audit log: keys, cosignatures and offline verification of
// an exported bundle, with nothing but public keys. Stateless functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tierguard/status.h"

namespace tg {

struct AuditKeys {
  std::string private_key;  // C2SP signed-note private key line
  std::string verifier;     // C2SP signed-note verifier key line
};

// A new Ed25519 key for the log (or an auditor) named `name`, e.g. "tierguard.example/log".
Result<AuditKeys> GenerateAuditKey(std::string_view name);
// Adds a signature by `private_key` to a signed checkpoint (a witness's cosignature), after
// checking that the checkpoint is the log's: signed by `log_verifier`, whose name is its
// origin. PermissionDenied when it is not: a witness never vouches for what it cannot verify.
Result<std::string> CosignCheckpoint(std::string_view checkpoint, std::string_view log_verifier,
                                     std::string_view private_key);

// Who a request record of the bundle (shipment, hold, refusal) was for, and the answer, read
// from the request that travels beside it (checked against the record's request_sha256).
struct BundleRecipient {
  uint64_t index = 0;
  std::string kind;           // shipment | reservation.hold | refusal
  std::string id;             // the request's id
  std::string consignee;      // "NAME (ID, CC)"
  std::string end_user;       // the same, or empty
  std::string outcome;        // the decision's
  std::string authorization;  // the exception, licence or VEU it ships under, or empty
};

struct BundleReport {
  uint64_t from = 0;  // first record in the bundle
  uint64_t size = 0;  // tree size of the bundle's checkpoint
  std::string origin;
  std::string root_hex;
  std::vector<BundleRecipient> recipients;  // filled by VerifyAuditBundle
  // Records whose request the exporting ledger had lost (the log itself verified): each named.
  // Their recipients cannot be shown; a caller reports them and fails.
  std::vector<std::string> lost_requests;
};

// Verifies an exported bundle (a folder): the checkpoint is signed by every key in
// `verifiers`, the first of which is the log's own (its name is the checkpoint's origin); the
// records are numbered without gaps and hash, with the bundle's frontier, to the signed root;
// every record that carries a request has that request in requests.jsonl, hashing to the
// record's request_sha256 (its recipients are reported); with `since` (an older signed
// checkpoint), the older tree is a prefix of this one. Errors name the first record, proof or
// signature that fails: PermissionDenied for a signature, DataLoss for records that do not hash to
// the root, InvalidArgument for a malformed bundle.
Result<BundleReport> VerifyAuditBundle(const std::string& bundle,
                                       const std::vector<std::string>& verifiers,
                                       std::string_view since = {});

// What an auditor can tell from the records alone: every counter rebuilt from the movements
// in the log, each decision's cap usage held against the records before it, and every cap,
// licence and VEU balance held against its limit.
struct ReconcileReport {
  uint64_t records = 0;
  uint64_t counters = 0;              // counters the records move
  std::vector<std::string> findings;  // empty when the records agree with themselves
  uint64_t findings_count = 0;        // all of them (findings keeps the first 100)
};

// Reconciles the records of a bundle that VerifyAuditBundle accepted. InvalidArgument when the
// bundle does not start at record 0 (balances need the whole history); DataLoss when a record
// line does not parse.
Result<ReconcileReport> ReconcileAuditBundle(const std::string& bundle);

}  // namespace tg
