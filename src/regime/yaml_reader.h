// Strict YAML reading for the rule files: every value is read through a YamlReader, which
// turns yaml-cpp's nodes and exceptions into Status errors that name the file, the line and
// the key path ("regimes/x.yaml:41: policies[2].polcy: unknown key"). Internal to src/regime
// and src/classify; keeps yaml-cpp out of every other header.
#pragma once

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "tierguard/date.h"
#include "tierguard/status.h"

#include "src/regime/regime.h"

namespace tg::regime {

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  // Parses the text; a syntax error names the line.
  Result<YAML::Node> Parse(const std::string& text) const;

  Status Error(const YAML::Node& n, const std::string& path, const std::string& msg) const;
  // Fails on any key outside `allowed` (catches typos in rule files).
  Status CheckKeys(const YAML::Node& map, const std::string& path,
                   std::initializer_list<std::string_view> allowed) const;
  Status RequireMap(const YAML::Node& n, const std::string& path) const;

  Result<std::string> String(const YAML::Node& map, const std::string& path, const std::string& key,
                             bool required) const;
  Result<std::optional<double>> Number(const YAML::Node& map, const std::string& path,
                                       const std::string& key) const;
  Result<std::optional<bool>> Bool(const YAML::Node& map, const std::string& path,
                                   const std::string& key) const;
  Result<std::optional<Date>> DateValue(const YAML::Node& map, const std::string& path,
                                        const std::string& key) const;
  // A scalar or a sequence of scalars.
  Result<std::vector<std::string>> StringList(const YAML::Node& map, const std::string& path,
                                              const std::string& key) const;
  // {from: DATE, to: DATE}, both optional; to ≥ from.
  Result<DateRange> Range(const YAML::Node& map, const std::string& path,
                          const std::string& key) const;

  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

// The *.yaml files of `dir`, sorted (the same order on every machine). NotFound when the folder
// cannot be read.
Result<std::vector<std::string>> YamlFilesIn(const std::string& dir);

// Reads each *.yaml file of `dir` (no folder: none) whose root holds one key, `key`, a list,
// and calls visit(reader, item, "KEY[i]") for every item, in file order. A syntax error or a
// failed visit stops it, naming the file and line.
using ListedItem =
    std::function<Status(const YamlReader& r, const YAML::Node& item, const std::string& where)>;
Status ForEachListed(const std::string& dir, const std::string& key, const ListedItem& visit);

// A licence review policy by its name in a regime file (presumption_of_approval, case_by_case,
// presumption_of_denial, none); an error names the node otherwise.
Result<LicensePolicy> ParsePolicyName(const YamlReader& r, const YAML::Node& n,
                                      const std::string& path, const std::string& text);

// The `kind` list of `node` (export, reexport, in_country_transfer) as a bitmask of
// TransferKind; 0 when absent (every kind). An error names the unknown kind.
Result<uint8_t> ParseTransferKinds(const YamlReader& r, const YAML::Node& node,
                                   const std::string& path);

// What a condition may refer to besides literal values.
struct ConditionScope {
  const std::vector<std::string>* eccns = nullptr;  // ECCN names by id (id 0 = "none")
  // Registers an inline set expression or a named set; returns its id. Null when the file
  // may not use country sets (classification rules).
  std::function<Result<SetId>(const YAML::Node&, const std::string&)> add_set;
};

Result<Condition> ParseCondition(const YamlReader& r, const YAML::Node& node,
                                 const std::string& path, const ConditionScope& scope);

}  // namespace tg::regime
