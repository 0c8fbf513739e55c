#include "tierguard/engine.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/decide/document_reader.h"
#include "testing/status_matchers.h"
#include "testing/stream.h"

namespace tg {
namespace {

using ::testing::HasSubstr;
using ::tg::testing::IsOk;
using ::tg::testing::StatusIs;

std::unique_ptr<Engine> OpenEngine(const std::string& regimes = "") {
  auto e = Engine::Open({.data_dir = "data", .regimes_dir = regimes.empty() ? "regimes" : regimes});
  EXPECT_THAT(e, IsOk());
  return e ? std::move(*e) : nullptr;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs DetermineStream over `input` and returns the output lines.
std::vector<std::string> RunStream(const Engine& engine, const std::string& input) {
  return ::tg::testing::RunOverMemory(
      input, [&](Source& in, Sink& out) { EXPECT_THAT(engine.DetermineStream(in, out), IsOk()); });
}

// One line, as in JSON Lines.
constexpr const char* kUaeOrder =
    R"({"id": "o1", "date": "2025-06-01", "regime": "us-ai-diffusion-2025", )"
    R"("consignee": {"id": "C-77", "country": "AE"}, "items": [{"part": "H100", "quantity": 1000}]})";

TEST(Engine, ALongStreamTellsItsProgress) {
  auto engine = OpenEngine();
  ASSERT_NE(engine, nullptr);
  std::string input;
  for (int i = 0; i < 9000; ++i) {
    input += std::string(kUaeOrder) + "\n";
  }
  std::vector<int64_t> told;
  auto lines = ::tg::testing::RunOverMemory(input, [&](Source& in, Sink& out) {
    EXPECT_THAT(engine->DetermineStream(in, out, [&](int64_t n) { told.push_back(n); }), IsOk());
  });
  EXPECT_EQ(lines.size(), 9000u);
  EXPECT_EQ(told, (std::vector<int64_t>{4096, 8192}));
}

// Decides `req` in `batch`, expecting no error.
Decision DecideOk(const Engine& engine, const Request& req, BatchState& batch) {
  Decision d;
  engine.Decide(req, batch, d);
  EXPECT_THAT(d.error, IsOk());
  return d;
}

TEST(Engine, DecidesInProcessAndTheBatchCarriesCapUsage) {
  auto engine = OpenEngine();
  auto req = engine->ParseRequest(kUaeOrder, 1);
  ASSERT_THAT(req, IsOk());
  BatchState batch;
  Decision d = DecideOk(*engine, *req, batch);
  EXPECT_EQ(d.outcome, Outcome::kLicenseException);
  EXPECT_EQ(d.authorization, "LPP");
  EXPECT_EQ(*batch.Used("LPP:C-77/2025"), 15832000LL * 1000);
  engine->Decide(*req, batch, d);  // 2,000 H100 in all: over 26.9 M TPP
  EXPECT_EQ(d.outcome, Outcome::kLicenseRequired);
  EXPECT_EQ(*batch.Used("LPP:C-77/2025"), 15832000LL * 1000);  // refused lines add nothing
}

TEST(Engine, ABatchDecidesAsOneDecisionAfterAnother) {
  auto engine = OpenEngine();
  auto req = engine->ParseRequest(kUaeOrder, 1);
  ASSERT_THAT(req, IsOk());
  const std::vector<Request> requests(3, *req);
  BatchState one_by_one;
  std::vector<Outcome> expected;
  for (const Request& r : requests) {
    expected.push_back(DecideOk(*engine, r, one_by_one).outcome);
  }
  BatchState batch;
  std::vector<Decision> decided(7);  // resized to one per request
  engine->DecideBatch(requests, batch, decided);
  ASSERT_EQ(decided.size(), requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(decided[i].outcome, expected[i]) << i;
  }
  EXPECT_EQ(decided[1].outcome, Outcome::kLicenseRequired);  // the first used the headroom
  EXPECT_EQ(*batch.Used("LPP:C-77/2025"), *one_by_one.Used("LPP:C-77/2025"));
}

TEST(Engine, FormatsTheSpecifiedDecisionFields) {
  auto engine = OpenEngine();
  auto req = engine->ParseRequest(kUaeOrder, 1);
  ASSERT_THAT(req, IsOk());
  BatchState batch;
  const Decision d = DecideOk(*engine, *req, batch);
  std::string json;
  engine->FormatDecision(d, json);
  for (const char* field :
       {"\"id\":\"o1\"", "\"regime\":\"us-ai-diffusion-2025\"", "\"outcome\":\"license_exception\"",
        "\"authorization\":\"LPP\"", "\"license_policy\":null", "\"destination_tier\":2",
        "\"total_tpp\":15832000", "\"key\":\"C-77/2025\"", "\"limit\":26900000",
        "\"citation\":\"15 CFR 740.29\""}) {
    EXPECT_THAT(json, HasSubstr(field));
  }
}

TEST(Engine, StreamAcceptsAnArrayAndPrettyPrintedObjects) {
  auto engine = OpenEngine();
  const std::string one = kUaeOrder;
  auto array = RunStream(*engine, "[" + one + ",\n" + one + "]\n");
  ASSERT_EQ(array.size(), 2u);
  EXPECT_THAT(array[1], HasSubstr("license_required"));  // the second sees the first
  auto pretty = RunStream(*engine,
                          "{\n  \"id\": \"p\",\n  \"date\": \"2026-03-01\",\n"
                          "  \"consignee\": {\"country\": \"JP\"},\n"
                          "  \"items\": [{\"part\": \"H100\", \"quantity\": 1}]\n}\n");
  ASSERT_EQ(pretty.size(), 1u);
  EXPECT_THAT(pretty[0], HasSubstr("no_license_required"));
}

TEST(Engine, ErrorLinesNameTheirLineAndDoNotStopTheBatch) {
  auto engine = OpenEngine();
  auto out = RunStream(*engine, std::string(kUaeOrder) + "\n\n{oops\n" + kUaeOrder + "\n");
  ASSERT_EQ(out.size(), 3u);
  EXPECT_THAT(out[1], HasSubstr("\"line\":3"));
  EXPECT_THAT(out[1], HasSubstr("line 3: malformed JSON"));
  EXPECT_THAT(out[2], HasSubstr("license_required"));
}

TEST(Engine, ShowRegimeResolvesSetsToCountries) {
  auto engine = OpenEngine();
  auto text = engine->ShowRegime("us-ac-2026", *Date::Parse("2026-03-01"));
  ASSERT_THAT(text, IsOk());
  EXPECT_THAT(*text, HasSubstr("ac_destinations {AE AF AM"));
  EXPECT_THAT(*text, HasSubstr("(47)"));  // 46 countries, and Hong Kong decided as China
  EXPECT_THAT(engine->ShowRegime("nope", *Date::Parse("2026-03-01")),
              StatusIs(StatusCode::kNotFound));
}

// A policy analyst's variant: copy a regime file, change numbers, add a Tier 1 member.
TEST(Engine, AnalystVariantByEditingNumbersOnly) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("tg_variant_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string text = Slurp("regimes/us-ai-diffusion-2025.yaml");
  auto replace = [&](const std::string& from, const std::string& to) {
    const auto pos = text.find(from);
    ASSERT_NE(pos, std::string::npos) << from;
    text.replace(pos, from.size(), to);
  };
  replace("id: us-ai-diffusion-2025", "id: my-variant");
  replace("limit_tpp: 26_900_000", "limit_tpp: 5_000_000");
  replace("tier1: [US, SUPP5A]", "tier1: [US, SUPP5A, SG]");
  std::ofstream(dir / "variant.yaml") << text;
  auto engine = OpenEngine(dir.string());
  BatchState batch;
  Decision d;
  auto sg = engine->ParseRequest(
      R"({"date": "2025-06-01", "regime": "my-variant", "consignee": {"id": "S", "country": "SG"},
          "items": [{"part": "H100", "quantity": 10}]})",
      1);
  ASSERT_THAT(sg, IsOk());
  engine->Decide(*sg, batch, d);
  EXPECT_EQ(d.authorization, "AIA");  // Singapore is Tier 1 in the variant
  auto ae = engine->ParseRequest(
      R"({"date": "2025-06-01", "regime": "my-variant", "consignee": {"id": "A", "country": "AE"},
          "items": [{"part": "H100", "quantity": 400}]})",
      2);
  ASSERT_THAT(ae, IsOk());
  engine->Decide(*ae, batch, d);  // 6.3 M TPP exceeds the variant's 5 M LPP
  EXPECT_EQ(d.outcome, Outcome::kLicenseRequired);
  std::filesystem::remove_all(dir);
}

// A broken regime file names its line and stops every decision, but the ledger's listings
// (and so check, caps and the audit commands) still run.
TEST(Engine, ABadRegimeFileStopsDecisionsNotTheLedger) {
  const auto dir = std::filesystem::temp_directory_path() / ("tg_bad_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "bad.yaml") << "id: x\ntitle: t\nstatus: in_force\nrequirments: []\n";
  auto engine = Engine::Open({.data_dir = "data", .regimes_dir = dir.string(), .db = "memory"});
  ASSERT_THAT(engine, IsOk());
  const auto bad = StatusIs(StatusCode::kInvalidArgument, "bad.yaml:4: requirments: unknown key");
  EXPECT_THAT((*engine)->RegimesStatus(), bad);
  auto request = (*engine)->ParseRequest(
      R"({"date": "2025-06-01", "consignee": {"country": "AE"}, "items": [{"part": "H100", "quantity": 1}]})",
      1);
  ASSERT_THAT(request, IsOk());
  BatchState batch;
  Decision d;
  (*engine)->Decide(*request, batch, d);
  EXPECT_THAT(d.error, bad);
  EXPECT_THAT((*engine)->ShowRegime("x", *Date::Parse("2025-06-01")), bad);
  EXPECT_THAT(Session(**engine).Caps(), IsOk());
  EXPECT_THAT(Session(**engine).Check(), IsOk());
  std::filesystem::remove_all(dir);
}

// Issue 12: simdjson answers the first of two equal keys, so the second was silently
// ignored; and ids were cut to 256 bytes, so two orders collided.
TEST(Engine, KeysGivenTwiceAndOverLongIdsAreErrors) {
  auto engine = Engine::Open({.data_dir = "data", .regimes_dir = "regimes"});
  ASSERT_THAT(engine, IsOk());
  EXPECT_THAT((*engine)->ParseRequest(
                  R"({"id": "A", "date": "2025-06-01", "consignee": {"country": "AE"},
                      "items": [{"part": "H100", "quantity": 1, "quantity": 900000}]})",
                  3),
              StatusIs(StatusCode::kInvalidArgument, "line 3: items[0].quantity: given twice"));
  EXPECT_THAT((*engine)->ParseRequest(
                  R"({"id": "A", "date": "2025-06-01", "date": "2026-01-01",
                      "consignee": {"country": "AE"}, "items": [{"part": "H100", "quantity": 1}]})",
                  1),
              StatusIs(StatusCode::kInvalidArgument, "date: given twice"));
  const std::string id(257, 'x');
  EXPECT_THAT((*engine)->ParseRequest(R"({"id": ")" + id + R"(", "date": "2025-06-01",
                  "consignee": {"country": "AE"}, "items": [{"part": "H100", "quantity": 1}]})",
                                      1),
              StatusIs(StatusCode::kInvalidArgument, "id: longer than 256 bytes"));
}

// The reader holds at most 1 MiB of a document: a larger line is refused as that line's error,
// and the lines after it are read. A byte-order mark is skipped; a NUL does not end a line.
TEST(DocumentReader, RefusesOversizedLinesAndReadsOn) {
  std::string input = "\xEF\xBB\xBF{\"a\":1}\n";
  input += "{\"big\":\"" + std::string(decide::kMaxDocumentBytes, 'x') + "\"}\n";
  input += std::string("{\"b\":2}\0tail", 12) + "\n";
  StringSource in(input);
  decide::DocumentReader reader(in);
  std::string doc;
  int line = 0;
  Status error;
  ASSERT_TRUE(reader.Next(doc, line, error));
  EXPECT_EQ(doc, "{\"a\":1}");
  EXPECT_THAT(error, IsOk());
  ASSERT_TRUE(reader.Next(doc, line, error));
  EXPECT_EQ(line, 2);
  EXPECT_THAT(error, StatusIs(StatusCode::kInvalidArgument, "line 2: larger than 1 MiB"));
  EXPECT_TRUE(doc.empty());
  ASSERT_TRUE(reader.Next(doc, line, error));
  EXPECT_EQ(line, 3);
  EXPECT_EQ(doc.size(), 12u);  // the NUL and what follows it are kept (and fail to parse)
  EXPECT_FALSE(reader.Next(doc, line, error));
}

// Seeded random corruption of valid requests: every line still gets exactly one JSON answer,
// a decision or an error, and nothing crashes.
TEST(Engine, CorruptedRequestsAlwaysGetOneAnswerEach) {
  auto engine = OpenEngine();
  const std::vector<std::string> seeds = {
      kUaeOrder,
      R"({"id": "m", "date": "2027-03-01", "regime": "proposal-2027-controlled-ai-assets", )"
      R"("consignee": {"country": "SG", "nationality": "CN"}, "items": [{"model": )"
      R"({"name": "m", "training_ops": 1e26, "origin": {"data": ["US"]}}}]})",
      R"({"id": "c", "date": "2026-03-01", "consignee": {"country": "CN"}, "items": [{"chip": )"
      R"({"name": "x", "performance": [{"tops": 900, "bits": 16}], "die_area_mm2": 600, )"
      R"("dram_bandwidth_gbps": 3000}, "quantity": 3}]})"};
  uint64_t state = 20261125;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state >> 33);
  };
  const std::string alphabet = "{}[]\":,0123456789-.eE aZ\\\x01\xff";
  std::string input;
  const int line_count = 3000;
  for (int i = 0; i < line_count; ++i) {
    std::string line = seeds[next() % seeds.size()];
    const int edits = 1 + static_cast<int>(next() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t pos = next() % line.size();
      switch (next() % 3) {
        case 0:
          line[pos] = alphabet[next() % alphabet.size()];
          break;
        case 1:
          line.erase(pos, 1 + next() % 8);
          break;
        default:
          line.insert(pos, 1, alphabet[next() % alphabet.size()]);
      }
    }
    for (char& c : line) {
      c = c == '\n' ? ' ' : c;
    }
    input += line + "\n";
  }
  auto out = RunStream(*engine, input);
  // Blank lines are skipped, so corrupted lines that became blank get no answer.
  EXPECT_LE(out.size(), static_cast<size_t>(line_count));
  EXPECT_GT(out.size(), static_cast<size_t>(line_count) * 9 / 10);
  int decided = 0;
  for (const std::string& line : out) {
    const bool is_error = line.find("\"error\":{\"code\"") != std::string::npos;
    const bool is_decision = line.find("\"outcome\":") != std::string::npos;
    EXPECT_TRUE(is_error != is_decision) << line;
    decided += is_decision;
  }
  EXPECT_GT(decided, 0);  // some corruptions leave a valid request
}

}  // namespace
}  // namespace tg
