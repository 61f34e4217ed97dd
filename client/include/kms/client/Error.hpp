// The exception of the C++ client: a JSON-RPC error of the server (Kurento code, message,
// data) or a failure of the client itself (timeout, closed connection, bad reply).
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace kms::client {

// Kurento codes a client commonly checks (the full table is in shared/kurento-protocol.md).
namespace errors {
constexpr int kMarshallError = 40001;
constexpr int kUnexpectedError = 40003;
constexpr int kMediaObjectTypeNotFound = 40100;
constexpr int kMediaObjectNotFound = 40101;
constexpr int kMediaObjectMethodNotFound = 40105;
constexpr int kMediaObjectEventNotSupported = 40106;
constexpr int kMediaObjectIllegalParamError = 40107;
// Client-side failures (no server involved): negative, outside the JSON-RPC ranges.
constexpr int kTimeout = -1;
constexpr int kConnectionClosed = -2;
constexpr int kConnectFailed = -3;
constexpr int kBadResponse = -4;
}  // namespace errors

class Error : public std::runtime_error {
 public:
  // `data` is the JSON text of the error's "data" member ("" when absent).
  Error(int code, const std::string& message, std::string data = {})
      : std::runtime_error(message), code_(code), message_(message), data_(std::move(data)) {}

  int code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& data() const { return data_; }
  // data.type (e.g. "MEDIA_OBJECT_NOT_FOUND"), or "" when the server sent none.
  std::string type() const;

 private:
  int code_;
  std::string message_;
  std::string data_;
};

}  // namespace kms::client
