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

namespace {

Result<DateRange> RangeOf(const CsvTable& csv, const CsvRecord& rec, size_t c_from, size_t c_to) {
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
  return range;
}

Result<Country> KnownCountry(const CsvTable& csv, const CsvRecord& rec, size_t column,
                             const char* name, const CountryTable& countries) {
  auto country = ParseAlpha2(rec.fields[column]);
  if (!country || !countries.Known(*country)) {
    return InvalidArgument(csv.Where(rec, name) + ": unknown country '" + rec.fields[column] + "'");
  }
  return *country;
}

}  // namespace

Result<CountryGroups> CountryGroups::Load(const std::string& path, const std::string& decided_as,
                                          const CountryTable& countries) {
  CountryGroups out;
  for (Country c : countries.All()) {
    out.known_.Add(c);
  }
  {
    TG_ASSIGN_OR_RETURN(CsvTable csv, CsvTable::Load(decided_as));
    TG_ASSIGN_OR_RETURN(size_t c_country, csv.Column("country"));
    TG_ASSIGN_OR_RETURN(size_t c_as, csv.Column("as"));
    TG_ASSIGN_OR_RETURN(size_t c_from, csv.Column("from"));
    TG_ASSIGN_OR_RETURN(size_t c_to, csv.Column("to"));
    TG_ASSIGN_OR_RETURN(size_t c_source, csv.Column("source"));
    for (const CsvRecord& rec : csv.records()) {
      TG_ASSIGN_OR_RETURN(Country country, KnownCountry(csv, rec, c_country, "country", countries));
      TG_ASSIGN_OR_RETURN(Country as, KnownCountry(csv, rec, c_as, "as", countries));
      TG_ASSIGN_OR_RETURN(DateRange range, RangeOf(csv, rec, c_from, c_to));
      if (rec.fields[c_source].empty()) {
        return InvalidArgument(csv.Where(rec, "source") + ": every row needs its source");
      }
      for (const DecidedAs& d : out.decided_as_) {
        if (d.country == country && d.range.Overlaps(range)) {
          return InvalidArgument(csv.Where(rec, "country") + ": " + country.ToString() +
                                 " is already decided as another country in that period");
        }
      }
      out.decided_as_.push_back({country, as, range, rec.fields[c_source]});
    }
  }
  TG_ASSIGN_OR_RETURN(CsvTable csv, CsvTable::Load(path));
  TG_ASSIGN_OR_RETURN(size_t c_group, csv.Column("group"));
  TG_ASSIGN_OR_RETURN(size_t c_country, csv.Column("country"));
  TG_ASSIGN_OR_RETURN(size_t c_from, csv.Column("from"));
  TG_ASSIGN_OR_RETURN(size_t c_to, csv.Column("to"));
  TG_ASSIGN_OR_RETURN(size_t c_source, csv.Column("source"));
  for (const CsvRecord& rec : csv.records()) {
    const std::string& group = rec.fields[c_group];
    if (group.empty()) {
      return InvalidArgument(csv.Where(rec, "group") + ": empty group name");
    }
    TG_ASSIGN_OR_RETURN(Country country, KnownCountry(csv, rec, c_country, "country", countries));
    TG_ASSIGN_OR_RETURN(DateRange range, RangeOf(csv, rec, c_from, c_to));
    auto& rows = out.groups_[group];
    for (const Membership& m : rows) {
      if (m.country == country && m.range.Overlaps(range)) {
        return InvalidArgument(csv.Where(rec, "country") + ": " + country.ToString() +
                               " is already in " + group + " for an overlapping period");
      }
    }
    rows.push_back({country, range, rec.fields[c_source]});
  }
  return out;
}

Country CountryGroups::DecidedAsOn(Country c, Date date) const {
  for (const DecidedAs& d : decided_as_) {
    if (d.country == c && d.range.Contains(date)) {
      return d.as;
    }
  }
  return c;
}

void CountryGroups::ApplyDecidedAs(Date date, CountrySet& set) const {
  for (const DecidedAs& d : decided_as_) {
    if (!d.range.Contains(date)) {
      continue;
    }
    if (set.Contains(d.as)) {
      set.Add(d.country);
    } else {
      set.Remove(d.country);
    }
  }
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
  const auto add = [&out](const DateRange& range) {  // its first day, and the day after its last
    if (range.from != Date::Min()) {
      out.push_back(range.from);
    }
    if (range.to != Date::Max()) {
      out.push_back(range.to.AddDays(1));
    }
  };
  for (const DecidedAs& d : decided_as_) {
    add(d.range);
  }
  for (const auto& [name, rows] : groups_) {
    for (const Membership& m : rows) {
      add(m.range);
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
