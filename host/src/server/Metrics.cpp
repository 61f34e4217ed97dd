#include "Metrics.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace kms::host {

namespace {

constexpr std::array<const char*, static_cast<size_t>(RpcMethod::kCount)> kMethodNames = {
    "unknown",  "create", "invoke",      "subscribe", "unsubscribe",
    "release",  "describe", "transaction", "connect",  "ping"};

constexpr std::array<const char*, static_cast<size_t>(Limit::kCount)> kLimitKeys = {
    "unset", "maxConnections", "maxSessionsPerConnection", "maxObjectsPerSession",
    "maxMessageBytes", "maxRequestsPerSecond"};

// Escapes a label value (backslash, double quote and newline).
std::string escapeLabel(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void header(std::ostringstream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

}  // namespace

RpcMethod parseRpcMethod(std::string_view name) {
  for (size_t i = 1; i < kMethodNames.size(); ++i) {
    if (name == kMethodNames[i]) {
      return static_cast<RpcMethod>(i);
    }
  }
  return RpcMethod::kUnknown;
}

const char* rpcMethodName(RpcMethod method) { return kMethodNames[static_cast<size_t>(method)]; }

const char* limitKey(Limit limit) { return kLimitKeys[static_cast<size_t>(limit)]; }

Metrics::Metrics() : start_(std::chrono::steady_clock::now()) {}

void Metrics::countError(RpcMethod method, int code) {
  std::lock_guard<std::mutex> lock(errorsMutex_);
  ++errors_[{method, code}];
}

std::string Metrics::render(size_t sessions,
                            const std::map<std::string, size_t>& objectsPerType) const {
  std::ostringstream out;
  header(out, "kms_sessions", "gauge", "Client sessions known to the server.");
  out << "kms_sessions " << sessions << '\n';
  header(out, "kms_websocket_connections", "gauge", "Open WebSocket connections.");
  out << "kms_websocket_connections " << connections() << '\n';
  header(out, "kms_objects", "gauge", "Registered remote objects by qualified type.");
  for (const auto& [type, count] : objectsPerType) {
    out << "kms_objects{type=\"" << escapeLabel(type) << "\"} " << count << '\n';
  }
  header(out, "kms_requests_total", "counter", "JSON-RPC requests received by method.");
  for (size_t i = 0; i < kMethodNames.size(); ++i) {
    out << "kms_requests_total{method=\"" << kMethodNames[i] << "\"} "
        << requests_[i].load(std::memory_order_relaxed) << '\n';
  }
  header(out, "kms_request_errors_total", "counter",
         "JSON-RPC error responses by method and error code.");
  {
    std::lock_guard<std::mutex> lock(errorsMutex_);
    for (const auto& [key, count] : errors_) {
      out << "kms_request_errors_total{method=\"" << rpcMethodName(key.first) << "\",code=\""
          << key.second << "\"} " << count << '\n';
    }
  }
  header(out, "kms_limit_refusals_total", "counter",
         "Requests and connections refused by a limit of mediaServer.limits, by its key.");
  for (size_t i = 1; i < kLimitKeys.size(); ++i) {
    out << "kms_limit_refusals_total{limit=\"" << kLimitKeys[i] << "\"} "
        << limitRefusals_[i].load(std::memory_order_relaxed) << '\n';
  }
  header(out, "kms_auth_refusals_total", "counter",
         "WebSocket upgrades and /metrics requests refused for their secret, by reason.");
  out << "kms_auth_refusals_total{reason=\"missing\"} "
      << authMissing_.load(std::memory_order_relaxed) << '\n';
  out << "kms_auth_refusals_total{reason=\"wrong\"} "
      << authWrong_.load(std::memory_order_relaxed) << '\n';
  header(out, "kms_events_sent_total", "counter", "Event notifications sent to clients.");
  out << "kms_events_sent_total " << eventsSent_.load(std::memory_order_relaxed) << '\n';
  header(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
  out << "process_resident_memory_bytes " << residentMemoryBytes() << '\n';
  header(out, "kms_uptime_seconds", "gauge", "Seconds since the server started.");
  std::chrono::duration<double> uptime = std::chrono::steady_clock::now() - start_;
  char uptimeText[32];
  std::snprintf(uptimeText, sizeof uptimeText, "%.3f", uptime.count());
  out << "kms_uptime_seconds " << uptimeText << '\n';
  return out.str();
}

uint64_t residentMemoryBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t sizePages = 0;
  uint64_t residentPages = 0;
  if (!(statm >> sizePages >> residentPages)) {
    return 0;
  }
  long pageSize = sysconf(_SC_PAGESIZE);
  return residentPages * static_cast<uint64_t>(pageSize > 0 ? pageSize : 4096);
}

}  // namespace kms::host
