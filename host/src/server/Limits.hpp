// mediaServer.limits applied to JSON-RPC requests: each refusal is a 40009
// NOT_ENOUGH_RESOURCES error naming the configuration key, counted in /metrics.
#pragma once

#include "ClientConnection.hpp"
#include "Metrics.hpp"

#include "config/ServerConfig.hpp"

#include <cstddef>
#include <string>

namespace kms::host {

class SessionManager;

class Limits {
 public:
  Limits(const LimitsConfig& config, Metrics& metrics) : config_(config), metrics_(metrics) {}

  const LimitsConfig& config() const { return config_; }

  // Each throws KurentoException(kNotEnoughResources) and counts the refusal when the limit
  // is reached.
  // One more request of `connection` (its RequestBudget).
  void admitRequest(ClientConnection& connection) const;
  // Attaches `sessionId` to `connection` unless that exceeds maxSessionsPerConnection.
  void attachSession(SessionManager& sessions, const std::string& sessionId,
                     const ClientConnectionPtr& connection) const;
  // One more object for a session that has `objects`.
  void admitObject(size_t objects) const;

  // The error response text for a message of `bytes` over maxMessageBytes; `head` and `tail`
  // are its first and last bytes, where the request id may be found.
  std::string oversizedMessage(size_t bytes, std::string_view head, std::string_view tail) const;

 private:
  [[noreturn]] void refuse(Limit limit, const std::string& message) const;

  const LimitsConfig config_;
  Metrics& metrics_;
};

}  // namespace kms::host
