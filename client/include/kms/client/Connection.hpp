// A connection to a Kurento media server: JSON-RPC 2.0 over a WebSocket
// (ws://host:port/kurento).
//
// Requests are synchronous: call() sends one and waits for its response (matched by id)
// or the timeout. One I/O thread owns the socket (reads, writes, keep-alive pings); a second
// thread delivers `onEvent` notifications to the handlers registered with subscribe(), so a
// handler may itself make requests on the same connection.
#pragma once

#include <kms/client/Error.hpp>
#include <kms/client/Json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace kms::client {

struct ConnectionOptions {
  std::chrono::milliseconds connectTimeoutMs{5000};
  std::chrono::milliseconds requestTimeoutMs{30000};
  // A JSON-RPC `ping` this often keeps the session alive (0: never), as kurento-client does.
  std::chrono::milliseconds keepAliveMs{60000};
};

// Receives the `data` object of an event (its fields, "source", "type", ...).
using EventCallback = std::function<void(const Json& data)>;

class Connection {
 public:
  // Connects to `url` ("ws://host:port/path"); throws Error(kConnectFailed) when it cannot.
  static std::shared_ptr<Connection> connect(const std::string& url,
                                             const ConnectionOptions& options = {});

  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends `method` with `params` (sessionId added once known) and returns the `result`
  // object. Throws Error with the server's code, message and data, or kTimeout /
  // kConnectionClosed.
  JsonDocument call(const std::string& method, Params params);

  // `create`: returns the new object's id.
  std::string create(const std::string& type, Params constructorParams);

  // Registers `callback` for events `type` of object `objectId` and returns the
  // subscription id; the callback runs on the event thread.
  std::string subscribe(const std::string& objectId, const std::string& type,
                        EventCallback callback);
  void unsubscribe(const std::string& objectId, const std::string& subscriptionId);

  // The session id the server assigned ("" before the first response).
  std::string sessionId() const;
  bool isOpen() const;

  // Closes the socket and stops both threads; pending calls fail with kConnectionClosed.
  // Also done by the destructor. Call it explicitly when event callbacks hold proxies (they
  // keep the connection alive).
  void close();

 private:
  struct Impl;
  explicit Connection(const ConnectionOptions& options);

  // Shared with the two threads, so that a Connection released from an event callback
  // (the event thread) stays valid until that thread has finished.
  std::shared_ptr<Impl> impl_;
};

}  // namespace kms::client
