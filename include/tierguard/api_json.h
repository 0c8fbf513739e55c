// The API's encodings: the JSON that `tierguard serve` answers with and the command line
// prints, one object per record. They are the contract with callers, so they are written here
// and nowhere else, apart from how the ledger stores the same records (a stored field may be
// renamed or added without changing what a caller reads).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tierguard/ledger.h"

namespace tg::api {

std::string ToJson(const LicenseStatus& v);  // the licence and its balances
std::string ToJson(const LicenseApplication& v);
std::string ToJson(const Notification& v);
std::string ToJson(const Veu& v);
std::string ToJson(const Agreement& v);
std::string ToJson(const PartyRecord& v);
std::string ToJson(const PartyView& v);
std::string ToJson(const MovementRecord& v);
std::string ToJson(const CapUsage& v);
std::string ToJson(const Alert& v);
std::string ToJson(const KeptList& v);
std::string ToJson(const ClearedHit& v);
std::string ToJson(const OpenHit& v);

// A page of a listing as the HTTP API answers it: {"items":[ITEM…],"next":CURSOR|null}, each
// item already encoded.
std::string PageJson(const std::vector<std::string>& items, std::string_view next);

// Every item of `page`, encoded.
template <typename T>
std::vector<std::string> Encoded(const Page<T>& page) {
  std::vector<std::string> out;
  out.reserve(page.items.size());
  for (const T& item : page.items) {
    out.push_back(ToJson(item));
  }
  return out;
}

}  // namespace tg::api
