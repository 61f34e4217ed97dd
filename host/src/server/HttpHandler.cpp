#include "HttpHandler.hpp"

namespace kms::host {

namespace {

HttpReply jsonReply(unsigned status, std::string body) {
  return HttpReply{status, "application/json", std::move(body)};
}

}  // namespace

HttpReply HttpHandler::handle(std::string_view method, std::string_view path) const {
  const bool known = path == "/healthz" || path == "/metrics";
  if (!known) {
    return jsonReply(404, "{\"error\":\"not found\"}");
  }
  if (method != "GET" && method != "HEAD") {
    return jsonReply(405, "{\"error\":\"method not allowed\"}");
  }
  if (path == "/healthz") {
    return jsonReply(200, "{\"status\":\"ok\"}");
  }
  return HttpReply{200, "text/plain; version=0.0.4; charset=utf-8",
                   metrics_.render(sessions_.count(), registry_.countByType())};
}

}  // namespace kms::host
