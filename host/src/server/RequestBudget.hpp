// A token bucket: the request rate one connection may use (mediaServer.limits.
// maxRequestsPerSecond and requestBurst). Not thread-safe: a connection's requests are handled
// one at a time.
#pragma once

#include <chrono>
#include <cstdint>

namespace kms::host {

class RequestBudget {
 public:
  using Clock = std::chrono::steady_clock;

  // True when one more request may run at `now`: the bucket starts full with `burst` tokens
  // and refills at `ratePerSecond`; each request takes one. A rate of 0 means no limit.
  bool take(Clock::time_point now, int64_t ratePerSecond, int64_t burst);

 private:
  bool started_ = false;
  double tokens_ = 0.0;
  Clock::time_point refilledAt_;
};

}  // namespace kms::host
