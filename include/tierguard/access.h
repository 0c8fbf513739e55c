// Who may do what: API keys, each with one role (../shared/spec/http.md). A key is shown once,
// when it is made; the ledger keeps its name, role and a salted SHA-256 of its secret. The
// key's name is the actor the audit log records for what a call made with it changes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tg {

enum class Role : uint8_t { kViewer, kClerk, kOfficer, kApprover, kAuditor, kAdmin };
std::string_view RoleName(Role role);
bool ParseRole(std::string_view name, Role& out);  // false for a name no role has

// What a call does, as roles grant it.
enum class Permission : uint8_t {
  kRead,        // classify, determine, screen, caps and every listing
  kRecord,      // ship, reserve, commit, release; apply for and submit licence applications
  kAdminister,  // add licences, agreements, VEUs, notifications, parties, links; lists; hits
  kDecide,      // approve, deny or return an application that someone else requested
  kAudit,       // audit checkpoints, proofs and records
  kManageKeys,  // add, list and revoke keys
};
// viewer reads; clerk records; officer records and administers; approver reads and decides;
// auditor reads and audits; admin does everything.
bool Allows(Role role, Permission permission);
std::string_view PermissionName(Permission permission);  // read, record, administer, …

struct ApiKey {
  std::string name;  // the actor its calls are recorded as
  Role role = Role::kViewer;
  int64_t created = 0;    // unix seconds
  int64_t last_used = 0;  // 0: never
  int64_t revoked = 0;    // when it was revoked; 0: it is not
};

// The longest key name: names stand in every audit record a key's calls write.
inline constexpr size_t kMaxKeyNameBytes = 64;

}  // namespace tg
