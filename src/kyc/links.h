// Links between cloud customers: two customers are linked when they share a beneficial owner, a
// payment instrument, an email address, a phone number or an IP range, or buy through one
// reseller (the reseller included); linked customers, directly or through others, form a group
// whose jobs are looked at together for training runs.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tierguard/cloud.h"
#include "tierguard/status.h"

namespace tg::kyc {

// The keys a customer links by, each "kind\x1fvalue": an owner by name (case and spacing
// folded) and country, a payment instrument by kind and fingerprint, an email address (case
// folded), a phone number by its digits, an IPv4 address or range by each /24 block it covers
// (a range wider than a /16 by itself), an IPv6 one by its /48 (wider: by itself), a reseller
// by its id. InvalidArgument naming customer.ip_addresses[i] for text that is no address or
// range.
Result<std::vector<std::string>> LinkKeys(const CustomerRecord& customer);

// Customers grouped by shared keys (union-find); a group is named by its smallest customer id.
class CustomerGroups {
 public:
  void Add(std::string_view link_key, const std::string& customer);
  // The group of `customer`: its smallest member's id (itself when it shares nothing).
  std::string GroupOf(const std::string& customer);

 private:
  std::string Find(const std::string& c);
  std::unordered_map<std::string, std::string> parent_;
  std::unordered_map<std::string, std::string> first_of_key_;
};

}  // namespace tg::kyc
