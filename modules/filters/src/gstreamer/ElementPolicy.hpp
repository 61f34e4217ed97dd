// Which GStreamer elements a GStreamerFilter command may use. By default an element is refused
// when it reaches outside the pipeline: a source or sink (its factory's class says "Source" or
// "Sink": files, sockets, devices, HTTP), a URI handler, or an element with a property that
// names a file, a path, a URI, a host, a socket or a command (gdkpixbufoverlay location=,
// splitmuxsink, vp8enc multipass-cache-file=, ...). Operators allow named factories in
// <modules-config-path>/kurento/GStreamerFilter.conf.ini:
//   allowedElements=filesink,gdkpixbufoverlay
#pragma once

#include <kms/sdk/Config.hpp>

#include <gst/gst.h>

#include <optional>
#include <set>
#include <string>

namespace kurento::filters {

class ElementPolicy {
 public:
  ElementPolicy() = default;
  explicit ElementPolicy(std::set<std::string> allowedFactories)
      : allowed_(std::move(allowedFactories)) {}

  // Reads `allowedElements` (comma-separated factory names); throws kms::ConfigError naming
  // the file and the key for an unknown key or a factory that is not installed.
  static ElementPolicy fromConfig(const kms::ClassConfig& config);

  // Why `element` may not be used, or nothing when it may.
  std::optional<std::string> refusal(GstElement* element) const;
  // The first refusal among `bin`'s elements (recursively), or nothing.
  std::optional<std::string> refusalIn(GstBin* bin) const;

  const std::set<std::string>& allowed() const { return allowed_; }

 private:
  std::set<std::string> allowed_;
};

// The policy in force: the module's init hook sets it from the settings file.
const ElementPolicy& elementPolicy();
void setElementPolicy(ElementPolicy policy);

}  // namespace kurento::filters
