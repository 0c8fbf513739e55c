// ChipCatalog: the accelerators of data/chips.csv with their dense performance figures, die
// area, data-centre flag and memory figures. The loader recomputes every TPP and performance
// density from the figures and refuses a row whose stored values disagree, so that a hand edit
// cannot leave the table inconsistent. Immutable after Load; safe to share between threads.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "tierguard/status.h"
#include "tierguard/types.h"

namespace tg::classify {

struct ChipEntry {
  std::string name;
  std::vector<std::string> aliases;
  std::string manufacturer;
  bool datacenter = true;
  std::vector<PrecisionFigure> figures;  // dense figures
  double tpp = 0;
  std::optional<double> die_area_mm2;
  std::optional<double> performance_density;
  std::optional<double> dram_bandwidth_gbps;
  std::optional<double> interconnect_gbps;
  std::string source;
};

// A precision column of the chip table and the bit length TPP multiplies its TOPS by
// (data/classifications.yaml, `bit_lengths`).
struct BitLength {
  std::string precision;
  int bits = 0;
};

class ChipCatalog {
 public:
  // Every precision of `bit_lengths` must be a column of the table.
  static Result<ChipCatalog> Load(const std::string& path,
                                  const std::vector<BitLength>& bit_lengths);

  // Case- and punctuation-insensitive lookup by name or alias; nullptr when unknown.
  const ChipEntry* Find(std::string_view name) const;
  const std::vector<ChipEntry>& entries() const { return entries_; }
  size_t IndexOf(const ChipEntry* e) const { return static_cast<size_t>(e - entries_.data()); }

 private:
  // Transparent hashing so that Find can look up a stack-built key without allocating.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::vector<ChipEntry> entries_;
  std::unordered_map<std::string, size_t, KeyHash, std::equal_to<>> by_key_;
};

// TPP = max over dense figures of TOPS × bit length, times the number of units
// (Technical Note to 3A090; "max over precisions" per reference s1.3).
double TppFromFigures(const std::vector<PrecisionFigure>& figures, int units);

}  // namespace tg::classify
