// HttpEndpoint: an endpoint reached over the server's HTTP port at getUrl(); the URL's host is
// HttpEndpoint.conf.ini's announcedAddress, or this host's first non-loopback IPv4 address.
#pragma once

#include "HttpEndpointBase.hpp"

#include <kms/sdk/Config.hpp>

#include <string>

namespace kurento {

class HttpEndpointImpl : public HttpEndpointBase {
 public:
  using HttpEndpointBase::HttpEndpointBase;

  std::string getUrl() override { return url_; }

  // HttpEndpoint.conf.ini `announcedAddress`; throws kms::ConfigError when it is not a host
  // name or a numeric address.
  static std::string readAnnouncedAddress(const kms::ClassConfig& config);

 protected:
  // "http://<announced address>:<HTTP port><path>".
  void setPath(const std::string& path);

 private:
  std::string url_;
};

}  // namespace kurento
