#include "HubElements.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>

namespace kurento::hubs {

namespace {
constexpr guint64 kUpstreamLatencyNs = 300 * GST_MSECOND;

GstPadQueryFunction ghostQuery = nullptr;  // a ghost pad's own handler

gboolean onInputQuery(GstPad* pad, GstObject* parent, GstQuery* query) {
  const gboolean answered = ghostQuery(pad, parent, query);
  if (!answered && GST_QUERY_TYPE(query) == GST_QUERY_LATENCY) {
    gst_query_set_latency(query, TRUE, 0, GST_CLOCK_TIME_NONE);
    return TRUE;
  }
  return answered;
}
GstPadProbeReturn answerSerializedQuery(GstPad*, GstPadProbeInfo* info, gpointer) {
  GstQuery* query = GST_PAD_PROBE_INFO_QUERY(info);
  if (!GST_QUERY_IS_SERIALIZED(query)) {
    return GST_PAD_PROBE_OK;
  }
  // ALLOCATION unanswered (upstream uses its own buffers); DRAIN answered (nothing is held).
  return GST_QUERY_TYPE(query) == GST_QUERY_ALLOCATION ? GST_PAD_PROBE_DROP
                                                       : GST_PAD_PROBE_HANDLED;
}
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

GstElement* addLiveAggregator(GstBin* bin, const char* factory) {
  // force-live is a construct-only property.
  GstElement* aggregator = gst_element_factory_make_full(factory, "force-live", TRUE, nullptr);
  if (aggregator == nullptr) {
    throw kms::KurentoException(kms::ErrorCode::kNotEnoughResources,
                                std::string("GStreamer element '") + factory +
                                    "' is missing (install gstreamer1.0-plugins-base/-good/-bad)");
  }
  g_object_set(aggregator, "min-upstream-latency", kUpstreamLatencyNs, "ignore-inactive-pads",
               TRUE, nullptr);
  gst_bin_add(bin, aggregator);
  return aggregator;
}

void answerLatencyWhenIdle(GstElement* input) {
  GstPad* src = gst_element_get_static_pad(input, "src");
  if (GST_PAD_QUERYFUNC(src) != &onInputQuery) {
    ghostQuery = GST_PAD_QUERYFUNC(src);
  }
  gst_pad_set_query_function(src, &onInputQuery);
  gst_object_unref(src);
}

void isolateBranch(GstElement* branch) {
  GstPad* sink = gst_element_get_static_pad(branch, "sink");
  kms::keepFailuresDownstream(sink);
  gst_object_unref(sink);
}

void keepSerializedQueriesOut(GstPad* pad) {
  gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM, &answerSerializedQuery, nullptr,
                    nullptr);
}

}  // namespace kurento::hubs
