// One WebSocket client connection (plain or TLS): reads messages one at a time, hands each to
// the RPC handler, and writes responses and events from a queue, all on the connection's strand.
// A message over mediaServer.limits.maxMessageBytes is discarded as it arrives and answered with
// a 40009 error; the connection stays open.
#pragma once

#include "ClientConnection.hpp"
#include "NetworkContext.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <deque>
#include <memory>
#include <string>
#include <utility>

namespace kms::host {

template <class Stream>  // boost::beast::tcp_stream or boost::beast::ssl_stream<tcp_stream>
class WebSocketConnection : public ClientConnection,
                            public std::enable_shared_from_this<WebSocketConnection<Stream>> {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;

  WebSocketConnection(Stream&& stream, NetworkContext& network, ConnectionSlots::Slot slot)
      : ws_(std::move(stream)), network_(network), slot_(std::move(slot)),
        maxMessageBytes_(static_cast<size_t>(network.rpc.limits().config().maxMessageBytes)) {}

  // Completes the WebSocket handshake of `request`, then serves the connection.
  void start(Request request) {
    namespace websocket = boost::beast::websocket;
    request_ = std::move(request);
    ws_.set_option(
        websocket::stream_base::timeout::suggested(boost::beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
      response.set(boost::beast::http::field::server, "Kurento Media Server");
    }));
    ws_.read_message_max(0);  // no limit in Beast: readSome() enforces maxMessageBytes
    ws_.async_accept(request_, boost::beast::bind_front_handler(&WebSocketConnection::onAccept,
                                                                this->shared_from_this()));
  }

  void sendText(std::shared_ptr<const std::string> text) override {
    boost::asio::post(ws_.get_executor(), [self = this->shared_from_this(),
                                           text = std::move(text)]() mutable {
      self->enqueue(std::move(text));
    });
  }

  void close() override {
    boost::asio::post(ws_.get_executor(), [self = this->shared_from_this()] {
      self->closeRequested_ = true;
      if (!self->writing_) {
        self->startClose();
      }
    });
  }

 private:
  // Reading pauses while this many frames wait to be written (a client that does not read).
  static constexpr size_t kPauseReadingAt = 4096;
  static constexpr size_t kResumeReadingAt = 1024;

  void onAccept(boost::beast::error_code ec) {
    if (ec) {
      GST_CAT_DEBUG(websocketCategory(), "WebSocket handshake failed: %s", ec.message().c_str());
      return;
    }
    request_ = {};
    opened_ = true;
    network_.metrics.connectionOpened();
    if (!network_.connections.add(this->shared_from_this())) {
      closeRequested_ = true;
      startClose();
      return;
    }
    GST_CAT_DEBUG(websocketCategory(), "connection %p opened", static_cast<void*>(this));
    doRead();
  }

  void doRead() {
    ws_.async_read_some(readBuffer_, kReadChunkBytes,
                        boost::beast::bind_front_handler(&WebSocketConnection::onRead,
                                                         this->shared_from_this()));
  }

  // Past the limit, only the message's first and last bytes are kept (for its request id).
  void discardOversized() {
    auto data = readBuffer_.cdata();
    std::string_view bytes(static_cast<const char*>(data.data()), data.size());
    if (oversizedBytes_ == 0) {
      oversizedHead_.assign(bytes.substr(0, kKeptBytes));
    }
    oversizedBytes_ += bytes.size();
    oversizedTail_ += bytes.substr(bytes.size() > kKeptBytes ? bytes.size() - kKeptBytes : 0);
    if (oversizedTail_.size() > kKeptBytes) {
      oversizedTail_.erase(0, oversizedTail_.size() - kKeptBytes);
    }
    readBuffer_.consume(readBuffer_.size());
  }

  std::string takeMessageResponse() {
    if (oversizedBytes_ > 0) {
      std::string response =
          network_.rpc.refuseOversized(oversizedBytes_, oversizedHead_, oversizedTail_);
      GST_CAT_INFO(websocketCategory(), "connection %p: a message of %zu bytes was refused",
                   static_cast<void*>(this), oversizedBytes_);
      oversizedBytes_ = 0;
      oversizedHead_.clear();
      oversizedTail_.clear();
      return response;
    }
    auto data = readBuffer_.cdata();
    std::string response = network_.rpc.handle(
        this->shared_from_this(),
        std::string_view(static_cast<const char*>(data.data()), data.size()));
    readBuffer_.consume(readBuffer_.size());
    return response;
  }

  void onRead(boost::beast::error_code ec, size_t /*bytes*/) {
    if (ec) {
      onClosed(ec);
      return;
    }
    if (oversizedBytes_ > 0 || readBuffer_.size() > maxMessageBytes_) {
      discardOversized();
    }
    if (!ws_.is_message_done()) {
      doRead();
      return;
    }
    std::string response = takeMessageResponse();
    if (readBuffer_.capacity() > kLargeBufferBytes) {
      readBuffer_.shrink_to_fit();
    }
    if (!response.empty()) {
      enqueue(std::make_shared<const std::string>(std::move(response)));
    }
    if (closed_ || closeRequested_) {
      return;
    }
    if (queue_.size() >= kPauseReadingAt) {
      readPaused_ = true;
      return;
    }
    doRead();
  }

  void enqueue(std::shared_ptr<const std::string> text) {
    if (closed_ || closing_) {
      return;
    }
    queue_.push_back(std::move(text));
    if (!writing_) {
      doWrite();
    }
  }

  void doWrite() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(boost::asio::buffer(*queue_.front()),
                    boost::beast::bind_front_handler(&WebSocketConnection::onWrite,
                                                     this->shared_from_this()));
  }

  void onWrite(boost::beast::error_code ec, size_t /*bytes*/) {
    writing_ = false;
    if (ec) {
      onClosed(ec);
      return;
    }
    queue_.pop_front();
    if (closed_) {
      queue_.clear();
      return;
    }
    if (readPaused_ && queue_.size() <= kResumeReadingAt && !closeRequested_) {
      readPaused_ = false;
      doRead();
    }
    if (closeRequested_ && queue_.empty()) {
      startClose();
    } else if (!queue_.empty()) {
      doWrite();
    }
  }

  void startClose() {
    if (closing_ || closed_) {
      return;
    }
    closing_ = true;
    ws_.async_close(boost::beast::websocket::close_code::going_away,
                    [self = this->shared_from_this()](boost::beast::error_code ec) {
                      self->onClosed(ec);
                    });
  }

  void onClosed(boost::beast::error_code ec) {
    if (closed_) {
      return;
    }
    closed_ = true;
    while (queue_.size() > (writing_ ? 1u : 0u)) {
      queue_.pop_back();  // the frame being written stays alive until its write completes
    }
    GST_CAT_DEBUG(websocketCategory(), "connection %p closed: %s", static_cast<void*>(this),
                  ec ? ec.message().c_str() : "normal close");
    if (opened_) {
      network_.metrics.connectionClosed();
      network_.sessions.connectionClosed(this);
      network_.connections.remove(this);
    }
  }

  static constexpr size_t kLargeBufferBytes = 1024 * 1024;
  static constexpr size_t kReadChunkBytes = 64 * 1024;
  static constexpr size_t kKeptBytes = 256;

  boost::beast::websocket::stream<Stream> ws_;
  NetworkContext& network_;
  ConnectionSlots::Slot slot_;  // of mediaServer.limits.maxConnections
  const size_t maxMessageBytes_;
  size_t oversizedBytes_ = 0;  // of the message being discarded (0: none)
  std::string oversizedHead_;
  std::string oversizedTail_;
  Request request_;
  boost::beast::flat_buffer readBuffer_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  bool opened_ = false;
  bool writing_ = false;
  bool readPaused_ = false;
  bool closeRequested_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

}  // namespace kms::host
