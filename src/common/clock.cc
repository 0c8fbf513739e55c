#include "tierguard/clock.h"

#include <ctime>

namespace tg {

int64_t SystemClock::NowUnix() const { return static_cast<int64_t>(std::time(nullptr)); }

Date Today(const Clock& clock) {
  return Date::FromDays(static_cast<int32_t>(clock.NowUnix() / 86400));
}

}  // namespace tg
