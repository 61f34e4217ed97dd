// The receiver-side bandwidth estimate an RtpEndpoint sends as REMB, driven by loss as
// RembParams describe: start at rembOnConnect, grow exponentially below the threshold and
// linearly above it, and on heavy loss drop by decrementFactor and lower the threshold.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace kurento::rtp {

struct RembSettings {
  int64_t packetsPerUpdate = 100;   // packetsRecvIntervalTop
  double exponentialFactor = 0.04;
  std::optional<int64_t> linearStepCapBps;  // linealFactorMin
  double linearGrade = 30.0;        // linealFactorGrade
  double decrementFactor = 0.5;
  double thresholdFactor = 0.8;
  int upLosses = 12;                // loss fraction limit, in 1/256
  int64_t initialBps = 300000;      // rembOnConnect
  int64_t minBps = 30000;           // minVideoRecvBandwidth (at least 30 kbps)
  int64_t maxBps = 0;               // maxVideoRecvBandwidth; 0: no limit
  // What our encoders may send, whatever the peer's REMB asks (min/maxVideoSendBandwidth).
  int64_t sendMinBps = 100000;
  int64_t sendMaxBps = 500000;      // 0: no limit
  int64_t sendStartBps = 300000;    // the encoder's bitrate before any REMB arrives
};

// The bitrate of a received REMB: RTCP PSFB feedback of type 15 (application layer) whose FCI
// starts with "REMB"; nullopt for any other feedback. A value beyond int64 (an exponent of up
// to 63 is allowed on the wire) reads as INT64_MAX.
std::optional<int64_t> rembFromFeedback(unsigned type, unsigned fbtype, const uint8_t* fci,
                                        size_t size);

class RembEstimator {
 public:
  explicit RembEstimator(const RembSettings& settings);

  // Feeds the cumulative counters of the peer's stream; returns the estimate to send.
  int64_t update(uint64_t packetsReceived, int64_t packetsLost);
  int64_t estimateBps() const { return estimateBps_; }

 private:
  int64_t clamp(double bps) const;

  RembSettings settings_;
  int64_t estimateBps_;
  double thresholdBps_;
  bool primed_ = false;
  uint64_t lastReceived_ = 0;
  int64_t lastLost_ = 0;
};

}  // namespace kurento::rtp
