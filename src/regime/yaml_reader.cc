#include "src/regime/yaml_reader.h"

#include <algorithm>
#include <filesystem>

#include "src/common/csv.h"
#include "src/common/text.h"

namespace tg::regime {

namespace {

// Bounds on a parsed document, aliases expanded: an alias repeats its anchor's whole subtree,
// so a few hundred bytes of nested aliases stand for billions of nodes, and every walk over
// them would take minutes (yaml-cpp merges a shared node's memory on every access: 4 levels of
// ten aliases, 48,000 nodes, took 57 s to load). Shipped regimes have under 500 nodes and a
// depth below 12; 10,000 expanded nodes load in well under a second.
constexpr int64_t kMaxNodes = 10'000;
constexpr int kMaxDepth = 64;

// Counts the nodes under `n` against `budget`, each alias as often as it is used; false when
// the budget runs out or the nesting is deeper than kMaxDepth (`where` then marks the node).
bool WithinBounds(const YAML::Node& n, int depth, int64_t& budget, YAML::Mark& where) {
  if (--budget < 0 || depth > kMaxDepth) {
    where = n.Mark();
    return false;
  }
  if (n.IsSequence()) {
    for (const YAML::Node& child : n) {
      if (!WithinBounds(child, depth + 1, budget, where)) {
        return false;
      }
    }
  } else if (n.IsMap()) {
    for (const auto& kv : n) {
      if (!WithinBounds(kv.first, depth + 1, budget, where) ||
          !WithinBounds(kv.second, depth + 1, budget, where)) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace

Result<YAML::Node> YamlReader::Parse(const std::string& text) const {
  try {
    YAML::Node root = YAML::Load(text);
    int64_t budget = kMaxNodes;
    YAML::Mark where;
    if (!WithinBounds(root, 0, budget, where)) {
      return InvalidArgument(file_ + ":" + std::to_string(where.line + 1) + ": more than " +
                             std::to_string(kMaxNodes) + " nodes with aliases expanded, or " +
                             "nesting deeper than " + std::to_string(kMaxDepth) +
                             "; refused (a regime file needs neither)");
    }
    return root;
  } catch (const YAML::Exception& e) {
    return InvalidArgument(file_ + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

Status YamlReader::Error(const YAML::Node& n, const std::string& path,
                         const std::string& msg) const {
  const int line = n.IsDefined() ? n.Mark().line + 1 : 0;
  return InvalidArgument(file_ + ":" + (line > 0 ? std::to_string(line) + ":" : "") + " " + path +
                         ": " + msg);
}

Status YamlReader::RequireMap(const YAML::Node& n, const std::string& path) const {
  if (!n.IsMap()) {
    return Error(n, path, "expected a mapping");
  }
  return Status::Ok();
}

Status YamlReader::CheckKeys(const YAML::Node& map, const std::string& path,
                             std::initializer_list<std::string_view> allowed) const {
  TG_RETURN_IF_ERROR(RequireMap(map, path));
  for (const auto& kv : map) {
    const std::string key = kv.first.as<std::string>();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (std::string_view a : allowed) {
        list += list.empty() ? "" : ", ";
        list += a;
      }
      return Error(kv.first, path.empty() ? key : path + "." + key,
                   "unknown key (expected one of: " + list + ")");
    }
  }
  return Status::Ok();
}

Result<std::string> YamlReader::String(const YAML::Node& map, const std::string& path,
                                       const std::string& key, bool required) const {
  const YAML::Node n = map[key];
  const std::string where = path.empty() ? key : path + "." + key;
  if (!n.IsDefined() || n.IsNull()) {
    if (required) {
      return Error(map, where, "required key is missing");
    }
    return std::string();
  }
  if (!n.IsScalar()) {
    return Error(n, where, "expected a text value");
  }
  return n.Scalar();
}

Result<std::optional<double>> YamlReader::Number(const YAML::Node& map, const std::string& path,
                                                 const std::string& key) const {
  const YAML::Node n = map[key];
  const std::string where = path.empty() ? key : path + "." + key;
  if (!n.IsDefined() || n.IsNull()) {
    return std::optional<double>();
  }
  std::string text = n.IsScalar() ? n.Scalar() : "";
  text.erase(std::remove(text.begin(), text.end(), '_'), text.end());
  auto v = ParseNumber(text);
  if (!v) {
    return Error(n, where, "expected a number");
  }
  return std::optional<double>(*v);
}

Result<std::optional<bool>> YamlReader::Bool(const YAML::Node& map, const std::string& path,
                                             const std::string& key) const {
  const YAML::Node n = map[key];
  const std::string where = path.empty() ? key : path + "." + key;
  if (!n.IsDefined() || n.IsNull()) {
    return std::optional<bool>();
  }
  if (n.IsScalar() && (n.Scalar() == "true" || n.Scalar() == "false")) {
    return std::optional<bool>(n.Scalar() == "true");
  }
  return Error(n, where, "expected true or false");
}

Result<std::optional<Date>> YamlReader::DateValue(const YAML::Node& map, const std::string& path,
                                                  const std::string& key) const {
  const YAML::Node n = map[key];
  const std::string where = path.empty() ? key : path + "." + key;
  if (!n.IsDefined() || n.IsNull()) {
    return std::optional<Date>();
  }
  auto d = n.IsScalar() ? Date::Parse(n.Scalar()) : Result<Date>(InvalidArgument("not a date"));
  if (!d) {
    return Error(n, where, d.error().message());
  }
  return std::optional<Date>(*d);
}

Result<std::vector<std::string>> YamlReader::StringList(const YAML::Node& map,
                                                        const std::string& path,
                                                        const std::string& key) const {
  const YAML::Node n = map[key];
  const std::string where = path.empty() ? key : path + "." + key;
  std::vector<std::string> out;
  if (!n.IsDefined() || n.IsNull()) {
    return out;
  }
  if (n.IsScalar()) {
    out.push_back(n.Scalar());
    return out;
  }
  if (!n.IsSequence()) {
    return Error(n, where, "expected a list");
  }
  for (size_t i = 0; i < n.size(); ++i) {
    if (!n[i].IsScalar()) {
      return Error(n[i], where + "[" + std::to_string(i) + "]", "expected a text value");
    }
    out.push_back(n[i].Scalar());
  }
  return out;
}

Result<DateRange> YamlReader::Range(const YAML::Node& map, const std::string& path,
                                    const std::string& key) const {
  DateRange range;
  const YAML::Node n = map[key];
  const std::string where = path.empty() ? key : path + "." + key;
  if (!n.IsDefined() || n.IsNull()) {
    return range;
  }
  TG_RETURN_IF_ERROR(CheckKeys(n, where, {"from", "to"}));
  TG_ASSIGN_OR_RETURN(auto from, DateValue(n, where, "from"));
  TG_ASSIGN_OR_RETURN(auto to, DateValue(n, where, "to"));
  if (from) {
    range.from = *from;
  }
  if (to) {
    range.to = *to;
  }
  if (range.to < range.from) {
    return Error(n, where,
                 "'to' " + range.to.ToString() + " is before 'from' " + range.from.ToString());
  }
  return range;
}

namespace {

Result<NumRange> ParseRange(const YamlReader& r, const YAML::Node& n, const std::string& path) {
  TG_RETURN_IF_ERROR(r.CheckKeys(n, path, {"min", "max", "above", "below"}));
  NumRange range;
  TG_ASSIGN_OR_RETURN(range.min, r.Number(n, path, "min"));
  TG_ASSIGN_OR_RETURN(range.max, r.Number(n, path, "max"));
  TG_ASSIGN_OR_RETURN(range.above, r.Number(n, path, "above"));
  TG_ASSIGN_OR_RETURN(range.below, r.Number(n, path, "below"));
  if (!range.min && !range.max && !range.above && !range.below) {
    return r.Error(n, path, "a range needs at least one of min, max, above, below");
  }
  return range;
}

Result<uint8_t> ParseTiers(const YamlReader& r, const YAML::Node& map, const std::string& path,
                           const std::string& key) {
  TG_ASSIGN_OR_RETURN(auto list, r.StringList(map, path, key));
  uint8_t mask = 0;
  for (const std::string& t : list) {
    if (t != "1" && t != "2" && t != "3") {
      return r.Error(map[key], path + "." + key, "tiers are 1, 2 or 3, not '" + t + "'");
    }
    mask |= static_cast<uint8_t>(1u << (t[0] - '0'));
  }
  return mask;
}

}  // namespace

Result<uint8_t> ParseTransferKinds(const YamlReader& r, const YAML::Node& node,
                                   const std::string& path) {
  TG_ASSIGN_OR_RETURN(auto kinds, r.StringList(node, path, "kind"));
  uint8_t mask = 0;
  for (const std::string& k : kinds) {
    TransferKind kind;
    if (k == "export") {
      kind = TransferKind::kExport;
    } else if (k == "reexport") {
      kind = TransferKind::kReexport;
    } else if (k == "in_country_transfer") {
      kind = TransferKind::kInCountryTransfer;
    } else {
      return r.Error(node["kind"], path + ".kind",
                     "'" + k + "' is not export, reexport or in_country_transfer");
    }
    mask |= static_cast<uint8_t>(1u << static_cast<int>(kind));
  }
  return mask;
}

Result<Condition> ParseCondition(const YamlReader& r, const YAML::Node& node,
                                 const std::string& path, const ConditionScope& scope) {
  Condition c;
  if (!node.IsDefined() || node.IsNull()) {
    return c;  // an absent condition always holds
  }
  TG_RETURN_IF_ERROR(r.CheckKeys(node, path,
                                 {"eccn",
                                  "datacenter",
                                  "model",
                                  "hbm",
                                  "published",
                                  "controlled_ai_asset",
                                  "kind",
                                  "destination_tier",
                                  "hq_tier",
                                  "destination_in",
                                  "destination_not_in",
                                  "hq_any_in",
                                  "hq_all_in",
                                  "hq_none_in",
                                  "exporter_in",
                                  "exporter_not_in",
                                  "affiliated_in",
                                  "affiliated_not_in",
                                  "end_use",
                                  "tpp",
                                  "performance_density",
                                  "dram_bandwidth_gbps",
                                  "interconnect_gbps",
                                  "memory_bandwidth_density",
                                  "training_ops",
                                  "any_of"}));
  TG_ASSIGN_OR_RETURN(auto eccns, r.StringList(node, path, "eccn"));
  for (const std::string& e : eccns) {
    const auto& names = *scope.eccns;
    auto it = std::find(names.begin(), names.end(), e);
    if (it == names.end()) {
      return r.Error(node["eccn"], path + ".eccn",
                     "unknown ECCN '" + e + "' (not in data/classifications.yaml)");
    }
    c.eccns |= uint64_t{1} << (it - names.begin());
  }
  TG_ASSIGN_OR_RETURN(c.datacenter, r.Bool(node, path, "datacenter"));
  TG_ASSIGN_OR_RETURN(c.is_model, r.Bool(node, path, "model"));
  TG_ASSIGN_OR_RETURN(c.is_hbm, r.Bool(node, path, "hbm"));
  TG_ASSIGN_OR_RETURN(c.published, r.Bool(node, path, "published"));
  TG_ASSIGN_OR_RETURN(c.controlled_ai_asset, r.Bool(node, path, "controlled_ai_asset"));
  TG_ASSIGN_OR_RETURN(c.kinds, ParseTransferKinds(r, node, path));
  TG_ASSIGN_OR_RETURN(c.destination_tiers, ParseTiers(r, node, path, "destination_tier"));
  TG_ASSIGN_OR_RETURN(c.hq_tiers, ParseTiers(r, node, path, "hq_tier"));
  const std::pair<const char*, SetId*> set_keys[] = {{"destination_in", &c.destination_in},
                                                     {"destination_not_in", &c.destination_not_in},
                                                     {"hq_any_in", &c.hq_any_in},
                                                     {"hq_all_in", &c.hq_all_in},
                                                     {"hq_none_in", &c.hq_none_in},
                                                     {"exporter_in", &c.exporter_in},
                                                     {"exporter_not_in", &c.exporter_not_in},
                                                     {"affiliated_in", &c.affiliated_in},
                                                     {"affiliated_not_in", &c.affiliated_not_in}};
  for (const auto& [key, slot] : set_keys) {
    if (node[key].IsDefined()) {
      if (!scope.add_set) {
        return r.Error(node[key], path + "." + key, "country tests are not allowed here");
      }
      TG_ASSIGN_OR_RETURN(*slot, scope.add_set(node[key], path + "." + key));
    }
  }
  TG_ASSIGN_OR_RETURN(c.end_uses, r.StringList(node, path, "end_use"));
  for (const std::string& e : c.end_uses) {
    if (!IsEndUse(e)) {
      return r.Error(node["end_use"], path + ".end_use",
                     "'" + e + "' is not an end use (" + EndUseList() + ")");
    }
  }
  for (int m = 0; m < kMetricCount; ++m) {
    const std::string key(MetricName(static_cast<Metric>(m)));
    if (node[key].IsDefined()) {
      TG_ASSIGN_OR_RETURN(NumRange range, ParseRange(r, node[key], path + "." + key));
      c.ranges.emplace_back(static_cast<Metric>(m), range);
    }
  }
  if (node["any_of"].IsDefined()) {
    const YAML::Node any = node["any_of"];
    if (!any.IsSequence() || any.size() == 0) {
      return r.Error(any, path + ".any_of", "expected a non-empty list of conditions");
    }
    for (size_t i = 0; i < any.size(); ++i) {
      TG_ASSIGN_OR_RETURN(
          Condition sub,
          ParseCondition(r, any[i], path + ".any_of[" + std::to_string(i) + "]", scope));
      c.any_of.push_back(std::move(sub));
    }
  }
  return c;
}

Result<std::vector<std::string>> YamlFilesIn(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".yaml") {
      files.push_back(entry.path().string());
    }
  }
  if (ec) {
    return NotFound(dir + ": " + ec.message());
  }
  std::sort(files.begin(), files.end());
  return files;
}

Status ForEachListed(const std::string& dir, const std::string& key, const ListedItem& visit) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return Status::Ok();
  }
  TG_ASSIGN_OR_RETURN(const std::vector<std::string> files, YamlFilesIn(dir));
  for (const std::string& path : files) {
    TG_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
    YamlReader r(path);
    TG_ASSIGN_OR_RETURN(YAML::Node root, r.Parse(text));
    try {
      TG_RETURN_IF_ERROR(r.CheckKeys(root, "", {key}));
      const YAML::Node list = root[key];
      if (!list.IsSequence()) {
        return r.Error(root, key, "expected a list");
      }
      for (size_t i = 0; i < list.size(); ++i) {
        TG_RETURN_IF_ERROR(visit(r, list[i], key + "[" + std::to_string(i) + "]"));
      }
    } catch (const YAML::Exception& ex) {
      return InvalidArgument(path + ":" + std::to_string(ex.mark.line + 1) + ": " + ex.msg);
    }
  }
  return Status::Ok();
}

Result<LicensePolicy> ParsePolicyName(const YamlReader& r, const YAML::Node& n,
                                      const std::string& path, const std::string& text) {
  if (text == "presumption_of_approval") {
    return LicensePolicy::kPresumptionOfApproval;
  }
  if (text == "case_by_case") {
    return LicensePolicy::kCaseByCase;
  }
  if (text == "presumption_of_denial") {
    return LicensePolicy::kPresumptionOfDenial;
  }
  if (text == "none") {
    return LicensePolicy::kNone;
  }
  return r.Error(n, path,
                 "'" + text +
                     "' is not presumption_of_approval, case_by_case, "
                     "presumption_of_denial or none");
}

}  // namespace tg::regime
