// Clock: where tierguard reads the time (reservation expiry, record timestamps). Tests use
// FixedClock so that they are hermetic. Implementations are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>

#include "tierguard/date.h"

namespace tg {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowUnix() const = 0;  // seconds since 1970-01-01 UTC
};

class SystemClock : public Clock {
 public:
  int64_t NowUnix() const override;
};

// The UTC day `clock` is in.
Date Today(const Clock& clock);

// A clock that says what it is told.
class FixedClock : public Clock {
 public:
  explicit FixedClock(int64_t now) : now_(now) {}
  int64_t NowUnix() const override { return now_.load(); }
  void Set(int64_t now) { now_.store(now); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace tg
