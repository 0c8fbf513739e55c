// tierguard serve: the HTTP API (../shared/spec/http.md) over the same engine.
#include <cstdio>
#include <memory>
#include <string>

#include "app.h"
#include "http_server.h"
#include "output.h"
#include "router.h"

namespace tg::cli {

namespace {

constexpr const char* kServeFooter = R"(
Prints one line, "listening on http://HOST:PORT" (https with --tls-cert), when it is ready (port
0 picks a free one).
Every /v1/ call carries "Authorization: Bearer KEY" (tierguard keys add) and acts as the key's
holder, within its role. SIGTERM or SIGINT: stop accepting, finish the requests in flight, exit 0.)";

}  // namespace

void AddServeCommand(CLI::App& app, CommandTable& table) {
  struct Options {
    std::string listen = "127.0.0.1:8080";
    uint64_t threads = 0;
    std::string tls_cert;
    std::string tls_key;
    std::string log_key;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("serve", "serve the HTTP API on the ledger");
  cmd->footer(kServeFooter);
  AddText(cmd, "--listen", o->listen, "where to listen (default 127.0.0.1:8080)")
      ->type_name("HOST:PORT");
  AddIndex(cmd, "--threads", o->threads, "threads serving requests (default: one per core)");
  AddText(cmd, "--tls-cert", o->tls_cert,
          "serve HTTPS with this PEM certificate (its chain after it), with --tls-key")
      ->type_name("CERT.pem");
  AddText(cmd, "--tls-key", o->tls_key, "the certificate's PEM private key")->type_name("KEY.pem");
  AddText(cmd, "--log-key", o->log_key, "the audit log's signing key, for checkpoints and proofs")
      ->type_name("PREFIX.key");
  table.Add(cmd, Needs::kLedgerWrites, [o](const Context& c) {
    server::ServerOptions options;
    const size_t colon = o->listen.rfind(':');
    uint64_t port = 0;
    std::string error;
    if (colon == std::string::npos ||
        !WholeNumber(o->listen.substr(colon + 1), "--listen port", port, error) || port > 65535) {
      return Fail("serve: --listen: '" + o->listen + "' is not HOST:PORT (a port 0 to 65535)");
    }
    options.host = o->listen.substr(0, colon);
    options.port = static_cast<uint16_t>(port);
    if (o->threads > 256) {
      return Fail("serve: --threads: at most 256");
    }
    options.threads = static_cast<int>(o->threads);
    if (o->tls_cert.empty() != o->tls_key.empty()) {
      return Fail("serve: --tls-cert and --tls-key go together");
    }
    options.tls_cert = o->tls_cert;
    options.tls_key = o->tls_key;
    server::RouterOptions router_options;
    if (!o->log_key.empty() && !ReadKey(o->log_key, router_options.log_key, error)) {
      return Fail("serve: --log-key: " + error);
    }
    const server::Router router(c.engine(), std::move(router_options));
    auto server = server::HttpServer::Listen(router, options);
    if (!server) {
      return Fail("serve: " + server.error().message());
    }
    std::printf("listening on %s://%s:%u\n", options.tls_cert.empty() ? "http" : "https",
                options.host.c_str(), static_cast<unsigned>((*server)->port()));
    std::fflush(stdout);
    (*server)->Run();
    return kExitOk;
  });
  table.ActsAsNoOne(cmd);
}

}  // namespace tg::cli
