#include "src/audit/merkle.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/audit/note.h"
#include "testing/status_matchers.h"

namespace tg::audit {
namespace {

using ::tg::testing::IsOk;
using ::tg::testing::StatusIs;

// The leaves of the RFC 6962 test data (certificate-transparency), and the tree heads of their
// prefixes of size 1 to 8.
std::vector<std::string> TestLeaves() {
  return {"",
          std::string(1, '\x00'),
          "\x10",
          "\x20\x21",
          "\x30\x31",
          "\x40\x41\x42\x43",
          "\x50\x51\x52\x53\x54\x55\x56\x57",
          "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f"};
}
const char* const kRoots[] = {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                              "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                              "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
                              "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                              "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
                              "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
                              "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
                              "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

TEST(MerkleTree, EmptyTreeIsTheHashOfNothing) {
  EXPECT_EQ(Hex(EmptyTreeHash()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  MemoryNodeStore nodes;
  MerkleTree tree(nodes, 0);
  EXPECT_EQ(*tree.Root(0), EmptyTreeHash());
}

TEST(MerkleTree, RootsMatchTheRfc6962TestVectors) {
  MemoryNodeStore nodes;
  MerkleTree tree(nodes, 0);
  const auto leaves = TestLeaves();
  for (size_t i = 0; i < leaves.size(); ++i) {
    ASSERT_THAT(tree.Append(LeafHash(leaves[i])), IsOk());
    EXPECT_EQ(Hex(*tree.Root(i + 1)), kRoots[i]) << "size " << i + 1;
  }
  for (size_t i = 0; i < leaves.size(); ++i) {  // earlier heads stay readable
    EXPECT_EQ(Hex(*tree.Root(i + 1)), kRoots[i]);
  }
  EXPECT_THAT(tree.Root(9), StatusIs(StatusCode::kInvalidArgument));
}

class MerkleProofs : public ::testing::Test {
 protected:
  static constexpr uint64_t kMax = 300;
  void SetUp() override {
    tree_ = std::make_unique<MerkleTree>(nodes_, 0);
    for (uint64_t i = 0; i < kMax; ++i) {
      leaves_.push_back(LeafHash("record " + std::to_string(i)));
      ASSERT_THAT(tree_->Append(leaves_.back()), IsOk());
      roots_.push_back(*tree_->Root(i + 1));
    }
  }
  MemoryNodeStore nodes_;
  std::unique_ptr<MerkleTree> tree_;
  std::vector<Hash> leaves_;
  std::vector<Hash> roots_;  // roots_[n - 1] is the head of size n
};

TEST_F(MerkleProofs, EveryInclusionProofUpTo300Verifies) {
  for (uint64_t size = 1; size <= kMax; ++size) {
    for (uint64_t index = 0; index < size; ++index) {
      auto proof = tree_->InclusionProof(index, size);
      ASSERT_THAT(proof, IsOk());
      ASSERT_TRUE(VerifyInclusion(index, size, leaves_[index], *proof, roots_[size - 1]))
          << index << " in " << size;
      if (size > 1) {  // the wrong leaf, or a wrong index, does not verify
        ASSERT_FALSE(
            VerifyInclusion(index, size, leaves_[(index + 1) % size], *proof, roots_[size - 1]));
        ASSERT_FALSE(
            VerifyInclusion((index + 1) % size, size, leaves_[index], *proof, roots_[size - 1]));
      }
    }
  }
}

TEST_F(MerkleProofs, EveryConsistencyProofUpTo300Verifies) {
  for (uint64_t n = 1; n <= kMax; ++n) {
    for (uint64_t m = 1; m <= n; ++m) {
      auto proof = tree_->ConsistencyProof(m, n);
      ASSERT_THAT(proof, IsOk());
      ASSERT_TRUE(VerifyConsistency(m, n, roots_[m - 1], roots_[n - 1], *proof)) << m << "->" << n;
      if (m < n) {  // a different old head does not verify
        Hash wrong = roots_[m - 1];
        wrong[0] ^= 1;
        ASSERT_FALSE(VerifyConsistency(m, n, wrong, roots_[n - 1], *proof));
      }
    }
  }
}

TEST_F(MerkleProofs, TamperedProofsFail) {
  auto proof = *tree_->InclusionProof(17, 100);
  proof[2][5] ^= 0x40;
  EXPECT_FALSE(VerifyInclusion(17, 100, leaves_[17], proof, roots_[99]));
  auto consistency = *tree_->ConsistencyProof(37, 250);
  consistency.pop_back();
  EXPECT_FALSE(VerifyConsistency(37, 250, roots_[36], roots_[249], consistency));
  EXPECT_THAT(tree_->InclusionProof(300, 300), StatusIs(StatusCode::kInvalidArgument));
}

TEST(Base64, RoundTrips) {
  const std::vector<std::string> samples = {"",    "a",    "ab",
                                            "abc", "abcd", std::string("\x00\xff\x10", 3)};
  for (const std::string& s : samples) {
    auto back = FromBase64(Base64(s));
    ASSERT_THAT(back, IsOk());
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(Base64("hello"), "aGVsbG8=");
  EXPECT_THAT(FromBase64("abc"), StatusIs(StatusCode::kInvalidArgument));
  // Padding is one or two '=' at the end: more, or inside, is an error, not a wrapped length
  // (fuzzing found "====" throwing std::length_error out of ParseCheckpoint).
  for (const char* bad : {"====", "a===", "ab=c", "=abc", "aGVs=G8="}) {
    EXPECT_THAT(FromBase64(bad), StatusIs(StatusCode::kInvalidArgument, "padding")) << bad;
  }
  EXPECT_THAT(audit::ParseCheckpoint("example.com/log\n42\n====\n"),
              StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace tg::audit
