// One accepted TCP (or TLS) connection before it becomes a WebSocket: serves HTTP requests
// (/healthz, /metrics, 404), hands WebSocket upgrades on the configured path over once the
// shared secret and mediaServer.limits.maxConnections allow them (401/403/503 otherwise), and
// POSTs to an HttpPostEndpoint's path to an UploadSession (decided on the header, before the
// body). On the monitoring listener it serves /healthz and /metrics only.
#pragma once

#include "NetworkContext.hpp"
#include "UploadSession.hpp"
#include "WebSocketConnection.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>

namespace kms::host {

template <class Stream>  // boost::beast::tcp_stream or boost::beast::ssl_stream<tcp_stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, boost::beast::tcp_stream>;

  template <class... StreamArgs>
  HttpSession(NetworkContext& network, bool monitoringListener, StreamArgs&&... args)
      : stream_(std::forward<StreamArgs>(args)...), network_(network),
        monitoringListener_(monitoringListener) {}

  void start() {
    boost::asio::dispatch(stream_.get_executor(),
                          boost::beast::bind_front_handler(&HttpSession::begin,
                                                           this->shared_from_this()));
  }

 private:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;

  static constexpr std::chrono::seconds kTimeout{30};
  static constexpr size_t kMaxBodyBytes = 64 * 1024;

  void begin() {
    if constexpr (kTls) {
      boost::beast::get_lowest_layer(stream_).expires_after(kTimeout);
      stream_.async_handshake(boost::asio::ssl::stream_base::server,
                              boost::beast::bind_front_handler(&HttpSession::onHandshake,
                                                               this->shared_from_this()));
    } else {
      doRead();
    }
  }

  void onHandshake(boost::beast::error_code ec) {
    if (ec) {
      GST_CAT_DEBUG(websocketCategory(), "TLS handshake failed: %s", ec.message().c_str());
      return;
    }
    doRead();
  }

  void doRead() {
    parser_.emplace();
    // Beast checks Content-Length against the limit with the header: the upload limit first,
    // 64 KiB for other requests once the path is known. (Not boost::none: Boost 1.74 compares
    // the length with the empty optional and reports every body as over the limit.)
    parser_->body_limit(kMaxUploadBytes);
    boost::beast::get_lowest_layer(stream_).expires_after(kTimeout);
    boost::beast::http::async_read_header(
        stream_, buffer_, *parser_,
        boost::beast::bind_front_handler(&HttpSession::onHeader, this->shared_from_this()));
  }

  void onHeader(boost::beast::error_code ec, size_t /*bytes*/) {
    if (ec) {
      onRead(ec, 0);
      return;
    }
    const auto& request = parser_->get();
    std::string_view target(request.target().data(), request.target().size());
    std::string_view path = target.substr(0, target.find('?'));
    if (monitoringListener_ || !network_.uploads.isUploadPath(path)) {
      parser_->body_limit(kMaxBodyBytes);
      boost::beast::http::async_read(
          stream_, buffer_, *parser_,
          boost::beast::bind_front_handler(&HttpSession::onRead, this->shared_from_this()));
      return;
    }
    // Unknown and expired paths, and other methods, are answered without reading the body.
    auto handler = network_.uploads.find(path);
    if (!handler || request.method() != boost::beast::http::verb::post) {
      const bool known = handler != nullptr;
      reply(request.version(),
            HttpReply{known ? 405u : 404u, "application/json",
                      known ? "{\"error\":\"method not allowed: POST the media\"}"
                            : "{\"error\":\"no such upload path (unknown or expired)\"}",
                      {}},
            false);
      return;
    }
    boost::beast::get_lowest_layer(stream_).expires_never();
    std::make_shared<UploadSession<Stream>>(std::move(stream_), std::move(buffer_),
                                            std::move(*parser_), std::move(handler))
        ->start();
  }

  void onRead(boost::beast::error_code ec, size_t /*bytes*/) {
    if (ec == boost::beast::http::error::end_of_stream) {
      shutdown();
      return;
    }
    if (ec) {
      GST_CAT_DEBUG(websocketCategory(), "HTTP read failed: %s", ec.message().c_str());
      return;
    }
    auto request = parser_->release();
    std::string_view target(request.target().data(), request.target().size());
    std::string_view path = target.substr(0, target.find('?'));
    if (!monitoringListener_ && boost::beast::websocket::is_upgrade(request) &&
        path == network_.webSocketPath) {
      upgrade(std::move(request));
      return;
    }
    HttpRequestContext context{monitoringListener_, Credential::kAccepted};
    if (!monitoringListener_) {
      context.credential = network_.secret.check(target, authorization(request));
    }
    std::string_view method(request.method_string().data(), request.method_string().size());
    HttpReply answer = network_.http.handle(method, path, context);
    if (request.method() == boost::beast::http::verb::head) {
      answer.body.clear();
    }
    reply(request.version(), std::move(answer), request.keep_alive());
  }

  static std::string_view authorization(const Request& request) {
    auto header = request.find(boost::beast::http::field::authorization);
    return header == request.end() ? std::string_view()
                                   : std::string_view(header->value().data(),
                                                      header->value().size());
  }

  // The shared secret first (nothing about the server's load is told to a stranger), then a
  // connection slot; the connection keeps the slot until it is destroyed.
  void upgrade(Request request) {
    const Credential credential = network_.secret.check(
        std::string_view(request.target().data(), request.target().size()),
        authorization(request));
    if (credential != Credential::kAccepted) {
      const bool wrong = credential == Credential::kWrong;
      network_.metrics.countAuthRefusal(wrong);
      logRefusal("WebSocket from " + peer() + " refused: " +
                 (wrong ? "wrong shared secret" : "no shared secret"));
      reply(request.version(), credentialRefusal(credential), false);
      return;
    }
    ConnectionSlots::Slot slot = network_.connectionSlots.tryTake();
    if (!slot) {
      network_.metrics.countLimitRefusal(Limit::kConnections);
      const std::string limit = std::to_string(network_.connectionSlots.max());
      logRefusal("WebSocket from " + peer() + " refused: " + limit +
                 " connections are open (mediaServer.limits.maxConnections)");
      HttpReply answer{503, "application/json",
                       "{\"error\":\"too many connections: " + limit +
                           " are open, the most mediaServer.limits.maxConnections allows\"}",
                       {{"Retry-After", "5"}}};
      reply(request.version(), std::move(answer), false);
      return;
    }
    boost::beast::get_lowest_layer(stream_).expires_never();
    std::make_shared<WebSocketConnection<Stream>>(std::move(stream_), network_, std::move(slot))
        ->start(std::move(request));
  }

  std::string peer() {
    boost::system::error_code ec;
    auto endpoint = boost::beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    return ec ? std::string("an unknown address")
              : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  }

  void reply(unsigned version, HttpReply answer, bool keepAlive) {
    response_ = {};
    response_.version(version);
    response_.result(answer.status);
    response_.set(boost::beast::http::field::server, "Kurento Media Server");
    response_.set(boost::beast::http::field::content_type, answer.contentType);
    for (const auto& [name, value] : answer.headers) {
      response_.set(name, value);
    }
    response_.keep_alive(keepAlive);
    response_.body() = std::move(answer.body);
    response_.prepare_payload();
    boost::beast::http::async_write(
        stream_, response_,
        boost::beast::bind_front_handler(&HttpSession::onWrite, this->shared_from_this()));
  }

  void onWrite(boost::beast::error_code ec, size_t /*bytes*/) {
    if (ec) {
      return;
    }
    if (!response_.keep_alive()) {
      shutdown();
      return;
    }
    doRead();
  }

  void shutdown() {
    if constexpr (kTls) {
      boost::beast::get_lowest_layer(stream_).expires_after(kTimeout);
      stream_.async_shutdown([self = this->shared_from_this()](boost::beast::error_code) {});
    } else {
      boost::beast::error_code ignored;
      stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
    }
  }

  Stream stream_;
  NetworkContext& network_;
  const bool monitoringListener_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
};

}  // namespace kms::host
