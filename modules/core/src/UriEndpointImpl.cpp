#include "UriEndpointImpl.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/ServerContext.hpp>

#include <gst/gst.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace kurento {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-core-uriendpoint", "UriEndpoint");

constexpr const char* kDefaultPath = "file:///var/lib/kurento/";

[[noreturn]] void refuse(const std::string& uri, const std::string& reason) {
  throw kms::KurentoException(kms::ErrorCode::kUriPathFileNotFound,
                              "URI '" + uri + "' " + reason);
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) {
    text += (text.empty() ? "" : ", ") + item + "://";
  }
  return text;
}

struct UriFree {
  void operator()(GstUri* uri) const { gst_uri_unref(uri); }
};

// A URI without a scheme is a path: absolute as it is, relative under defaultPath.
std::string withScheme(const std::string& uri) {
  if (uri.find("://") != std::string::npos || uri.rfind("file:", 0) == 0) {
    return uri;
  }
  if (!uri.empty() && uri[0] == '/') {
    return "file://" + uri;
  }
  std::string base = UriEndpointImpl::readDefaultPath(kms::serverContext().classConfig("UriEndpoint"));
  if (base.back() != '/') {
    base += '/';
  }
  return base + uri;
}

}  // namespace
#define GST_CAT_DEFAULT kCat

std::string checkedUri(const std::string& given, const std::vector<std::string>& schemes) {
  if (given.empty()) {
    refuse(given, "is empty");
  }
  for (unsigned char c : given) {
    if (c < 0x20 || c == 0x7f || c == ' ') {
      refuse(given, "contains a space or a control character (percent-encode it)");
    }
  }
  const std::string uri = withScheme(given);
  if (!gst_uri_is_valid(uri.c_str())) {
    refuse(given, "is not a valid URI");
  }
  std::unique_ptr<GstUri, UriFree> parsed(gst_uri_from_string(uri.c_str()));
  if (!parsed || gst_uri_get_scheme(parsed.get()) == nullptr) {
    refuse(given, "is not a valid URI");
  }
  const std::string scheme = lower(gst_uri_get_scheme(parsed.get()));
  if (std::find(schemes.begin(), schemes.end(), scheme) == schemes.end()) {
    refuse(given, "has scheme '" + scheme + "'; this endpoint takes " + joined(schemes));
  }
  const char* host = gst_uri_get_host(parsed.get());
  // gst_uri_get_path returns a copy (transfer full); before the sanitizer build found it,
  // every PlayerEndpoint and RecorderEndpoint leaked two of them here.
  std::unique_ptr<gchar, decltype(&g_free)> pathText(gst_uri_get_path(parsed.get()), &g_free);
  const std::string path = pathText ? pathText.get() : "";
  if (scheme == "file") {
    if (host != nullptr && *host != '\0' && std::string(host) != "localhost") {
      refuse(given, "names host '" + std::string(host) + "': file URIs are local (file:///path)");
    }
    if (path.empty() || path[0] != '/' || path.back() == '/') {
      refuse(given, "has no file path (file:///dir/name.ext)");
    }
  } else if (host == nullptr || *host == '\0') {
    refuse(given, "has no host");
  }
  return uri;
}

std::string UriEndpointImpl::readDefaultPath(const kms::ClassConfig& config) {
  const std::string path = config.getString("defaultPath", kDefaultPath);
  if (path.rfind("file:///", 0) != 0 && path.rfind("http://", 0) != 0 &&
      path.rfind("https://", 0) != 0) {
    config.fail("defaultPath", "'" + path + "' is not a file:///, http:// or https:// URI");
  }
  return path;
}

UriEndpointImpl::UriEndpointImpl(const std::shared_ptr<MediaObjectImpl>& parent,
                                 const std::string& name, const std::string& uri,
                                 const std::vector<std::string>& schemes)
    : UriEndpointBase(parent, name),
      uri_(checkedUri(uri, schemes)),
      scheme_(lower(uri_.substr(0, uri_.find(':')))) {
  GST_DEBUG("%s: URI %s", name.c_str(), uri_.c_str());
}

std::string UriEndpointImpl::getUri() { return uri_; }

UriEndpointState UriEndpointImpl::getState() {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_;
}

std::string UriEndpointImpl::localPath() const {
  if (scheme_ != "file") {
    return "";
  }
  gchar* path = g_filename_from_uri(uri_.c_str(), nullptr, nullptr);
  std::string result = path != nullptr ? path : "";
  g_free(path);
  return result;
}

void UriEndpointImpl::setState(UriEndpointState state) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (state_ == state) {
      return;
    }
    state_ = state;
  }
  GST_INFO("%s: state %s", id().c_str(), toString(state));
  UriEndpointStateChanged event;
  event.state = state;
  raiseUriEndpointStateChanged(event);
}

}  // namespace kurento
