// Determiner: the licence decision for one request under one regime. For every item and every
// party the goods go to (consignee, and end user when given) it finds the licence requirement,
// then the first licence exception that holds (within its cap), else the licence review policy
// (within its allocation); the request's outcome is the strictest over items and parties.
// Stateless apart from the caller's BatchState; safe to share between threads.
#pragma once

#include <string>
#include <vector>

#include "tierguard/engine.h"
#include "tierguard/types.h"

#include "src/classify/classifier.h"
#include "src/regime/controls.h"
#include "src/regime/letters.h"
#include "src/regime/regime_set.h"

namespace tg::decide {

class Determiner {
 public:
  // `controls` and `letters` (nullable: none) apply on top of every regime. Not owned.
  Determiner(const classify::Classifier& classifier, const regime::RegimeSet& regimes,
             const regime::Controls* controls, const regime::Letters* letters = nullptr);

  void Decide(const Request& request, BatchState& batch, Decision& out) const;
  // The same under a given regime (replay uses the regime version that made a decision).
  // REQUIRES: `out` was reset by Decide, or is fresh.
  void DecideUnder(const regime::Regime& regime, const Request& request, BatchState& batch,
                   Decision& out) const;

 public:
  struct Pending {
    std::string key;
    int64_t amount;
  };

 private:
  struct ItemVerdict {
    Outcome outcome = Outcome::kNoLicenseRequired;
    LicensePolicy policy = LicensePolicy::kNone;
    std::string_view authorization;
  };

  Status DecideItem(const Request& req, const regime::Regime& regime,
                    const std::vector<regime::CountrySet>& sets, const ItemDecision& item,
                    const Party& party, bool is_consignee, size_t item_index,
                    const BatchState& batch, std::vector<Pending>& pending, Decision& out,
                    ItemVerdict& verdict) const;
  // Checks `amount` against the cap; records the CapUse; returns whether it fits.
  Result<bool> CheckCap(const Request& req, const regime::Regime& regime, const regime::Cap& cap,
                        const Party& party, TppMilli amount, const BatchState& batch,
                        std::vector<Pending>& pending, bool record, bool consume,
                        Decision& out) const;
  // Looks for a licence on record (the one the request names, or any that fits) covering the
  // item for the consignee; on success fills `verdict` and queues the licence's depletion.
  Result<bool> TryLicenses(const Request& req, const regime::Regime& regime,
                           const ItemDecision& item, size_t item_index, const Party& party,
                           const BatchState& batch, std::vector<Pending>& pending, Decision& out,
                           ItemVerdict& verdict) const;
  // Looks for a VEU authorisation of the consignee that covers the item within its limits.
  Result<bool> TryVeus(const Request& req, const regime::Regime& regime,
                       const std::vector<regime::CountrySet>& sets, const ItemDecision& item,
                       const Party& party, const BatchState& batch, std::vector<Pending>& pending,
                       Decision& out, ItemVerdict& verdict) const;
  // For an exception that needs a notification (NAC): looks for one on record for the party and
  // destination, confirmed, filed `notification_days` before the request, with balance left;
  // queues its depletion when `consume`. Adds a reason either way: under which notification,
  // or why none serves (and from when one could).
  Result<bool> TryNotification(const Request& req, const regime::Exception& e,
                               const ItemDecision& item, size_t item_index, const Party& party,
                               bool consume, const BatchState& batch, std::vector<Pending>& pending,
                               Decision& out, const std::string& subject) const;
  // The Part 744 and 746 controls and the is-informed letters that reach the item for this
  // party (adding their reasons): the strictest of their review policies, or nullopt when none
  // does (a letter may require a licence and state no policy: kNone). InvalidArgument when the
  // party is in a country with embargoed regions and does not say its region, or a letter's
  // parametric test needs a figure the item lacks.
  Result<std::optional<LicensePolicy>> SpecialControls(const Request& req, const Party& party,
                                                       const Classification& cls,
                                                       const regime::Facts& facts,
                                                       size_t item_index, Decision& out,
                                                       const std::string& subject) const;
  regime::Facts BuildFacts(const Request& req, const regime::Regime& regime,
                           const std::vector<regime::CountrySet>& sets, const ItemDecision& item,
                           const Party& party) const;

  const classify::Classifier& classifier_;
  const regime::RegimeSet& regimes_;
  const regime::Controls* controls_;
  const regime::Letters* letters_;
};

}  // namespace tg::decide
