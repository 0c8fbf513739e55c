#include <map>
#include <mutex>

#include "src/store/store.h"

namespace tg::store {

namespace {

struct Data {
  std::map<std::pair<int, std::string>, std::string, std::less<>> docs;
  std::map<std::string, int64_t, std::less<>> counters;
};

// A transaction holds the store's mutex for its lifetime and writes into an overlay that
// Commit() applies; reads see the overlay first.
class MemoryTransaction : public Transaction {
 public:
  MemoryTransaction(std::mutex& mu, Data& data) : lock_(mu), data_(data) {}

  Result<std::optional<std::string>> Get(Table table, std::string_view key) override {
    const auto k = std::make_pair(static_cast<int>(table), std::string(key));
    if (auto it = docs_.find(k); it != docs_.end()) {
      return it->second;
    }
    if (auto it = data_.docs.find(k); it != data_.docs.end()) {
      return std::optional<std::string>(it->second);
    }
    return std::optional<std::string>();
  }

  Status Insert(Table table, std::string_view key, std::string_view value) override {
    TG_ASSIGN_OR_RETURN(auto existing, Get(table, key));
    if (existing) {
      return AlreadyExists("key '" + std::string(key) + "' exists");
    }
    return Put(table, key, value);
  }

  Status Put(Table table, std::string_view key, std::string_view value) override {
    docs_[{static_cast<int>(table), std::string(key)}] = std::string(value);
    return Status::Ok();
  }

  Status Delete(Table table, std::string_view key) override {
    docs_[{static_cast<int>(table), std::string(key)}] = std::nullopt;
    return Status::Ok();
  }

  Result<std::vector<Row>> Scan(Table table, std::string_view prefix, size_t limit) override {
    std::map<std::string, std::optional<std::string>> merged;
    const int t = static_cast<int>(table);
    for (auto it = data_.docs.lower_bound(std::make_pair(t, std::string(prefix)));
         it != data_.docs.end() && it->first.first == t &&
         it->first.second.compare(0, prefix.size(), prefix) == 0;
         ++it) {
      merged[it->first.second] = it->second;
    }
    for (const auto& [k, v] : docs_) {
      if (k.first == t && k.second.compare(0, prefix.size(), prefix) == 0) {
        merged[k.second] = v;
      }
    }
    std::vector<Row> out;
    for (auto& [k, v] : merged) {
      if (v && out.size() < limit) {
        out.emplace_back(k, std::move(*v));
      }
    }
    return out;
  }

  Result<int64_t> Counter(std::string_view key) override {
    if (auto it = counters_.find(key); it != counters_.end()) {
      return it->second;
    }
    auto it = data_.counters.find(key);
    return it == data_.counters.end() ? 0 : it->second;
  }

  Status ForEach(Table table, std::string_view prefix, std::string_view from,
                 const Visitor& visit) override {
    TG_ASSIGN_OR_RETURN(auto rows, Scan(table, prefix, SIZE_MAX));
    for (const auto& [key, value] : rows) {
      if (key < from) {
        continue;
      }
      TG_ASSIGN_OR_RETURN(const bool more, visit(key, value));
      if (!more) {
        break;
      }
    }
    return Status::Ok();
  }

  Result<int64_t> AddCounter(std::string_view key, int64_t delta) override {
    TG_ASSIGN_OR_RETURN(int64_t v, Counter(key));
    if (__builtin_add_overflow(v, delta, &v)) {
      return InvalidArgument("counter " + std::string(key) + ": adding " + std::to_string(delta) +
                             " does not fit in 64 bits");
    }
    counters_[std::string(key)] = v;
    return v;
  }

  Result<std::vector<std::pair<std::string, int64_t>>> ScanCounters(
      std::string_view prefix) override {
    std::map<std::string, int64_t> merged;
    for (const auto& [k, v] : data_.counters) {
      if (k.compare(0, prefix.size(), prefix) == 0) {
        merged[k] = v;
      }
    }
    for (const auto& [k, v] : counters_) {
      if (k.compare(0, prefix.size(), prefix) == 0) {
        merged[k] = v;
      }
    }
    return std::vector<std::pair<std::string, int64_t>>(merged.begin(), merged.end());
  }

  Status Commit() override {
    for (auto& [k, v] : docs_) {
      if (v) {
        data_.docs[k] = std::move(*v);
      } else {
        data_.docs.erase(k);
      }
    }
    for (auto& [k, v] : counters_) {
      data_.counters[k] = v;
    }
    docs_.clear();
    counters_.clear();
    return Status::Ok();
  }

 private:
  std::unique_lock<std::mutex> lock_;
  Data& data_;
  std::map<std::pair<int, std::string>, std::optional<std::string>> docs_;
  std::map<std::string, int64_t, std::less<>> counters_;
};

class MemoryStore : public Store {
 public:
  Result<std::unique_ptr<Transaction>> Begin() override {
    return std::unique_ptr<Transaction>(new MemoryTransaction(mu_, data_));
  }
  Result<std::unique_ptr<Transaction>> BeginRead() override { return Begin(); }
  Result<std::unique_ptr<Transaction>> BeginInspection() override { return Begin(); }
  std::string Describe() const override { return "memory"; }
  Status Damage() const override { return Status::Ok(); }
  Status VerifyIntegrity() override { return Status::Ok(); }
  int SchemaVersion() const override { return 1; }

 private:
  std::mutex mu_;
  Data data_;  // guarded by mu_ (held by the open transaction)
};

}  // namespace

std::unique_ptr<Store> OpenMemoryStore() { return std::make_unique<MemoryStore>(); }

}  // namespace tg::store
