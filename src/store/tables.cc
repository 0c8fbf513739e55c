// The registry of document tables: ids and names, checked for clashes as subsystems register.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>

#include "src/store/store.h"

namespace tg::store {

namespace {

struct Registry {
  std::mutex mu;
  std::map<uint16_t, std::string_view> names;
};

Registry& TheRegistry() {
  static Registry registry;
  return registry;
}

[[noreturn]] void Clash(const TableDef& table, std::string_view other) {
  std::fprintf(stderr, "tierguard: table %u '%.*s' clashes with the registered '%.*s'\n",
               static_cast<unsigned>(table.id), static_cast<int>(table.name.size()),
               table.name.data(), static_cast<int>(other.size()), other.data());
  std::abort();
}

const bool kStoreTables = RegisterTables({{kMeta, "meta"}});

}  // namespace

bool RegisterTables(std::initializer_list<TableDef> tables) {
  Registry& r = TheRegistry();
  std::lock_guard lock(r.mu);
  for (const TableDef& t : tables) {
    const auto id = static_cast<uint16_t>(t.id);
    for (const auto& [other_id, other_name] : r.names) {
      if ((other_id == id) != (other_name == t.name)) {
        Clash(t, other_name);  // one of id and name taken by another table
      }
    }
    r.names.emplace(id, t.name);
  }
  return true;
}

std::string TableName(Table table) {
  Registry& r = TheRegistry();
  std::lock_guard lock(r.mu);
  const auto it = r.names.find(static_cast<uint16_t>(table));
  return it != r.names.end() ? std::string(it->second)
                             : "table " + std::to_string(static_cast<unsigned>(table));
}

std::vector<Table> RegisteredTables() {
  Registry& r = TheRegistry();
  std::lock_guard lock(r.mu);
  std::vector<Table> out;
  out.reserve(r.names.size());
  for (const auto& [id, name] : r.names) {
    out.push_back(Table{id});
  }
  return out;
}

Status Transaction::PutMany(Table table, std::span<const Row> rows) {
  for (const auto& [key, value] : rows) {
    TG_RETURN_IF_ERROR(Put(table, key, value));
  }
  return Status::Ok();
}

Status Transaction::InsertMany(Table table, std::span<const Row> rows) {
  for (const auto& [key, value] : rows) {
    TG_RETURN_IF_ERROR(Insert(table, key, value));
  }
  return Status::Ok();
}

Result<Page<Row>> ReadPage(Transaction& txn, Table table, const PageRequest& page) {
  Page<Row> out;
  TG_RETURN_IF_ERROR(txn.ForEach(
      table, "", page.after, [&](std::string_view key, std::string_view value) -> Result<bool> {
        if (!page.after.empty() && key == page.after) {
          return true;  // the page starts after its cursor
        }
        if (page.limit != 0 && out.items.size() == page.limit) {
          out.next = out.items.back().first;  // one more follows: the caller may ask for it
          return false;
        }
        out.items.emplace_back(key, value);
        return true;
      }));
  return out;
}

}  // namespace tg::store
