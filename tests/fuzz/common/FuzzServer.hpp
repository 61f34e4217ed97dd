// The real server in-process for the fuzz targets: the host's Server with the modules of this
// build loaded (core, elements, filters), its GLib loop and one I/O thread, listening on
// 127.0.0.1 at an ephemeral port. Started on first use and never stopped (the fuzzer exits).
#pragma once

#include "server/ClientConnection.hpp"
#include "server/Server.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace kms::fuzz {

// A client connection that drops what the server sends it (events).
class NullConnection : public host::ClientConnection {
 public:
  void sendText(std::shared_ptr<const std::string>) override {}
  void close() override {}
};

class FuzzServer {
 public:
  static FuzzServer& get();

  // One JSON-RPC request of `connection`; aborts when the response is not a JSON-RPC 2.0
  // response (a result or an error with an integer code) or a notification got one.
  std::string request(const std::shared_ptr<host::ClientConnection>& connection,
                      std::string_view text);
  uint16_t port() const { return port_; }
  host::Server& server() { return *server_; }

  // Ids of the objects created since the last call (roots and children), in creation order;
  // objects released meanwhile are left out.
  std::vector<std::string> takeCreated();

 private:
  FuzzServer();
  std::unique_ptr<host::Server> server_;
  uint16_t port_ = 0;
  std::mutex createdMutex_;
  std::vector<std::string> created_;
};

// The objects one fuzz input creates: `$0`..`$9` in a request stand for the id of the N-th
// object created so far by this input (ids are random UUIDs a fuzzer could not guess); at the
// end every object still alive is released through the protocol, so inputs do not pile up.
// All inputs are requests of one connection (one session, unless an input asks for another).
class ObjectScope {
 public:
  explicit ObjectScope(FuzzServer& server);
  ~ObjectScope();
  ObjectScope(const ObjectScope&) = delete;
  ObjectScope& operator=(const ObjectScope&) = delete;

  std::string request(std::string_view text);
  std::string substitute(std::string_view text);

 private:
  void collect();

  FuzzServer& server_;
  std::shared_ptr<NullConnection> connection_;
  std::vector<std::string> ids_;
};

// `text` as a JSON string literal (quoted and escaped).
std::string jsonString(std::string_view text);
// The error code of a JSON-RPC response; 0 when it is a result.
int errorCodeOf(const std::string& response);

}  // namespace kms::fuzz
