// WebRtcEndpoint.conf.ini and the checks its values share with the endpoint's setters; the
// elements module reads the file once at start-up so that a wrong value stops the server there.
#pragma once

#include <kms/sdk/Config.hpp>

#include <cstdint>
#include <string>

namespace kurento::webrtc {

struct WebRtcSettings {
  std::string stunServerAddress;
  int32_t stunServerPort = 3478;
  std::string turnUrl;
  std::string networkInterfaces;
  std::string externalIPv4;
  std::string externalIPv6;
  bool iceTcp = true;
  // Viewers that only receive are served by the lean send-only transport (webrtc/lean/);
  // false: by webrtcbin, as every other endpoint.
  bool leanSendTransport = true;
};

// Throws kms::ConfigError naming the file and the key.
WebRtcSettings readSettings(const kms::ClassConfig& config);

// "" when `url` is Kurento's user:password@host:port[?transport=udp|tcp] (or empty), else what
// is wrong.
std::string turnUrlProblem(const std::string& url);

// "" when `address` is a numeric address of that family (or empty), else what is wrong.
std::string addressProblem(const std::string& address, bool ipv6);

// Throws kms::ConfigError when `config`'s externalIPv4 / externalIPv6 is not such an address
// (WebRtcEndpoint.conf.ini and RtpEndpoint.conf.ini both have them).
void checkExternalAddresses(const kms::ClassConfig& config);

}  // namespace kurento::webrtc
