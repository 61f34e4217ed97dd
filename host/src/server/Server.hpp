// The host's server: object model, sessions, JSON-RPC over WebSocket, HTTP endpoints,
// metrics, the GLib main loop for module bus watches, and signal-driven shutdown.
#pragma once

#include "config/ServerConfig.hpp"
#include "loader/ModuleLoader.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kms::host {

class ClientConnection;
class ObjectRegistry;

class Server {
 public:
  // Registers every module's factories, sets the process-wide kms::ServerContext, then runs
  // the modules' init hooks in load order.
  Server(const ServerConfig& config, std::vector<LoadedModule> modules);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Listens and serves until SIGTERM/SIGINT (or stop()); returns the exit code: 0 after a
  // clean shutdown, 1 when the listeners could not be opened.
  int run();

  // Embedding and tests: the same shutdown as a signal; thread-safe.
  void stop();
  // Blocks until run() listens; returns the bound plain port (0 on timeout or failure).
  uint16_t waitUntilListening(std::chrono::milliseconds timeout);
  // The bound TLS port once listening (0 when not configured).
  uint16_t tlsPort() const;
  ObjectRegistry& registry();
  // Fuzzing and in-process tests: one JSON-RPC request of `connection`, handled by the same
  // dispatcher, registry and session logic as a WebSocket frame; returns the response ("" for
  // a notification). Requests of one connection must come one at a time. Never throws.
  std::string handleRequest(const std::shared_ptr<ClientConnection>& connection,
                            std::string_view text);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kms::host
