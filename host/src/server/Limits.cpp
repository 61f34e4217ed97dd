#include "Limits.hpp"

#include "JsonRpc.hpp"
#include "ObjectRegistry.hpp"
#include "RequestId.hpp"
#include "SessionManager.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>

#include <rapidjson/stringbuffer.h>

namespace kms::host {

namespace {
GstDebugCategory* const kCat =
    kms::debugCategory("kms-limits", "mediaServer.limits: refused requests");

std::string key(Limit limit) { return std::string("mediaServer.limits.") + limitKey(limit); }

}  // namespace
#define GST_CAT_DEFAULT kCat

void Limits::refuse(Limit limit, const std::string& message) const {
  metrics_.countLimitRefusal(limit);
  GST_DEBUG("refused: %s", message.c_str());
  throw KurentoException(ErrorCode::kNotEnoughResources, message);
}

void Limits::admitRequest(ClientConnection& connection) const {
  if (connection.requestBudget.take(RequestBudget::Clock::now(), config_.maxRequestsPerSecond,
                                    config_.requestBurst)) {
    return;
  }
  refuse(Limit::kRequestRate,
         "request refused: this connection sends more than " +
             std::to_string(config_.maxRequestsPerSecond) + " requests per second (" +
             key(Limit::kRequestRate) + ", bursts of " + std::to_string(config_.requestBurst) +
             " allowed by mediaServer.limits.requestBurst); retry later");
}

void Limits::attachSession(SessionManager& sessions, const std::string& sessionId,
                           const ClientConnectionPtr& connection) const {
  const auto max = static_cast<size_t>(config_.maxSessionsPerConnection);
  if (sessions.attach(sessionId, connection, max)) {
    return;
  }
  refuse(Limit::kSessionsPerConnection,
         "session '" + clip(sessionId) + "' refused: this connection already carries " +
             std::to_string(max) + " sessions, the most " + key(Limit::kSessionsPerConnection) +
             " allows");
}

void Limits::admitObject(size_t objects) const {
  const auto max = static_cast<size_t>(config_.maxObjectsPerSession);
  if (max == 0 || objects < max) {
    return;
  }
  refuse(Limit::kObjectsPerSession,
         "create refused: this session already has " + std::to_string(objects) +
             " objects, the most " + key(Limit::kObjectsPerSession) +
             " allows; release some first");
}

std::string Limits::oversizedMessage(size_t bytes, std::string_view head,
                                     std::string_view tail) const {
  metrics_.countLimitRefusal(Limit::kMessageBytes);
  const std::string message = "message refused: it has " + std::to_string(bytes) +
                              " bytes, more than the " +
                              std::to_string(config_.maxMessageBytes) + " of " +
                              key(Limit::kMessageBytes);
  GST_DEBUG("%s", message.c_str());
  JsonDocument id;  // null unless found
  recoverRequestId(head, tail, id);
  rapidjson::StringBuffer out;
  writeError(out, id, ErrorCode::kNotEnoughResources, message);
  return std::string(out.GetString(), out.GetSize());
}

}  // namespace kms::host
