// One accepted TCP (or TLS) connection before it becomes a WebSocket: serves HTTP requests
// (/healthz, /metrics, 404) and hands WebSocket upgrades on the configured path over.
#pragma once

#include "NetworkContext.hpp"
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
  explicit HttpSession(NetworkContext& network, StreamArgs&&... args)
      : stream_(std::forward<StreamArgs>(args)...), network_(network) {}

  void start() {
    boost::asio::dispatch(stream_.get_executor(),
                          boost::beast::bind_front_handler(&HttpSession::begin,
                                                           this->shared_from_this()));
  }

 private:
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
    parser_->body_limit(kMaxBodyBytes);
    boost::beast::get_lowest_layer(stream_).expires_after(kTimeout);
    boost::beast::http::async_read(
        stream_, buffer_, *parser_,
        boost::beast::bind_front_handler(&HttpSession::onRead, this->shared_from_this()));
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
    if (boost::beast::websocket::is_upgrade(request) && path == network_.webSocketPath) {
      boost::beast::get_lowest_layer(stream_).expires_never();
      std::make_shared<WebSocketConnection<Stream>>(std::move(stream_), network_)
          ->start(std::move(request));
      return;
    }
    std::string_view method(request.method_string().data(), request.method_string().size());
    HttpReply reply = network_.http.handle(method, path);
    response_ = {};
    response_.version(request.version());
    response_.result(reply.status);
    response_.set(boost::beast::http::field::server, "Kurento Media Server");
    response_.set(boost::beast::http::field::content_type, reply.contentType);
    response_.keep_alive(request.keep_alive());
    if (request.method() != boost::beast::http::verb::head) {
      response_.body() = std::move(reply.body);
    }
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
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
};

}  // namespace kms::host
