// One JSON-RPC text frame in, one response text out: validation, sessions, error mapping,
// metrics and the object-model lock around the methods.
#pragma once

#include "ClientConnection.hpp"
#include "Metrics.hpp"
#include "ObjectRegistry.hpp"
#include "RpcMethods.hpp"
#include "SessionManager.hpp"

#include <mutex>
#include <string>
#include <string_view>

namespace kms::host {

class RpcHandler {
 public:
  RpcHandler(ObjectRegistry& registry, SessionManager& sessions, Metrics& metrics,
             std::mutex& modelMutex)
      : methods_(registry, sessions), sessions_(sessions), metrics_(metrics),
        modelMutex_(modelMutex) {}

  // Handles one request of `connection` (requests of a connection must be handled one at a
  // time, in order); returns the response text, or "" for a notification. Never throws.
  std::string handle(const ClientConnectionPtr& connection, std::string_view text);

 private:
  void execute(RpcMethod method, const Json& params, RequestContext& context, Json& result,
               JsonAllocator& a);
  void resolveSession(RpcMethod method, const Json& params, RequestContext& context);

  RpcMethods methods_;
  SessionManager& sessions_;
  Metrics& metrics_;
  std::mutex& modelMutex_;
};

}  // namespace kms::host
