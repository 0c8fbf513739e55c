// Screening speed: loading the lists of ../shared/data/sanctions, then query latency (p50,
// p99) and throughput on two threads, against those lists and against a synthetic index of
// SYNTH names built from their tokens. With --pg CONNINFO the same synthetic names and queries
// go to PostgreSQL's pg_trgm (a GIN trigram index, `name % query ORDER BY similarity`) as the
// common baseline.
// Usage: screen_bench SHARED_DATA_DIR [SYNTH] [--pg CONNINFO]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <libpq-fe.h>
#include <malloc.h>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "src/screen/index.h"
#include "src/screen/lists.h"

namespace {

using Clock = std::chrono::steady_clock;
using tg::screen::Index;
using tg::screen::ScreeningList;

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

long RssMb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::atol(line.c_str() + 6) / 1024;
    }
  }
  return 0;
}

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "screen_bench: %s\n", message.c_str());
  std::exit(1);
}

// Runs `query(i, thread)` for every query on one thread (latencies) and on two (throughput).
template <typename Fn>
void Measure(const char* what, size_t n, Fn query) {
  std::vector<double> micros(n);
  for (size_t i = 0; i < n; ++i) {
    const auto start = Clock::now();
    query(i, 0);
    micros[i] = 1e6 * Seconds(start);
  }
  std::vector<double> sorted = micros;
  std::sort(sorted.begin(), sorted.end());
  const auto start = Clock::now();
  std::thread other([&] {
    for (size_t i = 1; i < n; i += 2) {
      query(i, 1);
    }
  });
  for (size_t i = 0; i < n; i += 2) {
    query(i, 0);
  }
  other.join();
  const double secs = Seconds(start);
  std::printf("%-44s %6zu queries: p50 %7.1f us, p99 %8.1f us, %8.0f queries/s on 2 threads\n",
              what, n, sorted[n / 2], sorted[n * 99 / 100], static_cast<double>(n) / secs);
}

std::vector<std::string> Tokens(const std::string& name) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : name) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
      cur += c;
    } else if (!cur.empty()) {
      out.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) {
    out.push_back(cur);
  }
  return out;
}

std::string Typo(std::string s, std::mt19937_64& rng) {
  if (s.size() < 4) {
    return s;
  }
  const size_t at = 1 + rng() % (s.size() - 2);
  switch (rng() % 3) {
    case 0:
      s.erase(at, 1);
      break;
    case 1:
      std::swap(s[at], s[at + 1]);
      break;
    default:
      s[at] = static_cast<char>('a' + rng() % 26);
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  mallopt(M_TRIM_THRESHOLD, 64 << 20);       // as cli/main.cc does
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows as it comes
  if (argc < 2) {
    Die("usage: screen_bench SHARED_DATA_DIR [SYNTH] [--pg CONNINFO]");
  }
  const std::string shared = argv[1];
  size_t synth = 1000000;
  std::string pg;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--pg") == 0 && i + 1 < argc) {
      pg = argv[++i];
    } else {
      synth = std::strtoull(argv[i], nullptr, 10);
    }
  }
  const std::string home = std::getenv("TIERGUARD_HOME") ? std::getenv("TIERGUARD_HOME") : ".";
  auto normalizer = tg::screen::Normalizer::Load(home + "/data");
  auto scorer = tg::screen::NameScorer::Load(home + "/data");
  if (!normalizer || !scorer) {
    Die("cannot load data/screening (set TIERGUARD_HOME)");
  }
  auto no_countries = [](std::string_view) { return std::string(); };

  // 1. The real lists.
  const char* files[] = {"ofac_sdn/sdn_2024-05-03.csv",
                         "ofac_non_sdn/cons_prim.csv",
                         "un/UN_consolidated.xml",
                         "bis/dpl.txt",
                         "csl_us/csl_sample_2019.csv",
                         "csl_us/consolidated_sample.csv",
                         "opensanctions/yente_t1_eu_fsf_entities.ftm.json"};
  std::vector<ScreeningList> lists;
  auto start = Clock::now();
  for (const char* f : files) {
    const auto t = Clock::now();
    auto list = tg::screen::LoadList(shared + "/sanctions/" + f);
    if (!list) {
      Die(list.error().message());
    }
    std::printf("load %-48s %6zu entries in %6.1f ms\n", f, list->entries.size(), 1e3 * Seconds(t));
    lists.push_back(std::move(*list));
  }
  const double load_s = Seconds(start);
  start = Clock::now();
  Index index(*normalizer, *scorer, no_countries);
  for (const ScreeningList& l : lists) {
    if (auto n = index.Add(l); !n) {
      Die(n.error().message());
    }
  }
  std::printf("all lists: loaded in %.3f s, indexed %zu names of %zu entries in %.3f s\n", load_s,
              index.names(), index.entries(), Seconds(start));

  // Queries: aliases of the 2021 snapshot (real spellings), with typos half of the time.
  std::mt19937_64 rng(20261125);
  std::vector<std::string> queries;
  {
    auto alt = tg::screen::LoadList(shared + "/sanctions/ofac_sdn_2021_consistent/sdn.csv");
    if (!alt) {
      Die(alt.error().message());
    }
    for (const auto& e : alt->entries) {
      for (const std::string& a : e.aliases) {
        queries.push_back(rng() % 2 ? a : Typo(a, rng));
      }
    }
    std::shuffle(queries.begin(), queries.end(), rng);
    queries.resize(std::min<size_t>(queries.size(), 5000));
  }
  const double threshold = tg::screen::kDefaultThreshold;
  Measure("real lists, OFAC aliases (half with a typo)", queries.size(), [&](size_t i, int) {
    auto hits = index.Search(tg::screen::Query{.name = queries[i]}, threshold, 10);
    if (!hits) {
      Die(hits.error().message());
    }
  });

  // 2. A synthetic index of `synth` names from the lists' own tokens.
  std::vector<std::string> vocabulary;
  for (const ScreeningList& l : lists) {
    for (const auto& e : l.entries) {
      for (const std::string& t : Tokens(e.name)) {
        vocabulary.push_back(t);
      }
    }
  }
  ScreeningList synthetic;
  synthetic.version = "synthetic";
  synthetic.entries.resize(synth);
  for (size_t i = 0; i < synth; ++i) {
    const size_t words = 2 + rng() % 3;
    std::string name;
    for (size_t w = 0; w < words; ++w) {
      name += (w ? " " : "") + vocabulary[rng() % vocabulary.size()];
    }
    synthetic.entries[i].list = "SYN";
    synthetic.entries[i].entry_id = "SYN-" + std::to_string(i);
    synthetic.entries[i].name = std::move(name);
  }
  const long rss_before = RssMb();
  start = Clock::now();
  Index big(*normalizer, *scorer, no_countries);
  if (auto n = big.Add(synthetic); !n) {
    Die(n.error().message());
  }
  std::printf("synthetic: indexed %zu names in %.2f s, %ld MB more memory\n", big.names(),
              Seconds(start), RssMb() - rss_before);
  std::vector<std::string> synth_queries;
  std::vector<size_t> source;
  for (size_t i = 0; i < 5000; ++i) {
    source.push_back(rng() % synth);
    const std::string& name = synthetic.entries[source.back()].name;
    synth_queries.push_back(i % 2 ? name : Typo(name, rng));
  }
  std::vector<char> found(synth_queries.size());
  Measure("synthetic index, listed names (half with a typo)", synth_queries.size(),
          [&](size_t i, int) {
            auto hits = big.Search(tg::screen::Query{.name = synth_queries[i]}, threshold, 10);
            if (!hits) {
              Die(hits.error().message());
            }
            for (const auto& h : *hits) {
              found[i] = found[i] || h.entry == &synthetic.entries[source[i]];
            }
          });
  std::printf("  (the listed name each query came from is among its hits for %.1f %% of them)\n",
              100.0 * static_cast<double>(std::count(found.begin(), found.end(), 1)) /
                  static_cast<double>(found.size()));

  // 3. The same names and queries in PostgreSQL pg_trgm.
  if (pg.empty()) {
    return 0;
  }
  PGconn* conn = PQconnectdb(pg.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    Die(std::string("PostgreSQL: ") + PQerrorMessage(conn));
  }
  auto exec = [&](PGconn* c, const std::string& sql) {
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK &&
        PQresultStatus(r) != PGRES_COPY_IN) {
      Die("PostgreSQL: " + sql + ": " + PQerrorMessage(c));
    }
    PQclear(r);
  };
  exec(conn, "CREATE EXTENSION IF NOT EXISTS pg_trgm");
  exec(conn, "DROP TABLE IF EXISTS names");
  exec(conn, "CREATE TABLE names (id int, name text)");
  start = Clock::now();
  exec(conn, "COPY names FROM STDIN");
  std::string buf;
  for (size_t i = 0; i < synth; ++i) {
    buf += std::to_string(i) + "\t" + synthetic.entries[i].name + "\n";
    if (buf.size() > (1 << 20) || i + 1 == synth) {
      if (PQputCopyData(conn, buf.data(), static_cast<int>(buf.size())) != 1) {
        Die(std::string("COPY: ") + PQerrorMessage(conn));
      }
      buf.clear();
    }
  }
  PQputCopyEnd(conn, nullptr);
  PQclear(PQgetResult(conn));
  exec(conn, "CREATE INDEX names_trgm ON names USING gin (name gin_trgm_ops)");
  exec(conn, "ANALYZE names");
  std::printf("pg_trgm: loaded and indexed %zu names in %.2f s\n", synth, Seconds(start));
  // pg_trgm's default similarity threshold (0.3) decides what `%` returns.
  const char* sql =
      "SELECT id, name, similarity(name, $1) AS s FROM names WHERE name % $1 "
      "ORDER BY s DESC LIMIT 10";
  PGconn* conns[2] = {conn, PQconnectdb(pg.c_str())};
  for (PGconn* c : conns) {
    PQclear(PQprepare(c, "q", sql, 1, nullptr));
  }
  // pg_trgm takes tens of milliseconds a query here: the first 1,000 queries, and tierguard's
  // figures on the same 1,000 for the ratio.
  const size_t pg_queries = std::min<size_t>(1000, synth_queries.size());
  Measure("tierguard, the first 1,000 synthetic queries", pg_queries, [&](size_t i, int) {
    auto hits = big.Search(tg::screen::Query{.name = synth_queries[i]}, threshold, 10);
    if (!hits) {
      Die(hits.error().message());
    }
  });
  Measure("pg_trgm, the same 1,000 queries", pg_queries, [&](size_t i, int t) {
    PGconn* mine = conns[t];  // one connection per thread
    const char* params[1] = {synth_queries[i].c_str()};
    PGresult* r = PQexecPrepared(mine, "q", 1, params, nullptr, nullptr, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      Die(std::string("query: ") + PQerrorMessage(mine));
    }
    PQclear(r);
  });
  PQfinish(conns[1]);
  PQfinish(conn);
  return 0;
}
