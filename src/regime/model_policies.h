// Conditions a company (or a regime) sets on releasing or transferring a model: the
// evaluations it must have passed, and who signed the release off, for models trained with at
// least so many operations. Data with dates and sources (data/policies/*.yaml), as letters are.
#pragma once

#include <string>
#include <vector>

#include "tierguard/date.h"
#include "tierguard/models.h"
#include "tierguard/status.h"

namespace tg::regime {

struct ModelPolicy {
  std::string id;
  DateRange effective;
  double min_operations = 0;  // applies to models trained with at least this many (lineage)
  bool before_release = false;
  bool before_transfer = false;
  std::vector<std::string> evaluations;  // kinds that must have passed ("red_team", …)
  bool sign_off = false;                 // a release names who approved it
  std::string citation;
  std::string text;
};

class ModelPolicies {
 public:
  // Every *.yaml file of `dir` ({"policies": [...]}); no folder: no policies. A bad file is
  // InvalidArgument naming its line and field.
  static Result<ModelPolicies> Load(const std::string& dir);

  // What the policies in force find wrong with `model` (trained with `operations`, its
  // lineage's included): each release that lacks a passing evaluation or a sign-off a policy
  // required before it, one line each.
  std::vector<std::string> ReleaseFindings(const ModelRecord& model, double operations) const;
  // Why a transfer of `model` on `date` may not go: the first policy in force that requires
  // evaluations before a transfer and that the model has not passed by then ("" when none).
  std::string TransferBar(const ModelRecord& model, double operations, Date date) const;

  const std::vector<ModelPolicy>& all() const { return policies_; }

 private:
  std::vector<ModelPolicy> policies_;
};

}  // namespace tg::regime
