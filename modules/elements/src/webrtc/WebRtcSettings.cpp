#include "WebRtcSettings.hpp"

#include <gio/gio.h>

#include <cstdlib>
#include <utility>

namespace kurento::webrtc {

namespace {

bool isPort(const std::string& text) {
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  const long port = std::strtol(text.c_str(), nullptr, 10);
  return port >= 1 && port <= 65535;
}

}  // namespace

std::string turnUrlProblem(const std::string& url) {
  if (url.empty()) {
    return "";
  }
  const std::string expected = "expected user:password@host:port[?transport=udp|tcp]";
  const size_t at = url.rfind('@');
  if (at == std::string::npos || url.find(':') > at) {
    return "no user:password@ before the host; " + expected;
  }
  std::string server = url.substr(at + 1);
  const size_t query = server.find('?');
  if (query != std::string::npos) {
    const std::string transport = server.substr(query + 1);
    if (transport != "transport=udp" && transport != "transport=tcp") {
      return "'" + transport + "' is not transport=udp or transport=tcp";
    }
    server.resize(query);
  }
  const size_t colon = server.rfind(':');
  if (colon == std::string::npos || colon == 0 || !isPort(server.substr(colon + 1))) {
    return "no host:port after the @ (port 1-65535); " + expected;
  }
  return "";
}

std::string addressProblem(const std::string& address, bool ipv6) {
  if (address.empty()) {
    return "";
  }
  GInetAddress* parsed = g_inet_address_new_from_string(address.c_str());
  const bool valid = parsed != nullptr && g_inet_address_get_family(parsed) ==
                                              (ipv6 ? G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_IPV4);
  if (parsed != nullptr) {
    g_object_unref(parsed);
  }
  return valid ? "" : "'" + address + "' is not a numeric " + (ipv6 ? "IPv6" : "IPv4") + " address";
}

WebRtcSettings readSettings(const kms::ClassConfig& config) {
  WebRtcSettings settings;
  settings.stunServerAddress = config.getString("stunServerAddress", "");
  settings.stunServerPort = static_cast<int32_t>(config.getInt("stunServerPort", 3478, 1, 65535));
  settings.turnUrl = config.getString("turnURL", "");
  settings.networkInterfaces = config.getString("networkInterfaces", "");
  settings.externalIPv4 = config.getString("externalIPv4", "");
  settings.externalIPv6 = config.getString("externalIPv6", "");
  settings.iceTcp = config.getBool("iceTcp", true);
  settings.leanSendTransport = config.getBool("leanSendTransport", true);
  if (const std::string problem = turnUrlProblem(settings.turnUrl); !problem.empty()) {
    config.fail("turnURL", problem);
  }
  checkExternalAddresses(config);
  return settings;
}

void checkExternalAddresses(const kms::ClassConfig& config) {
  for (const auto& [key, ipv6] : {std::pair{"externalIPv4", false}, std::pair{"externalIPv6", true}}) {
    if (const std::string problem = addressProblem(config.getString(key, ""), ipv6); !problem.empty()) {
      config.fail(key, problem);
    }
  }
}

}  // namespace kurento::webrtc
