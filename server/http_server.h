// `tierguard serve`'s HTTP/1.1 server (Boost.Beast over Asio; Beast lives in this file's .cc
// alone, it compiles slowly): keep-alive connections on a pool of threads, each request read
// whole within the body limit, checked for nesting depth, handed to the Router, and answered
// with its X-Request-Id; over TLS (OpenSSL) when a certificate is given. One JSON access-log
// line a request goes to stderr. SIGTERM or SIGINT
// stops accepting, lets the requests in flight finish, and returns from Run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "tierguard/status.h"

#include "router.h"

namespace tg::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port
  int threads = 0;       // 0: one per core
  size_t body_limit = size_t{16} << 20;
  int max_depth = 64;  // JSON nesting a body may have
  // HTTPS when set: the PEM certificate (chain) and its private key.
  std::string tls_cert;
  std::string tls_key;
};

class HttpServer {
 public:
  // Binds and listens; the port is chosen by then.
  static Result<std::unique_ptr<HttpServer>> Listen(const Router& router, ServerOptions options);
  ~HttpServer();
  uint16_t port() const;
  // Serves until SIGTERM, SIGINT or Stop(), then waits for the requests in flight.
  void Run();
  void Stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tg::server
