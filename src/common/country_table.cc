#include "src/common/country_table.h"

#include "src/common/csv.h"
#include "src/common/text.h"

namespace tg {

std::string Country::ToString() const {
  if (code_ == 0) {
    return "";
  }
  const int v = code_ - 1;
  return std::string{static_cast<char>('A' + v / 26), static_cast<char>('A' + v % 26)};
}

bool IsSubdivisionCode(std::string_view code) {
  if (code.size() < 4 || code.size() > 6 || code[2] != '-') {
    return false;
  }
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    const bool upper = c >= 'A' && c <= 'Z';
    const bool digit = c >= '0' && c <= '9';
    if (i != 2 && !(upper || (digit && i > 2))) {
      return false;
    }
  }
  return true;
}

std::optional<Country> ParseAlpha2(std::string_view text) {
  if (text.size() != 2) {
    return std::nullopt;
  }
  char a = text[0];
  char b = text[1];
  a = (a >= 'a' && a <= 'z') ? static_cast<char>(a - 32) : a;
  b = (b >= 'a' && b <= 'z') ? static_cast<char>(b - 32) : b;
  if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z') {
    return std::nullopt;
  }
  return Country::FromAlpha2(a, b);
}

Result<CountryTable> CountryTable::Load(const std::string& path) {
  TG_ASSIGN_OR_RETURN(CsvTable csv, CsvTable::Load(path));
  TG_ASSIGN_OR_RETURN(size_t c_alpha2, csv.Column("alpha2"));
  TG_ASSIGN_OR_RETURN(size_t c_alpha3, csv.Column("alpha3"));
  TG_ASSIGN_OR_RETURN(size_t c_name, csv.Column("name"));
  TG_ASSIGN_OR_RETURN(size_t c_aliases, csv.Column("aliases"));
  CountryTable table;
  table.names_.resize(Country::kSlots);
  std::vector<std::pair<std::string, Country>> two_letter;  // checked once all codes are known
  for (const CsvRecord& rec : csv.records()) {
    auto code = ParseAlpha2(rec.fields[c_alpha2]);
    if (!code || rec.fields[c_alpha2] != code->ToString()) {
      return InvalidArgument(csv.Where(rec, "alpha2") + ": '" + rec.fields[c_alpha2] +
                             "' is not an upper-case alpha-2 code");
    }
    if (!table.names_[code->index()].empty()) {
      return InvalidArgument(csv.Where(rec, "alpha2") + ": duplicate code " + code->ToString());
    }
    table.names_[code->index()] = rec.fields[c_name];
    ++table.count_;
    std::vector<std::string> keys = {rec.fields[c_alpha3], rec.fields[c_name]};
    for (auto& alias : SplitList(rec.fields[c_aliases], ';')) {
      keys.push_back(alias);
    }
    for (const std::string& k : keys) {
      std::string key = LookupKey(k);
      if (key.size() > 2) {
        table.by_key_.emplace(key, *code);
      } else if (key.size() == 2) {
        two_letter.emplace_back(key, *code);
      }
    }
  }
  // A two-letter alias people write (UK for GB) counts unless it is some country's own code.
  for (const auto& [key, code] : two_letter) {
    std::string upper = key;
    for (char& ch : upper) {
      ch = static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
    }
    auto own = ParseAlpha2(upper);
    if (own && !table.Known(*own)) {
      table.by_key_.emplace(key, code);
    }
  }
  return table;
}

Result<Country> CountryTable::Lookup(std::string_view text) const {
  if (auto c = ParseAlpha2(text); c && Known(*c)) {
    return *c;
  }
  if (text.size() >= 2) {
    auto it = by_key_.find(LookupKey(text));
    if (it != by_key_.end()) {
      return it->second;
    }
  }
  return NotFound("unknown country '" + Excerpt(text, 60) + "'");
}

std::string_view CountryTable::Name(Country c) const {
  return Known(c) ? std::string_view(names_[c.index()]) : std::string_view();
}

std::vector<Country> CountryTable::All() const {
  std::vector<Country> out;
  for (size_t i = 1; i < names_.size(); ++i) {
    if (!names_[i].empty()) {
      out.push_back(*ParseAlpha2(std::string{static_cast<char>('A' + (i - 1) / 26),
                                             static_cast<char>('A' + (i - 1) % 26)}));
    }
  }
  return out;
}

}  // namespace tg
