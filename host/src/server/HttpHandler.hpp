// Plain HTTP endpoints next to the WebSocket: /healthz and /metrics.
#pragma once

#include "Metrics.hpp"
#include "ObjectRegistry.hpp"
#include "SessionManager.hpp"

#include <string>
#include <string_view>

namespace kms::host {

struct HttpReply {
  unsigned status = 200;
  std::string contentType;
  std::string body;
};

class HttpHandler {
 public:
  HttpHandler(Metrics& metrics, SessionManager& sessions, ObjectRegistry& registry)
      : metrics_(metrics), sessions_(sessions), registry_(registry) {}

  // `method` is the HTTP verb ("GET"), `path` the target without its query string.
  HttpReply handle(std::string_view method, std::string_view path) const;

 private:
  Metrics& metrics_;
  SessionManager& sessions_;
  ObjectRegistry& registry_;
};

}  // namespace kms::host
