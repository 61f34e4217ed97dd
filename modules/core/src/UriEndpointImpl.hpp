// UriEndpoint: the URI an endpoint reads or writes (checked and made absolute at create) and
// its STOP/START/PAUSE state; PlayerEndpoint and RecorderEndpoint drive the state.
#pragma once

#include "UriEndpointBase.hpp"

#include <kms/sdk/Config.hpp>

#include <mutex>
#include <string>
#include <vector>

namespace kurento {

class UriEndpointImpl : public UriEndpointBase {
 public:
  // `schemes` lists what the subclass can serve ("file", "http", ...). A malformed URI, or
  // one of another scheme, is refused with URI_PATH_FILE_NOT_FOUND (40600) saying why.
  UriEndpointImpl(const std::shared_ptr<MediaObjectImpl>& parent, const std::string& name,
                  const std::string& uri, const std::vector<std::string>& schemes);

  std::string getUri() override;
  UriEndpointState getState() override;

  // UriEndpoint.conf.ini: `defaultPath`, the base of URIs given without a scheme
  // (Kurento's setting; default file:///var/lib/kurento/). Throws kms::ConfigError.
  static std::string readDefaultPath(const kms::ClassConfig& config);

 protected:
  // The checked URI, absolute ("file:///tmp/a.webm" for "/tmp/a.webm" or a relative name).
  const std::string& uri() const { return uri_; }
  // The URI's scheme in lower case ("file", "http", "https", "rtsp").
  const std::string& scheme() const { return scheme_; }
  // The local path of a file:// URI (percent-decoded); "" for other schemes.
  std::string localPath() const;
  // Changes the state and raises UriEndpointStateChanged when it differs.
  void setState(UriEndpointState state);

 private:
  const std::string uri_;
  const std::string scheme_;
  mutable std::mutex mutex_;
  UriEndpointState state_ = UriEndpointState::STOP;
};

// Checks `uri` against `schemes` and returns it absolute; throws KurentoException(40600).
std::string checkedUri(const std::string& uri, const std::vector<std::string>& schemes);

}  // namespace kurento
