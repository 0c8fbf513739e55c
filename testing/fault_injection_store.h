// FaultInjectionStore: a store that fails on purpose, for recovery tests. It wraps a real store
// and fails the Nth write from now (Insert, Put, Delete or AddCounter) or the next Commit with
// Unavailable, as a full disk or a dropped connection would. The failed transaction's writes
// never reach the inner store's commit: they are dropped as unsynced writes are in a crash.
// A test runs a transaction once to count its writes, then fails each write in turn, and shows
// that whatever failed, the store is as it was before (and the next run succeeds).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tierguard/status.h"

#include "src/store/store.h"

namespace tg::testing {

class FaultInjectionStore final : public store::Store {
 public:
  explicit FaultInjectionStore(std::unique_ptr<store::Store> inner) : inner_(std::move(inner)) {}

  // The `n`th write from now (1-based) fails; 0: none.
  void FailWrite(uint64_t n) { fail_at_ = n == 0 ? 0 : writes_ + n; }
  void FailNextCommit() { fail_commit_ = true; }
  // Writes seen so far, failed ones included.
  uint64_t writes() const { return writes_; }

  Result<std::unique_ptr<store::Transaction>> Begin() override {
    TG_ASSIGN_OR_RETURN(auto txn, inner_->Begin());
    return std::unique_ptr<store::Transaction>(new Txn(*this, std::move(txn)));
  }
  Result<std::unique_ptr<store::Transaction>> BeginRead() override { return inner_->BeginRead(); }
  Result<std::unique_ptr<store::Transaction>> BeginInspection() override {
    return inner_->BeginInspection();
  }
  std::string Describe() const override { return "fault-injection:" + inner_->Describe(); }
  Status Damage() const override { return inner_->Damage(); }
  Status VerifyIntegrity() override { return inner_->VerifyIntegrity(); }
  int SchemaVersion() const override { return inner_->SchemaVersion(); }

 private:
  static Status Injected(std::string_view what) {
    return Status(StatusCode::kUnavailable, "injected fault: " + std::string(what));
  }
  // Counts a write; the injected failure when it is the one to fail.
  Status Write(std::string_view what) {
    ++writes_;
    if (fail_at_ != 0 && writes_ == fail_at_) {
      fail_at_ = 0;
      return Injected(what);
    }
    return Status::Ok();
  }

  class Txn final : public store::Transaction {
   public:
    Txn(FaultInjectionStore& store, std::unique_ptr<store::Transaction> inner)
        : store_(store), inner_(std::move(inner)) {}

    Result<std::optional<std::string>> Get(store::Table table, std::string_view key) override {
      return inner_->Get(table, key);
    }
    Status Insert(store::Table table, std::string_view key, std::string_view value) override {
      TG_RETURN_IF_ERROR(store_.Write("insert"));
      return inner_->Insert(table, key, value);
    }
    Status Put(store::Table table, std::string_view key, std::string_view value) override {
      TG_RETURN_IF_ERROR(store_.Write("put"));
      return inner_->Put(table, key, value);
    }
    Status Delete(store::Table table, std::string_view key) override {
      TG_RETURN_IF_ERROR(store_.Write("delete"));
      return inner_->Delete(table, key);
    }
    Result<std::vector<store::Row>> Scan(store::Table table, std::string_view prefix,
                                         size_t limit) override {
      return inner_->Scan(table, prefix, limit);
    }
    Status ForEach(store::Table table, std::string_view prefix, std::string_view from,
                   const Visitor& visit) override {
      return inner_->ForEach(table, prefix, from, visit);
    }
    Result<int64_t> Counter(std::string_view key) override { return inner_->Counter(key); }
    Result<int64_t> AddCounter(std::string_view key, int64_t delta) override {
      TG_RETURN_IF_ERROR(store_.Write("counter"));
      return inner_->AddCounter(key, delta);
    }
    Result<std::vector<std::pair<std::string, int64_t>>> ScanCounters(
        std::string_view prefix) override {
      return inner_->ScanCounters(prefix);
    }
    Status Commit() override {
      if (store_.fail_commit_) {
        store_.fail_commit_ = false;
        return Injected("commit");  // the inner transaction is rolled back when dropped
      }
      return inner_->Commit();
    }

   private:
    FaultInjectionStore& store_;
    std::unique_ptr<store::Transaction> inner_;
  };

  std::unique_ptr<store::Store> inner_;
  uint64_t writes_ = 0;
  uint64_t fail_at_ = 0;
  bool fail_commit_ = false;
};

}  // namespace tg::testing
