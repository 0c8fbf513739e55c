// Sessions over one shared Engine on one SQLite ledger, from several threads: what the server
// will do with one session per request. scripts/sanitize runs these under ThreadSanitizer.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <sys/ioctl.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tierguard/engine.h"

#include "testing/status_matchers.h"
#include "testing/stream.h"
#include "testing/temp_ledger.h"

namespace tg {
namespace {

using ::tg::testing::IsOk;
using ::tg::testing::TempLedger;

// An engine on `db` with BIS's Denied Persons List kept in the ledger, so that every
// decision screens its parties (and the first ones build the screening snapshot at once).
std::unique_ptr<Engine> OpenEngine(const std::string& db) {
  auto e = Engine::Open({.data_dir = "data", .regimes_dir = "regimes", .db = db});
  EXPECT_THAT(e, IsOk());
  if (!e) {
    return nullptr;
  }
  const char* shared = std::getenv("TIERGUARD_SHARED_DATA");
  const std::string dpl =
      std::string(shared != nullptr ? shared : "../shared/data") + "/sanctions/bis/dpl.txt";
  EXPECT_THAT(Session(**e).LoadScreeningList(dpl, ""), IsOk());
  return std::move(*e);
}

// An order of 100 H100s for consignee C-1 in the UAE under the AI Diffusion rule, whose
// per-consignee cap (26.9 M TPP) holds fewer than all the orders the tests send.
std::string Order(const std::string& id) {
  return R"({"id": ")" + id +
         R"(", "date": "2025-06-01", "regime": "us-ai-diffusion-2025", )"
         R"("consignee": {"id": "C-1", "name": "Gulf Compute Trading LLC", "country": "AE"}, "items": [{"part": "H100", "quantity": 100}]})"
         "\n";
}

// How many of `lines` (ship's output) say the order was recorded.
int Recorded(const std::vector<std::string>& lines) {
  int n = 0;
  for (const std::string& line : lines) {
    n += line.find("\"recorded\":true") != std::string::npos ? 1 : 0;
  }
  return n;
}

// Eight threads, one Session each, ship orders against one cap through one Engine, while
// determine runs beside them: the cap holds exactly as many orders as one thread shipping
// them all in turn records, and the ledger checks clean.
TEST(Sessions, EightThreadsShipAgainstOneCapThroughOneEngine) {
  constexpr int kThreads = 8;
  constexpr int kOrdersEach = 4;
  int sequential = 0;
  {
    TempLedger file("sequential");
    auto engine = OpenEngine(file.Path());
    ASSERT_NE(engine, nullptr);
    std::string all;
    for (int i = 0; i < kThreads * kOrdersEach; ++i) {
      all += Order("S-" + std::to_string(i));
    }
    const Session session(*engine);
    sequential = Recorded(::tg::testing::RunOverMemory(
        all, [&](Source& in, Sink& out) { EXPECT_THAT(session.ShipStream(in, out, {}), IsOk()); }));
  }
  ASSERT_GT(sequential, 0);
  ASSERT_LT(sequential, kThreads * kOrdersEach) << "the cap must refuse some orders";

  TempLedger file("threads");
  auto engine = OpenEngine(file.Path());
  ASSERT_NE(engine, nullptr);
  std::atomic<int> recorded{0};
  std::atomic<int> answered{0};
  std::atomic<int> decided{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const Session session(*engine, {.actor = "clerk-" + std::to_string(t)});
      for (int k = 0; k < kOrdersEach; ++k) {
        const std::string id = "T" + std::to_string(t) + "-" + std::to_string(k);
        auto lines = ::tg::testing::RunOverMemory(Order(id), [&](Source& in, Sink& out) {
          EXPECT_THAT(session.ShipStream(in, out, {}), IsOk());
        });
        recorded += Recorded(lines);
        answered += static_cast<int>(lines.size());
        // A what-if beside the shipments, reading the ledger as it stands.
        auto what_if = ::tg::testing::RunOverMemory(Order("W" + id), [&](Source& in, Sink& out) {
          EXPECT_THAT(engine->DetermineStream(in, out), IsOk());
        });
        decided += static_cast<int>(what_if.size());
      }
    });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  EXPECT_EQ(answered.load(), kThreads * kOrdersEach);
  EXPECT_EQ(decided.load(), kThreads * kOrdersEach);
  EXPECT_EQ(recorded.load(), sequential);
  auto report = Session(*engine).Check();
  ASSERT_THAT(report, IsOk());
  EXPECT_THAT(report->problems, ::testing::IsEmpty());
}

// Each engine keeps the kept lists it read, by their versions: a list another engine (another
// process) keeps later changes the versions, and the first engine's next decision screens
// against the new list, not the one it holds.
TEST(Sessions, AListKeptByAnotherEngineIsScreenedAgainstAtOnce) {
  TempLedger file("lists");
  auto first = OpenEngine(file.Path());
  ASSERT_NE(first, nullptr);
  const std::string order =
      R"({"id": "D-1", "date": "2025-06-01", "regime": "us-ai-diffusion-2025", )"
      R"("consignee": {"id": "C-9", "name": "Aaron Abraham Villa", "country": "US"}, )"
      R"("items": [{"part": "H100", "quantity": 1}]})"
      "\n";
  auto decide = [&](const Engine& engine) {
    auto lines = ::tg::testing::RunOverMemory(order, [&](Source& in, Sink& out) {
      EXPECT_THAT(engine.DetermineStream(in, out), IsOk());
    });
    return lines.size() == 1 ? lines[0] : std::string();
  };
  EXPECT_THAT(decide(*first), ::testing::HasSubstr("AARON ABRAHAM VILLA"));
  EXPECT_THAT(decide(*first), ::testing::HasSubstr("AARON ABRAHAM VILLA"));  // from its cache
  // The DPL again without that entry, kept through a second engine on the same ledger.
  const char* shared = std::getenv("TIERGUARD_SHARED_DATA");
  std::ifstream in(std::string(shared != nullptr ? shared : "../shared/data") +
                   "/sanctions/bis/dpl.txt");
  const std::string without = file.Path() + ".dpl-without.txt";
  {
    std::ofstream out(without);
    for (std::string line; std::getline(in, line);) {
      if (line.find("AARON ABRAHAM VILLA") == std::string::npos) {
        out << line << "\n";
      }
    }
  }
  {
    auto second = Engine::Open({.data_dir = "data", .regimes_dir = "regimes", .db = file.Path()});
    ASSERT_THAT(second, IsOk());
    ASSERT_THAT(Session(**second).LoadScreeningList(without, "DPL"), IsOk());
  }
  std::filesystem::remove(without);
  const std::string after = decide(*first);
  EXPECT_THAT(after, ::testing::Not(::testing::HasSubstr("AARON ABRAHAM VILLA")));
  EXPECT_THAT(after, ::testing::HasSubstr("\"outcome\""));
}

// An engine that reads the kept lists' index while it opens (a command that screens) decides
// as one that reads them at its first batch; one that opens and closes at once, and one whose
// ledger is of no lists, wait for that thread and nothing else.
TEST(Sessions, AnEngineReadingTheListsAsItOpensDecidesTheSame) {
  TempLedger file("prefetch");
  std::string expected;
  {
    auto kept = OpenEngine(file.Path());
    ASSERT_NE(kept, nullptr);
    auto lines = ::tg::testing::RunOverMemory(Order("P-1"), [&](Source& in, Sink& out) {
      EXPECT_THAT(kept->DetermineStream(in, out), IsOk());
    });
    ASSERT_EQ(lines.size(), 1u);
    expected = lines[0];
  }
  const EngineOptions options{
      .data_dir = "data", .regimes_dir = "regimes", .db = file.Path(), .prefetch_screening = true};
  for (int run = 0; run < 3; ++run) {
    auto engine = Engine::Open(options);
    ASSERT_THAT(engine, IsOk());
    auto lines = ::tg::testing::RunOverMemory(Order("P-1"), [&](Source& in, Sink& out) {
      EXPECT_THAT((*engine)->DetermineStream(in, out), IsOk());
    });
    EXPECT_EQ(lines, std::vector<std::string>{expected});
    const Session session(**engine);
    EXPECT_THAT(session.Caps(), IsOk());  // the ledger opened aside is the engine's
  }
  {
    auto closed_at_once = Engine::Open(options);
    ASSERT_THAT(closed_at_once, IsOk());
    (*closed_at_once)->CloseLedger();
    EXPECT_THAT(Session(**closed_at_once).Caps().status(),
                ::tg::testing::StatusIs(StatusCode::kFailedPrecondition));
  }
  TempLedger empty("prefetch_empty");
  auto none = Engine::Open({.data_dir = "data",
                            .regimes_dir = "regimes",
                            .db = empty.Path(),
                            .prefetch_screening = true});
  ASSERT_THAT(none, IsOk());
  EXPECT_THAT(Session(**none).ListParties(), IsOk());
}

// A read that lasts (a determine whose input is still coming) holds no lock a shipment needs:
// the shipment is recorded while the determine waits for its next line.
TEST(Sessions, ALongReadDoesNotHoldUpAShipment) {
  TempLedger file("long_read");
  auto engine = OpenEngine(file.Path());
  ASSERT_NE(engine, nullptr);
  const Session session(*engine);
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  std::FILE* determine_in = ::fdopen(pipe_fds[0], "r");
  std::FILE* determine_out = std::tmpfile();
  ASSERT_NE(determine_in, nullptr);
  ASSERT_NE(determine_out, nullptr);
  FileSource determine_source(determine_in, "pipe");
  FileSink determine_sink(determine_out, "temporary file");
  auto determine = std::async(std::launch::async, [&] {
    return engine->DetermineStream(determine_source, determine_sink).status();
  });
  // The determine has opened its read transaction and waits for its first line.
  const std::string first = Order("D-1");
  ASSERT_EQ(::write(pipe_fds[1], first.data(), first.size()), static_cast<ssize_t>(first.size()));

  auto ship = std::async(std::launch::async, [&] {
    return Recorded(::tg::testing::RunOverMemory(Order("S-1"), [&](Source& in, Sink& out) {
      EXPECT_THAT(session.ShipStream(in, out, {}), IsOk());
    }));
  });
  // Generous: a shipment takes milliseconds; waiting for the determine would take forever.
  const bool shipped = ship.wait_for(std::chrono::seconds(60)) == std::future_status::ready;
  EXPECT_TRUE(shipped) << "the shipment waited for the determine's read transaction";
  ::close(pipe_fds[1]);  // the determine ends (and a waiting shipment goes on)
  EXPECT_THAT(determine.get(), IsOk());
  EXPECT_EQ(ship.get(), 1);
  std::fclose(determine_in);
  std::fclose(determine_out);
}

}  // namespace
}  // namespace tg
