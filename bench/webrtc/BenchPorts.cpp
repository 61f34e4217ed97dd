#include "BenchPorts.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <stdexcept>

namespace kms::bench {

namespace {

constexpr int kLowest = 20000;

int ephemeralStart() {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 32768;
  range >> low;
  return low;
}

bool canBind(int type, int port) {
  const int fd = ::socket(AF_INET, type, 0);
  if (fd < 0) {
    return false;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  ::close(fd);
  return bound;
}

int findPort(int type, bool pair) {
  std::random_device seed;
  std::mt19937 random(seed());
  std::uniform_int_distribution<int> ports(kLowest / 2, ephemeralStart() / 2 - 2);
  for (int attempt = 0; attempt < 200; ++attempt) {
    const int port = 2 * ports(random);
    if (canBind(type, port) && (!pair || canBind(type, port + 1))) {
      return port;
    }
  }
  throw std::runtime_error("no free loopback port below the ephemeral range");
}

}  // namespace

int freeTcpPort() { return findPort(SOCK_STREAM, false); }
int freeUdpPortPair() { return findPort(SOCK_DGRAM, true); }

}  // namespace kms::bench
