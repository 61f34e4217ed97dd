// The token bucket of mediaServer.limits.maxRequestsPerSecond / requestBurst, on a fake clock.
#include "server/RequestBudget.hpp"

#include <gtest/gtest.h>

namespace kms::host {
namespace {

using std::chrono::milliseconds;

int takeAll(RequestBudget& budget, RequestBudget::Clock::time_point now, int64_t rate,
            int64_t burst, int attempts) {
  int taken = 0;
  for (int i = 0; i < attempts; ++i) {
    taken += budget.take(now, rate, burst) ? 1 : 0;
  }
  return taken;
}

TEST(RequestBudget, StartsFullThenRefillsAtTheRate) {
  RequestBudget budget;
  const auto start = RequestBudget::Clock::time_point() + std::chrono::hours(1);
  EXPECT_EQ(takeAll(budget, start, 10, 20, 100), 20);
  EXPECT_FALSE(budget.take(start + milliseconds(50), 10, 20));
  EXPECT_EQ(takeAll(budget, start + milliseconds(1000), 10, 20, 100), 10);
  // Never more than the burst, however long the pause.
  EXPECT_EQ(takeAll(budget, start + std::chrono::hours(2), 10, 20, 100), 20);
}

TEST(RequestBudget, SustainsTheRate) {
  RequestBudget budget;
  auto now = RequestBudget::Clock::time_point() + std::chrono::hours(1);
  takeAll(budget, now, 100, 100, 100);  // empty the bucket
  int taken = 0;
  for (int step = 0; step < 1000; ++step) {  // 10 s in 10 ms steps, 5 attempts each
    now += milliseconds(10);
    taken += takeAll(budget, now, 100, 100, 5);
  }
  EXPECT_NEAR(taken, 1000, 2);
}

TEST(RequestBudget, RateZeroMeansNoLimit) {
  RequestBudget budget;
  EXPECT_EQ(takeAll(budget, RequestBudget::Clock::now(), 0, 1, 10000), 10000);
}

TEST(RequestBudget, ToleratesAClockThatDoesNotMove) {
  RequestBudget budget;
  const auto now = RequestBudget::Clock::time_point() + std::chrono::hours(1);
  EXPECT_EQ(takeAll(budget, now, 5, 3, 10), 3);
  EXPECT_FALSE(budget.take(now - milliseconds(500), 5, 3));
}

}  // namespace
}  // namespace kms::host
