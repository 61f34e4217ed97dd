#include "RpcMethods.hpp"

#include "JsonRpc.hpp"
#include "Transaction.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>

#include <cctype>

namespace kms::host {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-rpc-methods", "Protocol methods");

// 6.x clients subscribe to "...StateChange" where 7.x classes declare "...StateChanged".
bool hasEventOrAlias(const RemoteObject& object, const std::string& type) {
  if (object.hasEvent(type)) {
    return true;
  }
  constexpr std::string_view kOldSuffix = "StateChange";
  return type.size() > kOldSuffix.size() &&
         type.compare(type.size() - kOldSuffix.size(), kOldSuffix.size(), kOldSuffix) == 0 &&
         object.hasEvent(type + "d");
}

}  // namespace
#define GST_CAT_DEFAULT kCat

bool RpcMethods::allowedInTransaction(RpcMethod method) {
  switch (method) {
    case RpcMethod::kCreate:
    case RpcMethod::kInvoke:
    case RpcMethod::kSubscribe:
    case RpcMethod::kUnsubscribe:
    case RpcMethod::kRelease:
    case RpcMethod::kDescribe:
      return true;
    default:
      return false;
  }
}

void RpcMethods::run(RpcMethod method, const Json& params, RequestContext& context, Json& result,
                     JsonAllocator& a) {
  switch (method) {
    case RpcMethod::kCreate: return create(params, context, result, a);
    case RpcMethod::kInvoke: return invoke(params, result, a);
    case RpcMethod::kSubscribe: return subscribe(params, context, result, a);
    case RpcMethod::kUnsubscribe: return unsubscribe(params);
    case RpcMethod::kRelease: return release(params);
    case RpcMethod::kDescribe: return describe(params, result, a);
    case RpcMethod::kTransaction: return runTransaction(*this, params, context, result, a);
    case RpcMethod::kConnect: return connect(params, context);
    case RpcMethod::kPing:
      result.AddMember("value", "pong", a);
      return;
    case RpcMethod::kUnknown:
    case RpcMethod::kCount:
      break;
  }
  throw KurentoException(ErrorCode::kMethodNotFound, "method not found");
}

RemoteObjectPtr RpcMethods::find(std::string_view id) const {
  RemoteObjectPtr object = registry_.tryFind(id);
  if (!object) {
    throw KurentoException(ErrorCode::kMediaObjectNotFound,
                           "object '" + clip(id) + "' not found");
  }
  return object;
}

void RpcMethods::create(const Json& params, RequestContext& context, Json& result,
                        JsonAllocator& a) {
  static const Json kEmptyObject(rapidjson::kObjectType);
  std::string_view type = requireString(params, "type");
  const Json& constructorParams = optionalObject(params, "constructorParams", kEmptyObject);
  const Json& properties = optionalObject(params, "properties", kEmptyObject);
  if (limits_ != nullptr) {
    limits_->admitObject(sessions_.objectCount(context.sessionId));
  }
  RemoteObjectPtr object = registry_.create(type, constructorParams);
  if (!properties.ObjectEmpty()) {
    try {
      applyProperties(object, properties, a);
    } catch (...) {
      try {
        registry_.release(object->id());
      } catch (const std::exception& e) {
        GST_WARNING("could not release %s: %s", object->id().c_str(), e.what());
      }
      throw;
    }
  }
  sessions_.addObject(context.sessionId, object->id());
  result.AddMember("value", Json(object->id(), a), a);
}

void RpcMethods::applyProperties(const RemoteObjectPtr& object, const Json& properties,
                                 JsonAllocator& a) {
  for (const auto& member : properties.GetObject()) {
    std::string name(member.name.GetString(), member.name.GetStringLength());
    if (name.empty()) {
      throw KurentoException(ErrorCode::kMediaObjectIllegalParamError,
                             "property names must not be empty");
    }
    std::string operation = "set" + name;
    operation[3] = static_cast<char>(std::toupper(static_cast<unsigned char>(operation[3])));
    Json setterParams(rapidjson::kObjectType);
    setterParams.AddMember(Json(name, a), Json(member.value, a), a);
    Json ignored;
    if (!object->invoke(operation, setterParams, ignored, a)) {
      throw KurentoException(ErrorCode::kMediaObjectIllegalParamError,
                             "property '" + clip(name) + "' of " + object->qualifiedTypeName() +
                                 " cannot be set (no operation '" + clip(operation) + "')");
    }
  }
}

void RpcMethods::invoke(const Json& params, Json& result, JsonAllocator& a) {
  static const Json kEmptyObject(rapidjson::kObjectType);
  std::string_view objectId = requireString(params, "object");
  std::string operation(requireString(params, "operation"));
  const Json& operationParams = optionalObject(params, "operationParams", kEmptyObject);
  RemoteObjectPtr object = find(objectId);
  Json value;
  if (!object->invoke(operation, operationParams, value, a)) {
    throw KurentoException(ErrorCode::kMediaObjectMethodNotFound,
                           "object " + object->id() + " of type " + object->typeName() +
                               " has no operation '" + clip(operation) + "'");
  }
  if (!value.IsNull()) {
    result.AddMember("value", value, a);
  }
}

void RpcMethods::subscribe(const Json& params, RequestContext& context, Json& result,
                           JsonAllocator& a) {
  std::string_view objectId = requireString(params, "object");
  std::string type(requireString(params, "type"));
  RemoteObjectPtr object = find(objectId);
  if (!hasEventOrAlias(*object, type)) {
    throw KurentoException(ErrorCode::kMediaObjectEventNotSupported,
                           "object " + object->id() + " of type " + object->typeName() +
                               " has no event '" + clip(type) + "'");
  }
  std::string subscriptionId = sessions_.subscribe(context.sessionId, object->id(), type);
  result.AddMember("value", Json(subscriptionId, a), a);
}

// An unknown subscription of a live object is an error (40101 naming it). Once the object is
// released its subscriptions are gone with it, and kurento-client still unsubscribes when it
// drops its listeners after a release: that is answered with success.
void RpcMethods::unsubscribe(const Json& params) {
  std::string_view objectId = requireString(params, "object");
  std::string_view subscriptionId = requireString(params, "subscription");
  if (!sessions_.unsubscribe(subscriptionId) && registry_.tryFind(objectId)) {
    throw KurentoException(ErrorCode::kMediaObjectNotFound,
                           "subscription '" + clip(subscriptionId) + "' not found");
  }
}

void RpcMethods::release(const Json& params) {
  std::string_view objectId = requireString(params, "object");
  RemoteObjectPtr object = find(objectId);
  if (registry_.isSingleton(objectId)) {
    throw KurentoException(ErrorCode::kMediaObjectOperationNotSupported,
                           "object " + object->id() + " belongs to the server and cannot be "
                                                      "released");
  }
  registry_.release(objectId);
}

void RpcMethods::describe(const Json& params, Json& result, JsonAllocator& a) {
  RemoteObjectPtr object = find(requireString(params, "object"));
  result.AddMember("type", Json(object->typeName(), a), a);
  result.AddMember("qualifiedType", Json(object->qualifiedTypeName(), a), a);
  Json hierarchy(rapidjson::kArrayType);
  for (const std::string& ancestor : object->hierarchy()) {
    hierarchy.PushBack(Json(ancestor, a), a);
  }
  result.AddMember("hierarchy", hierarchy, a);
}

void RpcMethods::connect(const Json& params, RequestContext& context) {
  std::string sessionId(optionalString(params, "sessionId"));
  if (sessionId.empty()) {
    // No session to resume: the connection's own (or a new) session, as for other methods.
    if (limits_ != nullptr) {
      limits_->attachSession(sessions_, context.sessionId, context.connection);
    } else {
      sessions_.attach(context.sessionId, context.connection);
    }
    context.connection->currentSessionId = context.sessionId;
    return;
  }
  if (!sessions_.reattach(sessionId, context.connection)) {
    throw KurentoException(ErrorCode::kInvalidSession,
                           "session '" + clip(sessionId) + "' is unknown (expired or never "
                                                          "created)");
  }
  context.sessionId = sessionId;
  context.connection->currentSessionId = sessionId;
}

}  // namespace kms::host
