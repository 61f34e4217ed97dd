// What the network layer (listeners, HTTP sessions, WebSocket connections) shares.
#pragma once

#include "ClientConnection.hpp"
#include "HttpHandler.hpp"
#include "Metrics.hpp"
#include "RpcHandler.hpp"
#include "SecretCheck.hpp"
#include "SessionManager.hpp"
#include "Uploads.hpp"

#include <gst/gst.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

namespace kms::host {

// Open WebSocket connections against mediaServer.limits.maxConnections (0: no limit).
class ConnectionSlots {
 public:
  // Held by a connection from its upgrade until it is destroyed; empty when refused.
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}
    Slot& operator=(Slot&& other) noexcept {
      if (this != &other) {
        release();
        owner_ = std::exchange(other.owner_, nullptr);
      }
      return *this;
    }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { release(); }
    explicit operator bool() const { return owner_ != nullptr; }

   private:
    friend class ConnectionSlots;
    explicit Slot(ConnectionSlots* owner) : owner_(owner) {}
    void release() {
      if (owner_ != nullptr) {
        owner_->used_.fetch_sub(1, std::memory_order_relaxed);
        owner_ = nullptr;
      }
    }
    ConnectionSlots* owner_ = nullptr;
  };

  explicit ConnectionSlots(int64_t max) : max_(max) {}

  Slot tryTake() {
    int64_t used = used_.load(std::memory_order_relaxed);
    do {
      if (max_ > 0 && used >= max_) {
        return Slot();
      }
    } while (!used_.compare_exchange_weak(used, used + 1, std::memory_order_relaxed));
    return Slot(this);
  }
  int64_t max() const { return max_; }

 private:
  const int64_t max_;
  std::atomic<int64_t> used_{0};
};

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
  const SecretCheck& secret;  // of the WebSocket upgrade and of /metrics on that port
  ConnectionSlots connectionSlots;
  ConnectionSet connections;
};

// The "kms-websocket" debug category, shared by the templates of the network layer.
GstDebugCategory* websocketCategory();
// Logs a refused connection as a warning, at most one a second (debug level for the others),
// so that a flood of refused clients does not flood the log.
void logRefusal(const std::string& text);

}  // namespace kms::host
