#include "RequestBudget.hpp"

#include <algorithm>

namespace kms::host {

bool RequestBudget::take(Clock::time_point now, int64_t ratePerSecond, int64_t burst) {
  if (ratePerSecond <= 0) {
    return true;
  }
  const double capacity = static_cast<double>(std::max<int64_t>(burst, 1));
  if (!started_) {
    started_ = true;
    tokens_ = capacity;
  } else if (now > refilledAt_) {
    const std::chrono::duration<double> elapsed = now - refilledAt_;
    tokens_ = std::min(capacity, tokens_ + elapsed.count() * static_cast<double>(ratePerSecond));
  }
  refilledAt_ = std::max(refilledAt_, now);
  if (tokens_ < 1.0) {
    return false;
  }
  tokens_ -= 1.0;
  return true;
}

}  // namespace kms::host
