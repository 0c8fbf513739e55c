// Pages of a listing: every listing of the API (the Session's, the server's) gives its records
// a page at a time, in key order, with the cursor of the next page.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace tg {

// Which page of a listing to give: the records after the cursor `after` (empty: from the
// first), at most `limit` of them (0: all), in the listing's key order.
struct PageRequest {
  std::string after;
  size_t limit = 0;
};

// One page of a listing. `next` is the cursor to ask for the page after it (as
// PageRequest::after); empty when this page is the last.
template <typename T>
struct Page {
  std::vector<T> items;
  std::string next;
};

}  // namespace tg
