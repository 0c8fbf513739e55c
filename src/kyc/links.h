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

// Customers grouped by shared keys (union-find over interned ids); a group is named by its
// smallest customer id.
class CustomerGroups {
 public:
  // Customers that share `link_key` are one group. REQUIRES: keys come grouped, each key's
  // customers one after another (as a scan of the stored keys gives them, in key order).
  void Add(std::string_view link_key, std::string_view customer);
  // The group of `customer`: its smallest member's id (itself when it shares nothing).
  std::string GroupOf(const std::string& customer);

 private:
  int Intern(std::string_view customer);
  int Find(int c);

  std::unordered_map<std::string, int> ids_;
  std::vector<std::string> names_;
  std::vector<int> parent_;
  std::vector<int> smallest_;  // per root: the member whose name is smallest
  std::string last_key_;
  int last_first_ = -1;
};

}  // namespace tg::kyc
