#include "src/audit/merkle.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include <openssl/evp.h>

#include "src/common/digest.h"

namespace tg::audit {

namespace {

// The largest power of two smaller than n. REQUIRES: n > 1.
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

}  // namespace

Hash Sha256(std::string_view bytes) { return Sha256Of({bytes}); }

Hash LeafHash(std::string_view record) { return Sha256Of({std::string_view("\0", 1), record}); }

Hash NodeHash(const Hash& left, const Hash& right) {
  return Sha256Of({std::string_view("\1", 1), AsBytes(left), AsBytes(right)});
}

Hash EmptyTreeHash() { return Sha256(""); }

std::string_view AsBytes(const Hash& h) {
  return std::string_view(reinterpret_cast<const char*>(h.data()), h.size());
}

std::string Hex(const Hash& h) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : h) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

Result<std::string> FromBase64(std::string_view text) {
  if (text.size() % 4 != 0) {
    return InvalidArgument("not base64 (length)");
  }
  // Padding is one or two '=' ending the text, nowhere else ("====" once made the length
  // below wrap around, and a checkpoint line of it stopped `audit verify` with an exception).
  const size_t pad = text.size() - std::min(text.size(), text.find_last_not_of('=') + 1);
  if (pad > 2 || text.substr(0, text.size() - pad).find('=') != std::string_view::npos) {
    return InvalidArgument("not base64 (padding)");
  }
  std::string out(3 * text.size() / 4, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) {
    return InvalidArgument("not base64");
  }
  // EVP_DecodeBlock counts padding as zero bytes.
  const size_t len = static_cast<size_t>(n);
  if (len < pad) {
    return InvalidArgument("not base64 (padding)");
  }
  out.resize(len - pad);
  return out;
}

Status MerkleTree::Append(const Hash& leaf_hash) {
  uint64_t index = size_;
  Hash hash = leaf_hash;
  TG_RETURN_IF_ERROR(nodes_.PutNode(0, index, hash));
  // Each odd index completes a perfect subtree with its left sibling.
  for (int level = 0; index & 1; ++level) {
    TG_ASSIGN_OR_RETURN(Hash left, nodes_.GetNode(level, index - 1));
    hash = NodeHash(left, hash);
    index >>= 1;
    TG_RETURN_IF_ERROR(nodes_.PutNode(level + 1, index, hash));
  }
  ++size_;
  return Status::Ok();
}

Result<Hash> MerkleTree::SubtreeHash(uint64_t begin, uint64_t end) {
  const uint64_t n = end - begin;
  if (std::has_single_bit(n) && begin % n == 0) {
    return nodes_.GetNode(std::countr_zero(n), begin / n);
  }
  const uint64_t k = SplitPoint(n);
  TG_ASSIGN_OR_RETURN(Hash left, SubtreeHash(begin, begin + k));
  TG_ASSIGN_OR_RETURN(Hash right, SubtreeHash(begin + k, end));
  return NodeHash(left, right);
}

Result<Hash> MerkleTree::Root(uint64_t size) {
  if (size > size_) {
    return InvalidArgument("tree size " + std::to_string(size) + " is beyond the log (" +
                           std::to_string(size_) + ")");
  }
  if (size == 0) {
    return EmptyTreeHash();
  }
  return SubtreeHash(0, size);
}

Status MerkleTree::Path(uint64_t index, uint64_t begin, uint64_t end, std::vector<Hash>& out) {
  const uint64_t n = end - begin;
  if (n == 1) {
    return Status::Ok();
  }
  const uint64_t k = SplitPoint(n);
  if (index < begin + k) {
    TG_RETURN_IF_ERROR(Path(index, begin, begin + k, out));
    TG_ASSIGN_OR_RETURN(Hash right, SubtreeHash(begin + k, end));
    out.push_back(right);
  } else {
    TG_RETURN_IF_ERROR(Path(index, begin + k, end, out));
    TG_ASSIGN_OR_RETURN(Hash left, SubtreeHash(begin, begin + k));
    out.push_back(left);
  }
  return Status::Ok();
}

Result<std::vector<Hash>> MerkleTree::InclusionProof(uint64_t index, uint64_t size) {
  if (size > size_ || index >= size) {
    return InvalidArgument("no leaf " + std::to_string(index) + " in a tree of " +
                           std::to_string(size));
  }
  std::vector<Hash> out;
  TG_RETURN_IF_ERROR(Path(index, 0, size, out));
  return out;
}

Status MerkleTree::SubProof(uint64_t m, uint64_t begin, uint64_t end, bool whole,
                            std::vector<Hash>& out) {
  const uint64_t n = end - begin;
  if (m == n) {
    if (!whole) {
      TG_ASSIGN_OR_RETURN(Hash h, SubtreeHash(begin, end));
      out.push_back(h);
    }
    return Status::Ok();
  }
  const uint64_t k = SplitPoint(n);
  if (m <= k) {
    TG_RETURN_IF_ERROR(SubProof(m, begin, begin + k, whole, out));
    TG_ASSIGN_OR_RETURN(Hash right, SubtreeHash(begin + k, end));
    out.push_back(right);
  } else {
    TG_RETURN_IF_ERROR(SubProof(m - k, begin + k, end, false, out));
    TG_ASSIGN_OR_RETURN(Hash left, SubtreeHash(begin, begin + k));
    out.push_back(left);
  }
  return Status::Ok();
}

Result<std::vector<Hash>> MerkleTree::ConsistencyProof(uint64_t old_size, uint64_t new_size) {
  if (new_size > size_ || old_size > new_size) {
    return InvalidArgument("no consistency proof from " + std::to_string(old_size) + " to " +
                           std::to_string(new_size));
  }
  std::vector<Hash> out;
  if (old_size == 0 || old_size == new_size) {
    return out;
  }
  TG_RETURN_IF_ERROR(SubProof(old_size, 0, new_size, true, out));
  return out;
}

bool VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                     const std::vector<Hash>& proof, const Hash& root) {
  if (index >= size) {
    return false;
  }
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) {
      return false;
    }
    if ((fn & 1) || fn == sn) {
      r = NodeHash(p, r);
      if (!(fn & 1)) {
        while (fn != 0 && !(fn & 1)) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root,
                       const Hash& new_root, const std::vector<Hash>& proof) {
  if (old_size > new_size) {
    return false;
  }
  if (old_size == new_size) {
    return proof.empty() && old_root == new_root;
  }
  if (old_size == 0) {
    return proof.empty();  // the empty tree is a prefix of every tree
  }
  std::vector<Hash> path = proof;
  if (std::has_single_bit(old_size)) {
    path.insert(path.begin(), old_root);
  }
  if (path.empty()) {
    return false;
  }
  uint64_t fn = old_size - 1;
  uint64_t sn = new_size - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0];
  Hash sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) {
      return false;
    }
    if ((fn & 1) || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      if (!(fn & 1)) {
        while (fn != 0 && !(fn & 1)) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == old_root && sr == new_root && sn == 0;
}

Result<Hash> MemoryNodeStore::GetNode(int level, uint64_t index) {
  if (static_cast<size_t>(level) >= levels_.size() || index >= levels_[level].size()) {
    return DataLoss("missing tree node (" + std::to_string(level) + ", " + std::to_string(index) +
                    ")");
  }
  return levels_[level][index];
}

Status MemoryNodeStore::PutNode(int level, uint64_t index, const Hash& hash) {
  if (static_cast<size_t>(level) >= levels_.size()) {
    levels_.resize(static_cast<size_t>(level) + 1);
  }
  auto& row = levels_[level];
  if (index >= row.size()) {
    row.resize(index + 1);
  }
  row[index] = hash;
  return Status::Ok();
}

void CompactRange::Append(const Hash& leaf_hash) {
  stack.emplace_back(0, leaf_hash);
  while (stack.size() >= 2 && stack[stack.size() - 1].first == stack[stack.size() - 2].first) {
    const Hash right = stack.back().second;
    stack.pop_back();
    stack.back().second = NodeHash(stack.back().second, right);
    ++stack.back().first;
  }
}

Hash CompactRange::Root() const {
  if (stack.empty()) {
    return EmptyTreeHash();
  }
  Hash r = stack.back().second;
  for (size_t i = stack.size() - 1; i-- > 0;) {
    r = NodeHash(stack[i].second, r);
  }
  return r;
}

}  // namespace tg::audit
