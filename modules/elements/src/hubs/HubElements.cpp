#include "HubElements.hpp"

#include <kms/sdk/Error.hpp>

namespace kurento::hubs {

namespace {
constexpr guint64 kUpstreamLatencyNs = 300 * GST_MSECOND;
}  // namespace

GstElement* addElement(GstBin* bin, const char* factory) {
  GstElement* element = gst_element_factory_make(factory, nullptr);
  if (element == nullptr) {
    throw kms::KurentoException(kms::ErrorCode::kNotEnoughResources,
                                std::string("GStreamer element '") + factory +
                                    "' is missing (install gstreamer1.0-plugins-base/-good/-bad)");
  }
  gst_bin_add(bin, element);
  return element;
}

GstElement* addBin(GstBin* bin, const std::string& description) {
  GError* error = nullptr;
  GstElement* element = gst_parse_bin_from_description(description.c_str(), TRUE, &error);
  if (element == nullptr) {
    const std::string reason = error != nullptr ? error->message : "?";
    g_clear_error(&error);
    throw kms::KurentoException(kms::ErrorCode::kNotEnoughResources,
                                "cannot build '" + description + "': " + reason);
  }
  gst_bin_add(bin, element);
  return element;
}

void stopAndRemove(GstBin* bin, GstElement* element) {
  gst_element_set_locked_state(element, TRUE);
  gst_element_set_state(element, GST_STATE_NULL);
  gst_bin_remove(bin, element);
}

void setLiveLatency(GstElement* aggregator) {
  if (g_object_class_find_property(G_OBJECT_GET_CLASS(aggregator), "min-upstream-latency") !=
      nullptr) {
    g_object_set(aggregator, "min-upstream-latency", kUpstreamLatencyNs, nullptr);
  }
  g_object_set(aggregator, "ignore-inactive-pads", TRUE, nullptr);
}

}  // namespace kurento::hubs
