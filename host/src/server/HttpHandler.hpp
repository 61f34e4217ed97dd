// Plain HTTP endpoints next to the WebSocket: /healthz and /metrics, on the WebSocket port(s)
// or on their own listener (mediaServer.net.monitoring).
#pragma once

#include "Metrics.hpp"
#include "ObjectRegistry.hpp"
#include "SecretCheck.hpp"
#include "SessionManager.hpp"

#include "config/ServerConfig.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kms::host {

struct HttpReply {
  unsigned status = 200;
  std::string contentType;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra response headers
};

// Where a request arrived and what it proved.
struct HttpRequestContext {
  bool monitoringListener = false;  // the own listener of mediaServer.net.monitoring
  Credential credential = Credential::kAccepted;  // of the shared secret
};

class HttpHandler {
 public:
  HttpHandler(Metrics& metrics, SessionManager& sessions, ObjectRegistry& registry,
              MonitoringConfig monitoring = MonitoringConfig())
      : metrics_(metrics), sessions_(sessions), registry_(registry),
        monitoring_(std::move(monitoring)) {}

  // `method` is the HTTP verb ("GET"), `path` the target without its query string. On the
  // WebSocket port with a secret configured, /metrics needs it (/healthz never does).
  HttpReply handle(std::string_view method, std::string_view path,
                   const HttpRequestContext& context) const;
  // A request on the WebSocket port with the right (or no required) secret.
  HttpReply handle(std::string_view method, std::string_view path) const {
    return handle(method, path, HttpRequestContext());
  }

 private:
  bool serves(const HttpRequestContext& context) const;

  Metrics& metrics_;
  SessionManager& sessions_;
  ObjectRegistry& registry_;
  const MonitoringConfig monitoring_;
};

// The reply refusing a credential that is not kAccepted (401 missing, 403 wrong).
HttpReply credentialRefusal(Credential credential);

}  // namespace kms::host
