// networkInterfaces (WebRtcEndpoint): the addresses of named network interfaces, and limiting
// webrtcbin's ICE agent to them.
#pragma once

#include <gst/gst.h>

#include <string>
#include <vector>

namespace kurento::webrtc {

struct InterfaceAddresses {
  std::vector<std::string> addresses;  // numeric IPv4 and IPv6 addresses, in interface order
  std::vector<std::string> unknown;    // names of the list that no interface of this host has
  std::vector<std::string> available;  // every interface name of this host
};

// `names` is Kurento's comma-separated list of interface names (e.g. "eth0,wlan0"; blanks
// ignored). IPv6 link-local addresses are left out.
InterfaceAddresses interfaceAddresses(const std::string& names);

// "a, b, c"
std::string joined(const std::vector<std::string>& words);

// Makes webrtcbin's ICE agent gather host candidates on `addresses` only. Returns false when
// its agent cannot be reached (not the libnice one).
bool restrictIceAddresses(GstElement* webrtcbin, const std::vector<std::string>& addresses);

// A server has no NAT router to open ports on: libnice's UPnP IGD discovery (an SSDP client
// and an HTTP server per interface and agent: sockets, memory, timers) is turned off.
// Returns false when webrtcbin's agent is not libnice's.
bool disableUpnp(GstElement* webrtcbin);

}  // namespace kurento::webrtc
