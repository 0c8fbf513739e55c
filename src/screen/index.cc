#include "src/screen/index.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

namespace tg::screen {

namespace {

// Candidates scored per query: the names sharing the most (rarest) tokens with it.
constexpr size_t kMaxCandidates = 64;
// A posting list longer than this is read only when the rarer tokens found few candidates.
constexpr size_t kCommonPosting = 4000;
// Qualifier adjustments: a matching country or type confirms a little; a different one, known
// on both sides, counts against.
constexpr double kCountrySame = 0.03;
constexpr double kCountryDifferent = -0.05;
constexpr double kTypeDifferent = -0.10;
// A birth year both sides give: the same confirms, a different one (beyond a year's
// uncertainty) counts strongly against. An identifier both sides give (IMO, tax number) lifts a
// name match to at least kIdentifierFloor.
constexpr double kBirthSame = 0.03;
constexpr double kBirthDifferent = -0.15;
constexpr double kIdentifierFloor = 0.95;

// Every four-digit year (1900-2099) in published birth dates ("07 Oct 1952", "circa 1960").
std::vector<int> Years(const std::vector<std::string>& dates) {
  std::vector<int> out;
  for (const std::string& d : dates) {
    for (size_t i = 0; i + 4 <= d.size(); ++i) {
      const bool digits = std::all_of(d.begin() + static_cast<std::ptrdiff_t>(i),
                                      d.begin() + static_cast<std::ptrdiff_t>(i + 4),
                                      [](char c) { return c >= '0' && c <= '9'; });
      const bool bounded = (i == 0 || d[i - 1] < '0' || d[i - 1] > '9') &&
                           (i + 4 == d.size() || d[i + 4] < '0' || d[i + 4] > '9');
      if (digits && bounded && (d[i] == '1' || d[i] == '2') && (d[i + 1] == '9' || d[i + 1] == '0')) {
        out.push_back(std::stoi(d.substr(i, 4)));
      }
    }
  }
  return out;
}

// An identifier's digits and letters after its label ("IMO 9187629" and "9187629" agree):
// the longest run containing a digit, upper-cased.
std::string IdentifierKey(const std::string& id) {
  std::string best;
  std::string cur;
  auto take = [&] {
    if (cur.size() > best.size() && cur.find_first_of("0123456789") != std::string::npos) {
      best = cur;
    }
    cur.clear();
  };
  for (char c : id) {
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
      cur += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    } else if (c != '-' && c != '.' && c != '/') {
      take();
    }
  }
  take();
  return best.size() >= 5 ? best : std::string();  // shorter numbers identify nothing
}

std::string PrefixKey(const std::string& text) { return "^" + text.substr(0, 4); }
// The word with its i-th letter deleted, marked: two words one substitution or transposition
// apart share such a key, and a word one insertion away equals one (SymSpell's idea).
std::string DeletionKey(const std::string& text, size_t i) {
  std::string key = "-" + text;
  key.erase(i + 1, 1);
  return key;
}
// Words this long get deletion keys: shorter ones are found by their other keys.
constexpr size_t kMinDeletionLength = 5;
std::string PhoneticPostingKey(const Token& t) { return "#" + t.key; }

bool Indexed(const Token& t) { return !t.Has(kParticle) && !t.Has(kLegalForm); }

bool CompatibleTypes(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty() || a == b) {
    return true;
  }
  return false;
}

}  // namespace

void Index::Post(const std::string& key, uint32_t name) {
  std::vector<uint32_t>& p = postings_[key];
  if (p.empty() || p.back() != name) {
    p.push_back(name);
  }
}

Result<size_t> Index::Add(const ScreeningList& list) {
  size_t added = 0;
  for (const ListEntry& e : list.entries) {
    const auto entry = static_cast<uint32_t>(entries_.size());
    EntryRef ref{&list, &e, {}};
    for (const std::string& c : e.countries) {
      if (std::string code = countries_(c); !code.empty() &&
          std::find(ref.countries.begin(), ref.countries.end(), code) == ref.countries.end()) {
        ref.countries.push_back(std::move(code));
      }
    }
    ref.birth_years = Years(e.birth_dates);
    for (const std::string& id : e.identifiers) {
      if (std::string key = IdentifierKey(id); !key.empty()) {
        ref.identifiers.push_back(std::move(key));
      }
    }
    entries_.push_back(std::move(ref));
    std::vector<const std::string*> texts{&e.name};
    for (const std::string& a : e.aliases) {
      texts.push_back(&a);
    }
    for (const std::string* text : texts) {
      auto norms = normalizer_.NormalizeAll(*text);
      if (!norms) {
        return norms.status().WithPrefix(list.source + ": " + e.entry_id);
      }
      for (NormalizedName& n : *norms) {
        scorer_.Prepare(n);
        const auto id = static_cast<uint32_t>(names_.size());
        for (const Token& t : n.tokens) {
          if (!Indexed(t)) {
            continue;
          }
          Post(t.text, id);
          Post(PhoneticPostingKey(t), id);
          if (t.text.size() > 4) {
            Post(PrefixKey(t.text), id);
          }
          if (t.text.size() >= kMinDeletionLength && !t.Has(kNumber)) {
            for (size_t i = 0; i < t.text.size(); ++i) {
              Post(DeletionKey(t.text, i), id);
            }
          }
        }
        if (n.tokens.size() > 1) {
          Post(n.Joined(), id);  // "Goldman Sachs" found from "GoldmanSachs"
        }
        names_.push_back(Name{entry, text, std::move(n)});
        ++added;
      }
    }
  }
  return added;
}

Result<std::vector<Hit>> Index::Search(const Query& query, double threshold,
                                       size_t limit) const {
  TG_ASSIGN_OR_RETURN(std::vector<NormalizedName> names, normalizer_.NormalizeAll(query.name));
  for (NormalizedName& n : names) {
    scorer_.Prepare(n);
  }
  std::vector<Hit> hits;
  if (names.empty()) {
    return hits;
  }
  // Gather candidates: each posting adds the query token's weight to the names it lists.
  struct Source {
    const std::vector<uint32_t>* posting;
    double weight;
  };
  std::vector<Source> sources;
  std::unordered_set<std::string> seen_keys;
  for (const NormalizedName& n : names) {
    for (const Token& t : n.tokens) {
      if (!Indexed(t) && n.tokens.size() > 1) {
        continue;
      }
      const double w = t.weight;
      std::string keys[] = {t.text, PhoneticPostingKey(t),
                            t.text.size() > 4 ? PrefixKey(t.text) : std::string()};
      for (size_t k = 0; k < 3; ++k) {
        if (keys[k].empty() || !seen_keys.insert(keys[k]).second) {
          continue;
        }
        if (k == 1 && t.key.size() < 3) {
          continue;  // a key of one or two consonants finds everything
        }
        if (auto it = postings_.find(keys[k]); it != postings_.end()) {
          // Rarer postings say more: weigh by how few names share the key.
          const double rarity = 1.0 / (1.0 + std::log1p(static_cast<double>(it->second.size())));
          sources.push_back({&it->second, (k == 0 ? w : 0.8 * w) * rarity});
        }
      }
      // One typo away: the query word's deletions against listed words and their deletions,
      // for words no listed name has as they are (a listed word is most likely not a typo).
      if (t.text.size() + 1 >= kMinDeletionLength && !t.Has(kNumber) &&
          postings_.find(t.text) == postings_.end()) {
        for (size_t i = 0; i < t.text.size(); ++i) {
          for (std::string key : {DeletionKey(t.text, i), t.text.substr(0, i) + t.text.substr(i + 1)}) {
            if (!seen_keys.insert(key).second) {
              continue;
            }
            if (auto it = postings_.find(key); it != postings_.end()) {
              const double rarity =
                  1.0 / (1.0 + std::log1p(static_cast<double>(it->second.size())));
              sources.push_back({&it->second, 0.8 * w * rarity});
            }
          }
        }
        if (t.text.size() + 1 >= kMinDeletionLength) {
          // The query word may lack a letter: it is then a deletion key of the listed word.
          const std::string key = "-" + t.text;
          if (seen_keys.insert(key).second) {
            if (auto it = postings_.find(key); it != postings_.end()) {
              const double rarity =
                  1.0 / (1.0 + std::log1p(static_cast<double>(it->second.size())));
              sources.push_back({&it->second, 0.8 * w * rarity});
            }
          }
        }
      }
      // Other spellings of the same given name find the names that use them.
      for (std::string_view v : scorer_.VariantsOf(t)) {
        std::string key(v);
        if (!seen_keys.insert(key).second) {
          continue;
        }
        if (auto it = postings_.find(key); it != postings_.end()) {
          const double rarity = 1.0 / (1.0 + std::log1p(static_cast<double>(it->second.size())));
          sources.push_back({&it->second, 0.9 * w * rarity});
        }
      }
    }
    if (n.tokens.size() > 1 && seen_keys.insert(n.Joined()).second) {
      if (auto it = postings_.find(n.Joined()); it != postings_.end()) {
        sources.push_back({&it->second, 2.0});
      }
    }
    // A query written as one word may be a listed name written as several.
    if (n.tokens.size() == 1) {
      if (auto it = postings_.find(n.tokens[0].text); it != postings_.end()) {
        sources.push_back({&it->second, 1.0});
      }
    }
  }
  std::sort(sources.begin(), sources.end(), [](const Source& a, const Source& b) {
    return a.posting->size() < b.posting->size();
  });
  // Votes in a dense array per thread (reset through the list of names touched): a hash map
  // here cost more than the scoring.
  thread_local std::vector<float> votes;
  thread_local std::vector<uint32_t> touched;
  votes.resize(names_.size(), 0.0f);
  touched.clear();
  for (const Source& s : sources) {
    if (s.posting->size() > kCommonPosting && touched.size() >= kMaxCandidates) {
      break;  // the rarer tokens already found enough candidates
    }
    const auto w = static_cast<float>(s.weight);
    for (uint32_t name : *s.posting) {
      if (votes[name] == 0.0f) {
        touched.push_back(name);
      }
      votes[name] += w;
    }
  }
  std::vector<std::pair<double, uint32_t>> ranked;
  ranked.reserve(touched.size());
  for (uint32_t name : touched) {
    ranked.emplace_back(votes[name], name);
    votes[name] = 0.0f;
  }
  const size_t keep = std::min(ranked.size(), kMaxCandidates);
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(keep),
                    ranked.end(), [](const auto& a, const auto& b) {
                      return a.first != b.first ? a.first > b.first : a.second < b.second;
                    });
  ranked.resize(keep);
  // Score the candidates; keep each entry's best name.
  std::unordered_map<uint32_t, Hit> best;
  const std::vector<int> query_years = Years({query.birth_date});
  std::vector<std::string> query_ids;
  for (const std::string& id : query.identifiers) {
    if (std::string key = IdentifierKey(id); !key.empty()) {
      query_ids.push_back(std::move(key));
    }
  }
  std::string query_country = query.country;
  for (char& c : query_country) {
    c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  for (const auto& [votes_unused, id] : ranked) {
    const Name& cand = names_[id];
    double name_score = 0;
    for (const NormalizedName& q : names) {
      name_score = std::max(name_score, scorer_.Score(q, cand.norm).score);
    }
    const EntryRef& ref = entries_[cand.entry];
    Hit h;
    h.list = ref.list;
    h.entry = ref.entry;
    h.matched_name = cand.text;
    h.name_score = name_score;
    if (!query_country.empty() && !ref.countries.empty()) {
      bool same = false;
      for (const std::string& c : ref.countries) {
        same = same || c == query_country;
      }
      h.country = same ? kCountrySame : kCountryDifferent;
    }
    if (!CompatibleTypes(query.type, ref.entry->type)) {
      h.type = kTypeDifferent;
    }
    if (!query_years.empty() && !ref.birth_years.empty()) {
      bool near = false;
      for (int y : ref.birth_years) {
        near = near || std::abs(y - query_years[0]) <= 1;
      }
      h.birth = near ? kBirthSame : kBirthDifferent;
    }
    h.score = std::clamp(name_score + h.country + h.type + h.birth, 0.0, 1.0);
    for (const std::string& id : query_ids) {
      if (std::find(ref.identifiers.begin(), ref.identifiers.end(), id) !=
              ref.identifiers.end() &&
          name_score >= 0.5 && h.score < kIdentifierFloor) {
        h.identifier = kIdentifierFloor - h.score;
        h.score = kIdentifierFloor;
      }
    }
    if (h.score < threshold) {
      continue;
    }
    auto [it, inserted] = best.emplace(cand.entry, h);
    if (!inserted && h.score > it->second.score) {
      it->second = h;
    }
  }
  for (auto& [entry, h] : best) {
    hits.push_back(h);
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return a.score != b.score ? a.score > b.score : a.entry->entry_id < b.entry->entry_id;
  });
  if (hits.size() > limit) {
    hits.resize(limit);
  }
  return hits;
}

}  // namespace tg::screen
