// The HTTP API's routes (../shared/spec/http.md), apart from HTTP itself: a request is a
// method, a path, its query, the headers the API reads and a body; the answer a status, a
// content type and a body. Each route names the permission its caller's key must have; every
// /v1/ call runs in a Session of its own, acting as the key's holder, stamped with the
// request's id. Thread-safe: one Router serves every connection.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tierguard/access.h"
#include "tierguard/engine.h"

namespace tg::server {

struct HttpRequest {
  std::string method;                                     // GET, POST, …
  std::string path;                                       // without the query
  std::map<std::string, std::string, std::less<>> query;  // decoded
  std::string authorization;                              // the Authorization header
  std::string request_id;                                 // X-Request-Id, or one the server made
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

struct RouterOptions {
  std::string log_key;  // the audit log's signing key (its text); empty: no checkpoints
};

class GroupCommitter;
class Metrics;

class Router {
 public:
  Router(const Engine& engine, RouterOptions options);
  ~Router();
  // Answers `request` through `done`: at once for most routes, from the group committer's
  // thread for a one-document shipment (answered when its group is on disk).
  using Done = std::function<void(HttpResponse)>;
  void HandleAsync(const HttpRequest& request, Done done) const;
  // The same, waiting for the answer.
  HttpResponse Handle(const HttpRequest& request) const;

  // The routes, for /openapi.json and its test: method, path pattern ({name} for a path
  // parameter), and the permission it needs (none for the health routes).
  struct RouteInfo {
    std::string method;
    std::string pattern;
    bool authenticated;
    Permission permission;
    std::string summary;
  };
  std::vector<RouteInfo> Routes() const;

 private:
  struct Call;
  using Handler = std::function<HttpResponse(const Call&)>;
  using AsyncHandler = std::function<void(const Call&, Done)>;
  struct Route {
    RouteInfo info;
    std::vector<std::string> segments;  // "{}" matches any one segment
    Handler handler;
    AsyncHandler async;  // instead of handler, when set
  };
  void Add(std::string method, std::string pattern, bool authenticated, Permission permission,
           std::string summary, Handler handler);
  std::string OpenApi() const;
  void AddDecisionRoutes();
  void AddLedgerRoutes();
  void AddAdministrationRoutes();
  void AddAuditRoutes();
  void AddModelRoutes();  // the model registry and transfers
  void AddCloudRoutes();  // customers, usage, training runs

  const Engine& engine_;
  RouterOptions options_;
  std::unique_ptr<GroupCommitter> group_;
  std::unique_ptr<Metrics> metrics_;
  std::vector<Route> routes_;
};

}  // namespace tg::server
