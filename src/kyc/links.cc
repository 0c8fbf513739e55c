#include "src/kyc/links.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <utility>

namespace tg::kyc {

namespace {

constexpr char kSep = '\x1f';

std::string Folded(std::string_view s) {
  std::string out;
  bool space = false;
  for (char ch : s) {
    if (std::isspace(static_cast<unsigned char>(ch))) {
      space = !out.empty();
      continue;
    }
    if (space) {
      out.push_back(' ');
      space = false;
    }
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  }
  return out;
}

std::string Key(std::string_view kind, std::string_view value) {
  std::string k(kind);
  k.push_back(kSep);
  k.append(value);
  return k;
}

Status IpKeys(std::string_view text, std::vector<std::string>& out) {
  const size_t slash = text.find('/');
  const std::string address(text.substr(0, slash));
  const bool v6 = address.find(':') != std::string::npos;
  int prefix = v6 ? 128 : 32;
  if (slash != std::string_view::npos) {
    const std::string_view p = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
    if (ec != std::errc() || end != p.data() + p.size() || prefix < 0 || prefix > (v6 ? 128 : 32)) {
      return InvalidArgument("a prefix length");
    }
  }
  unsigned char bytes[16] = {};
  if (inet_pton(v6 ? AF_INET6 : AF_INET, address.c_str(), bytes) != 1) {
    return InvalidArgument("an IP address or CIDR range");
  }
  char buf[INET6_ADDRSTRLEN + 8];
  if (!v6) {
    const uint32_t ip = (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) |
                        (uint32_t{bytes[2]} << 8) | bytes[3];
    if (prefix < 16) {
      const uint32_t net = prefix == 0 ? 0 : ip & ~((uint32_t{1} << (32 - prefix)) - 1);
      std::snprintf(buf, sizeof buf, "%u.%u.%u.%u/%d", net >> 24, (net >> 16) & 255,
                    (net >> 8) & 255, net & 255, prefix);
      out.push_back(Key("ip", buf));
      return Status::Ok();
    }
    const uint32_t blocks = prefix >= 24 ? 1 : uint32_t{1} << (24 - prefix);
    const uint32_t first =
        ip & (prefix >= 24 ? 0xffffff00u : ~((uint32_t{1} << (32 - prefix)) - 1));
    for (uint32_t b = 0; b < blocks; ++b) {
      const uint32_t net = first + (b << 8);
      std::snprintf(buf, sizeof buf, "%u.%u.%u.0/24", net >> 24, (net >> 16) & 255,
                    (net >> 8) & 255);
      out.push_back(Key("ip", buf));
    }
    return Status::Ok();
  }
  const int keep = std::min(prefix, 48);
  for (int bit = keep; bit < 128; ++bit) {
    bytes[bit / 8] &= static_cast<unsigned char>(~(0x80 >> (bit % 8)));
  }
  inet_ntop(AF_INET6, bytes, buf, INET6_ADDRSTRLEN);
  out.push_back(Key("ip", std::string(buf) + "/" + std::to_string(keep)));
  return Status::Ok();
}

}  // namespace

Result<std::vector<std::string>> LinkKeys(const CustomerRecord& c) {
  std::vector<std::string> keys;
  for (const BeneficialOwner& o : c.beneficial_owners) {
    keys.push_back(Key("owner", Folded(o.name) + "|" + o.country.ToString()));
  }
  for (const PaymentMeans& p : c.payment_means) {
    keys.push_back(Key("payment", Folded(p.kind) + ":" + p.fingerprint));
  }
  for (const std::string& e : c.emails) {
    keys.push_back(Key("email", Folded(e)));
  }
  for (const std::string& phone : c.phones) {
    std::string digits;
    for (char ch : phone) {
      if (ch >= '0' && ch <= '9') {
        digits.push_back(ch);
      }
    }
    if (!digits.empty()) {
      keys.push_back(Key("phone", digits));
    }
  }
  for (size_t i = 0; i < c.ip_addresses.size(); ++i) {
    if (Status s = IpKeys(c.ip_addresses[i], keys); !s.ok()) {
      return InvalidArgument("customer.ip_addresses[" + std::to_string(i) + "]: '" +
                             c.ip_addresses[i] + "' is not " + s.message());
    }
  }
  if (!c.reseller.empty()) {
    keys.push_back(Key("reseller", c.reseller));
  }
  // A reseller is linked with the customers it resells to.
  keys.push_back(Key("reseller", c.id));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

int CustomerGroups::Intern(std::string_view customer) {
  auto [it, fresh] = ids_.try_emplace(std::string(customer), static_cast<int>(names_.size()));
  if (fresh) {
    names_.emplace_back(customer);
    parent_.push_back(it->second);
    smallest_.push_back(it->second);
  }
  return it->second;
}

int CustomerGroups::Find(int c) {
  int root = c;
  while (parent_[root] != root) {
    root = parent_[root];
  }
  while (parent_[c] != root) {  // path compression
    c = std::exchange(parent_[c], root);
  }
  return root;
}

void CustomerGroups::Add(std::string_view link_key, std::string_view customer) {
  const int c = Intern(customer);
  if (last_first_ < 0 || link_key != last_key_) {
    last_key_.assign(link_key);
    last_first_ = c;
    return;
  }
  int a = Find(last_first_);
  int b = Find(c);
  if (a == b) {
    return;
  }
  if (b < a) {
    std::swap(a, b);
  }
  parent_[b] = a;
  if (names_[smallest_[b]] < names_[smallest_[a]]) {
    smallest_[a] = smallest_[b];
  }
}

std::string CustomerGroups::GroupOf(const std::string& customer) {
  auto it = ids_.find(customer);
  return it == ids_.end() ? customer : names_[smallest_[Find(it->second)]];
}

}  // namespace tg::kyc
