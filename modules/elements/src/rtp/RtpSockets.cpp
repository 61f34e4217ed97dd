#include "RtpSockets.hpp"

#include <kms/sdk/Error.hpp>

#include <random>

namespace kurento::rtp {

namespace {

kms::GRef<GSocket> bindUdp(uint16_t port, bool ipv6) {
  const GSocketFamily family = ipv6 ? G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_IPV4;
  GError* error = nullptr;
  kms::GRef<GSocket> socket = kms::GRef<GSocket>::adopt(
      g_socket_new(family, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error));
  if (!socket) {
    g_clear_error(&error);
    return {};
  }
  kms::GRef<GInetAddress> any = kms::GRef<GInetAddress>::adopt(g_inet_address_new_any(family));
  kms::GRef<GSocketAddress> address =
      kms::GRef<GSocketAddress>::adopt(g_inet_socket_address_new(any.get(), port));
  if (!g_socket_bind(socket.get(), address.get(), FALSE, &error)) {
    g_clear_error(&error);
    return {};
  }
  return socket;
}

}  // namespace

SocketPair bindSocketPair(uint16_t minPort, uint16_t maxPort, bool ipv6) {
  static std::mt19937 random{std::random_device{}()};
  const uint32_t first = (minPort + 1u) & ~1u;  // RTP on an even port
  if (first + 1 > maxPort) {
    throw kms::KurentoException(kms::ErrorCode::kNotEnoughResources,
                                "the port range " + std::to_string(minPort) + "-" +
                                    std::to_string(maxPort) +
                                    " has no pair of ports (BaseRtpEndpoint.conf.ini)");
  }
  const uint32_t pairs = (maxPort - first + 1) / 2;
  const uint32_t start = std::uniform_int_distribution<uint32_t>(0, pairs - 1)(random);
  for (uint32_t i = 0; i < pairs; ++i) {
    const auto port = static_cast<uint16_t>(first + 2 * ((start + i) % pairs));
    SocketPair pair;
    pair.rtp = bindUdp(port, ipv6);
    if (!pair.rtp) {
      continue;
    }
    pair.rtcp = bindUdp(static_cast<uint16_t>(port + 1), ipv6);
    if (!pair.rtcp) {
      continue;
    }
    pair.rtpPort = port;
    pair.rtcpPort = static_cast<uint16_t>(port + 1);
    return pair;
  }
  throw kms::KurentoException(kms::ErrorCode::kNotEnoughResources,
                              "no free pair of UDP ports in " + std::to_string(minPort) + "-" +
                                  std::to_string(maxPort) + " (BaseRtpEndpoint.conf.ini)");
}

}  // namespace kurento::rtp
