// JSON encodings of the ledger's records, as stored in the document tables. Reading a record
// back validates it: a stored document that does not parse is DataLoss naming its key.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tierguard/ledger.h"
#include "tierguard/status.h"

namespace tg::ledger {

// A change to one counter that a recorded shipment or a held reservation made.
struct Delta {
  std::string key;
  int64_t amount = 0;
};

// A shipment or a reservation as stored: the request and decision as JSON, and the counter
// deltas it applied (so that `check` can recompute every counter and `release` can undo them).
// Stored as a JSON header line, then the request verbatim (replay reads it byte for byte):
//   movement := header-json "\n" request-bytes
// The decision is not stored here: it is in the audit record `audit_index`.
struct Movement {
  std::string id;
  std::string kind;  // shipment | reservation
  MovementState state = MovementState::kRecorded;
  std::string date;
  std::string consignee;
  std::string group;
  int64_t recorded_at = 0;  // unix seconds
  int64_t expires_at = 0;   // reservations
  std::vector<Delta> deltas;
  uint64_t audit_index = 0;  // the audit record holding the decision
  std::string regime_hash;   // content hash of the regime file that decided it
  std::string request;       // JSON, as received
  std::string decision;      // JSON, as printed; in memory only (see audit_index)
};

// The audit body of a shipment or a hold: every field of its ledger row but the request, which
// it holds by digest, then the decision as printed, verbatim and last:
//   {"request_sha256":HEX64,"regime_hash":H,"date":D,"consignee":C,"group":G,"recorded_at":N,
//    "expires_at":N,"deltas":[{"key":K,"amount":N},…],"decision":DECISION}
// Records written before the row fields were added hold request_sha256, regime_hash, deltas
// and decision only ("legacy").
std::string MovementBody(const Movement& m);
struct MovementBodyFields {
  Movement movement;  // date, consignee, group, recorded_at, expires_at, deltas, regime_hash
  std::string request_sha256;
  bool legacy = false;
};
// DataLoss when `body` is not a movement body.
Result<MovementBodyFields> ParseMovementBody(std::string_view body);

// The key of a held reservation in the holds index: its expiry (20 digits, 0: never) and id,
// so that the expired ones are read in order and the rest are not read at all.
std::string HoldKey(int64_t expires_at, std::string_view id);
// The key of a refused request: its audit index (20 digits), so that retries of one id each
// keep their own row, in log order.
std::string RefusalKey(uint64_t audit_index);
// The key of a party link: "FROM\x1fTO", so that a party's outgoing links scan by prefix.
std::string PartyLinkKey(std::string_view from, std::string_view to);
// The counter of a licence's balance: "licence:NUMBER:quantity|tpp|value".
std::string LicenseCounter(std::string_view number, std::string_view what);
// The counter of a NAC notification's balance: "nac:ID:quantity|value".
std::string NotificationCounter(std::string_view id, std::string_view what);

std::string ToJson(const License& r);
std::string ToJson(const LicenseApplication& r);
std::string ToJson(const Agreement& r);
std::string ToJson(const Veu& r);
std::string ToJson(const Notification& r);
std::string ToJson(const PartyRecord& r);
std::string ToJson(const PartyLink& r);
std::string ToJson(const Movement& r);

Status FromJson(std::string_view json, std::string_view key, License& out);
Status FromJson(std::string_view json, std::string_view key, LicenseApplication& out);
Status FromJson(std::string_view json, std::string_view key, Agreement& out);
Status FromJson(std::string_view json, std::string_view key, Veu& out);
Status FromJson(std::string_view json, std::string_view key, Notification& out);
Status FromJson(std::string_view json, std::string_view key, PartyRecord& out);
Status FromJson(std::string_view json, std::string_view key, PartyLink& out);
Status FromJson(std::string_view json, std::string_view key, Movement& out);

}  // namespace tg::ledger
