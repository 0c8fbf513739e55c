#include "src/classify/chip_catalog.h"

#include <cmath>

#include "src/common/csv.h"
#include "src/common/text.h"

namespace tg::classify {

namespace {

bool Close(double a, double b) { return std::fabs(a - b) <= 1e-3 * std::max(1.0, std::fabs(b)); }

}  // namespace

double TppFromFigures(const std::vector<PrecisionFigure>& figures, int units) {
  double best = 0;
  for (const PrecisionFigure& f : figures) {
    best = std::max(best, f.tops * f.bits);
  }
  return best * units;
}

Result<ChipCatalog> ChipCatalog::Load(const std::string& path,
                                      const std::vector<BitLength>& bit_lengths) {
  TG_ASSIGN_OR_RETURN(CsvTable csv, CsvTable::Load(path));
  auto col = [&](const char* name) { return csv.Column(name); };
  TG_ASSIGN_OR_RETURN(size_t c_name, col("name"));
  TG_ASSIGN_OR_RETURN(size_t c_aliases, col("aliases"));
  TG_ASSIGN_OR_RETURN(size_t c_maker, col("manufacturer"));
  TG_ASSIGN_OR_RETURN(size_t c_dc, col("datacenter"));
  TG_ASSIGN_OR_RETURN(size_t c_tpp, col("tpp"));
  TG_ASSIGN_OR_RETURN(size_t c_pd, col("performance_density"));
  TG_ASSIGN_OR_RETURN(size_t c_die, col("die_area_mm2"));
  TG_ASSIGN_OR_RETURN(size_t c_dram, col("dram_bandwidth_gbps"));
  TG_ASSIGN_OR_RETURN(size_t c_io, col("interconnect_gbps"));
  TG_ASSIGN_OR_RETURN(size_t c_source, col("source"));
  std::vector<size_t> c_prec;
  for (const BitLength& p : bit_lengths) {
    TG_ASSIGN_OR_RETURN(size_t c, col(p.precision.c_str()));
    c_prec.push_back(c);
  }
  ChipCatalog cat;
  for (const CsvRecord& rec : csv.records()) {
    ChipEntry e;
    e.name = rec.fields[c_name];
    if (e.name.empty()) {
      return InvalidArgument(csv.Where(rec, "name") + ": empty");
    }
    e.aliases = SplitList(rec.fields[c_aliases], ';');
    e.manufacturer = rec.fields[c_maker];
    const std::string& dc = rec.fields[c_dc];
    if (dc != "true" && dc != "false") {
      return InvalidArgument(csv.Where(rec, "datacenter") + ": expected true or false");
    }
    e.datacenter = dc == "true";
    auto optional_number = [&](size_t c, const char* name, std::optional<double>& out) -> Status {
      if (rec.fields[c].empty()) {
        return Status::Ok();
      }
      auto v = ParseNumber(rec.fields[c]);
      if (!v || *v <= 0) {
        return InvalidArgument(csv.Where(rec, name) + ": '" + rec.fields[c] +
                               "' is not a positive number");
      }
      out = *v;
      return Status::Ok();
    };
    for (size_t i = 0; i < c_prec.size(); ++i) {
      std::optional<double> tops;
      TG_RETURN_IF_ERROR(optional_number(c_prec[i], bit_lengths[i].precision.c_str(), tops));
      if (tops) {
        e.figures.push_back({bit_lengths[i].precision, *tops, bit_lengths[i].bits});
      }
    }
    if (e.figures.empty()) {
      return InvalidArgument(csv.Where(rec, "fp8") + ": no dense performance figure");
    }
    e.tpp = TppFromFigures(e.figures, 1);
    std::optional<double> stored_tpp, stored_pd;
    TG_RETURN_IF_ERROR(optional_number(c_tpp, "tpp", stored_tpp));
    TG_RETURN_IF_ERROR(optional_number(c_pd, "performance_density", stored_pd));
    TG_RETURN_IF_ERROR(optional_number(c_die, "die_area_mm2", e.die_area_mm2));
    TG_RETURN_IF_ERROR(optional_number(c_dram, "dram_bandwidth_gbps", e.dram_bandwidth_gbps));
    TG_RETURN_IF_ERROR(optional_number(c_io, "interconnect_gbps", e.interconnect_gbps));
    if (!stored_tpp || !Close(*stored_tpp, e.tpp)) {
      return InvalidArgument(csv.Where(rec, "tpp") + ": stored " + rec.fields[c_tpp] +
                             " but the figures give " + std::to_string(e.tpp));
    }
    if (e.die_area_mm2) {
      e.performance_density = e.tpp / *e.die_area_mm2;
    }
    if (stored_pd.has_value() != e.performance_density.has_value() ||
        (stored_pd && !Close(*stored_pd, *e.performance_density))) {
      return InvalidArgument(csv.Where(rec, "performance_density") +
                             ": does not equal tpp / die_area_mm2");
    }
    e.source = rec.fields[c_source];
    const size_t index = cat.entries_.size();
    for (const std::string& key_text : [&] {
           std::vector<std::string> keys = e.aliases;
           keys.push_back(e.name);
           return keys;
         }()) {
      std::string key = LookupKey(key_text);
      auto [it, inserted] = cat.by_key_.emplace(key, index);
      if (!inserted && it->second != index) {
        return InvalidArgument(csv.Where(rec, "aliases") + ": '" + key_text + "' already names " +
                               cat.entries_[it->second].name);
      }
    }
    cat.entries_.push_back(std::move(e));
  }
  return cat;
}

const ChipEntry* ChipCatalog::Find(std::string_view name) const {
  char buf[256];
  const auto n = LookupKeyInto(name, buf, sizeof(buf));
  if (!n) {
    return nullptr;  // no catalog name is this long
  }
  auto it = by_key_.find(std::string_view(buf, *n));
  return it == by_key_.end() ? nullptr : &entries_[it->second];
}

}  // namespace tg::classify
