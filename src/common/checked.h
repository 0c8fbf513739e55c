// Checked arithmetic for quantities, TPP, values and counters, and the largest figures tierguard
// accepts. A figure beyond its maximum is an input error that names its field; a sum or product
// that would not fit in int64 is an error too, never a wrapped or saturated value. The maxima
// leave every sum of a few figures far inside int64, but sums are checked anyway: a counter adds
// up a whole history. Stateless; thread-safe.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "tierguard/status.h"

namespace tg {

// Units of one item line.
inline constexpr int64_t kMaxQuantity = 1'000'000'000;
// TPP of one chip (the largest datacentre GPUs of 2025 are near 40,000).
inline constexpr double kMaxUnitTpp = 1e9;
// Any total of TPP: one item line (TPP × quantity), a cap limit, a licence or VEU ceiling, an
// installed base. 10^15 TPP is 63 billion H100s; in thousandths it is 10^18, inside int64.
inline constexpr double kMaxTotalTpp = 1e15;
inline constexpr int64_t kMaxTotalTppMilli = 1'000'000'000'000'000'000;
// A line's or a licence's value in US dollars (10^15 cents).
inline constexpr double kMaxValueUsd = 1e13;
// Units a licence or an application may cover.
inline constexpr int64_t kMaxLicenseQuantity = 1'000'000'000'000;

// a + b, or InvalidArgument "WHAT: ... would overflow".
inline Result<int64_t> CheckedAdd(int64_t a, int64_t b, std::string_view what) {
  int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out)) {
    return InvalidArgument(std::string(what) + ": " + std::to_string(a) + " + " +
                           std::to_string(b) + " does not fit in a 64-bit counter");
  }
  return out;
}

// a × b, or InvalidArgument.
inline Result<int64_t> CheckedMul(int64_t a, int64_t b, std::string_view what) {
  int64_t out = 0;
  if (__builtin_mul_overflow(a, b, &out)) {
    return InvalidArgument(std::string(what) + ": " + std::to_string(a) + " × " +
                           std::to_string(b) + " does not fit in a 64-bit counter");
  }
  return out;
}

// True when used + amount > limit, computed without overflow.
inline bool Exceeds(int64_t used, int64_t amount, int64_t limit) {
  __extension__ using Wide = __int128;  // g++ and clang; -Wpedantic otherwise objects
  return static_cast<Wide>(used) + amount > limit;
}

// A non-negative figure `v` scaled by `scale` (1000 for TPP thousandths, 100 for cents) and
// rounded, when v is finite and at most `max`; else InvalidArgument naming `field`.
inline Result<int64_t> ScaledFigure(double v, double scale, double max, std::string_view field) {
  if (!std::isfinite(v) || v < 0 || v > max) {
    char text[32];
    std::snprintf(text, sizeof(text), "%g", max);
    return InvalidArgument(std::string(field) + ": must be a number from 0 to " + text);
  }
  return static_cast<int64_t>(std::llround(v * scale));
}

}  // namespace tg
