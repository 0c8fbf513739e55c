// Date: a calendar day in the proleptic Gregorian calendar, stored as days since 1970-01-01.
// Rules take effect on days, not instants, so every effective date in tierguard is a Date.
// A value type; thread-compatible.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "tierguard/status.h"

namespace tg {

class Date {
 public:
  constexpr Date() = default;
  static constexpr Date FromDays(int32_t days) { return Date(days); }
  static Date FromCivil(int year, int month, int day);

  // Parses "YYYY-MM-DD" strictly (real calendar days only).
  static Result<Date> Parse(std::string_view text);

  // Earliest and latest representable days; used as open interval ends.
  static constexpr Date Min() { return Date(INT32_MIN / 2); }
  static constexpr Date Max() { return Date(INT32_MAX / 2); }

  int32_t days() const { return days_; }
  int year() const;
  int month() const;
  int day() const;
  int quarter() const { return (month() - 1) / 3 + 1; }
  std::string ToString() const;
  Date AddDays(int32_t n) const { return Date(days_ + n); }

  auto operator<=>(const Date&) const = default;

 private:
  constexpr explicit Date(int32_t days) : days_(days) {}
  int32_t days_ = 0;
};

// A closed interval of days [from, to]; either end may be open (Min/Max).
struct DateRange {
  Date from = Date::Min();
  Date to = Date::Max();
  bool Contains(Date d) const { return from <= d && d <= to; }
  bool Overlaps(const DateRange& o) const { return from <= o.to && o.from <= to; }
  // "2023-11-17 → 2026-01-14", with "…" for an open end.
  std::string ToString() const;
};

}  // namespace tg
