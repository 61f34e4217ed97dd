#include "RembEstimator.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

namespace kurento::rtp {

namespace {
constexpr int64_t kFloorBps = 30000;
constexpr double kMinLinearStepBps = 1000;
}  // namespace

std::optional<int64_t> rembFromFeedback(unsigned type, unsigned fbtype, const uint8_t* fci,
                                        size_t size) {
  constexpr unsigned kPayloadSpecificFeedback = 206;
  constexpr unsigned kApplicationLayerFeedback = 15;
  if (type != kPayloadSpecificFeedback || fbtype != kApplicationLayerFeedback || fci == nullptr ||
      size < 8 || std::memcmp(fci, "REMB", 4) != 0) {
    return std::nullopt;
  }
  const uint64_t mantissa = (static_cast<uint64_t>(fci[5] & 3) << 16) |
                            (static_cast<uint64_t>(fci[6]) << 8) | fci[7];
  const unsigned exponent = fci[5] >> 2;  // 0..63: an 18-bit mantissa shifted that far wraps
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if (mantissa != 0 && exponent > 0 &&
      mantissa > (static_cast<uint64_t>(kMax) >> exponent)) {
    return kMax;  // more than any link: no limit (found by tests/fuzz/RembFuzzer.cpp)
  }
  return static_cast<int64_t>(mantissa << exponent);
}

RembEstimator::RembEstimator(const RembSettings& settings)
    : settings_(settings),
      estimateBps_(0),
      thresholdBps_(settings.maxBps > 0 ? static_cast<double>(settings.maxBps)
                                        : std::numeric_limits<double>::max()) {
  estimateBps_ = clamp(static_cast<double>(settings_.initialBps));
}

int64_t RembEstimator::clamp(double bps) const {
  double low = static_cast<double>(std::max(settings_.minBps, kFloorBps));
  double high = settings_.maxBps > 0 ? static_cast<double>(settings_.maxBps)
                                     : std::numeric_limits<double>::max();
  return static_cast<int64_t>(std::clamp(bps, low, std::max(low, high)));
}

int64_t RembEstimator::update(uint64_t packetsReceived, int64_t packetsLost) {
  if (!primed_) {
    primed_ = true;
    lastReceived_ = packetsReceived;
    lastLost_ = packetsLost;
    return estimateBps_;
  }
  const int64_t received = static_cast<int64_t>(packetsReceived - lastReceived_);
  if (received < settings_.packetsPerUpdate) {
    return estimateBps_;  // not enough packets yet for a meaningful loss figure
  }
  const int64_t lost = std::max<int64_t>(0, packetsLost - lastLost_);
  lastReceived_ = packetsReceived;
  lastLost_ = packetsLost;
  const int64_t fractionLost = lost * 256 / std::max<int64_t>(1, received + lost);
  double estimate = static_cast<double>(estimateBps_);
  if (fractionLost > settings_.upLosses) {
    thresholdBps_ = estimate * settings_.thresholdFactor;
    estimate *= settings_.decrementFactor;
  } else if (estimate < thresholdBps_) {
    estimate *= 1.0 + settings_.exponentialFactor;
  } else {
    double step = std::max(kMinLinearStepBps, (estimate - thresholdBps_) / settings_.linearGrade);
    if (settings_.linearStepCapBps) {
      step = std::min(step, static_cast<double>(*settings_.linearStepCapBps));
    }
    estimate += step;
  }
  estimateBps_ = clamp(estimate);
  return estimateBps_;
}

}  // namespace kurento::rtp
