// The Khmer romaniser on data/screening/khmer.csv: series, clusters, finals.
#include "src/screen/khmer.h"

#include <string>

#include <gtest/gtest.h>

#include "src/screen/utf32.h"

namespace tg::screen {
namespace {

std::string Romanize(const std::string& khmer) {
  static const KhmerRomanizer* r = []() -> const KhmerRomanizer* {
    auto loaded = KhmerRomanizer::Load("data/screening/khmer.csv");
    return loaded ? new KhmerRomanizer(std::move(*loaded)) : nullptr;
  }();
  if (r == nullptr) {
    ADD_FAILURE() << "data/screening/khmer.csv does not load";
    return "";
  }
  return r->Romanize(NfkcUtf32(khmer));
}

TEST(KhmerTest, VowelsReadByTheConsonantsSeries) {
  EXPECT_EQ(Romanize("ពូទីន"), "putin");  // o-series: ូ u, ី i; ន ends the word
  EXPECT_EQ(Romanize("កា"), "ka");      // a-series ា
  EXPECT_EQ(Romanize("គា"), "kea");     // o-series ា
}

TEST(KhmerTest, SeriesShifters_AndClusters) {
  EXPECT_EQ(Romanize("ហ៊ុន"), "hun");             // ៊ moves ហ to the o-series: ុ is u
  EXPECT_EQ(Romanize("វ៉្លាឌីមៀរ"), "vladimier");  // ្ល under វ: the cluster vl
}

TEST(KhmerTest, AConsonantWithoutItsOwnVowel_EndsTheSyllable) {
  EXPECT_EQ(Romanize("ពត"), "pot");  // the inherent o, then t
  EXPECT_EQ(Romanize("១៩៧៥"), "1975");
}

}  // namespace
}  // namespace tg::screen
