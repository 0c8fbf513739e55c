// The first damage a store has seen, shared by the store and its transactions: once a read
// meets a damaged record the store refuses to write (nothing is built on damaged state).
#pragma once

#include <mutex>

#include "tierguard/status.h"

namespace tg::store {

class Health {
 public:
  Status Get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return first_;
  }
  // Keeps the first DataLoss; passes every status through.
  Status Note(Status s) {
    if (s.code() == StatusCode::kDataLoss) {
      std::lock_guard<std::mutex> lock(mu_);
      if (first_.ok()) {
        first_ = s;
      }
    }
    return s;
  }

 private:
  mutable std::mutex mu_;
  Status first_;
};

}  // namespace tg::store
