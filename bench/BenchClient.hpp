// A minimal synchronous JSON-RPC-over-WebSocket client for the benchmarks (Boost.Beast).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <cstdint>
#include <string>

namespace kms::bench {

class BenchClient {
 public:
  BenchClient(const std::string& host, uint16_t port, const std::string& path);

  // Sends one request text frame.
  void send(const std::string& text);
  // Reads one frame (a response or an event notification).
  std::string receive();
  // Sends `method` with `paramsJson` and waits for the response with that id; returns it.
  std::string call(const std::string& method, const std::string& paramsJson);

  int nextId() { return nextId_++; }

 private:
  boost::asio::io_context io_;
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
  boost::beast::flat_buffer buffer_;
  int nextId_ = 0;
};

// Extracts the string after `"value":"` in a JSON-RPC response (object ids); throws if absent.
std::string valueString(const std::string& response);

}  // namespace kms::bench
