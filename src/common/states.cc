// The names of the ledger's record states (tierguard/ledger.h), as the ledger's JSON and every
// listing spell them.
#include <array>

#include "tierguard/ledger.h"
#include "tierguard/models.h"

namespace tg {

namespace {

// The names of an enum's values, by value.
template <typename State, size_t N>
bool ParseName(std::string_view name, const std::array<std::string_view, N>& names, State& out) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) {
      out = static_cast<State>(i);
      return true;
    }
  }
  return false;
}

constexpr std::array<std::string_view, 2> kLicenseStates = {"active", "revoked"};
constexpr std::array<std::string_view, 5> kApplicationStates = {
    "draft", "submitted", "approved", "denied", "returned_without_action"};
constexpr std::array<std::string_view, 3> kNotificationStates = {"filed", "confirmed", "refused"};
constexpr std::array<std::string_view, 4> kTransferStates = {"pending", "approved", "denied",
                                                             "refused"};
constexpr std::array<std::string_view, 6> kMovementStates = {"recorded", "held",    "committed",
                                                             "released", "expired", "refused"};

}  // namespace

std::string_view StateName(LicenseState s) { return kLicenseStates.at(static_cast<size_t>(s)); }
std::string_view StateName(ApplicationState s) {
  return kApplicationStates.at(static_cast<size_t>(s));
}
std::string_view StateName(NotificationState s) {
  return kNotificationStates.at(static_cast<size_t>(s));
}
std::string_view StateName(MovementState s) { return kMovementStates.at(static_cast<size_t>(s)); }
bool ParseState(std::string_view name, LicenseState& out) {
  return ParseName(name, kLicenseStates, out);
}
bool ParseState(std::string_view name, ApplicationState& out) {
  return ParseName(name, kApplicationStates, out);
}
bool ParseState(std::string_view name, NotificationState& out) {
  return ParseName(name, kNotificationStates, out);
}
bool ParseState(std::string_view name, MovementState& out) {
  return ParseName(name, kMovementStates, out);
}

std::string_view TransferStateName(TransferState s) {
  return kTransferStates.at(static_cast<size_t>(s));
}
bool ParseTransferState(std::string_view name, TransferState& out) {
  return ParseName(name, kTransferStates, out);
}

}  // namespace tg
