#include "RpcHandler.hpp"

#include "Ids.hpp"
#include "JsonRpc.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>

#include <rapidjson/stringbuffer.h>

namespace kms::host {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-rpc", "JSON-RPC request handling");

constexpr size_t kPoolBufferBytes = 32 * 1024;

// The request's id when it is usable in a response (number, string or null).
bool validId(const Json& id) { return id.IsNumber() || id.IsString() || id.IsNull(); }

}  // namespace
#define GST_CAT_DEFAULT kCat

std::string RpcHandler::handle(const ClientConnectionPtr& connection, std::string_view text) {
  // Per-thread scratch memory: a request is handled start to end on one thread.
  thread_local char poolBuffer[kPoolBufferBytes];
  thread_local rapidjson::StringBuffer out;
  rapidjson::MemoryPoolAllocator<> pool(poolBuffer, sizeof poolBuffer);
  JsonDocument request(&pool);
  Json id;  // null until a valid one is read
  bool notification = false;
  RpcMethod method = RpcMethod::kUnknown;
  try {
    parseBounded(text, request);
    if (!request.IsObject()) {
      throw KurentoException(ErrorCode::kInvalidRequest,
                             "invalid request: a request must be a JSON object");
    }
    auto idMember = request.FindMember("id");
    notification = idMember == request.MemberEnd();
    if (!notification) {
      if (!validId(idMember->value)) {
        throw KurentoException(ErrorCode::kInvalidRequest,
                               "invalid request: 'id' must be a number or a string");
      }
      id.CopyFrom(idMember->value, pool);
    }
    const Json* version = findMember(request, "jsonrpc");
    if (version != nullptr && !(version->IsString() && std::string_view(version->GetString()) ==
                                                           std::string_view("2.0"))) {
      throw KurentoException(ErrorCode::kInvalidRequest,
                             "invalid request: 'jsonrpc' must be \"2.0\"");
    }
    const Json* methodName = findMember(request, "method");
    if (methodName == nullptr || !methodName->IsString()) {
      throw KurentoException(ErrorCode::kInvalidRequest,
                             "invalid request: 'method' is required (a string)");
    }
    std::string_view name(methodName->GetString(), methodName->GetStringLength());
    method = parseRpcMethod(name);
    metrics_.countRequest(method);
    limits_.admitRequest(*connection);
    if (method == RpcMethod::kUnknown) {
      throw KurentoException(ErrorCode::kMethodNotFound,
                             "method '" + clip(name) + "' not found");
    }
    static const Json kEmptyObject(rapidjson::kObjectType);
    const Json* params = findMember(request, "params");
    if (params != nullptr && !params->IsNull() && !params->IsObject()) {
      throw KurentoException(ErrorCode::kInvalidParams, "invalid params: 'params' must be an "
                                                        "object");
    }
    RequestContext context{connection, std::string()};
    Json result(rapidjson::kObjectType);
    execute(method, params != nullptr && params->IsObject() ? *params : kEmptyObject, context,
            result, pool);
    if (notification) {
      return std::string();
    }
    writeResult(out, id, result);
  } catch (const KurentoException& e) {
    metrics_.countError(method, static_cast<int>(e.code()));
    GST_DEBUG("request failed with %d: %s", static_cast<int>(e.code()), e.what());
    if (notification) {
      return std::string();
    }
    writeError(out, id, e.code(), e.what());
  } catch (const std::exception& e) {
    metrics_.countError(method, static_cast<int>(ErrorCode::kUnexpectedError));
    GST_ERROR("unexpected error in %s: %s", rpcMethodName(method), e.what());
    if (notification) {
      return std::string();
    }
    writeError(out, id, ErrorCode::kUnexpectedError, std::string("unexpected error: ") + e.what());
  }
  std::string response(out.GetString(), out.GetSize());
  if (out.GetSize() > 64 * 1024) {
    out.Clear();
    out.ShrinkToFit();  // do not keep a huge buffer per thread after a huge response
  }
  return response;
}

void RpcHandler::execute(RpcMethod method, const Json& params, RequestContext& context,
                         Json& result, JsonAllocator& a) {
  if (method == RpcMethod::kPing) {
    methods_.run(method, params, context, result, a);
    return;  // ping carries no session
  }
  resolveSession(method, params, context);
  if (method == RpcMethod::kConnect) {
    methods_.run(method, params, context, result, a);
  } else {
    std::lock_guard<std::mutex> lock(modelMutex_);
    methods_.run(method, params, context, result, a);
  }
  result.AddMember("sessionId", Json(context.sessionId, a), a);
}

// The session of a request: params.sessionId when the client sent one (even one it made
// itself), else the connection's current session, else a new one. `connect` resolves its own.
void RpcHandler::resolveSession(RpcMethod method, const Json& params, RequestContext& context) {
  std::string_view requested = optionalString(params, "sessionId");
  if (method == RpcMethod::kConnect) {
    context.sessionId = context.connection->currentSessionId.empty()
                            ? newUuid()
                            : context.connection->currentSessionId;
    return;
  }
  if (!requested.empty()) {
    context.sessionId.assign(requested.data(), requested.size());
  } else if (!context.connection->currentSessionId.empty()) {
    context.sessionId = context.connection->currentSessionId;
  } else {
    context.sessionId = newUuid();
  }
  limits_.attachSession(sessions_, context.sessionId, context.connection);
  if (context.connection->currentSessionId != context.sessionId) {
    context.connection->currentSessionId = context.sessionId;
  }
}

std::string RpcHandler::refuseOversized(size_t bytes, std::string_view head,
                                        std::string_view tail) {
  metrics_.countRequest(RpcMethod::kUnknown);
  metrics_.countError(RpcMethod::kUnknown, static_cast<int>(ErrorCode::kNotEnoughResources));
  return limits_.oversizedMessage(bytes, head, tail);
}

}  // namespace kms::host
