#include "src/regime/country_groups.h"

#include <algorithm>

#include "src/common/csv.h"

namespace tg::regime {

std::vector<Country> CountrySet::Members() const {
  std::vector<Country> out;
  for (int a = 0; a < 26; ++a) {
    for (int b = 0; b < 26; ++b) {
      Country c = Country::FromAlpha2(static_cast<char>('A' + a), static_cast<char>('A' + b));
      if (Contains(c)) {
        out.push_back(c);
      }
    }
  }
  return out;
}

Result<CountryGroups> CountryGroups::Load(const std::string& path,
                                          const CountryTable& countries) {
  TG_ASSIGN_OR_RETURN(CsvTable csv, CsvTable::Load(path));
  TG_ASSIGN_OR_RETURN(size_t c_group, csv.Column("group"));
  TG_ASSIGN_OR_RETURN(size_t c_country, csv.Column("country"));
  TG_ASSIGN_OR_RETURN(size_t c_from, csv.Column("from"));
  TG_ASSIGN_OR_RETURN(size_t c_to, csv.Column("to"));
  TG_ASSIGN_OR_RETURN(size_t c_source, csv.Column("source"));
  CountryGroups out;
  for (const CsvRecord& rec : csv.records()) {
    const std::string& group = rec.fields[c_group];
    if (group.empty()) {
      return InvalidArgument(csv.Where(rec, "group") + ": empty group name");
    }
    auto country = ParseAlpha2(rec.fields[c_country]);
    if (!country || !countries.Known(*country)) {
      return InvalidArgument(csv.Where(rec, "country") + ": unknown country '" +
                             rec.fields[c_country] + "'");
    }
    DateRange range;
    if (!rec.fields[c_from].empty()) {
      auto d = Date::Parse(rec.fields[c_from]);
      if (!d) {
        return d.error().WithPrefix(csv.Where(rec, "from"));
      }
      range.from = *d;
    }
    if (!rec.fields[c_to].empty()) {
      auto d = Date::Parse(rec.fields[c_to]);
      if (!d) {
        return d.error().WithPrefix(csv.Where(rec, "to"));
      }
      range.to = *d;
    }
    if (range.to < range.from) {
      return InvalidArgument(csv.Where(rec, "to") + ": ends before it starts");
    }
    auto& rows = out.groups_[group];
    for (const Membership& m : rows) {
      if (m.country == *country && m.range.Overlaps(range)) {
        return InvalidArgument(csv.Where(rec, "country") + ": " + country->ToString() +
                               " is already in " + group + " for an overlapping period");
      }
    }
    rows.push_back({*country, range, rec.fields[c_source]});
  }
  return out;
}

CountrySet CountryGroups::Members(const std::string& group, Date date) const {
  CountrySet set;
  for (const Membership& m : groups_.at(group)) {
    if (m.range.Contains(date)) {
      set.Add(m.country);
    }
  }
  return set;
}

std::vector<Date> CountryGroups::Boundaries() const {
  std::vector<Date> out;
  for (const auto& [name, rows] : groups_) {
    for (const Membership& m : rows) {
      if (m.range.from != Date::Min()) {
        out.push_back(m.range.from);
      }
      if (m.range.to != Date::Max()) {
        out.push_back(m.range.to.AddDays(1));
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> CountryGroups::Names() const {
  std::vector<std::string> out;
  for (const auto& [name, rows] : groups_) {
    out.push_back(name);
  }
  return out;
}

}  // namespace tg::regime
