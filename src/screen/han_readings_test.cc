// The Han readings of Debian's unicode-data: Korean and Japanese, long vowels short, voiced
// forms for compounds.
#include "src/screen/han_readings.h"

#include <cstdio>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tg::screen {
namespace {

using ::testing::Contains;
using ::testing::Not;

TEST(HanReadingsTest, KoreanAndJapaneseReadings) {
  const Result<HanReadings>& readings = HanReadings::Default();
  ASSERT_TRUE(readings) << readings.status().message();
  const HanReadings::Readings* mountain = readings->Of(U'山');
  ASSERT_NE(mountain, nullptr);
  EXPECT_THAT(mountain->all, Contains("yama"));  // Japanese kun
  EXPECT_THAT(mountain->all, Contains("san"));   // Japanese on, Korean
  const HanReadings::Readings* man = readings->Of(U'郎');
  ASSERT_NE(man, nullptr);
  EXPECT_THAT(man->all, Contains("ro"));  // "rou", written short as in Tarō → Taro
  EXPECT_THAT(man->all, Not(Contains("rou")));
  const HanReadings::Readings* field = readings->Of(U'田');
  ASSERT_NE(field, nullptr);
  EXPECT_THAT(field->voiced, Contains("da"));  // 山田, "yamada"
  EXPECT_EQ(readings->Of(U'a'), nullptr);
}

TEST(HanReadingsTest, Load_NamesTheLineOfABadRow) {
  const std::string path = ::testing::TempDir() + "/unihan_bad.txt";
  std::FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("# comment\nU+5C71\tkJapaneseKun\tYAMA\nnot a row\n", f);
  std::fclose(f);
  auto r = HanReadings::Load(path);
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find(":3:"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace tg::screen
