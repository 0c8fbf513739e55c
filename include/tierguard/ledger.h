// Records kept in tierguard's ledger: licences and licence applications, government-to-
// government agreements, parties and the links that make party groups, and the reports the
// ledger gives back (cap usage, consistency check). Plain value types; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tierguard/date.h"
#include "tierguard/page.h"
#include "tierguard/types.h"

namespace tg {

// The states of the ledger's records. The ledger's JSON and every listing spell them as
// StateName gives ("returned_without_action"); ParseState reads those names back (false for
// any other text).
enum class LicenseState : uint8_t { kActive, kRevoked };
// draft → submitted → approved | denied | returned_without_action
enum class ApplicationState : uint8_t {
  kDraft,
  kSubmitted,
  kApproved,
  kDenied,
  kReturnedWithoutAction,
};
// filed → confirmed | refused
enum class NotificationState : uint8_t { kFiled, kConfirmed, kRefused };
// A shipment is recorded; a reservation is held, then committed, released or expired; a
// request ship decided and did not record is refused.
enum class MovementState : uint8_t { kRecorded, kHeld, kCommitted, kReleased, kExpired, kRefused };
std::string_view StateName(LicenseState s);
std::string_view StateName(ApplicationState s);
std::string_view StateName(NotificationState s);
std::string_view StateName(MovementState s);
bool ParseState(std::string_view name, LicenseState& out);
bool ParseState(std::string_view name, ApplicationState& out);
bool ParseState(std::string_view name, NotificationState& out);
bool ParseState(std::string_view name, MovementState& out);

// A licence on record. Limits of 0 mean "no limit of this kind". Usage is kept by the ledger.
struct License {
  std::string number;
  std::string regime;              // empty: any regime
  std::vector<std::string> eccns;  // ECCNs it covers
  Country destination;
  std::string consignee;  // consignee id; empty: any consignee in `destination`
  int64_t quantity_limit = 0;
  double value_limit_usd = 0;
  double tpp_limit = 0;
  Date valid_from;
  Date valid_to;
  std::string conditions;
  LicenseState state = LicenseState::kActive;
  std::string revocation;  // why it was revoked
  // Who approved it: the approver of the application it was issued on, else who recorded it
  // (filled by the ledger when empty). Decisions under it name them.
  std::string approved_by;
};

// A licence application: draft → submitted → approved | denied | returned_without_action.
struct LicenseApplication {
  std::string id;
  std::string requester;
  std::string regime;
  std::vector<std::string> eccns;
  Country destination;
  std::string consignee;
  int64_t quantity = 0;
  double value_usd = 0;
  double tpp = 0;
  std::optional<Date> valid_from;  // the first day the requester asks for; none: from approval
  Date valid_to;                   // requested expiry of the licence
  ApplicationState state = ApplicationState::kDraft;  // set by the ledger
  std::string approver;
  std::string reason;
  std::string license_number;  // set when approved
};

// A License Exception NAC notification (15 CFR 740.8(a)(2)): filed in SNAP-R at least 25
// calendar days before export; on day 25 BIS answers with a confirmation number, under which
// shipments to the notified party may go up to the notified quantity and value, or with a
// refusal (a licence is needed instead). filed → confirmed | refused.
struct Notification {
  std::string id;     // the exporter's reference for it
  std::string party;  // the party id it notifies (the consignee or end user)
  Country destination;
  Date filed;
  int64_t quantity_limit = 0;  // units it covers; 0: not limited by quantity
  double value_limit_usd = 0;  // value it covers; 0: not limited by value
  NotificationState state = NotificationState::kFiled;  // set by the ledger
  std::string confirmation;                             // BIS's confirmation number, once confirmed
  Date answered = Date::Max();                          // the day BIS confirmed or refused it
};

struct Agreement {
  std::string id;
  Country country;
  std::string cap;      // the regime cap it raises, e.g. "country_allocation"
  double increase = 0;  // 1.0 doubles it
  Date from;
  Date to = Date::Max();
  std::string citation;
};

// A Validated End-User authorisation for a data-centre operator (15 CFR 748.15). A national
// VEU names one country and its TPP ceiling there; a universal VEU covers every destination
// outside Tier 3 within shares of the holder's declared installed base (at most `tier2_share`
// of it in Tier 2 in all, `country_share` in any one Tier 2 country).
struct Veu {
  std::string id;
  std::string kind;             // universal | national
  std::string holder;           // the consignee id it authorises
  Country headquarters;         // the holder's, for eligibility (15 CFR 748.15)
  Country parent_headquarters;  // its ultimate parent's; defaults to headquarters
  std::string regime;           // empty: any regime
  std::vector<std::string> eccns;
  Country country;  // national: the one country
  std::vector<std::string> locations;
  double limit_tpp = 0;  // national: the ceiling in `country`
  double total_tpp = 0;  // universal: the holder's declared installed base
  // Universal: the shares of the installed base allowed in all Tier 2 destinations and in any
  // one; 0 takes the regime's maximum (its `veu.universal`), a smaller figure is the holder's own.
  double tier2_share = 0;
  double country_share = 0;
  Date valid_from;
  Date valid_to = Date::Max();
};

struct PartyRecord {
  std::string id;
  std::string name;
  Country country;
  std::string address;
  std::vector<std::string> beneficial_owners;
};

// A link between two parties; linked parties form one party group.
struct PartyLink {
  std::string from;
  std::string to;
  std::string kind;  // owns | shares_address | shares_owner
  double share = 0;  // ownership share, for "owns"
};

// A licence with what has shipped under it. A limit of 0 is no limit: nothing is "left" of it.
struct LicenseStatus {
  License license;
  int64_t quantity_used = 0;
  double tpp_used = 0;
  double value_used_usd = 0;
};

// A shipment or a reservation on record; its decision is the audit record `audit_index`.
struct MovementRecord {
  std::string id;
  bool reservation = false;
  MovementState state = MovementState::kRecorded;
  std::string date;  // the order's date, YYYY-MM-DD
  std::string consignee;
  std::string group;
  int64_t recorded_at = 0;  // unix seconds
  int64_t expires_at = 0;   // a reservation's hold lapses after it (0: never)
  uint64_t audit_index = 0;
};

// A cap counter: what one consignee, party group or country has used of a cap in one period,
// and the limit of each regime that defines the cap.
struct CapUsage {
  struct Limit {
    std::string regime;
    double limit_tpp = 0;
    double headroom_tpp = 0;  // negative when a regime's lower limit is already passed
  };
  std::string cap;  // the regime's cap id, e.g. "lpp"
  std::string key;  // whose usage, in which period
  double used_tpp = 0;
  std::vector<Limit> limits;
};

// An alert for a reviewer: orders that look split to stay under a cap ("structuring"), or a
// party on record that a kept list names ("screening").
struct Alert {
  std::string id;      // its key in the ledger
  std::string kind;    // structuring | screening
  std::string record;  // the alert as the audit log holds it: a JSON object, fields by kind
};

// A party with its links and the party group they make.
struct PartyView {
  PartyRecord party;
  std::vector<PartyLink> links;  // the links from it
  std::string group;
  std::vector<std::string> group_members;  // party ids, the party itself among them
};

// A restricted-party list kept in the ledger for determine and ship to screen against.
struct KeptList {
  std::string name;
  std::string version;
  std::string format;
  std::string source;
  int64_t entries = 0;
};

// A screening hit a reviewer cleared as a false positive, for one party.
struct ClearedHit {
  std::string party_name;
  std::string party_id;  // empty when the party is named by name, country and birth date
  Country country;
  std::string birth_date;
  std::string party_key;  // what the clearance is keyed to
  std::string list;
  std::string list_version;
  std::string entry_id;
  std::string entry_name;
  std::string entry_digest;  // the clearance lapses when the entry changes
  std::string reason;
  std::string expires;  // YYYY-MM-DD, or empty
  std::string reviewer;
  int64_t cleared_at = 0;  // unix seconds
};

// A hit of a party on record that no clearance covers.
struct OpenHit {
  std::string party;  // its id
  std::string party_name;
  Country country;
  std::string list;
  std::string list_version;
  std::string entry_id;
  std::string entry_name;
  std::string matched_name;  // the entry's name or alias that matched
  double score = 0;
};

struct CheckReport {
  int64_t records = 0;  // audit log records read
  int64_t shipments = 0;
  int64_t reservations_held = 0;
  int64_t counters = 0;
  std::vector<std::string> problems;  // empty when consistent
};

}  // namespace tg
