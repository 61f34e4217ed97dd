// Counters of the server, rendered in the Prometheus text format 0.0.4.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace kms::host {

// The JSON-RPC methods, as indexes of per-method counters.
enum class RpcMethod : int {
  kUnknown = 0,  // not a method of the protocol (counted as "unknown")
  kCreate,
  kInvoke,
  kSubscribe,
  kUnsubscribe,
  kRelease,
  kDescribe,
  kTransaction,
  kConnect,
  kPing,
  kCount
};

RpcMethod parseRpcMethod(std::string_view name);
const char* rpcMethodName(RpcMethod method);

// The limits of mediaServer.limits, as indexes of refusal counters.
enum class Limit : int {
  kUnset = 0,
  kConnections,
  kSessionsPerConnection,
  kObjectsPerSession,
  kMessageBytes,
  kRequestRate,
  kCount
};
// The configuration key of `limit` ("maxConnections"), also its metrics label.
const char* limitKey(Limit limit);

class Metrics {
 public:
  Metrics();

  void countRequest(RpcMethod method) {
    requests_[static_cast<size_t>(method)].fetch_add(1, std::memory_order_relaxed);
  }
  void countError(RpcMethod method, int code);
  void countEventsSent(uint64_t count) { eventsSent_.fetch_add(count, std::memory_order_relaxed); }
  void countLimitRefusal(Limit limit) {
    limitRefusals_[static_cast<size_t>(limit)].fetch_add(1, std::memory_order_relaxed);
  }
  // A WebSocket upgrade refused for a missing (`wrong` false) or a wrong secret.
  void countAuthRefusal(bool wrong) {
    (wrong ? authWrong_ : authMissing_).fetch_add(1, std::memory_order_relaxed);
  }
  uint64_t limitRefusals(Limit limit) const {
    return limitRefusals_[static_cast<size_t>(limit)].load(std::memory_order_relaxed);
  }
  void connectionOpened() { connections_.fetch_add(1, std::memory_order_relaxed); }
  void connectionClosed() { connections_.fetch_sub(1, std::memory_order_relaxed); }

  int64_t connections() const { return connections_.load(std::memory_order_relaxed); }
  uint64_t requests(RpcMethod method) const {
    return requests_[static_cast<size_t>(method)].load(std::memory_order_relaxed);
  }

  // The exposition text; the gauges owned by other components are passed in.
  std::string render(size_t sessions, const std::map<std::string, size_t>& objectsPerType) const;

 private:
  std::array<std::atomic<uint64_t>, static_cast<size_t>(RpcMethod::kCount)> requests_{};
  std::array<std::atomic<uint64_t>, static_cast<size_t>(Limit::kCount)> limitRefusals_{};
  std::atomic<uint64_t> authMissing_{0};
  std::atomic<uint64_t> authWrong_{0};
  std::atomic<uint64_t> eventsSent_{0};
  std::atomic<int64_t> connections_{0};
  mutable std::mutex errorsMutex_;
  std::map<std::pair<RpcMethod, int>, uint64_t> errors_;  // errors are rare: a map is fine
  std::chrono::steady_clock::time_point start_;
};

// Resident set size of this process in bytes (0 when unknown).
uint64_t residentMemoryBytes();

}  // namespace kms::host
