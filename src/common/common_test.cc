#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tierguard/date.h"
#include "tierguard/io.h"
#include "tierguard/text.h"

#include "src/common/checked.h"
#include "src/common/country_table.h"
#include "src/common/csv.h"
#include "src/common/json_writer.h"
#include "src/common/text.h"
#include "testing/status_matchers.h"

namespace tg {
namespace {

using ::tg::testing::IsOk;
using ::tg::testing::StatusIs;

TEST(Date, ParsesAndPrintsRoundTrip) {
  auto d = Date::Parse("2026-01-15");
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(d->ToString(), "2026-01-15");
  EXPECT_EQ(d->year(), 2026);
  EXPECT_EQ(d->month(), 1);
  EXPECT_EQ(d->day(), 15);
  EXPECT_EQ(d->quarter(), 1);
  EXPECT_EQ(Date::FromCivil(1970, 1, 1).days(), 0);
}

TEST(Date, RejectsImpossibleDays) {
  EXPECT_THAT(Date::Parse("2025-02-29"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Date::Parse("2024-02-29"), IsOk());
  EXPECT_THAT(Date::Parse("2100-02-29"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Date::Parse("2025-13-01"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Date::Parse("2025-1-01"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Date::Parse("25-01-01xx"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Date::Parse(""), StatusIs(StatusCode::kInvalidArgument));
}

TEST(Date, ConsecutiveDaysAcrossYearsDifferByOne) {
  EXPECT_EQ(Date::Parse("2026-01-01")->days() - Date::Parse("2025-12-31")->days(), 1);
  EXPECT_EQ(Date::Parse("2025-03-01")->days() - Date::Parse("2025-02-28")->days(), 1);
}

TEST(DateRange, ContainsIsClosedAtBothEnds) {
  DateRange r{*Date::Parse("2023-11-17"), *Date::Parse("2026-01-14")};
  EXPECT_TRUE(r.Contains(*Date::Parse("2023-11-17")));
  EXPECT_TRUE(r.Contains(*Date::Parse("2026-01-14")));
  EXPECT_FALSE(r.Contains(*Date::Parse("2026-01-15")));
  EXPECT_FALSE(r.Contains(*Date::Parse("2023-11-16")));
}

TEST(CsvTable, ReadsQuotedFieldsWithCommasQuotesAndNewlines) {
  auto t = CsvTable::Parse("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"multi\nline\",2\n", "t.csv");
  ASSERT_THAT(t, IsOk());
  ASSERT_EQ(t->records().size(), 2u);
  EXPECT_EQ(t->records()[0].fields[0], "x, y");
  EXPECT_EQ(t->records()[0].fields[1], "say \"hi\"");
  EXPECT_EQ(t->records()[1].fields[0], "multi\nline");
  EXPECT_EQ(t->records()[1].line, 3);
}

TEST(CsvTable, WrongFieldCountNamesFileAndLine) {
  EXPECT_THAT(CsvTable::Parse("a,b\n1,2\n3\n", "t.csv"),
              StatusIs(StatusCode::kInvalidArgument, "t.csv:3: expected 2 fields"));
}

TEST(CsvTable, UnterminatedQuoteIsAnError) {
  EXPECT_THAT(CsvTable::Parse("a\n\"open\n", "t.csv"),
              StatusIs(StatusCode::kInvalidArgument, "unterminated"));
}

TEST(CsvTable, SkipsLeadingCommentsAndCrLf) {
  auto t = CsvTable::Parse("# note\r\na,b\r\n1,2\r\n", "t.csv");
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(t->records()[0].fields[1], "2");
}

TEST(JsonWriter, EscapesControlCharactersAndQuotes) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject()
      .Key("k")
      .String("a\nb\x01\"")
      .Key("n")
      .Number(2.5)
      .Key("i")
      .Number(15832)
      .Key("z")
      .Null()
      .EndObject();
  EXPECT_EQ(out, "{\"k\":\"a\\nb\\u0001\\\"\",\"n\":2.5,\"i\":15832,\"z\":null}");
}

// The escaper skips 8 bytes at a time; compare it with a plain byte-by-byte escaper on strings
// with special characters at every offset, and on UTF-8 text.
TEST(JsonWriter, WordAtATimeEscapingMatchesByteByByte) {
  auto naive = [](std::string_view v) {
    std::string out = "\"";
    for (unsigned char c : v) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c == '\n') {
        out += "\\n";
      } else if (c < 0x20 && c != '\r' && c != '\t') {
        char buf[8];
        std::snprintf(buf, sizeof(buf), "\\u%04x", c);
        out += buf;
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\t') {
        out += "\\t";
      } else {
        out += static_cast<char>(c);
      }
    }
    return out + "\"";
  };
  for (const char special : {'"', '\\', '\n', '\x1f', '\x01'}) {
    for (size_t pos = 0; pos < 40; ++pos) {
      std::string v(40, 'a');
      v[pos] = special;
      std::string out;
      AppendJsonString(out, v);
      EXPECT_EQ(out, naive(v)) << "special at " << pos;
    }
  }
  std::string out;
  AppendJsonString(out, "Türkiye → Виктор СОЙКО \"quoted\" 中国");
  EXPECT_EQ(out, naive("Türkiye → Виктор СОЙКО \"quoted\" 中国"));
}

TEST(JsonWriter, SeparatesArrayElements) {
  std::string out;
  JsonWriter w(out);
  w.BeginArray().Int(1).BeginObject().EndObject().String("x").EndArray();
  EXPECT_EQ(out, "[1,{},\"x\"]");
}

TEST(JsonWriter, NumbersPastTheIntegersAreWrittenWithAnExponent) {
  std::string out;
  JsonWriter w(out);
  // Each round-trips; none is written as an integer of more than 64 bits.
  w.BeginArray().Number(6.046095222592002e+20).Number(1e26).Number(123456789.5).Number(42);
  w.Number(-3.1e19).EndArray();
  EXPECT_EQ(out, "[6.046095222592002e+20,1e+26,123456789.5,42,-3.1e+19]");
}

TEST(Ascii, LowerCasesOnlyAToZ) {
  EXPECT_TRUE(IsAscii("MV Gulf Sunbird, 2/3"));
  EXPECT_FALSE(IsAscii("Şahini"));
  EXPECT_TRUE(IsAscii(""));
  EXPECT_EQ(AsciiLower("FIELD 59: Şahini"), "field 59: Şahini");  // Ş is not A-Z
}

TEST(Lines, SplitsAtNewlinesAndNumbersFromOne) {
  std::vector<std::pair<std::string, size_t>> seen;
  for (Lines lines("a\r\n\nlast"); lines.Next();) {
    seen.emplace_back(std::string(lines.line()), lines.number());
  }
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], std::make_pair(std::string("a"), size_t{1}));
  EXPECT_EQ(seen[1], std::make_pair(std::string(""), size_t{2}));
  EXPECT_EQ(seen[2], std::make_pair(std::string("last"), size_t{3}));
  EXPECT_FALSE(Lines("").Next());
  Lines one("x\n");
  EXPECT_TRUE(one.Next());
  EXPECT_FALSE(one.Next());  // a final newline ends the last line, it opens none
}

TEST(CheckedArithmetic, OverflowIsAnErrorNotAWrap) {
  EXPECT_EQ(*CheckedAdd(2, 3, "x"), 5);
  EXPECT_THAT(CheckedAdd(INT64_MAX, 1, "LPP:C/2025"),
              StatusIs(StatusCode::kInvalidArgument, "LPP:C/2025"));
  EXPECT_THAT(CheckedAdd(INT64_MIN, -1, "x"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(CheckedMul(int64_t{1} << 40, int64_t{1} << 30, "total"),
              StatusIs(StatusCode::kInvalidArgument, "total"));
  // The comparison a cap makes does not wrap either: near INT64_MAX it still says "exceeds".
  EXPECT_TRUE(Exceeds(INT64_MAX - 5, 10, INT64_MAX));
  EXPECT_FALSE(Exceeds(5, 10, 15));
  EXPECT_TRUE(Exceeds(5, 11, 15));
}

TEST(CheckedArithmetic, ScaledFiguresStayWithinTheirMaxima) {
  EXPECT_EQ(*ScaledFigure(15832.5, 1000.0, kMaxTotalTpp, "tpp"), 15832500);
  EXPECT_THAT(
      ScaledFigure(1e30, 1000.0, kMaxTotalTpp, "license.tpp"),
      StatusIs(StatusCode::kInvalidArgument, "license.tpp: must be a number from 0 to 1e+15"));
  EXPECT_THAT(ScaledFigure(-1, 100.0, kMaxValueUsd, "value"),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ScaledFigure(std::nan(""), 100.0, kMaxValueUsd, "value"),
              StatusIs(StatusCode::kInvalidArgument));
  // The largest accepted total still fits in thousandths.
  EXPECT_EQ(*ScaledFigure(kMaxTotalTpp, 1000.0, kMaxTotalTpp, "tpp"), kMaxTotalTppMilli);
}

TEST(Utf8, RefusesEveryIllFormedSequence) {
  EXPECT_TRUE(IsValidUtf8("plain ASCII, long enough for the eight-byte path"));
  EXPECT_TRUE(IsValidUtf8("Şahin 北京 𝄞 Лукашэнка"));
  EXPECT_EQ(InvalidUtf8At("Bad\xff"), 3u);
  EXPECT_EQ(InvalidUtf8At("0123456789\xc3"), 10u);   // cut inside a character
  EXPECT_EQ(InvalidUtf8At("\xc0\xaf"), 0u);          // overlong '/'
  EXPECT_EQ(InvalidUtf8At("\xed\xa0\x80"), 0u);      // a surrogate
  EXPECT_EQ(InvalidUtf8At("\xf4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(InvalidUtf8At("ok \xe2\x82"), 3u);       // three-byte form cut short
  EXPECT_THAT(CheckUtf8("Bad\xff", "--name"),
              StatusIs(StatusCode::kInvalidArgument, "--name: not valid UTF-8 (byte 4 of 4)"));
}

TEST(Excerpt, CutsAtACharacterAndStaysValid) {
  EXPECT_EQ(Excerpt("short", 40), "short");
  const std::string cut = Excerpt("ééééé", 5);  // 2 bytes each: 2 fit
  EXPECT_EQ(cut, "éé…");
  EXPECT_TRUE(IsValidUtf8(Excerpt("abc\xff\xfe", 80)));
  EXPECT_EQ(SkipByteOrderMark("\xEF\xBB\xBF{}"), "{}");
  EXPECT_EQ(SkipByteOrderMark("{}"), "{}");
}

TEST(LookupKey, IgnoresCaseSpacesAndPunctuation) {
  EXPECT_EQ(LookupKey("H100-SXM5 (80GB)"), "h100sxm580gb");
  EXPECT_EQ(LookupKey("h100 sxm5 80gb"), "h100sxm580gb");
}

TEST(CountryTable, LoadsEveryIsoCountryWithAliases) {
  auto t = CountryTable::Load("data/countries.csv");
  ASSERT_THAT(t, IsOk());
  EXPECT_GE(t->size(), 249u);
  EXPECT_EQ(t->Lookup("us")->ToString(), "US");
  EXPECT_EQ(t->Lookup("USA")->ToString(), "US");
  EXPECT_EQ(t->Lookup("Burma")->ToString(), "MM");
  EXPECT_EQ(t->Lookup("Macao")->ToString(), "MO");
  EXPECT_EQ(t->Lookup("United Kingdom")->ToString(), "GB");
  EXPECT_EQ(t->Lookup("Türkiye")->ToString(), "TR");
  EXPECT_THAT(t->Lookup("XX"), StatusIs(StatusCode::kNotFound, "unknown country 'XX'"));
  EXPECT_THAT(t->Lookup("Atlantis"), StatusIs(StatusCode::kNotFound));
}

// Everything a source hands out, read in small pieces.
Result<std::string> ReadInPieces(Source& source) {
  std::string all;
  char buffer[3];
  for (;;) {
    TG_ASSIGN_OR_RETURN(const size_t n, source.Read(buffer, sizeof(buffer)));
    if (n == 0) {
      return all;
    }
    all.append(buffer, n);
  }
}

TEST(ChainSource, KeepsTheLastLineOfOneSourceApartFromTheNextsFirst) {
  std::vector<std::unique_ptr<Source>> sources;
  sources.push_back(std::make_unique<StringSource>("a\nb"));  // no newline at its end
  sources.push_back(std::make_unique<StringSource>(""));
  sources.push_back(std::make_unique<StringSource>("c\n"));
  sources.push_back(std::make_unique<StringSource>("d"));
  ChainSource chain(std::move(sources));
  auto all = ReadInPieces(chain);
  ASSERT_THAT(all, IsOk());
  EXPECT_EQ(*all, "a\nb\nc\nd\n");
}

TEST(FileSource, AReadErrorNamesTheFile) {
  // A folder opens like a file, and its first read fails (EISDIR).
  auto folder = FileSource::Open(::testing::TempDir());
  ASSERT_THAT(folder, IsOk());
  EXPECT_THAT(ReadInPieces(**folder).status(),
              StatusIs(StatusCode::kUnavailable, "Is a directory"));
  EXPECT_THAT(FileSource::Open("/no/such/file").status(),
              StatusIs(StatusCode::kNotFound, "/no/such/file: No such file or directory"));
}

TEST(FileSink, AFullDiskIsAnErrorWhenTheBytesLeave) {
  if (!std::filesystem::exists("/dev/full")) {
    GTEST_SKIP() << "no /dev/full here";
  }
  auto sink = FileSink::Create("/dev/full");
  ASSERT_THAT(sink, IsOk());
  // The first bytes are only buffered; flushing them fails.
  EXPECT_THAT((*sink)->Write("decision\n"), IsOk());
  EXPECT_THAT((*sink)->Close(),
              StatusIs(StatusCode::kUnavailable, "/dev/full: No space left on device"));
}

}  // namespace
}  // namespace tg
