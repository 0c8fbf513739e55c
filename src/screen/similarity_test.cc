// String similarity: the bit-parallel edit distance against the textbook dynamic program, on
// fixed cases and on random words; Jaro-Winkler on the standard textbook pairs.
#include "src/screen/similarity.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace tg::screen {
namespace {

// The optimal-string-alignment distance by its definition (full table).
int ReferenceDistance(const std::string& a, const std::string& b) {
  std::vector<std::vector<int>> d(a.size() + 1, std::vector<int>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) {
    d[i][0] = static_cast<int>(i);
  }
  for (size_t j = 0; j <= b.size(); ++j) {
    d[0][j] = static_cast<int>(j);
  }
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

TEST(EditDistanceTest, KnownCases) {
  EXPECT_EQ(EditDistance("", ""), 0);
  EXPECT_EQ(EditDistance("abc", ""), 3);
  EXPECT_EQ(EditDistance("", "ab"), 2);
  EXPECT_EQ(EditDistance("putin", "putin"), 0);
  EXPECT_EQ(EditDistance("putin", "ptuin"), 1);  // one transposition
  EXPECT_EQ(EditDistance("castro", "castillo"), 3);
  EXPECT_EQ(EditDistance("ca", "abc"), 3);  // OSA, not unrestricted Damerau (2)
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
}

TEST(EditDistanceTest, AgreesWithTheDynamicProgramOnRandomWords) {
  std::mt19937 rng(7);
  for (int n = 0; n < 20000; ++n) {
    auto word = [&](size_t max) {
      std::string w(rng() % (max + 1), 'a');
      for (char& c : w) {
        c = static_cast<char>('a' + rng() % 4);  // few letters: many matches and transpositions
      }
      return w;
    };
    const std::string a = word(n < 19000 ? 12 : 64);
    const std::string b = word(n < 19000 ? 12 : 64);
    ASSERT_EQ(EditDistance(a, b), ReferenceDistance(a, b)) << a << " / " << b;
  }
}

TEST(EditDistanceTest, ComparesTheFirst64Bytes) {
  const std::string a(70, 'a');
  const std::string b = std::string(64, 'a') + "bbbbbb";
  EXPECT_EQ(EditDistance(a, b), 0);
}

TEST(EditDistanceTest, CountsCodePoints_NotBytes) {
  EXPECT_EQ(EditDistance(std::u32string(U"김정은"), std::u32string(U"김종은")), 1);
  EXPECT_EQ(EditDistance(std::u32string(U"لوکاشنکا"), std::u32string(U"لوکاشنکا")), 0);
  EXPECT_EQ(EditDistance(std::u32string(U"путин"), std::u32string(U"пуитн")), 1);  // transposed
  EXPECT_EQ(EditDistance(std::u32string(U"αβγ"), std::u32string()), 3);
}

TEST(JaroWinklerTest, TextbookPairs) {
  EXPECT_NEAR(JaroWinkler("martha", "marhta"), 0.961, 0.001);
  EXPECT_NEAR(JaroWinkler("dwayne", "duane"), 0.840, 0.001);
  EXPECT_NEAR(JaroWinkler("dixon", "dicksonx"), 0.813, 0.001);
  EXPECT_EQ(JaroWinkler("", ""), 0.0);
  EXPECT_EQ(JaroWinkler("abc", "abc"), 1.0);
}

}  // namespace
}  // namespace tg::screen
