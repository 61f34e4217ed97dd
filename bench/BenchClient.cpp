#include "BenchClient.hpp"

#include <boost/asio/connect.hpp>

#include <stdexcept>

namespace kms::bench {

namespace net = boost::asio;
namespace websocket = boost::beast::websocket;

BenchClient::BenchClient(const std::string& host, uint16_t port, const std::string& path)
    : ws_(io_) {
  net::ip::tcp::resolver resolver(io_);
  net::connect(ws_.next_layer(), resolver.resolve(host, std::to_string(port)));
  ws_.next_layer().set_option(net::ip::tcp::no_delay(true));
  ws_.handshake(host, path);
  ws_.text(true);
}

void BenchClient::send(const std::string& text) { ws_.write(net::buffer(text)); }

std::string BenchClient::receive() {
  buffer_.clear();
  ws_.read(buffer_);
  return boost::beast::buffers_to_string(buffer_.data());
}

std::string BenchClient::call(const std::string& method, const std::string& paramsJson) {
  const int id = nextId();
  send(R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":")" + method +
       R"(","params":)" + paramsJson + "}");
  const std::string idField = "\"id\":" + std::to_string(id);
  for (int frames = 0; frames < 10000; ++frames) {
    std::string response = receive();
    if (response.find(idField) != std::string::npos) {
      if (response.find("\"error\"") != std::string::npos) {
        throw std::runtime_error(method + " failed: " + response);
      }
      return response;
    }
  }
  throw std::runtime_error(method + ": no response after 10000 frames");
}

std::string valueString(const std::string& response) {
  const std::string key = "\"value\":\"";
  const size_t start = response.find(key);
  if (start == std::string::npos) {
    throw std::runtime_error("no string value in " + response);
  }
  const size_t end = response.find('"', start + key.size());
  return response.substr(start + key.size(), end - start - key.size());
}

}  // namespace kms::bench
