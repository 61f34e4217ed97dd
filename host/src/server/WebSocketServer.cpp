#include "WebSocketServer.hpp"

#include "HttpSession.hpp"

#include <kms/sdk/Gst.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <chrono>
#include <stdexcept>

namespace kms::host {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-websocket", "WebSocket/HTTP server");

namespace net = boost::asio;
using tcp = net::ip::tcp;
using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
}  // namespace
#define GST_CAT_DEFAULT kCat

GstDebugCategory* websocketCategory() { return kCat; }

void logRefusal(const std::string& text) {
  static std::atomic<int64_t> lastWarningMs{0};
  const int64_t nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now().time_since_epoch())
                            .count();
  int64_t last = lastWarningMs.load(std::memory_order_relaxed);
  if (nowMs - last >= 1000 &&
      lastWarningMs.compare_exchange_strong(last, nowMs, std::memory_order_relaxed)) {
    GST_WARNING("%s (refusals are logged at most once a second; all are counted in /metrics)",
                text.c_str());
  } else {
    GST_DEBUG("%s", text.c_str());
  }
}

// Accepts connections on one endpoint; each gets its own strand.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // `monitoring`: serve /healthz and /metrics only (never with TLS).
  Listener(net::io_context& io, NetworkContext& network, net::ssl::context* tls,
           bool monitoring = false)
      : io_(io), acceptor_(net::make_strand(io)), network_(network), tls_(tls),
        monitoring_(monitoring) {}

  uint16_t open(const std::string& address, uint16_t port) {
    boost::system::error_code ec;
    net::ip::address ip = net::ip::make_address(address, ec);
    if (ec) {
      throw std::runtime_error("invalid bind address '" + address + "': " + ec.message());
    }
    tcp::endpoint endpoint(ip, port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) {
      acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
      acceptor_.bind(endpoint, ec);
    }
    if (!ec) {
      acceptor_.listen(net::socket_base::max_listen_connections, ec);
    }
    if (ec) {
      throw std::runtime_error("cannot listen on " + address + ":" + std::to_string(port) +
                               ": " + ec.message());
    }
    return acceptor_.local_endpoint().port();
  }

  void start() {
    net::dispatch(acceptor_.get_executor(), [self = shared_from_this()] { self->doAccept(); });
  }

  void stop() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      boost::system::error_code ignored;
      self->acceptor_.close(ignored);
    });
  }

 private:
  void doAccept() {
    acceptor_.async_accept(net::make_strand(io_),
                           boost::beast::bind_front_handler(&Listener::onAccept,
                                                            shared_from_this()));
  }

  void onAccept(boost::system::error_code ec, tcp::socket socket) {
    if (!acceptor_.is_open() || ec == net::error::operation_aborted) {
      return;
    }
    if (ec) {
      GST_WARNING("accept failed: %s", ec.message().c_str());
    } else {
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      if (tls_ != nullptr) {
        std::make_shared<HttpSession<TlsStream>>(network_, false, std::move(socket), *tls_)
            ->start();
      } else {
        std::make_shared<HttpSession<PlainStream>>(network_, monitoring_, std::move(socket))
            ->start();
      }
    }
    doAccept();
  }

  net::io_context& io_;
  tcp::acceptor acceptor_;
  NetworkContext& network_;
  net::ssl::context* tls_;
  const bool monitoring_;
};

WebSocketServer::WebSocketServer(net::io_context& io, RpcHandler& rpc, HttpHandler& http,
                                 SessionManager& sessions, Metrics& metrics, Uploads& uploads,
                                 std::string webSocketPath, const SecretCheck& secret,
                                 int64_t maxConnections)
    : io_(io),
      network_{rpc,    http, sessions, metrics, uploads, std::move(webSocketPath),
               secret, ConnectionSlots(maxConnections), {}} {}

WebSocketServer::~WebSocketServer() = default;

uint16_t WebSocketServer::listen(const std::string& address, uint16_t port) {
  auto listener = std::make_shared<Listener>(io_, network_, nullptr);
  uint16_t bound = listener->open(address, port);
  listener->start();
  listeners_.push_back(std::move(listener));
  GST_INFO("listening on ws://%s:%u%s", address.c_str(), bound, network_.webSocketPath.c_str());
  return bound;
}

uint16_t WebSocketServer::listenTls(const std::string& address, uint16_t port,
                                    const std::string& pemFile, const std::string& password) {
  tls_ = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  tls_->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                    net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                    net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
  tls_->set_password_callback(
      [password](size_t, net::ssl::context::password_purpose) { return password; });
  boost::system::error_code ec;
  tls_->use_certificate_chain_file(pemFile, ec);
  if (ec) {
    throw std::runtime_error("TLS certificate file '" + pemFile + "': " + ec.message());
  }
  tls_->use_private_key_file(pemFile, net::ssl::context::pem, ec);
  if (ec) {
    throw std::runtime_error("TLS private key in '" + pemFile + "' (wrong password?): " +
                             ec.message());
  }
  auto listener = std::make_shared<Listener>(io_, network_, tls_.get());
  uint16_t bound = listener->open(address, port);
  listener->start();
  listeners_.push_back(std::move(listener));
  GST_INFO("listening on wss://%s:%u%s", address.c_str(), bound,
           network_.webSocketPath.c_str());
  return bound;
}

uint16_t WebSocketServer::listenMonitoring(const std::string& address, uint16_t port) {
  auto listener = std::make_shared<Listener>(io_, network_, nullptr, true);
  uint16_t bound = listener->open(address, port);
  listener->start();
  listeners_.push_back(std::move(listener));
  GST_INFO("serving /healthz and /metrics on http://%s:%u", address.c_str(), bound);
  return bound;
}

void WebSocketServer::stop() {
  for (const auto& listener : listeners_) {
    listener->stop();
  }
  network_.connections.closeAll();
}

}  // namespace kms::host
