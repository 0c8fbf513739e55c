// Prints, for the records "record 0" … "record N-1", every tree head and a sample of inclusion
// and consistency proofs as JSON Lines, for tests/audit/cross_check.py to verify with its own
// implementation of RFC 6962. Usage: merkle_dump N
#include <cstdio>
#include <cstdlib>
#include <string>

#include "src/audit/merkle.h"

namespace {

std::string List(const std::vector<tg::audit::Hash>& proof) {
  std::string out = "[";
  for (size_t i = 0; i < proof.size(); ++i) {
    out += (i == 0 ? "\"" : ",\"") + tg::audit::Hex(proof[i]) + "\"";
  }
  return out + "]";
}

}  // namespace

int main(int argc, char** argv) {
  const uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 64;
  tg::audit::MemoryNodeStore nodes;
  tg::audit::MerkleTree tree(nodes, 0);
  for (uint64_t i = 0; i < n; ++i) {
    if (!tree.Append(tg::audit::LeafHash("record " + std::to_string(i))).ok()) {
      return 1;
    }
  }
  for (uint64_t size = 1; size <= n; ++size) {
    std::printf("{\"size\":%llu,\"root\":\"%s\"}\n", static_cast<unsigned long long>(size),
                tg::audit::Hex(*tree.Root(size)).c_str());
    for (uint64_t index = 0; index < size; index += 1 + size / 7) {
      std::printf("{\"size\":%llu,\"index\":%llu,\"inclusion\":%s}\n",
                  static_cast<unsigned long long>(size), static_cast<unsigned long long>(index),
                  List(*tree.InclusionProof(index, size)).c_str());
    }
    for (uint64_t old = 1; old < size; old += 1 + size / 5) {
      std::printf("{\"old\":%llu,\"size\":%llu,\"consistency\":%s}\n",
                  static_cast<unsigned long long>(old), static_cast<unsigned long long>(size),
                  List(*tree.ConsistencyProof(old, size)).c_str());
    }
  }
  return 0;
}
