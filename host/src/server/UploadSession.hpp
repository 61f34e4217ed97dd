// One HTTP POST to an HttpPostEndpoint's path: the body is read in chunks and handed to the
// module's handler as it arrives (multipart/form-data framing removed), reading pauses while
// the handler is full, and the client gets 200 when all of it was taken, or a 4xx.
#pragma once

#include "Multipart.hpp"
#include "NetworkContext.hpp"

#include <kms/sdk/HttpUpload.hpp>

#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace kms::host {

// The largest upload accepted (Content-Length, or what a chunked body adds up to).
constexpr uint64_t kMaxUploadBytes = 4ull * 1024 * 1024 * 1024;

template <class Stream>
class UploadSession : public std::enable_shared_from_this<UploadSession<Stream>> {
 public:
  using HeaderParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  UploadSession(Stream&& stream, boost::beast::flat_buffer&& buffer, HeaderParser&& header,
                std::shared_ptr<HttpUploadHandler> handler)
      : stream_(std::move(stream)),
        buffer_(std::move(buffer)),
        parser_(std::move(header)),
        handler_(std::move(handler)) {
    parser_.body_limit(kMaxUploadBytes);
  }

  void start() {
    const auto& request = parser_.get();
    version_ = request.version();
    const std::string contentType(request[boost::beast::http::field::content_type]);
    if (parser_.content_length() && *parser_.content_length() > kMaxUploadBytes) {
      reply(413, "upload larger than " + std::to_string(kMaxUploadBytes) + " bytes");
      return;
    }
    if (auto boundary = MultipartReader::boundaryOf(contentType)) {
      if (boundary->empty()) {
        reply(400, "multipart/form-data without a usable boundary");
        return;
      }
      multipart_.emplace(*boundary);
    }
    const std::string refusal = handler_->begin(contentType);
    if (!refusal.empty()) {
      reply(409, refusal);
      return;
    }
    readMore();
  }

 private:
  static constexpr std::chrono::seconds kIdleTimeout{30};

  void readMore() {
    parser_.get().body().data = chunk_.data();
    parser_.get().body().size = chunk_.size();
    boost::beast::get_lowest_layer(stream_).expires_after(kIdleTimeout);
    boost::beast::http::async_read(
        stream_, buffer_, parser_,
        boost::beast::bind_front_handler(&UploadSession::onRead, this->shared_from_this()));
  }

  void onRead(boost::beast::error_code ec, size_t /*bytes*/) {
    if (ec == boost::beast::http::error::need_buffer) {
      ec = {};
    }
    const size_t got = chunk_.size() - parser_.get().body().size;
    bool more = true;
    if (got > 0 && !deliver(chunk_.data(), got, more)) {
      return;
    }
    if (ec) {
      handler_->end(false);
      if (ec == boost::beast::http::error::body_limit) {
        reply(413, "upload larger than " + std::to_string(kMaxUploadBytes) + " bytes");
      } else {
        GST_CAT_DEBUG(websocketCategory(), "upload read failed: %s", ec.message().c_str());
      }
      return;
    }
    if (parser_.is_done()) {
      if (multipart_ && !multipart_->finished()) {
        handler_->end(false);
        reply(400, "the multipart/form-data body ended inside its first part");
        return;
      }
      handler_->end(true);
      reply(200, "uploaded");
      return;
    }
    if (more) {
      readMore();
    }
  }

  // Hands bytes over; false when the upload ended here (malformed). `more` is false when the
  // handler is full: it resumes reading later.
  bool deliver(const char* bytes, size_t size, bool& more) {
    auto self = this->shared_from_this();
    auto resume = [self] {
      boost::asio::post(self->stream_.get_executor(), [self] { self->readMore(); });
    };
    bool wanted = true;
    auto out = [&](std::string_view part) {
      if (!part.empty()) {
        wanted = handler_->data(reinterpret_cast<const uint8_t*>(part.data()), part.size(),
                                wanted ? resume : std::function<void()>([] {})) && wanted;
      }
    };
    if (multipart_) {
      if (!multipart_->feed(std::string_view(bytes, size), out)) {
        handler_->end(false);
        reply(400, multipart_->error());
        return false;
      }
    } else {
      out(std::string_view(bytes, size));
    }
    more = wanted;
    return true;
  }

  void reply(unsigned status, std::string text) {
    response_.version(version_);
    response_.result(status);
    response_.set(boost::beast::http::field::server, "Kurento Media Server");
    response_.set(boost::beast::http::field::content_type, "text/plain; charset=utf-8");
    response_.keep_alive(false);
    response_.body() = std::move(text) + "\n";
    response_.prepare_payload();
    boost::beast::get_lowest_layer(stream_).expires_after(kIdleTimeout);
    boost::beast::http::async_write(
        stream_, response_,
        [self = this->shared_from_this()](boost::beast::error_code, size_t) {
          boost::beast::error_code ignored;
          boost::beast::get_lowest_layer(self->stream_).socket().shutdown(
              boost::asio::ip::tcp::socket::shutdown_both, ignored);
        });
  }

  Stream stream_;
  boost::beast::flat_buffer buffer_;
  boost::beast::http::request_parser<boost::beast::http::buffer_body> parser_;
  std::shared_ptr<HttpUploadHandler> handler_;
  std::optional<MultipartReader> multipart_;
  std::array<char, 64 * 1024> chunk_{};
  boost::beast::http::response<boost::beast::http::string_body> response_;
  unsigned version_ = 11;
};

}  // namespace kms::host
