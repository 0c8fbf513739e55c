// The RFC 6962 / RFC 9162 Merkle tree of tierguard's audit log: leaf hashes, tree heads,
// inclusion and consistency proofs, and their verification. The tree keeps every perfect
// subtree's hash in a NodeStore, so an append writes O(log n) nodes at most (one on average)
// and any subtree hash, and so any proof, is read without rebuilding the tree.
// MerkleTree is not thread-safe; its NodeStore decides durability.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tierguard/status.h"

namespace tg::audit {

using Hash = std::array<uint8_t, 32>;

Hash Sha256(std::string_view bytes);
// SHA-256(0x00 || record)
Hash LeafHash(std::string_view record);
// SHA-256(0x01 || left || right)
Hash NodeHash(const Hash& left, const Hash& right);
// The hash of the empty tree: SHA-256 of nothing.
Hash EmptyTreeHash();
std::string Hex(const Hash& h);
std::string Base64(std::string_view bytes);
Result<std::string> FromBase64(std::string_view text);
std::string_view AsBytes(const Hash& h);

// Where the tree keeps the hashes of its perfect subtrees: (level, index) covers leaves
// [index << level, (index + 1) << level).
class NodeStore {
 public:
  virtual ~NodeStore() = default;
  virtual Result<Hash> GetNode(int level, uint64_t index) = 0;
  virtual Status PutNode(int level, uint64_t index, const Hash& hash) = 0;
};

class MerkleTree {
 public:
  MerkleTree(NodeStore& nodes, uint64_t size) : nodes_(nodes), size_(size) {}

  uint64_t size() const { return size_; }
  // Adds a leaf (the record's leaf hash) and the perfect subtrees it completes.
  Status Append(const Hash& leaf_hash);
  // The tree head of the first `size` leaves. REQUIRES: size <= size().
  Result<Hash> Root(uint64_t size);
  // The hash of leaves [begin, end). REQUIRES: begin < end <= size().
  Result<Hash> SubtreeRootOf(uint64_t begin, uint64_t end) {
    if (begin >= end || end > size_) {
      return InvalidArgument("no subtree [" + std::to_string(begin) + ", " + std::to_string(end) +
                             ")");
    }
    return SubtreeHash(begin, end);
  }
  // RFC 9162 inclusion proof of leaf `index` in the tree of `size` leaves.
  Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size);
  // RFC 9162 consistency proof between tree sizes `old_size` <= `new_size`.
  Result<std::vector<Hash>> ConsistencyProof(uint64_t old_size, uint64_t new_size);

 private:
  // The hash of leaves [begin, end).
  Result<Hash> SubtreeHash(uint64_t begin, uint64_t end);
  Status Path(uint64_t index, uint64_t begin, uint64_t end, std::vector<Hash>& out);
  Status SubProof(uint64_t m, uint64_t begin, uint64_t end, bool whole, std::vector<Hash>& out);

  NodeStore& nodes_;
  uint64_t size_;
};

// RFC 9162 §2.1.3.2: does `proof` show leaf `index` with `leaf_hash` in the tree `root` of
// `size` leaves?
bool VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                     const std::vector<Hash>& proof, const Hash& root);
// RFC 9162 §2.1.4.2: is the tree `old_root` of `old_size` leaves a prefix of `new_root`?
bool VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root,
                       const Hash& new_root, const std::vector<Hash>& proof);

// The tree head of a log read leaf by leaf, in O(log n) memory: the perfect subtrees covering
// [0, size), largest first. Seeded with a frontier, it continues a log from its middle.
struct CompactRange {
  std::vector<std::pair<int, Hash>> stack;  // (level, hash), levels strictly decreasing
  void Append(const Hash& leaf_hash);
  Hash Root() const;
};

// A NodeStore in memory (tests, offline verification).
class MemoryNodeStore : public NodeStore {
 public:
  Result<Hash> GetNode(int level, uint64_t index) override;
  Status PutNode(int level, uint64_t index, const Hash& hash) override;

 private:
  std::vector<std::vector<Hash>> levels_;
};

}  // namespace tg::audit
