#include "Multipart.hpp"

#include <algorithm>
#include <cctype>

namespace kms::host {

namespace {

std::string lower(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

}  // namespace

std::optional<std::string> MultipartReader::boundaryOf(std::string_view contentType) {
  const std::string type = lower(contentType);
  if (type.rfind("multipart/form-data", 0) != 0) {
    return std::nullopt;
  }
  const size_t at = type.find("boundary=");
  if (at == std::string::npos) {
    return std::string();
  }
  std::string boundary(contentType.substr(at + 9));
  boundary = boundary.substr(0, boundary.find(';'));
  if (boundary.size() >= 2 && boundary.front() == '"' && boundary.back() == '"') {
    boundary = boundary.substr(1, boundary.size() - 2);
  }
  // RFC 2046: 1 to 70 characters.
  return boundary.size() <= 70 ? boundary : std::string();
}

MultipartReader::MultipartReader(const std::string& boundary)
    : opening_("--" + boundary), delimiter_("\r\n--" + boundary) {}

bool MultipartReader::fail(const std::string& reason) {
  error_ = reason;
  return false;
}

bool MultipartReader::feed(std::string_view bytes,
                           const std::function<void(std::string_view)>& out) {
  if (!error_.empty()) {
    return false;
  }
  if (state_ == State::kDone) {
    return true;  // the epilogue and further parts are not used
  }
  pending_.append(bytes.data(), bytes.size());
  if (state_ == State::kPreamble) {
    const size_t at = pending_.find(opening_);
    const size_t lineEnd = at == std::string::npos ? at : pending_.find("\r\n", at);
    if (lineEnd == std::string::npos) {
      return pending_.size() <= kMaxHeaderBytes ? true : fail("no multipart boundary line");
    }
    pending_.erase(0, lineEnd + 2);
    state_ = State::kHeaders;
  }
  if (state_ == State::kHeaders) {
    const size_t end = pending_.find("\r\n\r\n");
    if (end == std::string::npos) {
      return pending_.size() <= kMaxHeaderBytes ? true : fail("multipart part headers too long");
    }
    pending_.erase(0, end + 4);
    state_ = State::kBody;
  }
  const size_t at = pending_.find(delimiter_);
  if (at != std::string::npos) {
    out(std::string_view(pending_).substr(0, at));
    pending_.clear();
    state_ = State::kDone;
    return true;
  }
  // Keep what could be the start of the delimiter.
  const size_t keep = std::min(pending_.size(), delimiter_.size() - 1);
  const size_t ready = pending_.size() - keep;
  if (ready > 0) {
    out(std::string_view(pending_).substr(0, ready));
    pending_.erase(0, ready);
  }
  return true;
}

}  // namespace kms::host
