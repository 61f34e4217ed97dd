#include "HttpEndpointImpl.hpp"

#include <kms/sdk/ServerContext.hpp>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <cctype>

namespace kurento {

namespace {

// The first IPv4 address of an interface that is up and not the loopback one.
std::string firstExternalIpv4() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    return "127.0.0.1";
  }
  std::string found = "127.0.0.1";
  for (ifaddrs* item = list; item != nullptr; item = item->ifa_next) {
    if (item->ifa_addr == nullptr || item->ifa_addr->sa_family != AF_INET ||
        (item->ifa_flags & IFF_UP) == 0 || (item->ifa_flags & IFF_LOOPBACK) != 0) {
      continue;
    }
    char text[INET_ADDRSTRLEN] = {};
    const auto* address = reinterpret_cast<const sockaddr_in*>(item->ifa_addr);
    if (inet_ntop(AF_INET, &address->sin_addr, text, sizeof(text)) != nullptr) {
      found = text;
      break;
    }
  }
  freeifaddrs(list);
  return found;
}

}  // namespace

std::string HttpEndpointImpl::readAnnouncedAddress(const kms::ClassConfig& config) {
  const std::string address = config.getString("announcedAddress", "");
  for (unsigned char c : address) {
    if (!std::isalnum(c) && c != '.' && c != '-' && c != ':' && c != '[' && c != ']') {
      config.fail("announcedAddress", "'" + address + "' is not a host name or an IP address");
    }
  }
  if (address.empty()) {
    return firstExternalIpv4();
  }
  // An IPv6 address goes in brackets in a URL.
  return address.find(':') != std::string::npos && address[0] != '[' ? "[" + address + "]" : address;
}

void HttpEndpointImpl::setPath(const std::string& path) {
  kms::ServerContext& context = kms::serverContext();
  url_ = "http://" + readAnnouncedAddress(context.classConfig("HttpEndpoint")) + ":" +
         std::to_string(context.httpPort()) + path;
}

}  // namespace kurento
