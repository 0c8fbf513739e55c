#include <array>

#include "tierguard/access.h"

namespace tg {

namespace {

constexpr std::array<std::string_view, 6> kRoleNames = {"viewer",   "clerk",   "officer",
                                                        "approver", "auditor", "admin"};

}  // namespace

std::string_view RoleName(Role role) { return kRoleNames.at(static_cast<size_t>(role)); }

bool ParseRole(std::string_view name, Role& out) {
  for (size_t i = 0; i < kRoleNames.size(); ++i) {
    if (kRoleNames[i] == name) {
      out = static_cast<Role>(i);
      return true;
    }
  }
  return false;
}

std::string_view PermissionName(Permission permission) {
  static constexpr std::array<std::string_view, 6> kNames = {"read",   "record", "administer",
                                                             "decide", "audit",  "manage_keys"};
  return kNames.at(static_cast<size_t>(permission));
}

bool Allows(Role role, Permission permission) {
  switch (permission) {
    case Permission::kRead:
      return true;
    case Permission::kRecord:
      return role == Role::kClerk || role == Role::kOfficer || role == Role::kAdmin;
    case Permission::kAdminister:
      return role == Role::kOfficer || role == Role::kAdmin;
    case Permission::kDecide:
      return role == Role::kApprover || role == Role::kAdmin;
    case Permission::kAudit:
      return role == Role::kAuditor || role == Role::kAdmin;
    case Permission::kManageKeys:
      return role == Role::kAdmin;
  }
  return false;
}

}  // namespace tg
