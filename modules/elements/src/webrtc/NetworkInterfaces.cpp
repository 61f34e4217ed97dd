#include "NetworkInterfaces.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <nice/agent.h>

#include <algorithm>
#include <sstream>

namespace kurento::webrtc {

namespace {

std::vector<std::string> splitNames(const std::string& names) {
  std::vector<std::string> result;
  std::stringstream stream(names);
  std::string name;
  while (std::getline(stream, name, ',')) {
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    if (!name.empty()) {
      result.push_back(name);
    }
  }
  return result;
}

// The numeric address of `address`, "" for other families and IPv6 link-local addresses.
std::string numeric(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text, sizeof text);
  } else if (address->sa_family == AF_INET6) {
    const in6_addr& ip = reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr;
    if (IN6_IS_ADDR_LINKLOCAL(&ip)) {
      return "";
    }
    inet_ntop(AF_INET6, &ip, text, sizeof text);
  }
  return text;
}

}  // namespace

InterfaceAddresses interfaceAddresses(const std::string& names) {
  InterfaceAddresses result;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    result.unknown = splitNames(names);
    return result;
  }
  for (const std::string& name : splitNames(names)) {
    bool found = false;
    for (const ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
      if (name != entry->ifa_name) {
        continue;
      }
      found = true;
      const std::string address = entry->ifa_addr != nullptr ? numeric(entry->ifa_addr) : "";
      if (!address.empty()) {
        result.addresses.push_back(address);
      }
    }
    if (!found) {
      result.unknown.push_back(name);
    }
  }
  for (const ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
    if (std::find(result.available.begin(), result.available.end(), entry->ifa_name) ==
        result.available.end()) {
      result.available.emplace_back(entry->ifa_name);
    }
  }
  freeifaddrs(list);
  return result;
}

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& word : words) {
    text += (text.empty() ? "" : ", ") + word;
  }
  return text;
}

namespace {
// libnice's agent inside webrtcbin (a reference), or null when its agent is another one.
NiceAgent* niceAgentOf(GstElement* webrtcbin) {
  GObject* ice = nullptr;
  g_object_get(webrtcbin, "ice-agent", &ice, nullptr);
  if (ice == nullptr) {
    return nullptr;
  }
  NiceAgent* agent = nullptr;
  if (g_object_class_find_property(G_OBJECT_GET_CLASS(ice), "agent") != nullptr) {
    g_object_get(ice, "agent", &agent, nullptr);
  }
  g_object_unref(ice);
  return agent;
}
}  // namespace

bool disableUpnp(GstElement* webrtcbin) {
  NiceAgent* agent = niceAgentOf(webrtcbin);
  if (agent == nullptr) {
    return false;
  }
  if (g_object_class_find_property(G_OBJECT_GET_CLASS(agent), "upnp") != nullptr) {
    g_object_set(agent, "upnp", FALSE, nullptr);
  }
  g_object_unref(agent);
  return true;
}

bool restrictIceAddresses(GstElement* webrtcbin, const std::vector<std::string>& addresses) {
  NiceAgent* agent = niceAgentOf(webrtcbin);
  if (agent == nullptr) {
    return false;
  }
  for (const std::string& text : addresses) {
    NiceAddress address;
    nice_address_init(&address);
    if (nice_address_set_from_string(&address, text.c_str())) {
      nice_agent_add_local_address(agent, &address);
    }
  }
  g_object_unref(agent);
  return true;
}

}  // namespace kurento::webrtc
