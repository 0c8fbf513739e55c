// Audit-log throughput on the SQLite store: appends per second (durable: one commit per batch),
// inclusion-proof time on the resulting log, and raw SHA-256 speed for comparison.
// Usage: audit_bench DB RECORDS [BATCH]   (DB is created; RECORDS of ~1 kB, like a decision)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <malloc.h>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "src/audit/audit_log.h"
#include "src/store/store.h"

namespace {

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int Fail(const tg::Status& s) {
  std::fprintf(stderr, "audit_bench: %s\n", s.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: audit_bench DB RECORDS [BATCH]\n");
    return 2;
  }
  const uint64_t n = std::strtoull(argv[2], nullptr, 10);
  if (n == 0) {
    std::fprintf(stderr, "audit_bench: RECORDS must be at least 1\n");
    return 2;
  }
  mallopt(M_TRIM_THRESHOLD, 64 << 20);  // as cli/main.cc does: keep freed memory
  mallopt(M_TOP_PAD, 4 << 20);
  const uint64_t batch = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1000;
  auto store = tg::store::OpenSqliteStore(argv[1]);
  if (!store) {
    return Fail(store.error());
  }
  std::string body = "{\"decision\":\"" + std::string(900, 'x') + "\"}";
  uint64_t existing = 0;  // a log already in DB is extended to RECORDS, not rewritten
  {
    auto txn = (*store)->BeginRead();
    if (!txn) {
      return Fail(txn.error());
    }
    auto size = tg::audit::AuditLog(**txn).Size();
    if (!size) {
      return Fail(size.error());
    }
    existing = *size;
  }
  auto start = std::chrono::steady_clock::now();
  for (uint64_t done = existing; done < n;) {
    auto txn = (*store)->Begin();
    if (!txn) {
      return Fail(txn.error());
    }
    tg::audit::AuditLog log(**txn);
    for (uint64_t i = 0; i < batch && done < n; ++i, ++done) {
      tg::audit::Entry e{.kind = "shipment",
                         .actor = "bench",
                         .time = 1764000000,
                         .subject = "B-" + std::to_string(done),
                         .body = body};
      auto index = log.Append(e);
      if (!index) {
        return Fail(index.error());
      }
    }
    if (auto s = log.Flush(); !s.ok()) {
      return Fail(s);
    }
    if (auto s = (*txn)->Commit(); !s.ok()) {
      return Fail(s);
    }
  }
  const double append_s = Seconds(start);
  if (existing < n) {
    std::printf("appends: %llu records in %.3f s = %.0f/s (batches of %llu, synchronous commit)\n",
                static_cast<unsigned long long>(n - existing), append_s,
                static_cast<double>(n - existing) / append_s,
                static_cast<unsigned long long>(batch));
  }

  // Proofs of random records: "warm" shares one read transaction (and its tile cache) among
  // all proofs, as an export or a proof server does; "cold" opens a transaction per proof, as
  // `tierguard audit prove` does.
  std::mt19937_64 rng(20261125);
  for (bool cold : {false, true}) {
    const int proofs = 10000;
    std::unique_ptr<tg::store::Transaction> txn;
    std::optional<tg::audit::AuditLog> log;
    start = std::chrono::steady_clock::now();
    size_t hashes = 0;
    for (int i = 0; i < proofs; ++i) {
      if (cold || !log) {
        log.reset();
        txn.reset();  // the store has one connection: one transaction at a time
        auto t = (*store)->BeginRead();
        if (!t) {
          return Fail(t.error());
        }
        txn = std::move(*t);
        log.emplace(*txn);
      }
      auto proof = log->InclusionProof(rng() % n, n);
      if (!proof) {
        return Fail(proof.error());
      }
      hashes += proof->size();
    }
    const double proof_s = Seconds(start);
    std::printf(
        "inclusion proofs (%s): %d at tree size %llu in %.3f s = %.1f us each (%.1f "
        "hashes)\n",
        cold ? "cold" : "warm", proofs, static_cast<unsigned long long>(n), proof_s,
        1e6 * proof_s / proofs, static_cast<double>(hashes) / proofs);
  }

  std::string record(1100, 'r');
  start = std::chrono::steady_clock::now();
  tg::audit::Hash h{};
  for (int i = 0; i < 200000; ++i) {
    record[0] = static_cast<char>(i);
    h = tg::audit::LeafHash(record);
  }
  const double hash_s = Seconds(start);
  std::printf("leaf hashing: %.0f MB/s (%u)\n", 200000 * 1101 / hash_s / 1e6, h[0]);
  return 0;
}
