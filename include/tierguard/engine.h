// Engine and Session: the one façade over tierguard's stages (parse, classify, select regime,
// determine, format) and its ledger. The CLI and the server call nothing else.
//
// An Engine holds what every caller shares: the reference data and regimes, loaded once in
// Open(), the store, and the screening tools. It is immutable afterwards: every method is safe
// to call from several threads at once. The commands that need no one to act (classify,
// determine, screen, match, the regimes) are the Engine's.
//
// A Session carries who acts and by which clock: the commands that record or read the ledger
// and the audit log are a Session's, made per CLI run or per HTTP request over one Engine.
// BatchState is per batch and not thread-safe.
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tierguard/access.h"
#include "tierguard/audit.h"
#include "tierguard/batch_state.h"
#include "tierguard/clock.h"
#include "tierguard/cloud.h"
#include "tierguard/io.h"
#include "tierguard/ledger.h"
#include "tierguard/models.h"
#include "tierguard/status.h"
#include "tierguard/types.h"

namespace tg {

struct EngineOptions {
  // Folder with countries.csv, country_groups.csv, chips.csv and classifications.yaml.
  // Default: ./data. (The library reads no environment variable; the CLI turns
  // $TIERGUARD_HOME and $TIERGUARD_DB into these options, and $TIERGUARD_ACTOR into a
  // session's.)
  std::string data_dir;
  // Folder with one *.yaml file per regime. Default: ./regimes.
  std::string regimes_dir;
  // The ledger: a SQLite file (created on first use), or "memory". Empty: no ledger
  // (determine is then a pure what-if, and ledger commands fail).
  std::string db;
  // For commands that only read: a ledger file that does not exist is NotFound, not created
  // empty (a mistyped path would otherwise read as a ledger with no history).
  bool ledger_must_exist = false;
  // For a command that will screen against the lists kept in the ledger (determine, ship):
  // their index is read on a second thread while Open reads the rules, so that it is ready,
  // or nearly, when the first batch needs it. Nothing is read when no ledger is given.
  bool prefetch_screening = false;
};

// Who acts, and by which clock: given to each Session, made per CLI run or per HTTP request.
struct SessionOptions {
  // Who the audit log says made the changes. Empty: "tierguard".
  std::string actor;
  // Time source for reservation expiry and record stamps; null: the system clock. Not owned;
  // must outlive the Session.
  const Clock* clock = nullptr;
  // The caller's id for the request this session serves (an HTTP X-Request-Id): every audit
  // record the session writes carries it, so the records of one call can be found. Empty:
  // none. At most 200 bytes of UTF-8, else the session's changes are refused.
  std::string request_id;
};

// A screening hit a reviewer clears (or withdraws the clearance of): the party as it is
// screened, the entry, and why.
struct HitClearance {
  std::string party_id;    // when given, the clearance is keyed to it
  std::string party_name;  // required: the name screened
  Country country;         // required without an id
  std::string birth_date;  // for a person
  std::string entry_id;
  std::string reason;
  std::string expires;  // YYYY-MM-DD, or empty
};

// Which shipments (or reservations) a listing gives, in id order.
struct MovementFilter {
  bool reservations = false;  // the reservations (held, committed, released, expired)
  std::string consignee;      // a consignee id; empty: any
  // Reservations: held, committed, released or expired; none: any.
  std::optional<MovementState> state;
  std::optional<Date> from;  // order dates from (inclusive)
  std::optional<Date> to;    // order dates to (inclusive)
};

// One call's document in a group shipped together: who sends it, in which request.
struct ShipCall {
  std::string_view document;
  std::string_view actor;
  std::string_view request_id;
};

struct ShipOptions {
  // Lines per transaction: each batch is committed (and synced) before its decisions are
  // written out, so every decision printed is on disk.
  size_t batch_size = 1000;
  // Hold the allowed lines as reservations (caps and licence balances held until commit,
  // release or expiry) instead of recording shipments.
  bool reserve = false;
  int64_t expires_at = 0;  // reservations: unix time after which an uncommitted hold lapses
};

// Told how many lines a stream has decided so far: every 4,096 lines, for a progress display.
// Empty: nothing is told.
using ProgressFn = std::function<void(int64_t lines_decided)>;

struct RegimeSummary {
  std::string id;
  std::string title;
  std::string status;  // in_force | not_enforced | proposal | recommendation
  std::string effective;
  bool select_by_date = false;
  std::string file;
  std::string content_hash;
};

struct StreamStats {
  int64_t lines = 0;
  int64_t errors = 0;
  std::unordered_map<std::string, int64_t> by_outcome;  // outcome name → count
  std::unordered_map<std::string, int64_t> by_regime;   // regime id → count
  std::unordered_map<std::string, int64_t> by_authorization;
};

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> Open(const EngineOptions& options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Parses one JSON request. `line` (1-based) prefixes error messages ("line 3: items[0]…").
  Result<Request> ParseRequest(std::string_view json, int line) const;

  // Decides `request` against the caps used so far in `batch`; when the decision allows the
  // export, its cap usage is added to `batch`. `out` is reset and reused (its buffers keep
  // their capacity). REQUIRES: `request` outlives `out`. A request that cannot be decided
  // leaves out.error non-OK.
  void Decide(const Request& request, BatchState& batch, Decision& out) const;
  // Decides `requests` in order, as Decide one after another: each allowed one's cap usage
  // counts against the next. `out` is resized to one decision per request, its elements reused.
  void DecideBatch(std::span<const Request> requests, BatchState& batch,
                   std::vector<Decision>& out) const;

  // Appends the decision as one line of JSON (no newline).
  void FormatDecision(const Decision& decision, std::string& out) const;

  // The streams read documents from `in` (one JSON object, a JSON array, or JSON Lines) and
  // write one answer a line to `out`, in input order, a batch of lines at a time. A line that
  // cannot be answered is answered with its error and counted; a read or write error stops the
  // stream and is returned (Unavailable, naming the file and the last line written).
  //
  // Determine: one decision per request. Returns per-outcome counts.
  Result<StreamStats> DetermineStream(Source& in, Sink& out, const ProgressFn& progress = {}) const;

  // Classifies items given as JSON (an array, JSON Lines, or one object), writing one JSON
  // object per item. `regime` (optional) pins the regime's classification versions.
  Result<StreamStats> ClassifyStream(Source& in, Sink& out, Date as_of,
                                     std::string_view regime) const;
  // Classifies one catalog part by name.
  Result<std::string> ClassifyPart(std::string_view part, Date as_of,
                                   std::string_view regime) const;

  // Classifies a registry's model under `regime` (empty: the classification in force) on
  // `as_of`: its operations with its bases' (`find` gives a model by id), estimated from its
  // compute where not given. NotFound for a base not in the registry or an unknown regime.
  Result<ModelClassification> ClassifyModel(
      const ModelRecord& model, const std::function<const ModelRecord*(std::string_view)>& find,
      Date as_of, std::string_view regime) const;

  // Screening. Match: pairs of names as JSON Lines ({"name1", "name2", "schema"}) in, one
  // {"score", "match"} line out per pair, scored as `screen` scores a query against a listed
  // name, "match" at `threshold`.
  Result<StreamStats> MatchStream(Source& in, Sink& out, double threshold) const;
  // Screen: loads the list files (every format of ../shared/spec/screening.md), then reads
  // queries, JSON Lines ({"id", "name", "country", "type"}) or one name a line, and writes one
  // {"id", "query", "hits": […]} line per query, hits at or above `threshold`, best first, at
  // most `limit`. by_outcome counts queries with and without hits.
  struct ScreenOptions {
    std::vector<std::string> lists;
    double threshold = 0;
    size_t limit = 10;
  };
  Result<StreamStats> ScreenStream(Source& in, Sink& out, const ScreenOptions& options) const;

  // The delta between two list files, as JSON (no ledger needed).
  Result<std::string> DiffListFiles(const std::string& before, const std::string& after) const;

  // OK when every regime file loaded. Otherwise the first file's error: the commands that
  // decide, classify under a regime or name a regime refuse with it; the ledger listings, the
  // check and the audit commands still run (a broken rule file must not hide the ledger).
  Status RegimesStatus() const;
  // What this engine reads, for `--version`: a content hash of the reference data folder and
  // of the regimes folder, with their paths, one "name: sha256:… (path)" line each.
  std::string DataVersions() const;
  std::vector<RegimeSummary> Regimes() const;
  // The regime resolved on `as_of`: every set expanded to its member countries, every rule
  // and cap with its citation, as indented JSON.
  Result<std::string> ShowRegime(std::string_view id, Date as_of) const;

  // A country by alpha-2, alpha-3 or name; NotFound names the text.
  Result<Country> ParseCountry(std::string_view text) const;

  // Help for request authors: the regime chosen for a date (NotFound when none).
  Result<std::string> RegimeForDate(Date date) const;

  // The API key `presented` is (an HTTP bearer token), checked against the ledger's keys:
  // Unauthenticated for text that is no key, a wrong secret or a revoked key.
  Result<ApiKey> Authenticate(std::string_view presented) const;
  // The key named `name`, revoked or not; NotFound when the ledger has none of that name.
  Result<ApiKey> FindKey(std::string_view name) const;
  // Whether the ledger holds any key: then whoever acts must be a key's holder.
  Result<bool> LedgerHasKeys() const;

  // Closes the ledger (SQLite checkpoints and removes its write-ahead log at the last close);
  // the ledger commands fail after it. For a front end that is about to exit and leaves the
  // rest of the engine's memory to the OS. REQUIRES: no session is running a command.
  void CloseLedger();

  struct Impl;  // opaque: the engine's loaded data and store
  const Impl& impl() const { return *impl_; }

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A Session runs the commands that read or change the ledger and its audit log, as one actor
// by one clock, over the shared Engine (which must outlive it). Cheap to make: one per CLI run
// or HTTP request. Several sessions may run at once on several threads; one session is used by
// one thread at a time.
class Session {
 public:
  explicit Session(const Engine& engine, SessionOptions options = {});

  const std::string& actor() const { return actor_; }
  const std::string& request_id() const { return request_id_; }
  const Clock& clock() const { return *clock_; }
  const Engine& engine() const { return *engine_; }

  // Each command runs in one transaction: a refused command changes nothing. They return
  // FailedPrecondition when the engine has no ledger.

  // Like DetermineStream, but records each allowed request (or holds it, with
  // options.reserve) and adds "recorded": true|false to its decision. The same id sent twice is
  // recorded once; the second answer is the recorded decision with "duplicate": true. When the
  // answers of a committed batch cannot be written, the error names the batch's last line: the
  // lines up to it are recorded, and sent again they answer with their recorded decisions.
  Result<StreamStats> ShipStream(Source& in, Sink& out, const ShipOptions& options,
                                 const ProgressFn& progress = {}) const;
  // Ships (or reserves) the JSON documents in one transaction and one commit, whatever
  // options.batch_size says, and returns one answer per document, as ShipStream writes them
  // (document i is "line i+1" in errors). Each request is recorded as the bytes given. Only the
  // store failing fails the call; then nothing of it is recorded.
  Result<std::vector<std::string>> Ship(std::span<const std::string_view> documents,
                                        const ShipOptions& options) const;
  // The listings give one page each, in key order (ids, or a cap counter's key); their records
  // encode for callers as api_json.h writes them.

  // The shipments or reservations `filter` selects; the page counts the selected ones.
  Result<Page<MovementRecord>> ListMovements(const MovementFilter& filter,
                                             const PageRequest& page = {}) const;
  Status CommitReservation(std::string_view id) const;
  Status ReleaseReservation(std::string_view id) const;

  Status AddLicense(const License& license) const;
  // No later order is licensed under a revoked licence; what shipped under it stays recorded.
  Status RevokeLicense(std::string_view number, std::string_view reason) const;
  Result<Page<LicenseStatus>> ListLicenses(const PageRequest& page = {}) const;
  Result<LicenseStatus> ShowLicense(std::string_view number) const;
  // The licence application workflow, four eyes by identity: the session's actor is the
  // requester of an application it makes (application.requester is ignored) and the approver
  // of one it decides, and an application's requester may not approve it (PermissionDenied).
  Result<std::string> ApplyForLicense(const LicenseApplication& application, bool submit) const;
  Status SubmitApplication(std::string_view id) const;
  // valid_from: none takes the start the application asked for, else today.
  Result<std::string> ApproveApplication(std::string_view id, std::string_view number,
                                         std::optional<Date> valid_from) const;
  Status DenyApplication(std::string_view id, std::string_view reason) const;
  Status ReturnApplication(std::string_view id, std::string_view reason) const;
  Result<Page<LicenseApplication>> ListApplications(const PageRequest& page = {}) const;
  Result<LicenseApplication> ShowApplication(std::string_view id) const;

  Status AddVeu(const Veu& veu) const;
  Result<Page<Veu>> ListVeus(const PageRequest& page = {}) const;

  // License Exception NAC notifications (15 CFR 740.8(a)(2)): filed, then confirmed with BIS's
  // number or refused. A NAC line is recorded only against a confirmed notification naming its
  // consignee or end user in that party's country, filed the regime's notification_days before
  // it, with balance left.
  Status FileNotification(const Notification& notification) const;
  Status ConfirmNotification(std::string_view id, std::string_view confirmation, Date date) const;
  Status RefuseNotification(std::string_view id, Date date) const;
  Result<Page<Notification>> ListNotifications(const PageRequest& page = {}) const;

  // InvalidArgument unless some regime has the cap with agreements allowed, and the increase
  // is within its maximum.
  Status AddAgreement(const Agreement& agreement) const;
  Result<Page<Agreement>> ListAgreements(const PageRequest& page = {}) const;

  // Adds a party and screens it against the lists kept in the ledger, in the same transaction:
  // each hit no clearance covers becomes an alert. Returns how many alerts it raised.
  Result<int64_t> AddParty(const PartyRecord& party) const;
  Status LinkParties(const PartyLink& link) const;
  Result<PartyView> ShowParty(std::string_view id) const;  // the party, its links, its group
  Result<Page<PartyRecord>> ListParties(const PageRequest& page = {}) const;

  // Every cap counter with its usage and, per regime that defines the cap, its limit.
  Result<Page<CapUsage>> Caps(const PageRequest& page = {}) const;
  Result<CheckReport> Check() const;
  Result<Page<Alert>> Alerts(const PageRequest& page = {}) const;

  // The audit log. Checkpoint: the current tree head signed with `private_key` (a C2SP
  // signed note). Prove: the inclusion proof of request `id`'s decision in the current tree,
  // as C2SP tlog-proof text, its checkpoint signed when `private_key` is given. Export: writes
  // records [from, to) (to = 0: all), their frontier and leaf hashes, and the signed
  // checkpoint of size `to` into the folder `out` (see VerifyAuditBundle).
  Result<std::string> AuditCheckpoint(std::string_view private_key) const;
  Result<std::string> AuditProve(std::string_view id, std::string_view private_key) const;
  Result<BundleReport> AuditExport(std::string_view private_key, uint64_t from, uint64_t to,
                                   const std::string& out) const;
  // Records [from, to) (to = 0: to the end) as the log holds them, canonical JSON each, read
  // without checking them against the tree (an export and verify does that). InvalidArgument
  // when the range is not within the log.
  Result<std::vector<std::string>> AuditRecords(uint64_t from, uint64_t to) const;
  // How many records the log holds.
  Result<uint64_t> AuditSize() const;

  // Re-runs the decision of audit record `index` (a shipment or a hold) from its logged
  // request, under the regime version that made it, against the ledger state rebuilt from the
  // records before it. `replayed` is compared byte for byte with `logged`, and the counter
  // deltas it makes with those the record logged.
  struct Replay {
    uint64_t index = 0;
    std::string id;
    std::string logged;
    std::string replayed;
    bool same = false;       // the decision and the counter deltas are the same
    std::string difference;  // what differs beyond the decision's text, when it does
  };
  Result<Replay> AuditReplay(uint64_t index) const;

  // Lists kept in the ledger for determine and ship to screen against. LoadScreeningList
  // reads a list file, keeps it under `name` (empty: the list's own, e.g. SDN), logs its
  // version and delta against the version kept before, and re-screens the parties on record
  // against the added and changed entries: new hits become alerts. Returns a JSON summary.
  Result<std::string> LoadScreeningList(const std::string& path, std::string_view name) const;
  // The same for a list file's bytes, `source` naming where they came from (a list that names
  // companion files, OFAC's aliases and addresses, is kept without them).
  Result<std::string> LoadScreeningListText(std::string_view source, std::string_view bytes,
                                            std::string_view name) const;
  Result<Page<KeptList>> ScreeningLists(const PageRequest& page = {}) const;
  // Screens queries (as ScreenStream reads them) against the lists kept in the ledger, indexed
  // once per set of versions and shared by every session of the engine; records nothing.
  // FailedPrecondition when the ledger keeps no list.
  Result<StreamStats> ScreenKept(Source& in, Sink& out, double threshold, size_t limit) const;
  // The kept lists' names and versions, read from their manifest (no list is read).
  Result<std::vector<std::pair<std::string, std::string>>> KeptListVersions() const;
  // A reviewer clears a party's hit on `entry_id` as a false positive; it holds for that party
  // only (its id, or its name with country and birth date, never a name alone) until the entry
  // changes or `expires` (YYYY-MM-DD, optional) passes. NotFound when no kept list has the
  // entry; FailedPrecondition when the party has no hit on it to clear.
  Status ClearHit(const HitClearance& clearance) const;
  // Withdraws a clearance (logged as "hit.revoke"); NotFound when there is none.
  Status RevokeClearance(const HitClearance& clearance) const;
  Result<Page<ClearedHit>> ClearedHits(const PageRequest& page = {}) const;

  // API keys (access.h): made with a role and shown once, listed without their secrets,
  // revoked at once. The first key a ledger holds must be an admin's, so that someone can
  // manage the others.
  Result<std::string> AddKey(std::string_view name, Role role) const;
  Status RevokeKey(std::string_view name) const;
  Result<Page<ApiKey>> ListKeys(const PageRequest& page = {}) const;
  // The model registry (../shared/spec/models-cloud.md). AddModels reads JSON Lines of model
  // records and keeps them in one transaction (an id on record is updated; a base model must be
  // on record or earlier in the input); a bad record refuses the whole input, naming its line
  // and field.
  Result<std::vector<ModelAdded>> AddModels(Source& in) const;
  Result<Page<ModelRecord>> ListModels(const PageRequest& page = {}) const;
  // The model with its operations: each run's as given or estimated (with the estimate's
  // inputs), its bases' added along its lineage.
  Result<ModelView> ShowModel(std::string_view id) const;
  // The registry's model classified on `as_of` under `regime`, or under every regime when it is
  // empty. NotFound for a model not in the registry.
  Result<std::vector<ModelClassification>> ClassifyRegisteredModel(std::string_view id,
                                                                   std::string_view regime,
                                                                   Date as_of) const;
  // Transfers of a model's weights or hosted access: each request (JSON Lines) is decided as an
  // order line of the model to its recipient (a deemed export as an export to the recipient's
  // nationality, 15 CFR 734.13(b)) and kept pending, or refused when the decision does not
  // allow it; either way logged with its decision and its final recipient. The session's actor
  // is the requester. The whole input is one transaction.
  Result<std::vector<Transfer>> RequestTransfers(Source& in) const;
  // By an approver other than the requester (PermissionDenied otherwise); FailedPrecondition
  // unless the transfer is pending. Logged with the approving authority and the recipient.
  Result<Transfer> ApproveTransfer(std::string_view id) const;
  Result<Transfer> DenyTransfer(std::string_view id, std::string_view reason) const;
  Result<Page<Transfer>> ListTransfers(const PageRequest& page = {},
                                       std::optional<TransferState> state = std::nullopt) const;

  // Cloud customers (../shared/spec/models-cloud.md). AddCustomers reads JSON Lines of customer
  // records and keeps them all in one transaction (an id on record is replaced): each customer
  // and its owners are screened against the kept lists as parties ("kyc:ID", re-screened at
  // every list update), and judged per regime for controlled compute. A bad record refuses the
  // whole input, naming its line and field.
  Result<std::vector<CustomerAdded>> AddCustomers(Source& in) const;
  Result<Page<CustomerRecord>> ListCustomers(const PageRequest& page = {}) const;
  Result<CustomerView> ShowCustomer(std::string_view id) const;
  // Reads usage records (`format` "jsonl" or "csv") into aggregates, in one transaction, and
  // reports the training runs the usage completes under the regimes that set reporting
  // thresholds. `source` names the input in the audit log.
  Result<UsageIngest> IngestUsage(Source& in, std::string_view format,
                                  std::string_view source) const;
  // The training runs reported, as their reports (JSON), whose period overlaps [from, to].
  Result<std::vector<std::string>> TrainingRuns(std::optional<Date> from,
                                                std::optional<Date> to) const;
  Result<std::string> TrainingRunReport(std::string_view id) const;  // NotFound

  // The hits of the parties on record that no clearance covers, by party: a page holds the
  // hits of at most `limit` parties, and its cursor is a party id.
  Result<Page<OpenHit>> OpenHits(const PageRequest& page = {}) const;

 private:
  const Engine* engine_;
  const Engine::Impl* impl_;
  std::string actor_;
  std::string request_id_;
  const Clock* clock_;
};

// Ships the documents of several calls (several sessions' requests) in one transaction and one
// commit, each recorded as made by its own caller: group commit, so that many one-line calls
// arriving together cost one fsync. One answer per call, as Session::Ship gives them; only the
// store failing fails the group, and then none of it is recorded.
Result<std::vector<std::string>> ShipGroup(const Engine& engine, const Clock& clock,
                                           std::span<const ShipCall> calls,
                                           const ShipOptions& options);

}  // namespace tg
