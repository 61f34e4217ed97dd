#include "HttpHandler.hpp"

namespace kms::host {

namespace {

HttpReply jsonReply(unsigned status, std::string body) {
  return HttpReply{status, "application/json", std::move(body), {}};
}

}  // namespace

HttpReply credentialRefusal(Credential credential) {
  if (credential == Credential::kWrong) {
    return jsonReply(403, "{\"error\":\"forbidden: the shared secret is wrong\"}");
  }
  HttpReply reply = jsonReply(
      401, "{\"error\":\"unauthorized: this server requires its shared secret, in the query "
           "(?access_token=...) or in the header 'Authorization: Bearer ...'\"}");
  reply.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"kurento\"");
  return reply;
}

// Enabled, and on this listener: the own one when a port is configured, else the WebSocket's.
bool HttpHandler::serves(const HttpRequestContext& context) const {
  return monitoring_.enabled && context.monitoringListener == monitoring_.port.has_value();
}

HttpReply HttpHandler::handle(std::string_view method, std::string_view path,
                              const HttpRequestContext& context) const {
  const bool known = (path == "/healthz" || path == "/metrics") && serves(context);
  if (!known) {
    return jsonReply(404, "{\"error\":\"not found\"}");
  }
  if (method != "GET" && method != "HEAD") {
    return jsonReply(405, "{\"error\":\"method not allowed\"}");
  }
  if (path == "/healthz") {
    return jsonReply(200, "{\"status\":\"ok\"}");
  }
  if (!context.monitoringListener && context.credential != Credential::kAccepted) {
    metrics_.countAuthRefusal(context.credential == Credential::kWrong);
    return credentialRefusal(context.credential);
  }
  return HttpReply{200, "text/plain; version=0.0.4; charset=utf-8",
                   metrics_.render(sessions_.count(), registry_.countByType()), {}};
}

}  // namespace kms::host
