#include "tierguard/types.h"

namespace tg {

std::string_view TransferKindName(TransferKind kind) {
  switch (kind) {
    case TransferKind::kExport:
      return "export";
    case TransferKind::kReexport:
      return "reexport";
    case TransferKind::kInCountryTransfer:
      return "in_country_transfer";
  }
  return "export";
}

std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kNoLicenseRequired:
      return "no_license_required";
    case Outcome::kLicenseException:
      return "license_exception";
    case Outcome::kLicensed:
      return "licensed";
    case Outcome::kLicenseRequired:
      return "license_required";
    case Outcome::kProhibited:
      return "prohibited";
  }
  return "license_required";
}

std::string_view LicensePolicyName(LicensePolicy policy) {
  switch (policy) {
    case LicensePolicy::kNone:
      return "none";
    case LicensePolicy::kPresumptionOfApproval:
      return "presumption_of_approval";
    case LicensePolicy::kCaseByCase:
      return "case_by_case";
    case LicensePolicy::kPresumptionOfDenial:
      return "presumption_of_denial";
  }
  return "none";
}

}  // namespace tg
