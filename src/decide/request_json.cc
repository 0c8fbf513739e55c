#include "src/decide/request_json.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include <simdjson.h>

#include "src/common/checked.h"
#include "src/common/text.h"
#include "src/regime/regime.h"
#include "src/screen/party_screener.h"
#include "src/screen/similarity.h"

namespace tg::decide {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

// Request ids and part names: they key the ledger, so they are refused, never cut, beyond this.
constexpr size_t kMaxNameBytes = 256;

std::string Join(std::string_view path, std::string_view key) {
  if (path.empty()) {
    return std::string(key);
  }
  std::string out(path);
  out += '.';
  out += key;
  return out;
}

Status Bad(std::string_view path, std::string message) {
  return InvalidArgument(std::string(path) + ": " + message);
}

// Every key of `obj` is one of `known`; an unknown one is an error naming it and the nearest
// known key, so that a misspelt "headquarter" is never silently dropped (it would decide the
// line as if the consignee had no foreign headquarters).
Status CheckKeys(const object& obj, std::string_view path,
                 std::initializer_list<std::string_view> known) {
  for (auto field : obj) {
    if (std::find(known.begin(), known.end(), field.key) != known.end()) {
      continue;
    }
    // The nearest known key a few edits away (a known key the text begins counts as one edit:
    // "dram" for "dram_bandwidth_gbps").
    const std::string typed = AsciiLower(field.key);
    std::string_view nearest;
    int best = std::min<int>(3, static_cast<int>(typed.size()) / 2 + 1);
    for (std::string_view k : known) {
      int d = screen::EditDistance(typed, k);
      if (typed.size() >= 4 && k.starts_with(typed)) {
        d = std::min(d, 1);
      }
      if (d <= best && (nearest.empty() || d < best)) {
        best = d;
        nearest = k;
      }
    }
    std::string message = "unknown key";
    if (!nearest.empty()) {
      message += "; did you mean " + std::string(nearest) + "?";
    } else {
      message += " (known: ";
      for (std::string_view k : known) {
        message += std::string(k) + (k == *(known.end() - 1) ? ")" : ", ");
      }
    }
    return Bad(Join(path, Excerpt(field.key, 60)), message);
  }
  return Status::Ok();
}

// Looks up `key`; returns false when absent or null.
bool Field(const object& obj, std::string_view key, element& out) {
  auto r = obj[key];
  if (r.error()) {
    return false;
  }
  out = r.value_unsafe();
  return !out.is_null();
}

Status GetString(const object& obj, std::string_view key, std::string_view path, bool required,
                 std::string& out) {
  element e;
  if (!Field(obj, key, e)) {
    return required ? Bad(Join(path, key), "required") : Status::Ok();
  }
  std::string_view s;
  if (e.get_string().get(s)) {
    return Bad(Join(path, key), "must be a string");
  }
  if (s.size() > 4096) {
    return Bad(Join(path, key), "longer than 4096 bytes");
  }
  out.assign(s);
  return Status::Ok();
}

Status GetCountry(const object& obj, std::string_view key, std::string_view path,
                  const CountryTable& countries, bool required, Country& out) {
  std::string text;
  TG_RETURN_IF_ERROR(GetString(obj, key, path, required, text));
  if (text.empty()) {
    return required ? Bad(Join(path, key), "required") : Status::Ok();
  }
  auto c = countries.Lookup(text);
  if (!c) {
    return Bad(Join(path, key), c.error().message());
  }
  out = *c;
  return Status::Ok();
}

Status GetStringList(const object& obj, std::string_view key, std::string_view path,
                     std::vector<std::string>& out) {
  element e;
  if (!Field(obj, key, e)) {
    return Status::Ok();
  }
  array arr;
  if (e.get_array().get(arr)) {
    return Bad(Join(path, key), "must be a list of strings");
  }
  size_t i = 0;
  for (element v : arr) {
    std::string_view s;
    if (v.get_string().get(s) || s.size() > 4096) {
      return Bad(Join(path, key) + "[" + std::to_string(i) + "]",
                 "must be a string of at most 4096 bytes");
    }
    out.emplace_back(s);
    ++i;
  }
  return Status::Ok();
}

Status GetCountryList(const object& obj, std::string_view key, std::string_view path,
                      const CountryTable& countries, std::vector<Country>& out) {
  element e;
  if (!Field(obj, key, e)) {
    return Status::Ok();
  }
  array arr;
  if (e.get_array().get(arr)) {
    return Bad(Join(path, key), "must be a list of countries");
  }
  size_t i = 0;
  for (element v : arr) {
    std::string_view s;
    const std::string where = Join(path, key) + "[" + std::to_string(i++) + "]";
    if (v.get_string().get(s)) {
      return Bad(where, "must be a country code");
    }
    auto c = countries.Lookup(s);
    if (!c) {
      return Bad(where, c.error().message());
    }
    out.push_back(*c);
  }
  return Status::Ok();
}

Status GetNumber(const object& obj, std::string_view key, std::string_view path,
                 std::optional<double>& out) {
  element e;
  if (!Field(obj, key, e)) {
    return Status::Ok();
  }
  double v = 0;
  if (e.get_double().get(v) || !std::isfinite(v)) {
    return Bad(Join(path, key), "must be a number");
  }
  out = v;
  return Status::Ok();
}

Status GetBool(const object& obj, std::string_view key, std::string_view path, bool& out) {
  element e;
  if (!Field(obj, key, e)) {
    return Status::Ok();
  }
  if (e.get_bool().get(out)) {
    return Bad(Join(path, key), "must be true or false");
  }
  return Status::Ok();
}

Status ParseParty(const object& req, std::string_view key, const CountryTable& countries,
                  bool required, Party& out) {
  element e;
  if (!Field(req, key, e)) {
    return required ? Bad(key, "required") : Status::Ok();
  }
  object obj;
  if (e.get_object().get(obj)) {
    return Bad(key, "must be an object");
  }
  TG_RETURN_IF_ERROR(CheckKeys(
      obj, key,
      {"id", "name", "country", "region", "headquarters", "parent_headquarters", "nationality",
       "affiliations", "group", "type", "birth_date", "identifiers", "employer"}));
  out.present = true;
  element id;
  if (Field(obj, "id", id)) {
    int64_t n = 0;
    if (id.get_int64().get(n) == simdjson::SUCCESS) {
      out.id = std::to_string(n);
    } else {
      TG_RETURN_IF_ERROR(GetString(obj, "id", key, false, out.id));
    }
  }
  TG_RETURN_IF_ERROR(GetString(obj, "name", key, false, out.name));
  TG_RETURN_IF_ERROR(GetCountry(obj, "country", key, countries, true, out.country));
  TG_RETURN_IF_ERROR(GetString(obj, "region", key, false, out.region));
  if (!out.region.empty()) {
    const std::string& r = out.region;
    if (!IsSubdivisionCode(r) || r.compare(0, 2, out.country.ToString()) != 0) {
      return Bad(Join(key, "region"),
                 "'" + Excerpt(r, 20) + "' is not an ISO 3166-2 subdivision of " +
                     out.country.ToString() + " (e.g. " + out.country.ToString() + "-43)");
    }
  }
  TG_RETURN_IF_ERROR(GetCountry(obj, "headquarters", key, countries, false, out.headquarters));
  TG_RETURN_IF_ERROR(
      GetCountry(obj, "parent_headquarters", key, countries, false, out.parent_headquarters));
  TG_RETURN_IF_ERROR(GetCountry(obj, "nationality", key, countries, false, out.nationality));
  TG_RETURN_IF_ERROR(GetCountryList(obj, "affiliations", key, countries, out.affiliations));
  TG_RETURN_IF_ERROR(GetString(obj, "group", key, false, out.group));
  TG_RETURN_IF_ERROR(GetString(obj, "type", key, false, out.type));
  if (!out.type.empty() && !screen::IsScreeningType(out.type) && !regime::IsPartyKind(out.type)) {
    return Bad(Join(key, "type"),
               "must be person, entity, vessel, aircraft (for screening) or "
               "military, government, research, commercial (an entity, for "
               "end-user rules)");
  }
  TG_RETURN_IF_ERROR(GetString(obj, "birth_date", key, false, out.birth_date));
  TG_RETURN_IF_ERROR(GetString(obj, "employer", key, false, out.employer));
  TG_RETURN_IF_ERROR(GetStringList(obj, "identifiers", key, out.identifiers));
  if (out.headquarters.empty()) {
    out.headquarters = out.country;
  }
  if (out.parent_headquarters.empty()) {
    out.parent_headquarters = out.headquarters;
  }
  return Status::Ok();
}

Status ParseItem(const element& e, const CountryTable& countries, std::string_view path,
                 bool require_quantity, Item& out) {
  object obj;
  if (e.get_object().get(obj)) {
    return Bad(path, "must be an object");
  }
  TG_RETURN_IF_ERROR(
      CheckKeys(obj, path, {"part", "chip", "model", "quantity", "value_usd", "system"}));
  element part, chip, model, quantity;
  const bool has_part = Field(obj, "part", part);
  const bool has_chip = Field(obj, "chip", chip);
  const bool has_model = Field(obj, "model", model);
  if (has_part + has_chip + has_model != 1) {
    return Bad(path, "needs exactly one of \"part\", \"chip\" or \"model\"");
  }
  if (Field(obj, "quantity", quantity)) {
    int64_t q = 0;
    double d = 0;
    if (quantity.get_int64().get(q) != simdjson::SUCCESS) {
      if (quantity.get_double().get(d) == simdjson::SUCCESS && d > 0 && d == std::floor(d) &&
          d <= kMaxQuantity) {
        q = static_cast<int64_t>(d);
      } else {
        return Bad(Join(path, "quantity"), "must be a positive integer");
      }
    }
    if (q <= 0) {
      return Bad(Join(path, "quantity"), "must be a positive integer");
    }
    if (q > kMaxQuantity) {
      return Bad(Join(path, "quantity"), "must be at most 1,000,000,000");
    }
    out.quantity = q;
  } else if (require_quantity && !has_model) {
    return Bad(Join(path, "quantity"), "required");
  }
  std::optional<double> value;
  TG_RETURN_IF_ERROR(GetNumber(obj, "value_usd", path, value));
  if (value && (*value < 0 || *value > 1e13)) {
    return Bad(Join(path, "value_usd"), "must be between 0 and 1e13");
  }
  out.value_usd = value;
  out.accelerators = 0;
  out.system_name.clear();
  if (element system; Field(obj, "system", system)) {
    const std::string sp = Join(path, "system");
    object so;
    if (system.get_object().get(so)) {
      return Bad(sp, "must be an object: {\"accelerators\": N, \"name\": \"…\"}");
    }
    TG_RETURN_IF_ERROR(CheckKeys(so, sp, {"accelerators", "name"}));
    if (has_model) {
      return Bad(sp, "a model's weights are not a computer: no system");
    }
    std::optional<double> n;
    TG_RETURN_IF_ERROR(GetNumber(so, "accelerators", sp, n));
    if (!n || *n < 1 || *n > 100000 || *n != std::floor(*n)) {
      return Bad(Join(sp, "accelerators"), "required: a whole number of ICs from 1 to 100,000");
    }
    out.accelerators = static_cast<int64_t>(*n);
    TG_RETURN_IF_ERROR(GetString(so, "name", sp, false, out.system_name));
    if (out.system_name.size() > kMaxNameBytes) {
      return Bad(Join(sp, "name"), "longer than 256 bytes");
    }
  }
  if (has_part) {
    out.kind = Item::Kind::kPart;
    std::string_view s;
    if (part.get_string().get(s) || s.empty()) {
      return Bad(Join(path, "part"), "must be a non-empty string");
    }
    if (s.size() > kMaxNameBytes) {
      return Bad(Join(path, "part"), "longer than 256 bytes");
    }
    out.part.assign(s);
    return Status::Ok();
  }
  if (has_chip) {
    out.kind = Item::Kind::kChip;
    const std::string p = Join(path, "chip");
    object c;
    if (chip.get_object().get(c)) {
      return Bad(p, "must be an object");
    }
    TG_RETURN_IF_ERROR(CheckKeys(
        c, p,
        {"name", "tpp", "performance", "units", "die_area_mm2", "datacenter", "dram_bandwidth_gbps",
         "interconnect_gbps", "hbm", "memory_bandwidth_gbps", "package_area_mm2"}));
    ChipSpec& spec = out.chip;
    TG_RETURN_IF_ERROR(GetString(c, "name", p, false, spec.name));
    if (spec.name.empty()) {
      spec.name = "unnamed chip";
    }
    TG_RETURN_IF_ERROR(GetNumber(c, "tpp", p, spec.tpp));
    TG_RETURN_IF_ERROR(GetNumber(c, "die_area_mm2", p, spec.die_area_mm2));
    TG_RETURN_IF_ERROR(GetNumber(c, "dram_bandwidth_gbps", p, spec.dram_bandwidth_gbps));
    TG_RETURN_IF_ERROR(GetNumber(c, "interconnect_gbps", p, spec.interconnect_gbps));
    TG_RETURN_IF_ERROR(GetNumber(c, "memory_bandwidth_gbps", p, spec.memory_bandwidth_gbps));
    TG_RETURN_IF_ERROR(GetNumber(c, "package_area_mm2", p, spec.package_area_mm2));
    TG_RETURN_IF_ERROR(GetBool(c, "datacenter", p, spec.datacenter));
    TG_RETURN_IF_ERROR(GetBool(c, "hbm", p, spec.hbm));
    std::optional<double> units;
    TG_RETURN_IF_ERROR(GetNumber(c, "units", p, units));
    if (units) {
      if (*units < 1 || *units > 100000 || *units != std::floor(*units)) {
        return Bad(Join(p, "units"), "must be an integer between 1 and 100000");
      }
      spec.units = static_cast<int>(*units);
    }
    element perf;
    if (Field(c, "performance", perf)) {
      array arr;
      if (perf.get_array().get(arr)) {
        return Bad(Join(p, "performance"), "must be a list");
      }
      size_t i = 0;
      for (element f : arr) {
        const std::string fp = Join(p, "performance") + "[" + std::to_string(i++) + "]";
        object fo;
        if (f.get_object().get(fo)) {
          return Bad(fp, "must be an object");
        }
        TG_RETURN_IF_ERROR(CheckKeys(fo, fp, {"precision", "tops", "bits"}));
        PrecisionFigure fig;
        TG_RETURN_IF_ERROR(GetString(fo, "precision", fp, false, fig.precision));
        std::optional<double> tops, bits;
        TG_RETURN_IF_ERROR(GetNumber(fo, "tops", fp, tops));
        TG_RETURN_IF_ERROR(GetNumber(fo, "bits", fp, bits));
        if (!tops) {
          return Bad(Join(fp, "tops"), "required");
        }
        if (!bits || *bits != std::floor(*bits)) {
          return Bad(Join(fp, "bits"), "required: an integer bit length");
        }
        fig.tops = *tops;
        fig.bits = static_cast<int>(std::clamp(*bits, -1.0, 1024.0));
        spec.performance.push_back(std::move(fig));
      }
    }
    if (spec.hbm && (!spec.memory_bandwidth_gbps || !spec.package_area_mm2)) {
      return Bad(p, "an HBM item needs memory_bandwidth_gbps and package_area_mm2");
    }
    return Status::Ok();
  }
  out.kind = Item::Kind::kModel;
  const std::string p = Join(path, "model");
  object m;
  if (model.get_object().get(m)) {
    return Bad(p, "must be an object");
  }
  TG_RETURN_IF_ERROR(CheckKeys(m, p, {"name", "training_ops", "published", "origin"}));
  ModelSpec& spec = out.model;
  TG_RETURN_IF_ERROR(GetString(m, "name", p, false, spec.name));
  if (spec.name.empty()) {
    spec.name = "unnamed model";
  }
  TG_RETURN_IF_ERROR(GetNumber(m, "training_ops", p, spec.training_ops));
  TG_RETURN_IF_ERROR(GetBool(m, "published", p, spec.published));
  element origin;
  if (Field(m, "origin", origin)) {
    object o;
    const std::string op = Join(p, "origin");
    if (origin.get_object().get(o)) {
      return Bad(op, "must be an object");
    }
    TG_RETURN_IF_ERROR(CheckKeys(o, op, {"data", "weights", "compute"}));
    TG_RETURN_IF_ERROR(GetCountryList(o, "data", op, countries, spec.origin_data));
    TG_RETURN_IF_ERROR(GetCountryList(o, "weights", op, countries, spec.origin_weights));
    TG_RETURN_IF_ERROR(GetCountryList(o, "compute", op, countries, spec.origin_compute));
  }
  return Status::Ok();
}

// Resets keep string and vector capacity, so that a Request reused across lines allocates
// only when a line is larger than any before it.
void ResetParty(Party& p) {
  p.id.clear();
  p.name.clear();
  p.country = p.headquarters = p.parent_headquarters = p.nationality = Country();
  p.group.clear();
  p.affiliations.clear();
  p.region.clear();
  p.type.clear();
  p.birth_date.clear();
  p.identifiers.clear();
  p.present = false;
}

void ResetItem(Item& item) {
  item.kind = Item::Kind::kPart;
  item.part.clear();
  item.chip.name.clear();
  item.chip.tpp.reset();
  item.chip.performance.clear();
  item.chip.units = 1;
  item.chip.die_area_mm2.reset();
  item.chip.datacenter = true;
  item.chip.dram_bandwidth_gbps.reset();
  item.chip.interconnect_gbps.reset();
  item.chip.hbm = false;
  item.chip.memory_bandwidth_gbps.reset();
  item.chip.package_area_mm2.reset();
  item.model.name.clear();
  item.model.training_ops.reset();
  item.model.published = false;
  item.model.origin_data.clear();
  item.model.origin_weights.clear();
  item.model.origin_compute.clear();
  item.quantity = 1;
  item.value_usd.reset();
}

void ResetRequest(Request& r) {
  r.id.clear();
  r.date = Date();
  r.regime.clear();
  r.kind = TransferKind::kExport;
  ResetParty(r.exporter);
  ResetParty(r.consignee);
  ResetParty(r.end_user);
  r.end_use.clear();
  r.license.clear();
  r.line = 0;
}

simdjson::dom::parser& ThreadParser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

Status ParseDocument(std::string_view json, element& out) {
  json = SkipByteOrderMark(json);
  auto err = ThreadParser().parse(json.data(), json.size()).get(out);
  if (err) {
    return InvalidArgument(std::string("malformed JSON (") + simdjson::error_message(err) + ")");
  }
  return Status::Ok();
}

// Finds a key given twice in one object, anywhere in `e`; `where` is then its path
// ("consignee.country"), built as the search unwinds. simdjson's lookups return a key's first
// value, so a second one would be silently ignored: `"country":"AE","country":"CN"`.
bool FindDuplicateKey(const element& e, std::string& where) {
  if (e.type() == element_type::ARRAY) {
    size_t i = 0;
    for (element v : array(e)) {
      if (FindDuplicateKey(v, where)) {
        where.insert(0, "[" + std::to_string(i) + "]" + (where.front() == '[' ? "" : "."));
        return true;
      }
      ++i;
    }
    return false;
  }
  if (e.type() != element_type::OBJECT) {
    return false;
  }
  const object obj(e);
  for (auto field : obj) {
    // Against the keys before it, without allocating (objects here have a dozen keys).
    for (auto earlier : obj) {
      if (earlier.key.data() == field.key.data()) {
        break;
      }
      if (earlier.key == field.key) {
        where = std::string(field.key);
        return true;
      }
    }
    if (FindDuplicateKey(field.value, where)) {
      where.insert(0, std::string(field.key) + (where.front() == '[' ? "" : "."));
      return true;
    }
  }
  return false;
}

Status ParseRequestElement(const element& doc, const CountryTable& countries, Request& out) {
  object req;
  if (doc.get_object().get(req)) {
    return InvalidArgument("a request must be a JSON object");
  }
  element id;
  if (Field(req, "id", id)) {
    int64_t n = 0;
    std::string_view s;
    if (id.get_string().get(s) == simdjson::SUCCESS) {
      if (s.size() > kMaxNameBytes) {
        return Bad("id", "longer than 256 bytes");
      }
      out.id.assign(s);
    } else if (id.get_int64().get(n) == simdjson::SUCCESS) {
      out.id = std::to_string(n);
    } else {
      return Bad("id", "must be a string or an integer");
    }
  }
  if (std::string where; FindDuplicateKey(doc, where)) {
    return Bad(where, "given twice (a key may appear once in an object)");
  }
  TG_RETURN_IF_ERROR(CheckKeys(req, "",
                               {"id", "date", "regime", "kind", "exporter", "consignee", "end_user",
                                "end_use", "license", "items"}));
  std::string date;
  TG_RETURN_IF_ERROR(GetString(req, "date", "", true, date));
  auto d = Date::Parse(date);
  if (!d) {
    return Bad("date", d.error().message());
  }
  out.date = *d;
  TG_RETURN_IF_ERROR(GetString(req, "regime", "", false, out.regime));
  std::string kind;
  TG_RETURN_IF_ERROR(GetString(req, "kind", "", false, kind));
  if (kind.empty() || kind == "export") {
    out.kind = TransferKind::kExport;
  } else if (kind == "reexport") {
    out.kind = TransferKind::kReexport;
  } else if (kind == "in_country_transfer") {
    out.kind = TransferKind::kInCountryTransfer;
  } else {
    return Bad("kind",
               "'" + Excerpt(kind, 40) + "' is not export, reexport or in_country_transfer");
  }
  TG_RETURN_IF_ERROR(ParseParty(req, "exporter", countries, false, out.exporter));
  if (!out.exporter.present) {
    // tierguard's shipped regimes are US rules; an order line without an exporter is a US export.
    out.exporter.country = Country::FromAlpha2('U', 'S');
    out.exporter.headquarters = out.exporter.parent_headquarters = out.exporter.country;
  }
  TG_RETURN_IF_ERROR(ParseParty(req, "consignee", countries, true, out.consignee));
  TG_RETURN_IF_ERROR(ParseParty(req, "end_user", countries, false, out.end_user));
  TG_RETURN_IF_ERROR(GetString(req, "end_use", "", false, out.end_use));
  if (!out.end_use.empty() && !regime::IsEndUse(out.end_use)) {
    return Bad("end_use",
               "'" + Excerpt(out.end_use, 40) + "' is not one of " + regime::EndUseList());
  }
  TG_RETURN_IF_ERROR(GetString(req, "license", "", false, out.license));
  element items;
  if (!Field(req, "items", items)) {
    return Bad("items", "required");
  }
  array arr;
  if (items.get_array().get(arr)) {
    return Bad("items", "must be a list");
  }
  size_t i = 0;
  for (element e : arr) {
    if (i >= 1000) {
      return Bad("items", "at most 1000 items per request");
    }
    if (i == out.items.size()) {
      out.items.emplace_back();
    } else {
      ResetItem(out.items[i]);
    }
    char path[32];  // "items[N]" without a heap allocation per item
    const int len = std::snprintf(path, sizeof(path), "items[%zu]", i);
    TG_RETURN_IF_ERROR(ParseItem(e, countries, std::string_view(path, static_cast<size_t>(len)),
                                 /*require_quantity=*/true, out.items[i]));
    ++i;
  }
  out.items.resize(i);
  if (out.items.empty()) {
    return Bad("items", "must not be empty");
  }
  return Status::Ok();
}

}  // namespace

Status ParseRequestJson(std::string_view json, const CountryTable& countries, int line,
                        Request& out) {
  ResetRequest(out);
  out.line = line;
  element doc;
  Status s = ParseDocument(json, doc);
  if (s.ok()) {
    s = ParseRequestElement(doc, countries, out);
  }
  if (!s.ok() && line > 0) {
    return s.WithPrefix("line " + std::to_string(line));
  }
  return s;
}

Status ParseItemJson(std::string_view json, const CountryTable& countries, std::string_view path,
                     Item& out) {
  ResetItem(out);
  element doc;
  TG_RETURN_IF_ERROR(ParseDocument(json, doc));
  if (std::string where; FindDuplicateKey(doc, where)) {
    return Bad(Join(path, where), "given twice (a key may appear once in an object)");
  }
  return ParseItem(doc, countries, path, /*require_quantity=*/false, out);
}

Result<std::vector<std::string>> SplitJsonArray(std::string_view json) {
  element doc;
  TG_RETURN_IF_ERROR(ParseDocument(json, doc));
  array arr;
  if (doc.get_array().get(arr)) {
    return InvalidArgument("expected a JSON array");
  }
  std::vector<std::string> out;
  for (element e : arr) {
    out.push_back(simdjson::minify(e));
  }
  return out;
}

}  // namespace tg::decide
