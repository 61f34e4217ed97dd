// A pair of bound UDP sockets (RTP on an even port, RTCP on the next) from the configured
// range; handed to udpsrc and udpsink so that we send from the port we receive on.
#pragma once

#include <gio/gio.h>
#include <kms/sdk/Gst.hpp>

#include <cstdint>

namespace kurento::rtp {

struct SocketPair {
  kms::GRef<GSocket> rtp;
  kms::GRef<GSocket> rtcp;
  uint16_t rtpPort = 0;
  uint16_t rtcpPort = 0;
};

// Binds two consecutive ports within [minPort, maxPort] on every IPv4 (or IPv6) address.
// Throws NOT_ENOUGH_RESOURCES (40009) naming the range when none is free.
SocketPair bindSocketPair(uint16_t minPort, uint16_t maxPort, bool ipv6);

}  // namespace kurento::rtp
