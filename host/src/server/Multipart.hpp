// Streams the content of the first part of a multipart/form-data body (a file sent from a
// browser form), without buffering the body: bytes come out as they arrive.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace kms::host {

class MultipartReader {
 public:
  // The boundary of a "multipart/form-data; boundary=..." Content-Type; nullopt for other
  // types, "" when multipart but without a usable boundary.
  static std::optional<std::string> boundaryOf(std::string_view contentType);

  explicit MultipartReader(const std::string& boundary);

  // Feeds body bytes; the part's content goes to `out`. Returns false (and error() says why)
  // when the body is not what multipart/form-data should be.
  bool feed(std::string_view bytes, const std::function<void(std::string_view)>& out);
  // The first part ended (its closing delimiter was read).
  bool finished() const { return state_ == State::kDone; }
  const std::string& error() const { return error_; }

 private:
  enum class State { kPreamble, kHeaders, kBody, kDone };
  static constexpr size_t kMaxHeaderBytes = 16 * 1024;

  bool fail(const std::string& reason);

  const std::string opening_;    // "--boundary"
  const std::string delimiter_;  // "\r\n--boundary"
  State state_ = State::kPreamble;
  std::string pending_;  // bytes not decided yet (a delimiter may start in them)
  std::string error_;
};

}  // namespace kms::host
