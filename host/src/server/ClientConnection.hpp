// What the RPC layer sees of a client connection: a place to send text frames to.
#pragma once

#include "RequestBudget.hpp"

#include <memory>
#include <string>

namespace kms::host {

class ClientConnection {
 public:
  virtual ~ClientConnection() = default;

  // Queues one text frame; thread-safe, never blocks on the network.
  virtual void sendText(std::shared_ptr<const std::string> text) = 0;
  // Starts closing the connection; thread-safe.
  virtual void close() = 0;

  // The session of the connection's latest request ("" before the first one). Only the
  // connection's own request handling touches it (requests of a connection run one at a time).
  std::string currentSessionId;
  // The connection's share of mediaServer.limits.maxRequestsPerSecond; same rule as above.
  RequestBudget requestBudget;
};

using ClientConnectionPtr = std::shared_ptr<ClientConnection>;

}  // namespace kms::host
