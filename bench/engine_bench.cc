// Macro benchmarks of the decision path. Scenarios:
//   BM_Decide              in-process decisions over a parsed, varied book (no JSON)
//   BM_ParseRequest        JSON request → Request
//   BM_FormatDecision      Decision → JSON line
//   BM_ParseDecideFormat   the whole per-line path of `tierguard determine`
// The book is bench/make-book.py's mix; set TG_BENCH_BOOK to a JSON Lines file to use another.
// Run from the repository root (it reads data/ and regimes/).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "tierguard/engine.h"

namespace {

struct Fixture {
  std::unique_ptr<tg::Engine> engine;
  std::vector<std::string> lines;
  std::vector<tg::Request> requests;
};

Fixture& Book() {
  static Fixture* f = [] {
    auto* fx = new Fixture();
    auto engine = tg::Engine::Open({});
    if (!engine) {
      std::fprintf(stderr, "engine: %s\n", engine.error().ToString().c_str());
      std::exit(2);
    }
    fx->engine = std::move(*engine);
    const char* path = std::getenv("TG_BENCH_BOOK");
    std::string file = path != nullptr ? path : "build/bench-book.jsonl";
    if (path == nullptr) {
      const std::string cmd = "python3 bench/make-book.py 20000 " + file;
      if (std::system(cmd.c_str()) != 0) {
        std::exit(2);
      }
    }
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
      auto r = fx->engine->ParseRequest(line, 0);
      if (r) {
        fx->lines.push_back(line);
        fx->requests.push_back(std::move(*r));
      }
    }
    return fx;
  }();
  return *f;
}

void BM_Decide(benchmark::State& state) {
  Fixture& f = Book();
  tg::BatchState batch;
  tg::Decision d;
  size_t i = 0;
  for (auto _ : state) {
    f.engine->Decide(f.requests[i], batch, d);
    benchmark::DoNotOptimize(d.outcome);
    if (++i == f.requests.size()) {
      i = 0;
      batch.Clear();
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Decide);

void BM_ParseRequest(benchmark::State& state) {
  Fixture& f = Book();
  size_t i = 0;
  for (auto _ : state) {
    auto r = f.engine->ParseRequest(f.lines[i], 1);
    benchmark::DoNotOptimize(r);
    i = (i + 1) % f.lines.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseRequest);

void BM_FormatDecision(benchmark::State& state) {
  Fixture& f = Book();
  tg::BatchState batch;
  std::vector<tg::Decision> decisions(1000);
  for (size_t k = 0; k < decisions.size(); ++k) {
    f.engine->Decide(f.requests[k], batch, decisions[k]);
  }
  std::string out;
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    f.engine->FormatDecision(decisions[i], out);
    bytes += static_cast<int64_t>(out.size());
    i = (i + 1) % decisions.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_FormatDecision);

void BM_ParseDecideFormat(benchmark::State& state) {
  Fixture& f = Book();
  tg::BatchState batch;
  tg::Decision d;
  std::string out;
  size_t i = 0;
  for (auto _ : state) {
    auto r = f.engine->ParseRequest(f.lines[i], 1);
    f.engine->Decide(*r, batch, d);
    out.clear();
    f.engine->FormatDecision(d, out);
    benchmark::DoNotOptimize(out.data());
    if (++i == f.lines.size()) {
      i = 0;
      batch.Clear();
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseDecideFormat);

}  // namespace

BENCHMARK_MAIN();
