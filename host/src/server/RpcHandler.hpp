// One JSON-RPC text frame in, one response text out: validation, sessions, error mapping,
// metrics and the object-model lock around the methods.
#pragma once

#include "ClientConnection.hpp"
#include "Limits.hpp"
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
  // `limits`: mediaServer.limits (the defaults when not given).
  RpcHandler(ObjectRegistry& registry, SessionManager& sessions, Metrics& metrics,
             std::mutex& modelMutex, const LimitsConfig& limits = LimitsConfig())
      : limits_(limits, metrics), methods_(registry, sessions, &limits_), sessions_(sessions),
        metrics_(metrics), modelMutex_(modelMutex) {}

  // Handles one request of `connection` (requests of a connection must be handled one at a
  // time, in order); returns the response text, or "" for a notification. Never throws.
  std::string handle(const ClientConnectionPtr& connection, std::string_view text);

  // The error response to a message of `bytes` over maxMessageBytes, which was discarded as
  // it arrived; `head` and `tail` are its first and last bytes (for its id).
  std::string refuseOversized(size_t bytes, std::string_view head, std::string_view tail);

  const Limits& limits() const { return limits_; }

 private:
  void execute(RpcMethod method, const Json& params, RequestContext& context, Json& result,
               JsonAllocator& a);
  void resolveSession(RpcMethod method, const Json& params, RequestContext& context);

  Limits limits_;
  RpcMethods methods_;
  SessionManager& sessions_;
  Metrics& metrics_;
  std::mutex& modelMutex_;
};

}  // namespace kms::host
