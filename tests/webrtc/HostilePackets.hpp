// Hostile UDP traffic for the fault tests: random bytes, and RTP, RTCP, STUN and DTLS packets
// that look real enough to reach each parser but are truncated, inconsistent or garbage
// inside; a Sprayer sends them at a set of ports from a socket of its own for a while.
#pragma once

#include <netinet/in.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace kms::test {

using Packet = std::vector<uint8_t>;

enum class HostileKind { kRandom, kRtp, kRtcp, kStun, kDtls, kCount };

// One packet of `kind`; `random` drives every choice.
Packet hostilePacket(HostileKind kind, std::mt19937& random);

// The destinations of an endpoint: "host:port" pairs on 127.0.0.1.
sockaddr_in loopbackAddress(int port);

class Sprayer {
 public:
  // Starts sending, round robin over `targets` and every kind, `packetsPerSecond` in all.
  Sprayer(std::vector<sockaddr_in> targets, int packetsPerSecond);
  ~Sprayer();
  Sprayer(const Sprayer&) = delete;
  Sprayer& operator=(const Sprayer&) = delete;
  void stop();
  uint64_t sent() const { return sent_; }

 private:
  void run();

  std::vector<sockaddr_in> targets_;
  int packetsPerSecond_;
  int fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> sent_{0};
  std::thread thread_;
};

}  // namespace kms::test
