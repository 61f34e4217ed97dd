// The REMB estimate alone: start, exponential growth, decrease on loss, linear growth above
// the threshold, and the bounds.
#include "rtp/RembEstimator.hpp"

#include <gtest/gtest.h>

namespace kurento::rtp {
namespace {

RembSettings settings() {
  RembSettings s;
  s.packetsPerUpdate = 100;
  s.initialBps = 300000;
  return s;
}

TEST(RembEstimatorTest, StartsAtRembOnConnectAndWaitsForEnoughPackets) {
  RembEstimator remb(settings());
  EXPECT_EQ(remb.update(0, 0), 300000);
  EXPECT_EQ(remb.update(50, 0), 300000);  // fewer than packetsPerUpdate since the last one
}

TEST(RembEstimatorTest, GrowsByTheExponentialFactorWithoutLoss) {
  RembEstimator remb(settings());
  remb.update(0, 0);
  EXPECT_EQ(remb.update(100, 0), 312000);
  EXPECT_EQ(remb.update(200, 0), 324480);
}

TEST(RembEstimatorTest, HalvesOnHeavyLossThenGrowsLinearlyAboveTheNewThreshold) {
  RembEstimator remb(settings());
  remb.update(0, 0);
  EXPECT_EQ(remb.update(100, 20), 150000);  // 20 of 120 lost: above 12/256
  // threshold = 300000 * 0.8 = 240000: exponential below it...
  EXPECT_EQ(remb.update(200, 20), 156000);
  for (uint64_t received = 300; remb.estimateBps() < 240000; received += 100) {
    remb.update(received, 20);
  }
  const int64_t above = remb.estimateBps();
  EXPECT_EQ(remb.update(100000, 20), above + 1000);  // ...then linear (1 kbps minimum step)
}

TEST(RembEstimatorTest, LightLossDoesNotDecrease) {
  RembEstimator remb(settings());
  remb.update(0, 0);
  EXPECT_EQ(remb.update(100, 1), 312000);  // 1 of 101: below 12/256
}

TEST(RembEstimatorTest, StaysWithinTheConfiguredBounds) {
  RembSettings s = settings();
  s.minBps = 100000;
  s.maxBps = 310000;
  RembEstimator remb(s);
  remb.update(0, 0);
  EXPECT_EQ(remb.update(100, 0), 310000);
  EXPECT_EQ(remb.update(200, 100), 155000);
  EXPECT_EQ(remb.update(300, 200), 100000);
}

}  // namespace
}  // namespace kurento::rtp

namespace kurento::rtp {
namespace {

TEST(RembFromFeedbackTest, ReadsTheBitrateOfARembAndNothingElse) {
  // 123456 bps = mantissa 123456, exponent 0; one SSRC.
  const uint8_t remb[] = {'R', 'E', 'M', 'B', 1, 0x01, 0xE2, 0x40, 0, 0, 0, 7};
  EXPECT_EQ(rembFromFeedback(206, 15, remb, sizeof remb), 123456);
  // 1 Mbps needs an exponent: 1000000 = 250000 << 2.
  const uint8_t large[] = {'R', 'E', 'M', 'B', 1, (2 << 2) | 0x03, 0xD0, 0x90, 0, 0, 0, 7};
  EXPECT_EQ(rembFromFeedback(206, 15, large, sizeof large), 1000000);
  EXPECT_FALSE(rembFromFeedback(206, 1, remb, sizeof remb));  // a PLI, not AFB
  EXPECT_FALSE(rembFromFeedback(205, 15, remb, sizeof remb));
  const uint8_t other[] = {'X', 'X', 'X', 'X', 1, 0, 0, 0};
  EXPECT_FALSE(rembFromFeedback(206, 15, other, sizeof other));
  EXPECT_FALSE(rembFromFeedback(206, 15, remb, 4));
}

}  // namespace
}  // namespace kurento::rtp
