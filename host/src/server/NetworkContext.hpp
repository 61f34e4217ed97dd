// What the network layer (listeners, HTTP sessions, WebSocket connections) shares.
#pragma once

#include "ClientConnection.hpp"
#include "HttpHandler.hpp"
#include "Metrics.hpp"
#include "RpcHandler.hpp"
#include "SessionManager.hpp"
#include "Uploads.hpp"

#include <gst/gst.h>

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace kms::host {

// Larger messages close the connection (code 1009, "message too big").
constexpr size_t kMaxMessageBytes = 16 * 1024 * 1024;

// The live WebSocket connections, so that shutdown can close them.
class ConnectionSet {
 public:
  // False when the set is closed (shutting down): the caller closes the connection.
  bool add(const ClientConnectionPtr& connection) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) {
      return false;
    }
    connections_[connection.get()] = connection;
    return true;
  }
  void remove(const ClientConnection* connection) {
    std::lock_guard<std::mutex> lock(mutex_);
    connections_.erase(connection);
  }
  void closeAll() {
    std::unordered_map<const ClientConnection*, std::weak_ptr<ClientConnection>> connections;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
      connections.swap(connections_);
    }
    for (auto& [key, weak] : connections) {
      if (ClientConnectionPtr connection = weak.lock()) {
        connection->close();
      }
    }
  }

 private:
  std::mutex mutex_;
  bool closed_ = false;
  std::unordered_map<const ClientConnection*, std::weak_ptr<ClientConnection>> connections_;
};

struct NetworkContext {
  RpcHandler& rpc;
  HttpHandler& http;
  SessionManager& sessions;
  Metrics& metrics;
  Uploads& uploads;           // POST targets of HttpPostEndpoints
  std::string webSocketPath;  // "/kurento"
  ConnectionSet connections;
};

// The "kms-websocket" debug category, shared by the templates of the network layer.
GstDebugCategory* websocketCategory();

}  // namespace kms::host
