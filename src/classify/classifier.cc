#include "src/classify/classifier.h"

#include <cmath>

#include "src/common/csv.h"
#include "src/common/text.h"
#include "src/regime/yaml_reader.h"

namespace tg::classify {

namespace {

using regime::Metric;

}  // namespace

std::string_view MetricField(Metric m, bool is_part) {
  switch (m) {
    case Metric::kTpp:
      return is_part ? "part (catalog has no TPP)" : "chip.tpp";
    case Metric::kPerformanceDensity:
      return is_part ? "part (catalog has no die area)" : "chip.die_area_mm2";
    case Metric::kDramBandwidth:
      return is_part ? "part (catalog has no DRAM bandwidth)" : "chip.dram_bandwidth_gbps";
    case Metric::kInterconnect:
      return is_part ? "part (catalog has no interconnect figure)" : "chip.interconnect_gbps";
    case Metric::kMemoryBandwidthDensity:
      return "chip.memory_bandwidth_gbps";
    case Metric::kTrainingOps:
      return "model.training_ops";
  }
  return "?";
}

namespace {

Status CheckFigure(std::optional<double> v, std::string_view path, std::string_view field,
                   double max) {
  if (v && (!std::isfinite(*v) || *v <= 0 || *v > max)) {
    return InvalidArgument(std::string(path) + "." + std::string(field) +
                           ": must be a positive number below " + std::to_string(max));
  }
  return Status::Ok();
}

}  // namespace

Result<Classifier> Classifier::Load(const std::string& classifications_yaml,
                                    const std::string& chips_csv) {
  Classifier c;
  TG_ASSIGN_OR_RETURN(std::string text, ReadFile(classifications_yaml));
  regime::YamlReader r(classifications_yaml);
  TG_ASSIGN_OR_RETURN(YAML::Node root, r.Parse(text));
  try {
    TG_RETURN_IF_ERROR(r.CheckKeys(root, "", {"bit_lengths", "eccns", "systems", "versions"}));
    // The bit length each precision column of the chip table counts for TPP.
    std::vector<BitLength> bit_lengths;
    const YAML::Node bits = root["bit_lengths"];
    if (!bits.IsMap() || bits.size() == 0) {
      return r.Error(bits.IsDefined() ? bits : root, "bit_lengths",
                     "required: {precision: bits, ...} for the chip table's columns");
    }
    for (const auto& kv : bits) {
      const std::string precision = kv.first.as<std::string>();
      YAML::Node wrap;
      wrap["v"] = kv.second;
      TG_ASSIGN_OR_RETURN(auto n, r.Number(wrap, "bit_lengths." + precision, "v"));
      if (!n || *n < 1 || *n > 128 || *n != std::floor(*n)) {
        return r.Error(kv.second, "bit_lengths." + precision, "a whole number of bits, 1 to 128");
      }
      bit_lengths.push_back({precision, static_cast<int>(*n)});
    }
    TG_ASSIGN_OR_RETURN(c.catalog_, ChipCatalog::Load(chips_csv, bit_lengths));
    TG_ASSIGN_OR_RETURN(auto names, r.StringList(root, "", "eccns"));
    c.eccns_.push_back("none");
    for (auto& n : names) {
      c.eccns_.push_back(n);
    }
    if (c.eccns_.size() > 63) {
      return r.Error(root["eccns"], "eccns", "at most 63 ECCNs");
    }
    // Systems (computers, assemblies, components) and the entries their ICs put them under.
    if (const YAML::Node sys = root["systems"]; sys.IsDefined()) {
      TG_RETURN_IF_ERROR(r.CheckKeys(sys, "systems", {"eccns", "citation"}));
      TG_RETURN_IF_ERROR(r.String(sys, "systems", "citation", true).status());
      const YAML::Node map = sys["eccns"];
      if (!map.IsMap()) {
        return r.Error(sys, "systems.eccns", "expected {IC_ECCN: SYSTEM_ECCN, ...}");
      }
      const auto id_of = [&](const std::string& e) -> int {
        const auto it = std::find(c.eccns_.begin(), c.eccns_.end(), e);
        return it == c.eccns_.end() ? 0 : static_cast<int>(it - c.eccns_.begin());
      };
      for (const auto& kv : map) {
        const std::string from = kv.first.as<std::string>();
        const std::string to = kv.second.as<std::string>();
        if (id_of(from) == 0 || id_of(to) == 0) {
          return r.Error(kv.first, "systems.eccns." + from, "both ECCNs must be listed in eccns");
        }
        c.system_eccns_.emplace_back(id_of(from), id_of(to));
      }
    }
    regime::ConditionScope scope{&c.eccns_, nullptr};
    const YAML::Node versions = root["versions"];
    if (!versions.IsSequence()) {
      return r.Error(versions, "versions", "expected a list");
    }
    for (size_t i = 0; i < versions.size(); ++i) {
      const std::string path = "versions[" + std::to_string(i) + "]";
      const YAML::Node n = versions[i];
      TG_RETURN_IF_ERROR(r.CheckKeys(
          n, path,
          {"id", "family", "effective", "citation", "threshold_ops", "exclusions", "paragraphs"}));
      Version v;
      TG_ASSIGN_OR_RETURN(v.id, r.String(n, path, "id", true));
      TG_ASSIGN_OR_RETURN(std::string family, r.String(n, path, "family", true));
      if (family == "chip") {
        v.family = Family::kChip;
      } else if (family == "hbm") {
        v.family = Family::kHbm;
      } else if (family == "model") {
        v.family = Family::kModel;
      } else {
        return r.Error(n["family"], path + ".family", "expected chip, hbm or model");
      }
      TG_ASSIGN_OR_RETURN(v.effective, r.Range(n, path, "effective"));
      TG_ASSIGN_OR_RETURN(v.citation, r.String(n, path, "citation", true));
      TG_ASSIGN_OR_RETURN(v.threshold_ops, r.Number(n, path, "threshold_ops"));
      if (v.family == Family::kModel && !v.threshold_ops) {
        return r.Error(n, path + ".threshold_ops", "required for a model version");
      }
      for (const Version& other : c.versions_) {
        if (other.id == v.id) {
          return r.Error(n["id"], path + ".id", "duplicate version id");
        }
        if (other.family == v.family && other.effective.Overlaps(v.effective)) {
          return r.Error(n["effective"], path + ".effective",
                         "overlaps version " + other.id + " of the same family");
        }
      }
      const YAML::Node excl = n["exclusions"];
      for (size_t j = 0; excl.IsDefined() && j < excl.size(); ++j) {
        const std::string p = path + ".exclusions[" + std::to_string(j) + "]";
        TG_RETURN_IF_ERROR(r.CheckKeys(excl[j], p, {"id", "when", "text"}));
        Exclusion e;
        TG_ASSIGN_OR_RETURN(e.id, r.String(excl[j], p, "id", true));
        TG_ASSIGN_OR_RETURN(e.when, regime::ParseCondition(r, excl[j]["when"], p + ".when", scope));
        TG_ASSIGN_OR_RETURN(e.text, r.String(excl[j], p, "text", true));
        v.exclusions.push_back(std::move(e));
      }
      const YAML::Node paras = n["paragraphs"];
      if (!paras.IsSequence() || paras.size() == 0) {
        return r.Error(paras.IsDefined() ? paras : n, path + ".paragraphs",
                       "expected a non-empty list");
      }
      for (size_t j = 0; j < paras.size(); ++j) {
        const std::string p = path + ".paragraphs[" + std::to_string(j) + "]";
        TG_RETURN_IF_ERROR(r.CheckKeys(paras[j], p, {"paragraph", "eccn", "when", "text"}));
        Paragraph para;
        TG_ASSIGN_OR_RETURN(para.paragraph, r.String(paras[j], p, "paragraph", true));
        TG_ASSIGN_OR_RETURN(std::string eccn, r.String(paras[j], p, "eccn", true));
        for (size_t k = 1; k < c.eccns_.size(); ++k) {
          para.eccn_id = c.eccns_[k] == eccn ? static_cast<int>(k) : para.eccn_id;
        }
        if (para.eccn_id == 0) {
          return r.Error(paras[j]["eccn"], p + ".eccn", "'" + eccn + "' is not in eccns");
        }
        TG_ASSIGN_OR_RETURN(para.when,
                            regime::ParseCondition(r, paras[j]["when"], p + ".when", scope));
        TG_ASSIGN_OR_RETURN(para.text, r.String(paras[j], p, "text", true));
        v.paragraphs.push_back(std::move(para));
      }
      c.versions_.push_back(std::move(v));
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgument(classifications_yaml + ":" + std::to_string(e.mark.line + 1) + ": " +
                           e.msg);
  }
  return c;
}

Result<const Version*> Classifier::VersionFor(Family family, Date date,
                                              std::string_view pinned) const {
  for (const Version& v : versions_) {
    if (v.family != family) {
      continue;
    }
    if (!pinned.empty() ? v.id == pinned : v.effective.Contains(date)) {
      return &v;
    }
  }
  if (!pinned.empty()) {
    return NotFound("no classification version '" + std::string(pinned) + "' for this item");
  }
  return static_cast<const Version*>(nullptr);
}

Status Classifier::Apply(const Version& v, const regime::Facts& facts, std::string_view path,
                         std::string_view subject, Classification& out) const {
  static const std::vector<regime::CountrySet> kNoSets;
  out.version = v.id;
  for (const Exclusion& e : v.exclusions) {
    regime::Verdict verdict = regime::Evaluate(e.when, facts, kNoSets);
    if (verdict.kind == regime::Verdict::Kind::kTrue) {
      out.note = e.text;
      return Status::Ok();
    }
  }
  for (const Paragraph& p : v.paragraphs) {
    regime::Verdict verdict = regime::Evaluate(p.when, facts, kNoSets);
    if (verdict.kind == regime::Verdict::Kind::kTrue) {
      out.paragraph = p.paragraph;
      out.eccn = eccns_[p.eccn_id];
      out.eccn_id = p.eccn_id;
      return Status::Ok();
    }
    if (verdict.kind == regime::Verdict::Kind::kUnknown) {
      return InvalidArgument(std::string(path) + "." +
                             std::string(MetricField(verdict.missing, subject == "part")) +
                             ": needed to test " + p.paragraph + " (" + p.text + ") under " + v.id);
    }
  }
  return Status::Ok();
}

Status Classifier::Classify(const Item& item, Date date, const ClassifyOptions& options,
                            std::string_view path, Classification& out) const {
  out = Classification();
  TG_RETURN_IF_ERROR(item.kind == Item::Kind::kModel
                         ? ClassifyModel(item, date, options, path, out)
                         : ClassifyChip(item, date, options, path, out));
  // Below the advanced-computing entries an item still has an entry of its own, which the
  // catalog does not hold yet: rules that depend on it (Part 746) treat it conservatively.
  if (item.accelerators > 0) {
    out.accelerators = item.accelerators;
    if (!item.system_name.empty()) {
      out.name = item.system_name;
    }
    // A computer or assembly holding advanced ICs is in the system entry their class names
    // (4A090.a for 3A090.a); its ICs' figures decide every test.
    for (const auto& [ic, system] : system_eccns_) {
      if (out.eccn_id == ic) {
        out.eccn_id = system;
        out.eccn = eccns_[system];
        break;
      }
    }
  }
  if (out.eccn_id == 0 && !(out.is_model && out.published)) {
    out.fallback = "unknown";
  }
  return Status::Ok();
}

Status Classifier::ClassifyChip(const Item& item, Date date, const ClassifyOptions& options,
                                std::string_view path, Classification& out) const {
  regime::Facts facts;
  const bool is_part = item.kind == Item::Kind::kPart;
  if (is_part) {
    const ChipEntry* e = catalog_.Find(item.part);
    if (e == nullptr) {
      return NotFound(std::string(path) + ".part: unknown part '" + Excerpt(item.part, 80) +
                      "' (not in data/chips.csv)");
    }
    out.name = e->name;
    out.tpp = e->tpp;
    out.performance_density = e->performance_density;
    out.datacenter = e->datacenter;
    out.dram_bandwidth_gbps = e->dram_bandwidth_gbps;
    out.interconnect_gbps = e->interconnect_gbps;
  } else {
    const ChipSpec& c = item.chip;
    out.name = c.name;
    out.datacenter = c.datacenter;
    TG_RETURN_IF_ERROR(CheckFigure(c.tpp, path, "chip.tpp", 1e9));
    TG_RETURN_IF_ERROR(CheckFigure(c.die_area_mm2, path, "chip.die_area_mm2", 1e6));
    TG_RETURN_IF_ERROR(CheckFigure(c.dram_bandwidth_gbps, path, "chip.dram_bandwidth_gbps", 1e9));
    TG_RETURN_IF_ERROR(CheckFigure(c.interconnect_gbps, path, "chip.interconnect_gbps", 1e9));
    if (c.units < 1 || c.units > 100000) {
      return InvalidArgument(std::string(path) + ".chip.units: must be between 1 and 100000");
    }
    if (c.hbm) {
      TG_RETURN_IF_ERROR(
          CheckFigure(c.memory_bandwidth_gbps, path, "chip.memory_bandwidth_gbps", 1e9));
      TG_RETURN_IF_ERROR(CheckFigure(c.package_area_mm2, path, "chip.package_area_mm2", 1e6));
      if (c.memory_bandwidth_gbps && c.package_area_mm2) {
        out.memory_bandwidth_density = *c.memory_bandwidth_gbps / *c.package_area_mm2;
      }
    } else if (c.tpp) {
      out.tpp = *c.tpp;
    } else if (!c.performance.empty()) {
      for (size_t i = 0; i < c.performance.size(); ++i) {
        const PrecisionFigure& f = c.performance[i];
        const std::string where =
            std::string(path) + ".chip.performance[" + std::to_string(i) + "]";
        if (!std::isfinite(f.tops) || f.tops <= 0 || f.tops > 1e9) {
          return InvalidArgument(where + ".tops: must be a positive number below 1e9");
        }
        if (f.bits < 1 || f.bits > 128) {
          return InvalidArgument(where + ".bits: must be between 1 and 128");
        }
      }
      out.tpp = TppFromFigures(c.performance, c.units);
    } else {
      return InvalidArgument(std::string(path) + ".chip: needs \"tpp\" or \"performance\"");
    }
    if (out.tpp && c.die_area_mm2) {
      out.performance_density = *out.tpp / *c.die_area_mm2;
    }
    out.dram_bandwidth_gbps = c.dram_bandwidth_gbps;
    out.interconnect_gbps = c.interconnect_gbps;
  }
  facts.metrics[static_cast<int>(Metric::kDramBandwidth)] = out.dram_bandwidth_gbps;
  facts.metrics[static_cast<int>(Metric::kInterconnect)] = out.interconnect_gbps;
  const bool hbm = !is_part && item.chip.hbm;
  facts.is_hbm = hbm;
  facts.datacenter = out.datacenter;
  facts.metrics[static_cast<int>(Metric::kTpp)] = out.tpp;
  facts.metrics[static_cast<int>(Metric::kPerformanceDensity)] = out.performance_density;
  facts.metrics[static_cast<int>(Metric::kMemoryBandwidthDensity)] = out.memory_bandwidth_density;
  TG_ASSIGN_OR_RETURN(const Version* v,
                      VersionFor(hbm ? Family::kHbm : Family::kChip, date,
                                 hbm ? std::string_view() : options.chip_version));
  if (v == nullptr) {
    out.note = "no classification version of this family is in force on the date";
    return Status::Ok();
  }
  return Apply(*v, facts, path, is_part ? "part" : "chip", out);
}

Status Classifier::ClassifyModel(const Item& item, Date date, const ClassifyOptions& options,
                                 std::string_view path, Classification& out) const {
  const ModelSpec& m = item.model;
  out.name = m.name;
  out.is_model = true;
  out.published = m.published;
  out.datacenter = false;
  if (!m.training_ops) {
    return InvalidArgument(std::string(path) + ".model.training_ops: required");
  }
  if (!std::isfinite(*m.training_ops) || *m.training_ops <= 0 || *m.training_ops > 1e40) {
    return InvalidArgument(std::string(path) +
                           ".model.training_ops: must be a positive number below 1e40");
  }
  out.training_ops = m.training_ops;
  const Country us = Country::FromAlpha2('U', 'S');
  for (const auto* list : {&m.origin_data, &m.origin_weights, &m.origin_compute}) {
    for (Country c : *list) {
      out.controlled_ai_asset = out.controlled_ai_asset || c == us;
    }
  }
  TG_ASSIGN_OR_RETURN(const Version* v, VersionFor(Family::kModel, date, options.model_version));
  if (v == nullptr) {
    out.note = "no model-weight classification is in force on the date";
    return Status::Ok();
  }
  const double threshold = options.model_threshold_ops.value_or(*v->threshold_ops);
  if (*m.training_ops < threshold) {
    out.version = v->id;
    out.note = "trained with fewer operations than the 4E091 threshold";
    return Status::Ok();
  }
  regime::Facts facts;
  facts.is_model = true;
  facts.published = m.published;
  facts.controlled_ai_asset = out.controlled_ai_asset;
  facts.metrics[static_cast<int>(Metric::kTrainingOps)] = m.training_ops;
  TG_RETURN_IF_ERROR(Apply(*v, facts, path, "model", out));
  if (out.eccn_id == 0 && m.published) {
    out.note = "published weights (15 CFR 734.7(a)) are excluded from 4E091";
  }
  return Status::Ok();
}

}  // namespace tg::classify
