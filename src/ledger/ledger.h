// The ledger: licences and applications, agreements, parties and party groups, shipments and
// reservations, and the counters (cap and licence balances) they move. Every method works
// inside the caller's store transaction, so a command is all or nothing: the caller commits.
//
// Counter keys: "CAP:KEY/PERIOD" for caps (e.g. "LPP:C-77/2025"), and "licence:N:quantity",
// "licence:N:tpp" (thousandths), "licence:N:value" (cents) for licence balances.
// Not thread-safe; one Ledger per transaction.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "tierguard/clock.h"
#include "tierguard/ledger.h"
#include "tierguard/status.h"

#include "src/audit/audit_log.h"
#include "src/ledger/records.h"
#include "src/ledger/tables.h"
#include "src/store/store.h"

namespace tg::ledger {

// The ledger row of a record that carries a request (audit::CarriesRequest) (its request as
// received, its decision's place in the log); NotFound when the row is gone.
Result<Movement> MovementOfRecord(store::Transaction& txn, std::string_view kind,
                                  std::string_view subject, uint64_t index);

// Read-through cache of recorded state for the determiner, for one transaction.
class View {
 public:
  explicit View(store::Transaction& txn) : txn_(txn) {}

  Result<int64_t> Counter(const std::string& key);
  // Applies a delta to the cached value after the caller wrote it to the store.
  void Added(const std::string& key, int64_t delta);
  // Every licence, revoked ones too (so that an order naming one is told so); only an
  // active licence licenses anything.
  Result<const std::vector<License>*> Licenses();
  Result<const std::vector<Veu>*> Veus();
  Result<const std::vector<Notification>*> Notifications();
  // Sum of agreement increases for the country and cap in force on the date.
  Result<double> AgreementIncrease(Country country, std::string_view cap, Date date);
  // The party group of a party id: the smallest id of the parties it is linked to, directly or
  // through others (ownership, shared address, shared beneficial owner). Unknown ids are their
  // own group.
  Result<std::string> GroupOf(const std::string& party);
  store::Transaction& txn() { return txn_; }

 private:
  Status LoadGroups();

  store::Transaction& txn_;
  std::unordered_map<std::string, int64_t> counters_;
  std::optional<std::vector<License>> licenses_;
  std::optional<std::vector<Veu>> veus_;
  std::optional<std::vector<Notification>> notifications_;
  std::optional<std::vector<Agreement>> agreements_;
  std::optional<std::unordered_map<std::string, std::string>> groups_;
};

class Ledger {
 public:
  // Every change is also appended to the audit log, in the same transaction, as made by
  // `actor` (the approver's name for application decisions).
  // Changes are logged as made by `actor`, in the caller's request `request_id` (may be empty).
  Ledger(store::Transaction& txn, const Clock& clock, std::string actor,
         std::string request_id = {})
      : txn_(txn),
        clock_(clock),
        actor_(std::move(actor)),
        request_id_(std::move(request_id)),
        audit_(txn) {}

  // Licences. AddLicense: AlreadyExists for a taken number, InvalidArgument for bad fields.
  Status AddLicense(const License& license);
  // Revokes an active licence (logged as "licence.revoke" with the licence as it now stands):
  // no later order is licensed under it; what was shipped under it stays. InvalidArgument
  // without a reason, NotFound for an unknown number, FailedPrecondition when it is revoked
  // already.
  Status RevokeLicense(std::string_view number, std::string_view reason);
  Result<Page<License>> Licenses(const PageRequest& page = {});
  Result<License> GetLicense(std::string_view number);  // NotFound
  // The licence with what has shipped under it.
  Result<LicenseStatus> LicenseBalance(License license);

  // Applications. Apply returns the new id; the application starts as draft or submitted.
  Result<std::string> Apply(LicenseApplication app, bool submit);
  Status Submit(std::string_view id);
  // Approve issues a licence (number given, or "TG-" + id) valid from `valid_from` to the
  // requested date. PermissionDenied when the approver is the requester; FailedPrecondition
  // when the application is not submitted.
  // valid_from: none takes the start the application asked for, else the clock's today.
  Result<std::string> Approve(std::string_view id, std::string_view approver,
                              std::string_view number, std::optional<Date> valid_from);
  Status Deny(std::string_view id, std::string_view approver, std::string_view reason);
  Status Return(std::string_view id, std::string_view approver, std::string_view reason);
  Result<Page<LicenseApplication>> Applications(const PageRequest& page = {});
  // NotFound when no application has `id`.
  Result<LicenseApplication> GetApplication(std::string_view id);

  // InvalidArgument for a bad kind, missing country or limit, shares outside (0, 1].
  Status AddVeu(const Veu& veu);
  Result<Page<Veu>> Veus(const PageRequest& page = {});

  // NAC notifications: filed, then confirmed (with BIS's number) or refused, each logged
  // ("nac.file", "nac.confirm", "nac.refuse"). NotFound for an unknown id; FailedPrecondition
  // for an answer to one already answered, or dated before its filing.
  Status FileNotification(Notification n);
  Status ConfirmNotification(std::string_view id, std::string_view confirmation, Date date);
  Status RefuseNotification(std::string_view id, Date date);
  Result<Page<Notification>> Notifications(const PageRequest& page = {});

  Status AddAgreement(const Agreement& agreement);
  Result<Page<Agreement>> Agreements(const PageRequest& page = {});

  Status AddParty(const PartyRecord& party);
  Status Link(const PartyLink& link);
  Result<PartyRecord> GetParty(std::string_view id);
  Result<Page<PartyRecord>> Parties(const PageRequest& page = {});
  Result<std::vector<PartyLink>> LinksOf(std::string_view id);

  // Restricted-party lists kept for screening, one document a list name (its entries as
  // JSON); each load is logged ("list.load") with `audit_body` (version, delta).
  // `version` is the list's content version, kept in the lists' manifest too.
  Status StoreList(std::string_view name, std::string_view version, std::string_view list_json,
                   std::string audit_body);
  Result<std::vector<store::Row>> StoredLists();
  Result<std::optional<std::string>> StoredList(std::string_view name);
  // The manifest of the kept lists: each one's version, by name, read without reading the
  // lists (which a screening snapshot is keyed by). nullopt for a ledger whose lists were kept
  // before the manifest was: read the lists then, and complete it (NoteListVersion for each,
  // then MarkListVersionsComplete) at the next list kept.
  using ListVersions = std::vector<std::pair<std::string, std::string>>;
  Result<std::optional<ListVersions>> KeptListVersions();
  Status NoteListVersion(std::string_view name, std::string_view version);
  Status MarkListVersionsComplete();
  // A reviewer's clearance of a screening hit (logged as "hit.clear").
  Status AddClearance(std::string_view key, std::string json);
  // Withdraws one (logged as "hit.revoke" with `json`: who and why). NotFound when none.
  Status RemoveClearance(std::string_view key, std::string json);
  Result<Page<store::Row>> Clearances(const PageRequest& page = {});
  // An alert for review (new screening hits after a list update, structuring), logged as
  // "alert".
  Status AddAlert(std::string_view key, std::string json);
  Result<Page<store::Row>> Alerts(const PageRequest& page = {});
  // An order that came close to a cap, kept for the structuring rule; logged as
  // "structuring.near".
  Status AddNearThreshold(std::string_view key, std::string json);
  store::Transaction& txn() { return txn_; }
  const Clock& clock() const { return clock_; }
  // Who the records from now on name (a group of calls committed in one transaction).
  void SetCaller(std::string actor, std::string request_id) {
    actor_ = std::move(actor);
    request_id_ = std::move(request_id);
  }
  // Appends the audit record of a change another subsystem made in this transaction (the API
  // keys, say), as the ledger's own: the same actor, time and request id.
  Status LogChange(std::string_view kind, std::string_view subject, std::string body) {
    return Log(kind, subject, std::move(body));
  }

  // Shipments and reservations.
  Result<std::optional<Movement>> FindShipment(std::string_view id);
  // The shipments (or the reservations) in id order, from the first id after `after` (empty:
  // the first), read one at a time; `visit` returns false to stop.
  Status ForEachMovement(bool reservations, std::string_view after,
                         const std::function<Result<bool>(const Movement&)>& visit);
  Result<std::optional<Movement>> FindReservation(std::string_view id);
  // Stores the shipment and applies its deltas. AlreadyExists when the id is recorded.
  Status RecordShipment(const Movement& shipment);
  Status HoldReservation(const Movement& reservation);
  // A request ship or reserve decided and did not record (a licence is required, or it is
  // prohibited): kept with its request and decision and logged ("refusal"), so that the log
  // shows every request decided and who it was for. It moves no counter.
  Status RecordRefusal(const Movement& refusal);

  // A held reservation becomes a shipment (its deltas stay applied).
  Status CommitReservation(std::string_view id);
  // A held reservation is undone. FailedPrecondition when it is committed or already released.
  Status ReleaseReservation(std::string_view id);
  // Releases every held reservation whose expiry has passed (reading only those, through the
  // holds index); returns whether any reservation is still held.
  Result<bool> ExpireReservations();

  // The decision of a recorded shipment or reservation, as printed, from its audit record.
  Result<std::string> RecordedDecision(const Movement& movement);
  // Keeps a regime file by its content hash (once), so that a logged decision can be replayed
  // under the exact rules that made it.
  Status KeepRegime(std::string_view content_hash, std::string_view source);
  // Completes the transaction's audit appends. REQUIRES: called before the commit.
  Status Finish() { return audit_.Flush(); }

  // Recomputes every counter from the shipments and held reservations and compares.
  Result<CheckReport> Check();

 private:
  Status ApplyDeltas(const std::vector<Delta>& deltas, int sign);
  // Builds the holds index of a ledger written before it existed (once; marked in kMeta).
  Status IndexHolds();
  // Adds to `report` every kept list whose version the manifest does not hold, and back.
  Status CheckListVersions(CheckReport& report);
  Status Answer(std::string_view id, std::string_view confirmation, Date date,
                NotificationState state);
  Status Decide(std::string_view id, std::string_view approver, std::string_view reason,
                ApplicationState state);

  // Appends the audit record of a change.
  Status Log(std::string_view kind, std::string_view subject, std::string body,
             std::string_view actor = {});

  store::Transaction& txn_;
  const Clock& clock_;
  std::string actor_;
  std::string request_id_;
  audit::AuditLog audit_;
};

}  // namespace tg::ledger
