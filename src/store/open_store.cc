// Which backend a ledger location names, and opening it.
#include "src/store/store.h"

namespace tg::store {

Backend BackendOf(std::string_view location) {
  if (location == "memory" || location == ":memory:") {
    return Backend::kMemory;
  }
  if (location.starts_with("postgresql://") || location.starts_with("postgres://") ||
      location.starts_with("pg:")) {
    return Backend::kPostgres;
  }
  return Backend::kSqlite;
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& location) {
  switch (BackendOf(location)) {
    case Backend::kMemory:
      return OpenMemoryStore();
    case Backend::kPostgres:
      return OpenPostgresStore(location.starts_with("pg:") ? location.substr(3) : location);
    case Backend::kSqlite:
      break;
  }
  if (location.empty()) {
    return InvalidArgument("the ledger path is empty");
  }
  return OpenSqliteStore(location);
}

}  // namespace tg::store
