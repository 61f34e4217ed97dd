// The methods of the Kurento protocol, run against the object model and the sessions.
#pragma once

#include "ClientConnection.hpp"
#include "Limits.hpp"
#include "Metrics.hpp"
#include "ObjectRegistry.hpp"
#include "SessionManager.hpp"

#include <kms/sdk/Json.hpp>

#include <string>

namespace kms::host {

// The request being handled: its connection and the session it acts for.
struct RequestContext {
  ClientConnectionPtr connection;
  std::string sessionId;
};

class RpcMethods {
 public:
  // `limits` (may be null: no limits) outlives this object.
  RpcMethods(ObjectRegistry& registry, SessionManager& sessions, const Limits* limits = nullptr)
      : registry_(registry), sessions_(sessions), limits_(limits) {}

  // Runs `method` and adds its result members (e.g. "value") to `result`, an object; the
  // caller adds "sessionId". Throws KurentoException with the protocol code on failure.
  // Callers hold the object-model mutex for every method but ping and connect.
  void run(RpcMethod method, const Json& params, RequestContext& context, Json& result,
           JsonAllocator& allocator);

  // Methods that may appear inside a transaction.
  static bool allowedInTransaction(RpcMethod method);

 private:
  void create(const Json& params, RequestContext& context, Json& result, JsonAllocator& a);
  void applyProperties(const RemoteObjectPtr& object, const Json& properties, JsonAllocator& a);
  void invoke(const Json& params, Json& result, JsonAllocator& a);
  void subscribe(const Json& params, RequestContext& context, Json& result, JsonAllocator& a);
  void unsubscribe(const Json& params);
  void release(const Json& params);
  void describe(const Json& params, Json& result, JsonAllocator& a);
  void connect(const Json& params, RequestContext& context);
  RemoteObjectPtr find(std::string_view id) const;

  ObjectRegistry& registry_;
  SessionManager& sessions_;
  const Limits* limits_;
};

}  // namespace kms::host
