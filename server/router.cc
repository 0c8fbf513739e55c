#include "router.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <ctime>
#include <future>
#include <tuple>

#include "tierguard/api_json.h"
#include "tierguard/io.h"

#include "group_commit.h"
#include "metrics.h"
#include "status_to_http.h"

namespace tg::server {

struct Router::Call {
  const HttpRequest& request;
  std::vector<std::string> params;  // the path's {} segments, in order
  const Session* session;           // null on the health routes
  const ApiKey* key;                // null on the health routes
};

namespace {

HttpResponse Error(const Status& s) {
  return {.status = HttpStatusOf(s.code()), .body = ErrorBody(s)};
}

HttpResponse Json(std::string body, int status = 200) {
  return {.status = status, .body = std::move(body)};
}

template <typename T>
HttpResponse Record(const Result<T>& r, int status = 200) {
  return r ? Json(api::ToJson(*r), status) : Error(r.error());
}

template <typename T>
HttpResponse Listing(const Result<Page<T>>& page) {
  return page ? Json(api::PageJson(api::Encoded(*page), page->next)) : Error(page.error());
}

// Records as a JSON array, or the reason they were refused.
template <typename T>
HttpResponse Records(const Result<std::vector<T>>& r, int status = 200) {
  if (!r) {
    return Error(r.error());
  }
  std::string array = "[";
  for (const T& item : *r) {
    array += (array.size() > 1 ? "," : "") + api::ToJson(item);
  }
  return Json(array + "]", status);
}

HttpResponse Finished(const Status& s, std::string body) {
  return s.ok() ? Json(std::move(body)) : Error(s);
}

std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < path.size()) {
    const size_t slash = path.find('/', at);
    const size_t end = slash == std::string_view::npos ? path.size() : slash;
    if (end > at) {
      out.emplace_back(path.substr(at, end - at));
    }
    at = end + 1;
  }
  return out;
}

// A query parameter that must be a number of type T (`what` names it for the message);
// `fallback` when absent.
template <typename T>
Result<T> Number(const HttpRequest& r, std::string_view key, T fallback, std::string_view what) {
  const auto it = r.query.find(key);
  if (it == r.query.end()) {
    return fallback;
  }
  T n{};
  const std::string& text = it->second;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return InvalidArgument(std::string(key) + ": '" + text + "' is not " + std::string(what));
  }
  return n;
}

Result<uint64_t> Whole(const HttpRequest& r, std::string_view key, uint64_t fallback) {
  return Number<uint64_t>(r, key, fallback, "a whole number");
}

// A number from 0 to 1.
Result<double> Fraction(const HttpRequest& r, std::string_view key, double fallback) {
  TG_ASSIGN_OR_RETURN(const double x, Number<double>(r, key, fallback, "a number"));
  if (!(x >= 0 && x <= 1)) {
    return InvalidArgument(std::string(key) + ": " + r.query.find(key)->second +
                           " is not from 0 to 1");
  }
  return x;
}

std::string Text(const HttpRequest& r, std::string_view key) {
  const auto it = r.query.find(key);
  return it == r.query.end() ? std::string() : it->second;
}

// A query parameter that is a date, YYYY-MM-DD; nullopt when absent.
Result<std::optional<Date>> QueryDate(const HttpRequest& r, std::string_view key) {
  const std::string text = Text(r, key);
  if (text.empty()) {
    return std::optional<Date>();
  }
  auto d = Date::Parse(text);
  if (!d) {
    return d.error().WithPrefix(key);
  }
  return std::optional<Date>(*d);
}

// ?after= and ?limit= (at most 10,000 a page; 100 when not given).
Result<PageRequest> PageOf(const HttpRequest& r) {
  TG_ASSIGN_OR_RETURN(const uint64_t limit, Whole(r, "limit", 100));
  if (limit == 0 || limit > 10000) {
    return InvalidArgument("limit: 1 to 10000");
  }
  return PageRequest{.after = Text(r, "after"), .limit = static_cast<size_t>(limit)};
}

// The answer to a body of one document: 200 with it, or, when it is an error object
// ({"id":…,"error":{"code":"CODE",…}}, never a decision: those have an outcome), that error's
// status.
HttpResponse OneAnswer(std::string line) {
  constexpr std::string_view kCode = "\"error\":{\"code\":\"";
  const size_t at = line.find(kCode);
  if (at == std::string::npos || line.find("\"outcome\"") != std::string::npos) {
    return Json(std::move(line));
  }
  const size_t from = at + kCode.size();
  const std::string code = line.substr(from, line.find('"', from) - from);
  int status = 400;
  for (int c = 0; c <= static_cast<int>(StatusCode::kInternal); ++c) {
    if (StatusCodeName(static_cast<StatusCode>(c)) == code) {
      status = HttpStatusOf(static_cast<StatusCode>(c));
    }
  }
  return Json(std::move(line), status);
}

// A body of one document is answered with one answer; an array with an array of them. A single
// document refused is answered with its error's status.
HttpResponse Streamed(const HttpRequest& r,
                      const std::function<Result<StreamStats>(Source&, Sink&)>& run,
                      Metrics* decisions = nullptr) {
  StringSource in(r.body);
  StringSink out;
  auto stats = run(in, out);
  if (!stats) {
    return Error(stats.error());
  }
  if (decisions != nullptr) {
    decisions->CountDecisions(out.text());
  }
  std::string_view text = out.text();
  const size_t first = r.body.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && r.body[first] == '[') {
    std::string array = "[";
    while (!text.empty()) {
      const size_t nl = text.find('\n');
      array += text.substr(0, nl);
      text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
      if (!text.empty()) {
        array += ',';
      }
    }
    array += ']';
    return Json(std::move(array));
  }
  if (stats->lines == 0) {
    return Error(InvalidArgument("the body holds no document"));
  }
  return OneAnswer(std::string(text.substr(0, text.find('\n'))));
}

// A country a body names; one no table knows is the body's error (400), not a missing
// resource.
Result<Country> BodyCountry(const Engine& engine, std::string_view text, std::string_view field) {
  auto country = engine.ParseCountry(text);
  if (!country) {
    return InvalidArgument(std::string(field) + ": " + country.error().message());
  }
  return *country;
}

Date Today() { return Date::FromDays(static_cast<int32_t>(std::time(nullptr) / 86400)); }

}  // namespace

Router::Router(const Engine& engine, RouterOptions options)
    : engine_(engine),
      options_(std::move(options)),
      group_(std::make_unique<GroupCommitter>(engine, 1024)),
      metrics_(std::make_unique<Metrics>()) {
  Add("GET", "/healthz", false, Permission::kRead, "the process is alive",
      [](const Call&) { return Json(R"({"status":"ok"})"); });
  Add("GET", "/readyz", false, Permission::kRead,
      "the rules are loaded and the ledger answers: 200, else 503", [this](const Call&) {
        Status s = engine_.RegimesStatus();
        if (s.ok()) {
          s = engine_.LedgerHasKeys().status();
        }
        return s.ok() ? Json(R"({"status":"ready"})")
                      : HttpResponse{.status = 503, .body = ErrorBody(s)};
      });
  Add("GET", "/metrics", false, Permission::kRead,
      "requests, latencies, decisions, cap usage, the log's size and the kept lists, in "
      "Prometheus' text format",
      [this](const Call&) {
        const Session reader(engine_, {.actor = "metrics"});
        return HttpResponse{.content_type = "text/plain; version=0.0.4; charset=utf-8",
                            .body = metrics_->Text(reader)};
      });
  AddDecisionRoutes();
  AddLedgerRoutes();
  AddAdministrationRoutes();
  AddAuditRoutes();
  AddModelRoutes();
  AddCloudRoutes();
  Add("GET", "/openapi.json", false, Permission::kRead,
      "this API described in OpenAPI 3.1, made from the route table",
      [](const Call&) { return Json(""); });  // replaced below, once every route is in
  const std::string document = OpenApi();
  routes_.back().handler = [document](const Call&) { return Json(document); };
}

std::string Router::OpenApi() const {
  // Paths in the order first served; each method's operation names its permission.
  std::vector<std::string> paths;
  for (const Route& r : routes_) {
    if (std::find(paths.begin(), paths.end(), r.info.pattern) == paths.end()) {
      paths.push_back(r.info.pattern);
    }
  }
  std::string out =
      R"({"openapi":"3.1.0","info":{"title":"tierguard","version":"1"},)"
      R"("components":{"securitySchemes":{"key":{"type":"http","scheme":"bearer"}}},"paths":{)";
  for (size_t p = 0; p < paths.size(); ++p) {
    out += (p == 0 ? "" : ",") + api::QuoteJson(paths[p]) + ":{";
    bool first = true;
    for (const Route& r : routes_) {
      if (r.info.pattern != paths[p]) {
        continue;
      }
      std::string method = r.info.method;
      std::transform(method.begin(), method.end(), method.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      out += (first ? "" : ",") + api::QuoteJson(method) +
             ":{\"summary\":" + api::QuoteJson(r.info.summary);
      first = false;
      std::string parameters;
      for (const std::string& segment : Split(r.info.pattern)) {
        if (segment.starts_with('{')) {
          parameters +=
              (parameters.empty() ? "" : ",") +
              std::string(R"({"in":"path","required":true,"schema":{"type":"string"},"name":)") +
              api::QuoteJson(segment.substr(1, segment.size() - 2)) + "}";
        }
      }
      if (!parameters.empty()) {
        out += ",\"parameters\":[" + parameters + "]";
      }
      if (r.info.authenticated) {
        out += R"(,"security":[{"key":[]}],"x-tierguard-permission":)" +
               api::QuoteJson(PermissionName(r.info.permission));
      } else {
        out += R"(,"security":[])";
      }
      out += R"(,"responses":{"200":{"description":"the answer"},"default":{"description":)"
             R"("an error: {\"error\": {\"code\", \"message\"}}"}}})";
    }
    out += "}";
  }
  out += "}}";
  return out;
}

Router::~Router() = default;

void Router::Add(std::string method, std::string pattern, bool authenticated, Permission permission,
                 std::string summary, Handler handler) {
  std::vector<std::string> segments = Split(pattern);
  for (std::string& s : segments) {
    if (s.starts_with('{')) {
      s = "{}";
    }
  }
  routes_.push_back(
      {{std::move(method), std::move(pattern), authenticated, permission, std::move(summary)},
       std::move(segments),
       std::move(handler)});
}

std::vector<Router::RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> out;
  for (const Route& r : routes_) {
    out.push_back(r.info);
  }
  return out;
}

HttpResponse Router::Handle(const HttpRequest& request) const {
  std::promise<HttpResponse> answer;
  auto ready = answer.get_future();
  HandleAsync(request, [&answer](HttpResponse r) { answer.set_value(std::move(r)); });
  return ready.get();
}

void Router::HandleAsync(const HttpRequest& request, Done answer) const {
  // Every answer is counted under its route's pattern, whenever and wherever it is made.
  auto route_label = std::make_shared<std::string>("unmatched");
  Done done = [this, route_label, method = request.method, start = std::chrono::steady_clock::now(),
               answer = std::move(answer)](HttpResponse r) {
    metrics_->CountRequest(
        *route_label, method, r.status,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    answer(std::move(r));
  };
  const std::vector<std::string> segments = Split(request.path);
  bool path_known = false;
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) {
      continue;
    }
    Call call{request, {}, nullptr, nullptr};
    bool match = true;
    for (size_t i = 0; i < segments.size() && match; ++i) {
      if (route.segments[i] == "{}") {
        call.params.push_back(segments[i]);
      } else {
        match = route.segments[i] == segments[i];
      }
    }
    if (!match) {
      continue;
    }
    path_known = true;
    if (route.info.method != request.method) {
      continue;
    }
    *route_label = route.info.pattern;
    if (!route.info.authenticated) {
      done(route.handler(call));
      return;
    }
    constexpr std::string_view kBearer = "Bearer ";
    if (!request.authorization.starts_with(kBearer)) {
      done(Error(Unauthenticated("this call needs Authorization: Bearer KEY")));
      return;
    }
    auto key = engine_.Authenticate(std::string_view(request.authorization).substr(kBearer.size()));
    if (!key) {
      done(Error(key.error()));
      return;
    }
    if (!Allows(key->role, route.info.permission)) {
      done(Error(PermissionDenied("key '" + key->name + "' (" + std::string(RoleName(key->role)) +
                                  ") may not " + route.info.summary)));
      return;
    }
    const Session session(engine_, {.actor = key->name, .request_id = request.request_id});
    call.session = &session;
    call.key = &*key;
    if (route.async) {
      route.async(call, std::move(done));
    } else {
      done(route.handler(call));
    }
    return;
  }
  if (path_known) {
    done({.status = 405,
          .body = ErrorBody("method_not_allowed",
                            request.method + " is not served on " + request.path)});
    return;
  }
  done({.status = 404, .body = ErrorBody("not_found", "no route " + request.path)});
}

void Router::AddDecisionRoutes() {
  Add("POST", "/v1/determine", true, Permission::kRead,
      "decide requests (one, or an array); records nothing", [this](const Call& c) {
        return Streamed(
            c.request, [this](Source& in, Sink& out) { return engine_.DetermineStream(in, out); },
            metrics_.get());
      });
  Add("POST", "/v1/screen", true, Permission::kRead,
      "screen names (one query, or an array) against the lists kept in the ledger; "
      "?threshold=0.80&limit=10",
      [](const Call& c) {
        auto threshold = Fraction(c.request, "threshold", kDefaultScreeningThreshold);
        auto limit = Whole(c.request, "limit", 10);
        if (!threshold || !limit) {
          return Error(!threshold ? threshold.error() : limit.error());
        }
        if (*limit == 0 || *limit > 1000) {
          return Error(InvalidArgument("limit: 1 to 1000"));
        }
        // `screen` reads bare names a line too; a caller of the API sends JSON.
        const size_t first = c.request.body.find_first_not_of(" \t\r\n");
        if (first == std::string::npos ||
            (c.request.body[first] != '{' && c.request.body[first] != '[')) {
          return Error(InvalidArgument("the body is a query object or an array of them"));
        }
        return Streamed(c.request, [&](Source& in, Sink& out) {
          return c.session->ScreenKept(in, out, *threshold, static_cast<size_t>(*limit));
        });
      });
  Add("POST", "/v1/classify", true, Permission::kRead,
      "classify items (one, or an array); ?as_of=DATE&regime=ID", [this](const Call& c) {
        auto as_of_given = QueryDate(c.request, "as_of");
        if (!as_of_given) {
          return Error(as_of_given.error());
        }
        const Date as_of = as_of_given->value_or(Today());
        const std::string regime = Text(c.request, "regime");
        return Streamed(c.request, [&](Source& in, Sink& out) {
          return engine_.ClassifyStream(in, out, as_of, regime);
        });
      });
  for (const bool reserve : {false, true}) {
    Add("POST", reserve ? "/v1/reservations" : "/v1/shipments", true, Permission::kRecord,
        reserve ? "decide requests and hold the allowed ones; ?expires_in=HOURS (default 72)"
                : "decide requests and record the allowed ones (one a call: committed with the "
                  "calls that arrive with it)",
        [this, reserve](const Call& c) {
          ShipOptions options{.batch_size = 1000000, .reserve = reserve};
          if (reserve) {
            auto hours = Whole(c.request, "expires_in", 72);
            if (!hours || *hours > 876600) {
              return Error(hours ? InvalidArgument("expires_in: at most 876600 hours")
                                 : hours.error());
            }
            options.expires_at = c.session->clock().NowUnix() + static_cast<int64_t>(*hours) * 3600;
          }
          return Streamed(
              c.request,
              [&](Source& in, Sink& out) { return c.session->ShipStream(in, out, options); },
              metrics_.get());
        });
  }
  // One document a call is committed with the calls that arrive with it; an array is a batch
  // of its own already.
  const size_t shipments = routes_.size() - 2;  // added first of the two just above
  routes_[shipments].async = [this, shipments](const Call& c, Done done) {
    const size_t first = c.request.body.find_first_not_of(" \t\r\n");
    if (first == std::string::npos || c.request.body[first] != '{') {
      done(routes_[shipments].handler(c));
      return;
    }
    group_->Submit(c.request.body, c.key->name, c.request.request_id,
                   [this, done = std::move(done)](Result<std::string> answer) {
                     if (answer) {
                       metrics_->CountDecisions(*answer);
                     }
                     done(answer ? OneAnswer(std::move(*answer)) : Error(answer.error()));
                   });
  };
  for (const bool commit : {true, false}) {
    Add("POST", commit ? "/v1/reservations/{id}/commit" : "/v1/reservations/{id}/release", true,
        Permission::kRecord, commit ? "commit a held reservation" : "release a held reservation",
        [commit](const Call& c) {
          const std::string& id = c.params[0];
          const Status s =
              commit ? c.session->CommitReservation(id) : c.session->ReleaseReservation(id);
          return Finished(
              s, api::FieldsJson({{"id", id}, {"state", commit ? "committed" : "released"}}));
        });
  }
}

void Router::AddLedgerRoutes() {
  auto listing = [this](std::string path, std::string summary, auto list) {
    Add("GET", std::move(path), true, Permission::kRead, std::move(summary), [list](const Call& c) {
      auto page = PageOf(c.request);
      if (!page) {
        return Error(page.error());
      }
      return Listing(((*c.session).*list)(*page));
    });
  };
  listing("/v1/caps", "list every cap with its usage and limits", &Session::Caps);
  listing("/v1/licenses", "list the licences and their balances", &Session::ListLicenses);
  listing("/v1/applications", "list the licence applications", &Session::ListApplications);
  listing("/v1/agreements", "list the agreements", &Session::ListAgreements);
  listing("/v1/veus", "list the VEU authorisations", &Session::ListVeus);
  listing("/v1/notifications", "list the NAC notifications", &Session::ListNotifications);
  listing("/v1/parties", "list the parties", &Session::ListParties);
  listing("/v1/alerts", "list the alerts", &Session::Alerts);
  listing("/v1/lists", "list the kept screening lists", &Session::ScreeningLists);
  listing("/v1/hits", "list the cleared screening hits", &Session::ClearedHits);
  listing("/v1/hits/open", "list the hits no clearance covers", &Session::OpenHits);
  Add("GET", "/v1/licenses/{number}", true, Permission::kRead, "show a licence and its balances",
      [](const Call& c) { return Record(c.session->ShowLicense(c.params[0])); });
  Add("GET", "/v1/applications/{id}", true, Permission::kRead, "show a licence application",
      [](const Call& c) { return Record(c.session->ShowApplication(c.params[0])); });
  Add("GET", "/v1/parties/{id}", true, Permission::kRead, "show a party, its links and group",
      [](const Call& c) { return Record(c.session->ShowParty(c.params[0])); });
  for (const bool reservations : {false, true}) {
    Add("GET", reservations ? "/v1/reservations" : "/v1/shipments", true, Permission::kRead,
        reservations ? "list the reservations; ?consignee=&state=&from=&to="
                     : "list the shipments; ?consignee=&from=&to=",
        [reservations](const Call& c) {
          auto page = PageOf(c.request);
          if (!page) {
            return Error(page.error());
          }
          MovementFilter filter{.reservations = reservations,
                                .consignee = Text(c.request, "consignee")};
          if (const std::string state = Text(c.request, "state"); !state.empty()) {
            MovementState s{};
            if (!ParseState(state, s)) {
              return Error(InvalidArgument("state: '" + state + "' is no state"));
            }
            filter.state = s;
          }
          for (auto [key, field] : {std::pair{"from", &filter.from}, {"to", &filter.to}}) {
            auto d = QueryDate(c.request, key);
            if (!d) {
              return Error(d.error());
            }
            *field = *d;
          }
          return Listing(c.session->ListMovements(filter, *page));
        });
  }

  Add("POST", "/v1/applications", true, Permission::kRecord,
      "apply for a licence as the key's holder", [this](const Call& c) {
        auto body = api::ParseApplicationBody(c.request.body);
        if (!body) {
          return Error(body.error());
        }
        auto destination = BodyCountry(engine_, body->destination, "destination");
        if (!destination) {
          return Error(destination.error());
        }
        const LicenseApplication app{.id = body->id,
                                     .regime = body->regime,
                                     .eccns = body->eccns,
                                     .destination = *destination,
                                     .consignee = body->consignee,
                                     .quantity = body->quantity,
                                     .value_usd = body->value_usd,
                                     .tpp = body->tpp,
                                     .valid_from = body->from,
                                     .valid_to = body->to};
        auto id = c.session->ApplyForLicense(app, body->submit);
        if (!id) {
          return Error(id.error());
        }
        auto made = c.session->ShowApplication(*id);
        return made ? Json(api::ToJson(*made), 201) : Error(made.error());
      });
  Add("POST", "/v1/applications/{id}/submit", true, Permission::kRecord,
      "submit a draft application", [](const Call& c) {
        return Finished(c.session->SubmitApplication(c.params[0]),
                        api::FieldsJson({{"id", c.params[0]}, {"state", "submitted"}}));
      });
  Add("POST", "/v1/applications/{id}/approve", true, Permission::kDecide,
      "approve an application someone else requested", [](const Call& c) {
        auto body = api::ParseApprovalBody(c.request.body);
        if (!body) {
          return Error(body.error());
        }
        auto number = c.session->ApproveApplication(c.params[0], body->number, body->valid_from);
        if (!number) {
          return Error(number.error());
        }
        return Json(
            api::FieldsJson({{"id", c.params[0]}, {"state", "approved"}, {"license", *number}}));
      });
  for (const bool deny : {true, false}) {
    Add("POST", deny ? "/v1/applications/{id}/deny" : "/v1/applications/{id}/return", true,
        Permission::kDecide, deny ? "deny an application" : "return an application without action",
        [deny](const Call& c) {
          auto reason = api::ParseReasonBody(c.request.body);
          if (!reason) {
            return Error(reason.error());
          }
          const Status s = deny ? c.session->DenyApplication(c.params[0], *reason)
                                : c.session->ReturnApplication(c.params[0], *reason);
          return Finished(
              s, api::FieldsJson({{"id", c.params[0]},
                                  {"state", deny ? "denied" : "returned_without_action"}}));
        });
  }

  Add("GET", "/v1/keys", true, Permission::kManageKeys, "list the keys (never their secrets)",
      [](const Call& c) {
        auto page = PageOf(c.request);
        return page ? Listing(c.session->ListKeys(*page)) : Error(page.error());
      });
  Add("POST", "/v1/keys", true, Permission::kManageKeys, "make a key, shown once",
      [](const Call& c) {
        auto body = api::ParseKeyBody(c.request.body);
        if (!body) {
          return Error(body.error());
        }
        auto key = c.session->AddKey(body->name, body->role);
        if (!key) {
          return Error(key.error());
        }
        return Json(
            api::FieldsJson({{"name", body->name}, {"role", RoleName(body->role)}, {"key", *key}}),
            201);
      });
  Add("POST", "/v1/keys/{name}/revoke", true, Permission::kManageKeys,
      "revoke a key: refused from now on", [](const Call& c) {
        return Finished(c.session->RevokeKey(c.params[0]),
                        api::FieldsJson({{"name", c.params[0]}, {"state", "revoked"}}));
      });
}

// What officers record: licences BIS issued, parties and their links, agreements, the kept
// screening lists, and clearances of false hits.
void Router::AddAdministrationRoutes() {
  Add("POST", "/v1/licenses", true, Permission::kAdminister, "record a licence BIS issued",
      [this](const Call& c) {
        auto body = api::ParseLicenseBody(c.request.body);
        if (!body) {
          return Error(body.error());
        }
        auto destination = BodyCountry(engine_, body->destination, "destination");
        if (!destination) {
          return Error(destination.error());
        }
        const License license{.number = body->number,
                              .regime = body->regime,
                              .eccns = body->eccns,
                              .destination = *destination,
                              .consignee = body->consignee,
                              .quantity_limit = body->quantity,
                              .value_limit_usd = body->value_usd,
                              .tpp_limit = body->tpp,
                              .valid_from = body->from,
                              .valid_to = body->to,
                              .conditions = body->conditions};
        if (const Status s = c.session->AddLicense(license); !s.ok()) {
          return Error(s);
        }
        return Record(c.session->ShowLicense(license.number), 201);
      });
  Add("POST", "/v1/licenses/{number}/revoke", true, Permission::kAdminister,
      "revoke a licence: no later order is licensed under it", [](const Call& c) {
        auto reason = api::ParseReasonBody(c.request.body);
        if (!reason) {
          return Error(reason.error());
        }
        const Status s = c.session->RevokeLicense(c.params[0], *reason);
        return s.ok() ? Record(c.session->ShowLicense(c.params[0])) : Error(s);
      });
  Add("POST", "/v1/parties", true, Permission::kAdminister,
      "record a party; it is screened against the kept lists at once", [this](const Call& c) {
        auto body = api::ParsePartyBody(c.request.body);
        if (!body) {
          return Error(body.error());
        }
        auto country = BodyCountry(engine_, body->country, "country");
        if (!country) {
          return Error(country.error());
        }
        const PartyRecord party{.id = body->id,
                                .name = body->name,
                                .country = *country,
                                .address = body->address,
                                .beneficial_owners = body->beneficial_owners};
        if (auto alerts = c.session->AddParty(party); !alerts) {
          return Error(alerts.error());
        }
        return Record(c.session->ShowParty(party.id), 201);
      });
  Add("POST", "/v1/parties/{id}/links", true, Permission::kAdminister,
      "link a party to another (owns, shares_address, shares_owner)", [](const Call& c) {
        auto body = api::ParseLinkBody(c.request.body);
        if (!body) {
          return Error(body.error());
        }
        const Status s = c.session->LinkParties(
            {.from = c.params[0], .to = body->to, .kind = body->kind, .share = body->share});
        return s.ok() ? Record(c.session->ShowParty(c.params[0]), 201) : Error(s);
      });
  Add("POST", "/v1/agreements", true, Permission::kAdminister,
      "record a government-to-government agreement raising a cap", [this](const Call& c) {
        auto body = api::ParseAgreementBody(c.request.body);
        if (!body) {
          return Error(body.error());
        }
        auto country = BodyCountry(engine_, body->country, "country");
        if (!country) {
          return Error(country.error());
        }
        Agreement agreement{.id = body->id,
                            .country = *country,
                            .cap = body->cap,
                            .increase = body->increase,
                            .from = body->from,
                            .citation = body->citation};
        if (body->to) {
          agreement.to = *body->to;
        }
        const Status s = c.session->AddAgreement(agreement);
        return s.ok() ? Json(api::ToJson(agreement), 201) : Error(s);
      });
  Add("POST", "/v1/veus", true, Permission::kAdminister,
      "record a Validated End-User authorisation (universal or national)", [this](const Call& c) {
        auto body = api::ParseVeuBody(c.request.body);
        if (!body) {
          return Error(body.error());
        }
        Veu veu{.id = body->id,
                .kind = body->kind,
                .holder = body->holder,
                .regime = body->regime,
                .eccns = body->eccns,
                .locations = body->locations,
                .limit_tpp = body->limit_tpp,
                .total_tpp = body->total_tpp,
                .tier2_share = body->tier2_share,
                .country_share = body->country_share,
                .valid_from = body->from};
        for (auto [text, field, out] :
             {std::tuple{&body->headquarters, "headquarters", &veu.headquarters},
              std::tuple{&body->parent_headquarters, "parent_headquarters",
                         &veu.parent_headquarters},
              std::tuple{&body->country, "country", &veu.country}}) {
          if (!text->empty()) {
            auto country = BodyCountry(engine_, *text, field);
            if (!country) {
              return Error(country.error());
            }
            *out = *country;
          }
        }
        if (body->to) {
          veu.valid_to = *body->to;
        }
        const Status s = c.session->AddVeu(veu);
        return s.ok() ? Json(api::ToJson(veu), 201) : Error(s);
      });
  Add("POST", "/v1/notifications", true, Permission::kAdminister,
      "record a License Exception NAC notification filed with BIS", [this](const Call& c) {
        auto body = api::ParseNotificationBody(c.request.body);
        if (!body) {
          return Error(body.error());
        }
        auto destination = BodyCountry(engine_, body->destination, "destination");
        if (!destination) {
          return Error(destination.error());
        }
        const Notification n{.id = body->id,
                             .party = body->party,
                             .destination = *destination,
                             .filed = body->filed,
                             .quantity_limit = body->quantity,
                             .value_limit_usd = body->value_usd};
        const Status s = c.session->FileNotification(n);
        return s.ok() ? Json(api::FieldsJson({{"id", n.id}, {"state", "filed"}}), 201) : Error(s);
      });
  for (const bool confirm : {true, false}) {
    Add("POST", confirm ? "/v1/notifications/{id}/confirm" : "/v1/notifications/{id}/refuse", true,
        Permission::kAdminister,
        confirm ? "BIS confirmed a notification: {\"confirmation\", \"date\"}"
                : "BIS refused a notification: {\"date\"}",
        [confirm](const Call& c) {
          auto body = api::ParseAnswerBody(c.request.body, confirm);
          if (!body) {
            return Error(body.error());
          }
          const Status s =
              confirm ? c.session->ConfirmNotification(c.params[0], body->confirmation, body->date)
                      : c.session->RefuseNotification(c.params[0], body->date);
          return Finished(s, api::FieldsJson({{"id", c.params[0]},
                                              {"state", confirm ? "confirmed" : "refused"}}));
        });
  }
  Add("PUT", "/v1/lists/{name}", true, Permission::kAdminister,
      "keep a screening list (the body: a list file, any format screen reads) under a name; "
      "the parties on record are screened against what it adds or changes",
      [](const Call& c) {
        auto summary = c.session->LoadScreeningListText("PUT /v1/lists/" + c.params[0],
                                                        c.request.body, c.params[0]);
        return summary ? Json(std::move(*summary)) : Error(summary.error());
      });
  Add("POST", "/v1/hits/clear", true, Permission::kAdminister,
      "clear a party's hit on a list entry as a false positive", [this](const Call& c) {
        auto body = api::ParseClearanceBody(c.request.body);
        if (!body) {
          return Error(body.error());
        }
        HitClearance clearance{.party_id = body->party_id,
                               .party_name = body->party_name,
                               .birth_date = body->birth_date,
                               .entry_id = body->entry,
                               .reason = body->reason,
                               .expires = body->expires};
        if (!body->country.empty()) {
          auto country = BodyCountry(engine_, body->country, "country");
          if (!country) {
            return Error(country.error());
          }
          clearance.country = *country;
        }
        return Finished(c.session->ClearHit(clearance),
                        api::FieldsJson({{"entry", body->entry}, {"state", "cleared"}}));
      });
}

void Router::AddAuditRoutes() {
  Add("GET", "/v1/audit/checkpoint", true, Permission::kAudit,
      "the signed checkpoint (a C2SP signed note)", [this](const Call& c) {
        if (options_.log_key.empty()) {
          return Error(FailedPrecondition("the server was started without --log-key"));
        }
        auto note = c.session->AuditCheckpoint(options_.log_key);
        return note ? HttpResponse{.content_type = "text/plain; charset=utf-8", .body = *note}
                    : Error(note.error());
      });
  Add("GET", "/v1/audit/proof", true, Permission::kAudit,
      "the inclusion proof (C2SP tlog-proof) of ?id=REQUEST_ID's record", [this](const Call& c) {
        const std::string id = Text(c.request, "id");
        if (id.empty()) {
          return Error(InvalidArgument("id: required"));
        }
        auto proof = c.session->AuditProve(id, options_.log_key);
        return proof ? HttpResponse{.content_type = "text/plain; charset=utf-8", .body = *proof}
                     : Error(proof.error());
      });
  Add("GET", "/v1/audit/records", true, Permission::kAudit, "records [?from, ?to) as JSON Lines",
      [](const Call& c) {
        auto from = Whole(c.request, "from", 0);
        auto to = Whole(c.request, "to", 0);
        if (!from || !to) {
          return Error(!from ? from.error() : to.error());
        }
        auto records = c.session->AuditRecords(*from, *to);
        if (!records) {
          return Error(records.error());
        }
        std::string body;
        for (const std::string& r : *records) {
          body += r;
          body += '\n';
        }
        return HttpResponse{.content_type = "application/x-ndjson", .body = std::move(body)};
      });
}

void Router::AddModelRoutes() {
  Add("POST", "/v1/models", true, Permission::kAdminister,
      "add or update models (the body: model records, JSON Lines)", [](const Call& c) {
        StringSource in(c.request.body);
        return Records(c.session->AddModels(in));
      });
  Add("GET", "/v1/models", true, Permission::kRead, "list the models in the registry",
      [](const Call& c) {
        auto page = PageOf(c.request);
        return page ? Listing(c.session->ListModels(*page)) : Error(page.error());
      });
  Add("GET", "/v1/models/{id}", true, Permission::kRead,
      "show a model with its operations and lineage",
      [](const Call& c) { return Record(c.session->ShowModel(c.params[0])); });
  Add("GET", "/v1/models/{id}/classification", true, Permission::kRead,
      "classify a model per regime; ?regime=&as_of=", [](const Call& c) {
        auto as_of_given = QueryDate(c.request, "as_of");
        if (!as_of_given) {
          return Error(as_of_given.error());
        }
        const Date as_of = as_of_given->value_or(Today());
        return Records(
            c.session->ClassifyRegisteredModel(c.params[0], Text(c.request, "regime"), as_of));
      });
  Add("POST", "/v1/transfers", true, Permission::kRecord,
      "request transfers of model weights or hosted access (the body: JSON Lines); each is "
      "decided, logged, and left pending or refused",
      [](const Call& c) {
        StringSource in(c.request.body);
        return Records(c.session->RequestTransfers(in), 201);
      });
  Add("POST", "/v1/transfers/{id}/approve", true, Permission::kDecide,
      "approve a transfer someone else requested",
      [](const Call& c) { return Record(c.session->ApproveTransfer(c.params[0])); });
  Add("POST", "/v1/transfers/{id}/deny", true, Permission::kDecide, "deny a pending transfer",
      [](const Call& c) {
        auto reason = api::ParseReasonBody(c.request.body);
        if (!reason) {
          return Error(reason.error());
        }
        return Record(c.session->DenyTransfer(c.params[0], *reason));
      });
  Add("GET", "/v1/transfers", true, Permission::kRead,
      "list the transfers; ?state=", [](const Call& c) {
        auto page = PageOf(c.request);
        if (!page) {
          return Error(page.error());
        }
        std::optional<TransferState> state;
        if (const std::string text = Text(c.request, "state"); !text.empty()) {
          TransferState s;
          if (!ParseTransferState(text, s)) {
            return Error(InvalidArgument("state: '" + text +
                                         "' is not pending, approved, denied or refused"));
          }
          state = s;
        }
        return Listing(c.session->ListTransfers(*page, state));
      });
}

void Router::AddCloudRoutes() {
  Add("POST", "/v1/kyc/customers", true, Permission::kAdminister,
      "add or update customers (the body: CIP records, JSON Lines); each is screened and "
      "judged per regime for controlled compute",
      [](const Call& c) {
        StringSource in(c.request.body);
        return Records(c.session->AddCustomers(in));
      });
  Add("GET", "/v1/kyc/customers", true, Permission::kRead, "list the customers", [](const Call& c) {
    auto page = PageOf(c.request);
    return page ? Listing(c.session->ListCustomers(*page)) : Error(page.error());
  });
  Add("GET", "/v1/kyc/customers/{id}", true, Permission::kRead,
      "show a customer, its linked customers and its standing",
      [](const Call& c) { return Record(c.session->ShowCustomer(c.params[0])); });
  Add("POST", "/v1/usage", true, Permission::kRecord,
      "ingest usage records (the body: JSON Lines, or CSV with ?format=csv) and report the "
      "training runs they complete",
      [](const Call& c) {
        std::string format = Text(c.request, "format");
        StringSource in(c.request.body);
        return Record(
            c.session->IngestUsage(in, format.empty() ? "jsonl" : format, "POST /v1/usage"));
      });
  Add("GET", "/v1/kyc/runs", true, Permission::kRead,
      "the training runs reported, as a JSON array; ?from=&to=", [](const Call& c) {
        auto from = QueryDate(c.request, "from");
        auto to = QueryDate(c.request, "to");
        if (!from || !to) {
          return Error(!from ? from.error() : to.error());
        }
        auto runs = c.session->TrainingRuns(*from, *to);
        if (!runs) {
          return Error(runs.error());
        }
        std::string array = "[";
        for (const std::string& r : *runs) {
          array += (array.size() > 1 ? "," : "") + r;
        }
        return Json(array + "]");
      });
  Add("GET", "/v1/kyc/runs/{id}", true, Permission::kRead, "the report of one training run",
      [](const Call& c) {
        auto report = c.session->TrainingRunReport(c.params[0]);
        return report ? Json(std::move(*report)) : Error(report.error());
      });
}

}  // namespace tg::server
