#include "src/screen/lists.h"

#include <algorithm>
#include <expat.h>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

#include <simdjson.h>

#include "src/common/csv.h"
#include "src/common/digest.h"
#include "src/common/json_writer.h"
#include "src/common/text.h"

namespace tg::screen {

namespace {

namespace fs = std::filesystem;

std::string Trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) {
    ++b;
  }
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n')) {
    --e;
  }
  return std::string(s.substr(b, e - b));
}

// OFAC writes an empty field as "-0-" (with a trailing space).
std::string OfacField(const std::string& f) {
  std::string t = Trim(f);
  return t == "-0-" ? "" : t;
}

// OFAC files end with a Ctrl-Z byte.
std::string_view StripEof(std::string_view bytes) {
  while (!bytes.empty() &&
         (bytes.back() == '\x1a' || bytes.back() == '\n' || bytes.back() == '\r')) {
    bytes.remove_suffix(1);
  }
  return bytes;
}

std::string TypeOf(std::string_view published) {
  const std::string t = AsciiLower(Trim(published));
  if (t == "individual" || t == "person") {
    return "person";
  }
  if (t == "vessel") {
    return "vessel";
  }
  if (t == "aircraft") {
    return "aircraft";
  }
  return t.empty() ? "" : "entity";
}

Status Bad(const std::string& where, const std::string& message) {
  return InvalidArgument(where + ": " + message);
}

// --- OFAC legacy CSV ---------------------------------------------------------------------

// The companion file of `primary` whose name starts with `prefix` (alt, add, sdn_comments),
// in the same folder; "" when there is none.
std::string Companion(const std::string& primary, const std::string& prefix) {
  const fs::path dir = fs::path(primary).parent_path();
  std::error_code ec;
  std::vector<std::string> found;
  for (const auto& e : fs::directory_iterator(dir.empty() ? fs::path(".") : dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && name.size() >= 4 &&
        name.compare(name.size() - 4, 4, ".csv") == 0) {
      found.push_back(e.path().string());
    }
  }
  std::sort(found.begin(), found.end());
  return found.empty() ? "" : found.back();  // dated names sort by date: the newest
}

Result<std::vector<CsvRecord>> OfacRecords(const std::string& path, std::string_view bytes,
                                           size_t min_fields) {
  TG_ASSIGN_OR_RETURN(std::vector<CsvRecord> rows, ParseCsvRecords(StripEof(bytes), path));
  for (const CsvRecord& r : rows) {
    if (r.fields.size() < min_fields) {
      return Bad(path + ":" + std::to_string(r.line), "expected " + std::to_string(min_fields) +
                                                          " fields, found " +
                                                          std::to_string(r.fields.size()));
    }
    if (!ParseNumber(Trim(r.fields[0]))) {
      return Bad(path + ":" + std::to_string(r.line) + ": ent_num",
                 "'" + Trim(r.fields[0]) + "' is not a number");
    }
  }
  return rows;
}

// Identifiers written in OFAC remarks ("IMO 9187629; Tax ID No. 6164205270 (Russia).").
void RemarkIdentifiers(const std::string& remarks, std::vector<std::string>& out) {
  static constexpr std::string_view kLabels[] = {
      "IMO ",  "Tax ID No. ", "Registration Number ", "Registration ID ",
      "MMSI ", "Passport ",   "National ID No. ",     "SWIFT/BIC "};
  for (std::string_view label : kLabels) {
    for (size_t at = remarks.find(label); at != std::string::npos;
         at = remarks.find(label, at + 1)) {
      size_t b = at + label.size();
      size_t e = b;
      while (e < remarks.size() && remarks[e] != ' ' && remarks[e] != ';' && remarks[e] != ',' &&
             remarks[e] != '(' &&
             !(remarks[e] == '.' && (e + 1 == remarks.size() || remarks[e + 1] == ' '))) {
        ++e;
      }
      if (e > b) {
        out.push_back(std::string(label.substr(0, label.find(' '))) + " " +
                      remarks.substr(b, e - b));
      }
    }
  }
}

Result<ScreeningList> ParseOfac(const std::string& path, std::string_view bytes,
                                bool with_companions) {
  ScreeningList list;
  list.format = "ofac-csv";
  std::string all_bytes(bytes);
  const std::string file = fs::path(path).filename().string();
  const bool consolidated = file.rfind("cons_", 0) == 0;
  const std::string list_name = consolidated ? "NONSDN" : "SDN";
  TG_ASSIGN_OR_RETURN(std::vector<CsvRecord> rows, OfacRecords(path, bytes, 12));
  std::unordered_map<std::string, size_t> by_num;
  for (const CsvRecord& r : rows) {
    ListEntry e;
    e.list = list_name;
    const std::string num = Trim(r.fields[0]);
    e.entry_id = list_name + "-" + num;
    e.name = OfacField(r.fields[1]);
    if (e.name.empty()) {
      return Bad(path + ":" + std::to_string(r.line) + ": SDN_Name", "empty");
    }
    e.type = TypeOf(OfacField(r.fields[2]));
    if (e.type.empty()) {
      e.type = "entity";  // OFAC leaves the type of entities empty
    }
    e.programs = SplitList(OfacField(r.fields[3]), ']');
    for (std::string& p : e.programs) {
      p.erase(std::remove(p.begin(), p.end(), '['), p.end());
      p = Trim(p);
    }
    e.programs.erase(std::remove(e.programs.begin(), e.programs.end(), ""), e.programs.end());
    e.remarks = OfacField(r.fields[11]);
    if (by_num.count(num) != 0) {
      return Bad(path + ":" + std::to_string(r.line) + ": ent_num", num + " appears twice");
    }
    by_num[num] = list.entries.size();
    list.entries.push_back(std::move(e));
  }
  if (with_companions) {
    const std::string stem = consolidated ? "cons_" : "";
    struct Part {
      std::string prefix;
      size_t fields;
    };
    for (const Part& part : {Part{stem + "alt", 5}, Part{stem + "add", 6},
                             Part{consolidated ? "cons_comments" : "sdn_comments", 2}}) {
      const std::string companion = Companion(path, part.prefix);
      if (companion.empty()) {
        continue;
      }
      TG_ASSIGN_OR_RETURN(std::string text, ReadFile(companion));
      all_bytes += text;
      TG_ASSIGN_OR_RETURN(std::vector<CsvRecord> extra, OfacRecords(companion, text, part.fields));
      for (const CsvRecord& r : extra) {
        auto it = by_num.find(Trim(r.fields[0]));
        if (it == by_num.end()) {
          continue;  // a companion newer than its primary file names later entries
        }
        ListEntry& e = list.entries[it->second];
        if (part.fields == 5) {
          if (std::string alias = OfacField(r.fields[3]); !alias.empty()) {
            e.aliases.push_back(std::move(alias));
          }
        } else if (part.fields == 6) {
          if (std::string country = OfacField(r.fields[4]); !country.empty()) {
            e.countries.push_back(std::move(country));
          }
        } else {
          e.remarks += OfacField(r.fields[1]);  // the overflow of Remarks, mid-word
        }
      }
    }
  }
  for (ListEntry& e : list.entries) {
    RemarkIdentifiers(e.remarks, e.identifiers);
    for (size_t at = e.remarks.find("DOB "); at != std::string::npos;
         at = e.remarks.find("DOB ", at + 1)) {
      const size_t end = e.remarks.find(';', at);
      e.birth_dates.push_back(Trim(
          e.remarks.substr(at + 4, end == std::string::npos ? std::string::npos : end - at - 4)));
    }
    // Aliases written inline in Remarks: "a.k.a. 'BNC'".
    for (size_t at = e.remarks.find("a.k.a. '"); at != std::string::npos;
         at = e.remarks.find("a.k.a. '", at + 1)) {
      const size_t b = at + 8;
      const size_t end = e.remarks.find('\'', b);
      if (end != std::string::npos && end > b) {
        e.aliases.push_back(e.remarks.substr(b, end - b));
      }
    }
  }
  list.version = "sha256:" + Sha256Hex(all_bytes);
  return list;
}

// --- CSL CSV and JSON --------------------------------------------------------------------

// The short name of a CSL source list.
std::string CslList(const std::string& source) {
  static const std::pair<std::string_view, std::string_view> kCodes[] = {
      {"(EL)", "EL"},
      {"(UVL)", "UVL"},
      {"(MEU)", "MEU"},
      {"(DPL)", "DPL"},
      {"(SDN)", "SDN"},
      {"(SSI)", "SSI"},
      {"(ISN)", "ISN"},
      {"(DTC)", "DTC"},
      {"(FSE)", "FSE"},
      {"(PLC)", "PLC"},
      {"(CAP)", "CAP"},
      {"(NS-MBS)", "NS-MBS"},
      {"(CMIC)", "CMIC"},
      {"Entity List", "EL"},
      {"Unverified List", "UVL"},
      {"Military End User", "MEU"},
      {"Denied Persons", "DPL"},
      {"Specially Designated", "SDN"},
      {"Debarred", "DTC"},
      {"Nonproliferation", "ISN"},
      {"Sectoral", "SSI"}};
  for (const auto& [marker, code] : kCodes) {
    if (source.find(marker) != std::string::npos) {
      return std::string(code);
    }
  }
  return source.empty() ? "CSL" : source;
}

// One CSL row (CSV columns or JSON fields) into an entry.
Status CslEntry(const std::map<std::string, std::string>& f, const std::string& where,
                size_t ordinal, ListEntry& e) {
  auto get = [&](const char* k) {
    auto it = f.find(k);
    return it == f.end() ? std::string() : Trim(it->second);
  };
  e.list = CslList(get("source"));
  e.name = get("name");
  if (e.name.empty()) {
    return Bad(where + ": name", "empty");
  }
  std::string id = get("_id");
  if (id.empty()) {
    id = get("entity_number");
  }
  e.entry_id = e.list + "-" + (id.empty() ? std::to_string(ordinal) : id);
  e.aliases = SplitList(get("alt_names"), ';');
  e.type = TypeOf(get("type"));
  e.programs = SplitList(get("programs"), ';');
  for (const char* k : {"citizenships", "nationalities"}) {
    for (std::string& c : SplitList(get(k), ';')) {
      e.countries.push_back(std::move(c));
    }
  }
  // Addresses end with the country code: "Komitas 26/114, Yerevan, Armenia, AM".
  for (const std::string& a : SplitList(get("addresses"), ';')) {
    const size_t comma = a.rfind(',');
    if (comma != std::string::npos) {
      e.countries.push_back(Trim(a.substr(comma + 1)));
    }
  }
  e.birth_dates = SplitList(get("dates_of_birth"), ';');
  e.identifiers = SplitList(get("ids"), ';');
  e.license_requirement = get("license_requirement");
  e.license_policy = get("license_policy");
  e.start_date = get("start_date");
  e.end_date = get("end_date");
  e.remarks = get("remarks");
  return Status::Ok();
}

Result<ScreeningList> ParseCslCsv(const std::string& path, std::string_view bytes) {
  TG_ASSIGN_OR_RETURN(CsvTable table, CsvTable::Parse(bytes, path));
  TG_RETURN_IF_ERROR(table.Column("name").status());
  TG_RETURN_IF_ERROR(table.Column("source").status());
  std::vector<std::string> header;
  for (const char* k :
       {"_id", "source", "entity_number", "type", "programs", "name", "addresses", "start_date",
        "end_date", "license_requirement", "license_policy", "remarks", "alt_names", "citizenships",
        "dates_of_birth", "nationalities", "ids"}) {
    header.emplace_back(k);
  }
  ScreeningList list;
  list.format = "csl-csv";
  size_t ordinal = 0;
  for (const CsvRecord& r : table.records()) {
    std::map<std::string, std::string> f;
    for (const std::string& k : header) {
      if (auto c = table.Column(k)) {
        f[k] = r.fields[*c];
      }
    }
    ListEntry e;
    TG_RETURN_IF_ERROR(CslEntry(f, path + ":" + std::to_string(r.line), ++ordinal, e));
    list.entries.push_back(std::move(e));
  }
  return list;
}

Status JsonFields(simdjson::dom::object obj, std::map<std::string, std::string>& out) {
  for (auto [key, value] : obj) {
    std::string text;
    std::string_view str;
    simdjson::dom::array arr;
    if (!value.get_string().get(str)) {
      text = std::string(str);
    } else if (!value.get_array().get(arr)) {
      for (auto item : arr) {
        std::string_view s;
        simdjson::dom::object o;
        if (!item.get_string().get(s)) {
          text += (text.empty() ? "" : ";") + std::string(s);
        } else if (!item.get_object().get(o)) {
          // addresses and ids are objects: keep their country / number
          for (const char* k : {"country", "number"}) {
            std::string_view v;
            if (!o[k].get_string().get(v)) {
              text += (text.empty() ? ", " : "; , ") + std::string(v);
            }
          }
        }
      }
    } else if (!value.is_null()) {
      text = simdjson::to_string(value);
    }
    out[std::string(key)] = text;
  }
  return Status::Ok();
}

Result<ScreeningList> ParseCslJson(const std::string& path, std::string_view bytes) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(bytes);
  simdjson::dom::element root;
  if (auto err = parser.parse(padded).get(root); err) {
    return Bad(path, std::string("not JSON: ") + simdjson::error_message(err));
  }
  simdjson::dom::array rows;
  if (root.is_object()) {
    if (root["results"].get_array().get(rows)) {
      return Bad(path, "a CSL JSON object must hold its rows in \"results\"");
    }
  } else if (root.get_array().get(rows)) {
    return Bad(path, "expected an array of CSL rows or {\"results\": [...]}");
  }
  ScreeningList list;
  list.format = "csl-json";
  size_t ordinal = 0;
  for (auto row : rows) {
    ++ordinal;
    simdjson::dom::object obj;
    if (row.get_object().get(obj)) {
      return Bad(path + ": results[" + std::to_string(ordinal - 1) + "]", "not an object");
    }
    std::map<std::string, std::string> f;
    TG_RETURN_IF_ERROR(JsonFields(obj, f));
    if (f.count("id") != 0 && f.count("_id") == 0) {
      f["_id"] = f["id"];
    }
    ListEntry e;
    TG_RETURN_IF_ERROR(
        CslEntry(f, path + ": results[" + std::to_string(ordinal - 1) + "]", ordinal, e));
    list.entries.push_back(std::move(e));
  }
  return list;
}

// --- BIS Denied Persons List -----------------------------------------------------------

// MM/DD/YYYY to YYYY-MM-DD; other text as it is.
std::string UsDate(const std::string& d) {
  if (d.size() == 10 && d[2] == '/' && d[5] == '/') {
    return d.substr(6, 4) + "-" + d.substr(0, 2) + "-" + d.substr(3, 2);
  }
  return d;
}

Result<ScreeningList> ParseDpl(const std::string& path, std::string_view bytes) {
  TG_ASSIGN_OR_RETURN(std::vector<CsvRecord> rows, ParseCsvRecords(bytes, path, '\t'));
  if (rows.empty() || rows[0].fields.empty() || Trim(rows[0].fields[0]) != "Name") {
    return Bad(path + ":1", "expected the Denied Persons List header (Name, Street_Address, …)");
  }
  const std::vector<std::string>& header = rows[0].fields;
  auto col = [&](const char* name) -> Result<size_t> {
    for (size_t c = 0; c < header.size(); ++c) {
      if (header[c] == name) {
        return c;
      }
    }
    return Bad(path + ":1", std::string("no column '") + name + "'");
  };
  TG_ASSIGN_OR_RETURN(size_t name_c, col("Name"));
  TG_ASSIGN_OR_RETURN(size_t country_c, col("Country"));
  TG_ASSIGN_OR_RETURN(size_t from_c, col("Effective_Date"));
  TG_ASSIGN_OR_RETURN(size_t to_c, col("Expiration_Date"));
  TG_ASSIGN_OR_RETURN(size_t fr_c, col("FR_Citation"));
  ScreeningList list;
  list.format = "dpl";
  std::map<std::string, int> seen;
  for (size_t i = 1; i < rows.size(); ++i) {
    const CsvRecord& r = rows[i];
    if (r.fields.size() != header.size()) {
      return Bad(path + ":" + std::to_string(r.line), "expected " + std::to_string(header.size()) +
                                                          " fields, found " +
                                                          std::to_string(r.fields.size()));
    }
    ListEntry e;
    e.list = "DPL";
    e.name = Trim(r.fields[name_c]);
    if (e.name.empty()) {
      return Bad(path + ":" + std::to_string(r.line) + ": Name", "empty");
    }
    e.type = "person";
    // The list has no ids: name and effective date identify an order.
    const std::string key = e.name + "|" + r.fields[from_c];
    e.entry_id = "DPL-" + LookupKey(e.name) + "-" + UsDate(Trim(r.fields[from_c]));
    if (int n = ++seen[key]; n > 1) {
      e.entry_id += "-" + std::to_string(n);
    }
    if (std::string c = Trim(r.fields[country_c]); !c.empty()) {
      e.countries.push_back(c);
    }
    e.start_date = UsDate(Trim(r.fields[from_c]));
    e.end_date = UsDate(Trim(r.fields[to_c]));
    e.remarks = Trim(r.fields[fr_c]);
    list.entries.push_back(std::move(e));
  }
  return list;
}

// --- FollowTheMoney JSON Lines -----------------------------------------------------------

Result<ScreeningList> ParseFtm(const std::string& path, std::string_view bytes) {
  ScreeningList list;
  list.format = "ftm";
  simdjson::dom::parser parser;
  for (Lines lines(bytes); lines.Next();) {
    const std::string line = Trim(lines.line());
    if (line.empty()) {
      continue;
    }
    const std::string where = path + ":" + std::to_string(lines.number());
    simdjson::dom::object obj;
    if (auto err = parser.parse(line).get(obj); err) {
      return Bad(where, std::string("not a JSON object: ") + simdjson::error_message(err));
    }
    std::string_view id;
    std::string_view schema;
    simdjson::dom::object props;
    if (obj["id"].get_string().get(id) || obj["schema"].get_string().get(schema)) {
      return Bad(where, "an FtM entity needs \"id\" and \"schema\"");
    }
    if (obj["properties"].get_object().get(props)) {
      return Bad(where + ": properties", "must be an object");
    }
    auto values = [&](const char* key) {
      std::vector<std::string> out;
      simdjson::dom::array arr;
      if (!props[key].get_array().get(arr)) {
        for (auto v : arr) {
          std::string_view s;
          if (!v.get_string().get(s)) {
            out.emplace_back(s);
          }
        }
      }
      return out;
    };
    std::vector<std::string> names = values("name");
    if (names.empty()) {
      continue;  // addresses, ownerships and other non-party entities
    }
    ListEntry e;
    e.list = "FTM";
    if (std::vector<std::string> d = values("datasets"); !d.empty()) {
      e.list = d[0];
    }
    e.entry_id = std::string(id);
    e.name = names[0];
    e.aliases.assign(names.begin() + 1, names.end());
    for (const char* k : {"alias", "weakAlias", "previousName"}) {
      for (std::string& a : values(k)) {
        e.aliases.push_back(std::move(a));
      }
    }
    e.type = schema == "Person"     ? "person"
             : schema == "Vessel"   ? "vessel"
             : schema == "Airplane" ? "aircraft"
                                    : "entity";
    e.programs = values("program");
    for (const char* k : {"country", "nationality", "jurisdiction", "citizenship"}) {
      for (std::string& c : values(k)) {
        e.countries.push_back(std::move(c));
      }
    }
    e.birth_dates = values("birthDate");
    for (const char* k : {"imoNumber", "registrationNumber", "taxNumber", "idNumber",
                          "passportNumber", "innCode", "ogrnCode", "swiftBic"}) {
      for (std::string& v : values(k)) {
        e.identifiers.push_back(v);
      }
    }
    list.entries.push_back(std::move(e));
  }
  return list;
}

// --- UN consolidated XML -----------------------------------------------------------------

// Elements the UN list may hold, by the element they sit in; anything else is an error (a
// schema change must be looked at, not silently skipped).
const std::set<std::string>& KnownUnElements() {
  static const std::set<std::string> kKnown = {"CONSOLIDATED_LIST",
                                               "INDIVIDUALS",
                                               "ENTITIES",
                                               "INDIVIDUAL",
                                               "ENTITY",
                                               "DATAID",
                                               "VERSIONNUM",
                                               "FIRST_NAME",
                                               "SECOND_NAME",
                                               "THIRD_NAME",
                                               "FOURTH_NAME",
                                               "UN_LIST_TYPE",
                                               "REFERENCE_NUMBER",
                                               "LISTED_ON",
                                               "NAME_ORIGINAL_SCRIPT",
                                               "COMMENTS1",
                                               "TITLE",
                                               "DESIGNATION",
                                               "NATIONALITY",
                                               "LIST_TYPE",
                                               "LAST_DAY_UPDATED",
                                               "VALUE",
                                               "INDIVIDUAL_ALIAS",
                                               "ENTITY_ALIAS",
                                               "QUALITY",
                                               "ALIAS_NAME",
                                               "DATE_OF_BIRTH",
                                               "CITY_OF_BIRTH",
                                               "COUNTRY_OF_BIRTH",
                                               "INDIVIDUAL_ADDRESS",
                                               "ENTITY_ADDRESS",
                                               "STREET",
                                               "CITY",
                                               "STATE_PROVINCE",
                                               "ZIP_CODE",
                                               "COUNTRY",
                                               "NOTE",
                                               "INDIVIDUAL_DATE_OF_BIRTH",
                                               "TYPE_OF_DATE",
                                               "DATE",
                                               "YEAR",
                                               "FROM_YEAR",
                                               "TO_YEAR",
                                               "INDIVIDUAL_PLACE_OF_BIRTH",
                                               "INDIVIDUAL_DOCUMENT",
                                               "TYPE_OF_DOCUMENT",
                                               "TYPE_OF_DOCUMENT2",
                                               "NUMBER",
                                               "ISSUING_COUNTRY",
                                               "DATE_OF_ISSUE",
                                               "CITY_OF_ISSUE",
                                               "COUNTRY_OF_ISSUE",
                                               "SORT_KEY",
                                               "SORT_KEY_LAST_MOD",
                                               "GENDER",
                                               "SUBMITTED_BY"};
  return kKnown;
}

struct UnParse {
  XML_Parser parser = nullptr;
  std::string path;
  ScreeningList* list = nullptr;
  std::vector<std::string> stack;
  std::string text;
  ListEntry current;
  std::string name_parts[4];
  std::string reference;
  std::string dataid;
  Status error;
};

void UnStart(void* data, const XML_Char* name, const XML_Char** /*attrs*/) {
  auto* p = static_cast<UnParse*>(data);
  if (!p->error.ok()) {
    return;
  }
  const std::string element(name);
  if (KnownUnElements().count(element) == 0) {
    p->error = Bad(p->path + ":" + std::to_string(XML_GetCurrentLineNumber(p->parser)),
                   "unknown element <" + element + "> in <" +
                       (p->stack.empty() ? std::string("document") : p->stack.back()) + ">");
    XML_StopParser(p->parser, XML_FALSE);
    return;
  }
  if (element == "INDIVIDUAL" || element == "ENTITY") {
    p->current = ListEntry{};
    p->current.list = "UN";
    p->current.type = element == "INDIVIDUAL" ? "person" : "entity";
    for (std::string& s : p->name_parts) {
      s.clear();
    }
    p->reference.clear();
    p->dataid.clear();
  }
  p->stack.push_back(element);
  p->text.clear();
}

void UnEnd(void* data, const XML_Char* name) {
  auto* p = static_cast<UnParse*>(data);
  if (!p->error.ok()) {
    return;
  }
  const std::string element(name);
  const std::string parent = p->stack.size() >= 2 ? p->stack[p->stack.size() - 2] : "";
  const std::string value = Trim(p->text);
  p->text.clear();
  ListEntry& e = p->current;
  if (element == "FIRST_NAME") {
    p->name_parts[0] = value;
  } else if (element == "SECOND_NAME") {
    p->name_parts[1] = value;
  } else if (element == "THIRD_NAME") {
    p->name_parts[2] = value;
  } else if (element == "FOURTH_NAME") {
    p->name_parts[3] = value;
  } else if (element == "REFERENCE_NUMBER") {
    p->reference = value;
  } else if (element == "DATAID") {
    p->dataid = value;
  } else if (element == "UN_LIST_TYPE" && !value.empty()) {
    e.programs.push_back(value);
  } else if (element == "LISTED_ON") {
    e.start_date = value;
  } else if ((element == "NAME_ORIGINAL_SCRIPT" || element == "ALIAS_NAME") && !value.empty()) {
    e.aliases.push_back(value);
  } else if (element == "COMMENTS1") {
    e.remarks = value;
  } else if (((element == "VALUE" && parent == "NATIONALITY") ||
              (element == "COUNTRY" &&
               (parent == "INDIVIDUAL_ADDRESS" || parent == "ENTITY_ADDRESS"))) &&
             !value.empty()) {
    e.countries.push_back(value);
  } else if ((element == "DATE" || element == "YEAR") && parent == "INDIVIDUAL_DATE_OF_BIRTH" &&
             !value.empty()) {
    e.birth_dates.push_back(value);
  } else if (element == "NUMBER" && parent == "INDIVIDUAL_DOCUMENT" && !value.empty()) {
    e.identifiers.push_back(value);
  } else if (element == "INDIVIDUAL" || element == "ENTITY") {
    for (const std::string& s : p->name_parts) {
      if (!s.empty()) {
        e.name += (e.name.empty() ? "" : " ") + s;
      }
    }
    if (e.name.empty()) {
      p->error = Bad(p->path + ":" + std::to_string(XML_GetCurrentLineNumber(p->parser)),
                     "<" + element + "> without a name");
      XML_StopParser(p->parser, XML_FALSE);
      return;
    }
    e.entry_id = "UN-" + (p->reference.empty() ? p->dataid : p->reference);
    p->list->entries.push_back(std::move(e));
  }
  p->stack.pop_back();
}

void UnText(void* data, const XML_Char* s, int len) {
  static_cast<UnParse*>(data)->text.append(s, static_cast<size_t>(len));
}

Result<ScreeningList> ParseUnXml(const std::string& path, std::string_view bytes) {
  ScreeningList list;
  list.format = "un-xml";
  UnParse p;
  p.path = path;
  p.list = &list;
  p.parser = XML_ParserCreate("UTF-8");
  XML_SetUserData(p.parser, &p);
  XML_SetElementHandler(p.parser, UnStart, UnEnd);
  XML_SetCharacterDataHandler(p.parser, UnText);
  const XML_Status status =
      XML_Parse(p.parser, bytes.data(), static_cast<int>(bytes.size()), XML_TRUE);
  Status result = p.error;
  if (result.ok() && status != XML_STATUS_OK) {
    result = Bad(path + ":" + std::to_string(XML_GetCurrentLineNumber(p.parser)),
                 std::string("malformed XML: ") + XML_ErrorString(XML_GetErrorCode(p.parser)));
  }
  XML_ParserFree(p.parser);
  TG_RETURN_IF_ERROR(result);
  return list;
}

// --- text repair -------------------------------------------------------------------------

// C1 control characters (U+0080-U+009F) in a published name are Windows-1252 punctuation that
// was decoded as Latin-1 before being written as UTF-8 (the CSL writes "Gui\u0092an"): each is
// put back as the character it stood for. The five code points cp1252 leaves undefined stay.
std::string DecodeC1(std::string_view text) {
  static constexpr const char* kCp1252[32] = {
      "\u20AC", nullptr,  "\u201A", "\u0192", "\u201E", "\u2026", "\u2020", "\u2021",
      "\u02C6", "\u2030", "\u0160", "\u2039", "\u0152", nullptr,  "\u017D", nullptr,
      nullptr,  "\u2018", "\u2019", "\u201C", "\u201D", "\u2022", "\u2013", "\u2014",
      "\u02DC", "\u2122", "\u0161", "\u203A", "\u0153", nullptr,  "\u017E", "\u0178"};
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b == 0xC2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9F && kCp1252[next - 0x80] != nullptr) {
        out += kCp1252[next - 0x80];
        ++i;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

void RepairText(ScreeningList& list) {
  for (ListEntry& e : list.entries) {
    for (std::string* s : {&e.name, &e.license_requirement, &e.license_policy, &e.remarks}) {
      *s = DecodeC1(*s);
    }
    for (auto* strings : {&e.aliases, &e.countries, &e.programs, &e.identifiers}) {
      for (std::string& s : *strings) {
        s = DecodeC1(s);
      }
    }
  }
}

// --- detection ---------------------------------------------------------------------------

Result<ScreeningList> Parse(const std::string& path, std::string_view bytes, bool with_companions) {
  size_t i = 0;
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    i = 3;  // a UTF-8 byte-order mark
  }
  while (i < bytes.size() &&
         (bytes[i] == ' ' || bytes[i] == '\n' || bytes[i] == '\r' || bytes[i] == '\t')) {
    ++i;
  }
  const std::string_view body = bytes.substr(i);
  if (body.empty()) {
    return Bad(path, "empty file");
  }
  const size_t eol = body.find('\n');
  const std::string first_line(body.substr(0, eol == std::string_view::npos ? body.size() : eol));
  Result<ScreeningList> list = Internal("no list format chosen");  // each branch sets it
  if (body[0] == '<') {
    list = ParseUnXml(path, body);
  } else if (body[0] == '[' ||
             (body[0] == '{' && first_line.find("\"results\"") != std::string::npos)) {
    list = ParseCslJson(path, body);
  } else if (body[0] == '{') {
    list = ParseFtm(path, body);
  } else if (first_line.rfind("\"Name\"\t", 0) == 0 || first_line.rfind("Name\t", 0) == 0) {
    list = ParseDpl(path, body);
  } else if (first_line.find("source") != std::string::npos &&
             first_line.find("name") != std::string::npos) {
    list = ParseCslCsv(path, body);
  } else if (!first_line.empty() && first_line[0] >= '0' && first_line[0] <= '9') {
    list = ParseOfac(path, body, with_companions);
  } else {
    return Bad(path + ":1",
               "not a list format tierguard reads (OFAC CSV, CSL CSV or JSON, UN "
               "XML, Denied Persons List, FtM JSON Lines)");
  }
  if (list && list->version.empty()) {
    list->version = "sha256:" + Sha256Hex(bytes);
  }
  if (list) {
    list->source = path;
    RepairText(*list);
    if (list->entries.empty()) {
      return Bad(path, "no list entries");
    }
  }
  return list;
}

}  // namespace

Result<ScreeningList> ParseListAs(std::string_view format, const std::string& path,
                                  std::string_view bytes) {
  Result<ScreeningList> list = Internal("no list format chosen");  // each branch sets it
  if (format == "ofac-csv") {
    list = ParseOfac(path, bytes, /*with_companions=*/false);
  } else if (format == "csl-csv") {
    list = ParseCslCsv(path, bytes);
  } else if (format == "csl-json") {
    list = ParseCslJson(path, bytes);
  } else if (format == "un-xml") {
    list = ParseUnXml(path, bytes);
  } else if (format == "dpl") {
    list = ParseDpl(path, bytes);
  } else if (format == "ftm") {
    list = ParseFtm(path, bytes);
  } else {
    return InvalidArgument("unknown list format '" + std::string(format) + "'");
  }
  if (list) {
    RepairText(*list);
  }
  return list;
}

Result<ScreeningList> LoadList(const std::string& path) {
  TG_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
  return Parse(path, bytes, /*with_companions=*/true);
}

Result<ScreeningList> ParseList(const std::string& path, std::string_view bytes) {
  return Parse(path, bytes, /*with_companions=*/false);
}

namespace {

// Fields of an entry as the JSON keys that hold them.
struct StringField {
  const char* key;
  std::string ListEntry::*field;
};
struct ArrayField {
  const char* key;
  std::vector<std::string> ListEntry::*field;
};
constexpr StringField kStrings[] = {{"list", &ListEntry::list},
                                    {"id", &ListEntry::entry_id},
                                    {"name", &ListEntry::name},
                                    {"type", &ListEntry::type},
                                    {"license_requirement", &ListEntry::license_requirement},
                                    {"license_policy", &ListEntry::license_policy},
                                    {"start", &ListEntry::start_date},
                                    {"end", &ListEntry::end_date},
                                    {"remarks", &ListEntry::remarks}};
constexpr ArrayField kArrays[] = {{"aliases", &ListEntry::aliases},
                                  {"programs", &ListEntry::programs},
                                  {"countries", &ListEntry::countries},
                                  {"birth_dates", &ListEntry::birth_dates},
                                  {"identifiers", &ListEntry::identifiers}};

}  // namespace

std::string ListToJson(const ScreeningList& list) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("source").String(list.source).Key("format").String(list.format);
  w.Key("version").String(list.version).Key("entries").BeginArray();
  for (const ListEntry& e : list.entries) {
    w.BeginObject();
    for (const StringField& f : kStrings) {
      if (!(e.*f.field).empty()) {
        w.Key(f.key).String(e.*f.field);
      }
    }
    for (const ArrayField& f : kArrays) {
      if (!(e.*f.field).empty()) {
        w.Key(f.key).BeginArray();
        for (const std::string& v : e.*f.field) {
          w.String(v);
        }
        w.EndArray();
      }
    }
    w.EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

Result<ScreeningList> ListFromJson(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::object root;
  if (parser.parse(padded).get(root)) {
    return DataLoss("a stored list is not valid JSON");
  }
  ScreeningList list;
  std::string_view s;
  if (!root["source"].get_string().get(s)) {
    list.source = std::string(s);
  }
  if (!root["format"].get_string().get(s)) {
    list.format = std::string(s);
  }
  if (!root["version"].get_string().get(s)) {
    list.version = std::string(s);
  }
  simdjson::dom::array entries;
  if (root["entries"].get_array().get(entries)) {
    return DataLoss("a stored list has no entries");
  }
  for (auto item : entries) {
    simdjson::dom::object obj;
    if (item.get_object().get(obj)) {
      return DataLoss("a stored list entry is not an object");
    }
    ListEntry e;
    for (const StringField& f : kStrings) {
      if (!obj[f.key].get_string().get(s)) {
        e.*f.field = std::string(s);
      }
    }
    for (const ArrayField& f : kArrays) {
      simdjson::dom::array arr;
      if (!obj[f.key].get_array().get(arr)) {
        for (auto v : arr) {
          if (!v.get_string().get(s)) {
            (e.*f.field).emplace_back(s);
          }
        }
      }
    }
    list.entries.push_back(std::move(e));
  }
  return list;
}

std::string DefaultListName(const ScreeningList& list) {
  if (list.format == "ofac-csv" || list.format == "un-xml" || list.format == "dpl") {
    return list.entries.empty() ? list.format : list.entries.front().list;
  }
  if (list.format == "ftm") {
    return list.entries.empty() ? "FTM" : list.entries.front().list;
  }
  return "CSL";
}

std::string EntryDigest(const ListEntry& e) {
  std::string text = e.list + "\n" + e.name + "\n" + e.type + "\n";
  for (const auto* field :
       {&e.aliases, &e.programs, &e.countries, &e.birth_dates, &e.identifiers}) {
    std::vector<std::string> sorted = *field;
    std::sort(sorted.begin(), sorted.end());
    for (const std::string& s : sorted) {
      text += s;
      text += '\x1f';
    }
    text += '\n';
  }
  return "sha256:" + Sha256Hex(text);
}

ListDelta DiffLists(const ScreeningList& before, const ScreeningList& after) {
  std::map<std::string, std::string> old_digest;
  for (const ListEntry& e : before.entries) {
    old_digest[e.entry_id] = EntryDigest(e);
  }
  ListDelta delta;
  std::set<std::string> kept;
  for (const ListEntry& e : after.entries) {
    auto it = old_digest.find(e.entry_id);
    if (it == old_digest.end()) {
      delta.added.push_back(e.entry_id);
    } else {
      kept.insert(e.entry_id);
      if (it->second != EntryDigest(e)) {
        delta.changed.push_back(e.entry_id);
      }
    }
  }
  for (const auto& [id, digest] : old_digest) {
    if (kept.count(id) == 0) {
      delta.removed.push_back(id);
    }
  }
  std::sort(delta.added.begin(), delta.added.end());
  std::sort(delta.changed.begin(), delta.changed.end());
  return delta;
}

}  // namespace tg::screen
