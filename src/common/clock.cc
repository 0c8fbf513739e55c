#include "tierguard/clock.h"

#include <ctime>

namespace tg {

int64_t SystemClock::NowUnix() const { return static_cast<int64_t>(std::time(nullptr)); }

}  // namespace tg
