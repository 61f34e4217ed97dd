// The listening sockets (ws/http and, when configured, wss/https) on Boost.Beast.
#pragma once

#include "NetworkContext.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace kms::host {

class Listener;

class WebSocketServer {
 public:
  // `webSocketPath` is the upgrade path with its leading slash ("/kurento"); `secret` guards
  // the upgrade; at most `maxConnections` WebSocket connections are open (0: no limit).
  WebSocketServer(boost::asio::io_context& io, RpcHandler& rpc, HttpHandler& http,
                  SessionManager& sessions, Metrics& metrics, Uploads& uploads,
                  std::string webSocketPath, const SecretCheck& secret, int64_t maxConnections);
  ~WebSocketServer();

  // Binds and starts accepting; returns the bound port (useful with port 0). Throws
  // std::runtime_error naming the address and the reason.
  uint16_t listen(const std::string& address, uint16_t port);
  // The same with TLS; `pemFile` holds the certificate chain and the private key.
  uint16_t listenTls(const std::string& address, uint16_t port, const std::string& pemFile,
                     const std::string& password);

  // A plain HTTP listener serving /healthz and /metrics only (mediaServer.net.monitoring).
  uint16_t listenMonitoring(const std::string& address, uint16_t port);

  // Stops accepting and closes every connection (asynchronously).
  void stop();

 private:
  boost::asio::io_context& io_;
  NetworkContext network_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  std::vector<std::shared_ptr<Listener>> listeners_;
};

}  // namespace kms::host
