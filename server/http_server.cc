#include "http_server.h"

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>
#include <thread>
#include <type_traits>
#include <vector>

#include "tierguard/api_json.h"

#include "status_to_http.h"

namespace tg::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

int HexValue(char c) {
  return c >= '0' && c <= '9'   ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                : -1;
}

// A query's key or value: %XX decoded, + a space; a % not followed by two hex digits kept.
std::string PercentDecoded(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 &&
               HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// An X-Request-Id worth echoing and recording: 1 to 200 printable ASCII bytes.
bool UsableRequestId(std::string_view id) {
  if (id.empty() || id.size() > 200) {
    return false;
  }
  for (const char c : id) {
    if (c < ' ' || c > '~') {
      return false;
    }
  }
  return true;
}

std::string NewRequestId() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

}  // namespace

struct HttpServer::Impl {
  const Router& router;
  ServerOptions options;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  asio::signal_set signals{ioc, SIGINT, SIGTERM};
  std::optional<asio::ssl::context> tls;  // set when serving HTTPS
  std::atomic<int> in_flight{0};
  std::atomic<bool> stopping{false};

  Impl(const Router& r, ServerOptions o) : router(r), options(std::move(o)) {}

  void Accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket s) {
      if (ec) {
        return;  // the acceptor was closed
      }
      if (tls) {
        std::make_shared<Connection<beast::ssl_stream<beast::tcp_stream>>>(*this, std::move(s),
                                                                           *tls)
            ->Handshake();
      } else {
        std::make_shared<Connection<beast::tcp_stream>>(*this, std::move(s))->Read();
      }
      Accept();
    });
  }

  void BeginStop() {
    if (stopping.exchange(true)) {
      return;
    }
    beast::error_code ignored;
    acceptor.close(ignored);
    signals.cancel();
    WaitForInFlight();
  }

  void WaitForInFlight() {
    if (in_flight.load() == 0) {
      ioc.stop();
      return;
    }
    auto timer = std::make_shared<asio::steady_timer>(ioc, std::chrono::milliseconds(10));
    timer->async_wait([this, timer](beast::error_code) { WaitForInFlight(); });
  }

  // The request as the Router reads it; an answer at once when it is refused before routing.
  std::optional<HttpResponse> Prepare(http::request<http::string_body>& req, HttpRequest& r) {
    r.method = std::string(req.method_string());
    const std::string_view target = req.target();
    const size_t q = target.find('?');
    r.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) {
      std::string_view query = target.substr(q + 1);
      while (!query.empty()) {
        const size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        const size_t eq = pair.find('=');
        r.query[PercentDecoded(pair.substr(0, eq))] =
            eq == std::string_view::npos ? "" : PercentDecoded(pair.substr(eq + 1));
        query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
      }
    }
    r.authorization = std::string(req[http::field::authorization]);
    const std::string_view given = req["X-Request-Id"];
    r.request_id = UsableRequestId(given) ? std::string(given) : NewRequestId();
    r.body = std::move(req.body());
    if (api::JsonDepth(r.body) > options.max_depth) {
      return HttpResponse{
          .status = 413,
          .body = ErrorBody("payload_too_large",
                            "the body nests deeper than " + std::to_string(options.max_depth))};
    }
    return std::nullopt;
  }

  // One client's connection over a plain TCP stream or a TLS one.
  template <typename Stream>
  class Connection : public std::enable_shared_from_this<Connection<Stream>> {
   public:
    static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

    template <typename... Args>
    explicit Connection(Impl& server, Args&&... stream)
        : server_(server), stream_(std::forward<Args>(stream)...) {}

    // TLS: the handshake first, within the same time a request is given.
    void Handshake() {
      if constexpr (kTls) {
        beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(120));
        stream_.async_handshake(asio::ssl::stream_base::server,
                                [self = this->shared_from_this()](beast::error_code ec) {
                                  if (!ec) {
                                    self->Read();
                                  }
                                });
      }
    }

    void Read() {
      parser_.emplace();
      parser_->body_limit(server_.options.body_limit);
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(120));
      http::async_read(
          stream_, buffer_, *parser_,
          [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
    }

   private:
    void OnRead(beast::error_code ec) {
      if (ec == http::error::body_limit) {
        HttpResponse too_large{
            .status = 413,
            .body = ErrorBody(
                "payload_too_large",
                "the body is over " + std::to_string(server_.options.body_limit) + " bytes")};
        Write(too_large, NewRequestId(), /*keep_alive=*/false);
        return;
      }
      if (ec) {
        return;  // closed, timed out, or not HTTP: nothing to answer
      }
      ++server_.in_flight;
      const auto start = std::chrono::steady_clock::now();
      http::request<http::string_body> req = parser_->release();
      HttpRequest r;
      std::optional<HttpResponse> refused = server_.Prepare(req, r);
      // The answer comes back on this connection's strand, from whichever thread made it (a
      // shipment's, the group committer's once its group is on disk).
      auto finish = [self = this->shared_from_this(), method = r.method, path = r.path,
                     request_id = r.request_id, keep_alive = req.keep_alive(),
                     start](HttpResponse response) {
        asio::post(self->stream_.get_executor(), [self, method, path, request_id, keep_alive, start,
                                                  response = std::move(response)] {
          const double ms =
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                  .count();
          Log(method, path, response.status, ms, request_id);
          self->Write(response, request_id, keep_alive && !self->server_.stopping.load());
          --self->server_.in_flight;
        });
      };
      if (refused) {
        finish(std::move(*refused));
      } else {
        server_.router.HandleAsync(r, std::move(finish));
      }
    }

    void Write(const HttpResponse& r, const std::string& request_id, bool keep_alive) {
      auto res = std::make_shared<http::response<http::string_body>>(
          static_cast<http::status>(r.status), 11);
      res->set(http::field::content_type, r.content_type);
      res->set("X-Request-Id", request_id);
      res->keep_alive(keep_alive);
      res->body() = r.body;
      res->prepare_payload();
      http::async_write(
          stream_, *res,
          [self = this->shared_from_this(), res, keep_alive](beast::error_code ec, size_t) {
            if (!ec && keep_alive) {
              self->Read();
            } else {
              self->Close();
            }
          });
    }

    void Close() {
      if constexpr (kTls) {
        // TLS's close_notify, within a bound: a client that never answers it is let go.
        beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
        stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
      } else {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      }
    }

    // One access-log line: {"time", "request_id", "method", "path", "status", "ms"}.
    static void Log(const std::string& method, const std::string& path, int status, double ms,
                    const std::string& request_id) {
      char tail[64];
      std::snprintf(tail, sizeof tail, ",\"status\":%d,\"ms\":%.3f}\n", status, ms);
      const std::string line = R"({"time":)" + std::to_string(std::time(nullptr)) +
                               R"(,"request_id":)" + api::QuoteJson(request_id) + R"(,"method":)" +
                               api::QuoteJson(method) + R"(,"path":)" + api::QuoteJson(path) + tail;
      std::fputs(line.c_str(), stderr);
    }

    Impl& server_;
    Stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
  };
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() = default;

Result<std::unique_ptr<HttpServer>> HttpServer::Listen(const Router& router,
                                                       ServerOptions options) {
  auto impl = std::make_unique<Impl>(router, std::move(options));
  beast::error_code ec;
  if (!impl->options.tls_cert.empty()) {
    // TLS 1.2 and 1.3 only; the certificate file may hold the chain after the server's own.
    auto& tls = impl->tls.emplace(asio::ssl::context::tls_server);
    tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                    asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    tls.use_certificate_chain_file(impl->options.tls_cert, ec);
    if (ec) {
      return InvalidArgument("--tls-cert " + impl->options.tls_cert + ": " + ec.message());
    }
    tls.use_private_key_file(impl->options.tls_key, asio::ssl::context::pem, ec);
    if (ec) {
      return InvalidArgument("--tls-key " + impl->options.tls_key + ": " + ec.message());
    }
  }
  const auto address = asio::ip::make_address(impl->options.host, ec);
  if (ec) {
    return InvalidArgument("listen: '" + impl->options.host + "' is no IP address");
  }
  const tcp::endpoint endpoint(address, impl->options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
    impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  }
  if (!ec) {
    impl->acceptor.bind(endpoint, ec);
  }
  if (!ec) {
    impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    return Unavailable("listen on " + impl->options.host + ":" +
                       std::to_string(impl->options.port) + ": " + ec.message());
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

uint16_t HttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

void HttpServer::Stop() {
  asio::post(impl_->ioc, [impl = impl_.get()] { impl->BeginStop(); });
}

void HttpServer::Run() {
  Impl& s = *impl_;
  s.signals.async_wait([&s](beast::error_code ec, int) {
    if (!ec) {
      s.BeginStop();
    }
  });
  s.Accept();
  const int threads = s.options.threads > 0
                          ? s.options.threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) {
    pool.emplace_back([&s] { s.ioc.run(); });
  }
  s.ioc.run();
  for (std::thread& t : pool) {
    t.join();
  }
}

}  // namespace tg::server
