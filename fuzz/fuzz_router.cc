// libFuzzer target: the HTTP API's router on arbitrary requests. The input is a request line
// ("METHOD /path?query", up to the first newline) then the body; calls alternate between the
// fuzzer's own Authorization text and a real admin key, so that every route's handler and body
// reader are reached. Any input must get an answer with a status the API uses and a JSON error
// body for an error, never a crash, a sanitizer report or an exception.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "tierguard/engine.h"

#include "router.h"

namespace {

struct Fixture {
  std::unique_ptr<tg::Engine> engine;
  std::string key;
  std::unique_ptr<tg::server::Router> router;
};

Fixture& Get() {
  static Fixture* f = [] {
    const char* home = std::getenv("TIERGUARD_HOME");
    const std::string root = home != nullptr ? home : ".";
    auto engine = tg::Engine::Open(
        {.data_dir = root + "/data", .regimes_dir = root + "/regimes", .db = "memory"});
    if (!engine) {
      __builtin_trap();  // set TIERGUARD_HOME to the repository
    }
    auto* fixture = new Fixture{std::move(*engine), "", nullptr};
    auto key = tg::Session(*fixture->engine).AddKey("fuzz", tg::Role::kAdmin);
    if (!key) {
      __builtin_trap();
    }
    fixture->key = *key;
    fixture->router =
        std::make_unique<tg::server::Router>(*fixture->engine, tg::server::RouterOptions{});
    return fixture;
  }();
  return *f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Fixture& f = Get();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nl = input.find('\n');
  const std::string_view line = input.substr(0, nl);
  tg::server::HttpRequest r;
  const size_t space = line.find(' ');
  r.method = std::string(line.substr(0, space));
  std::string_view target = space == std::string_view::npos ? "" : line.substr(space + 1);
  const size_t q = target.find('?');
  r.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) {
    std::string_view query = target.substr(q + 1);
    const size_t eq = query.find('=');
    r.query[std::string(query.substr(0, eq))] =
        eq == std::string_view::npos ? "" : std::string(query.substr(eq + 1));
  }
  r.authorization = (size % 2 == 0) ? "Bearer " + f.key : std::string(line.substr(0, 40));
  r.request_id = "fuzz";
  r.body = nl == std::string_view::npos ? "" : std::string(input.substr(nl + 1));
  const tg::server::HttpResponse answer = f.router->Handle(r);
  const int s = answer.status;
  const bool known = s == 200 || s == 201 || s == 400 || s == 401 || s == 403 || s == 404 ||
                     s == 405 || s == 409 || s == 413 || s == 500 || s == 503;
  if (!known || (s >= 400 && answer.body.find("\"error\"") == std::string::npos)) {
    __builtin_trap();
  }
  return 0;
}
