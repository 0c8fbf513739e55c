// The ledger's document tables. Their ids are stored in every row: never renumber or reuse one
// (a new table takes the next free id, and the registry refuses a clash at start).
#pragma once

#include "src/store/store.h"

namespace tg::ledger {

inline constexpr store::Table kShipments{1};
inline constexpr store::Table kReservations{2};
inline constexpr store::Table kLicenses{3};
inline constexpr store::Table kApplications{4};
inline constexpr store::Table kAgreements{5};
inline constexpr store::Table kVeus{6};
inline constexpr store::Table kParties{7};
inline constexpr store::Table kPartyLinks{8};
inline constexpr store::Table kAlerts{9};
inline constexpr store::Table kNearThreshold{10};  // orders close to a cap, for structuring
inline constexpr store::Table kLists{12};          // restricted-party lists kept, by name
inline constexpr store::Table kClearances{13};     // screening hits a reviewer cleared
// Held reservations by expiry ("EXPIRES20\x1fID"), so that expiry reads few.
inline constexpr store::Table kHolds{14};
inline constexpr store::Table kNotifications{15};  // License Exception NAC notifications
inline constexpr store::Table kRefusals{16};       // requests decided and not recorded

}  // namespace tg::ledger
