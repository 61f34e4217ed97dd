#include "HubElements.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>

namespace kurento::hubs {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-hub-elements", "Hubs: shared graph pieces");

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
// The queue's own chain functions, under a branch queue's sink pad (see isolateBranch).
struct BranchChain {
  GstPadChainFunction chain;
  GstPadChainListFunction chainList;
};

GQuark branchChainQuark() {
  static const GQuark quark = g_quark_from_static_string("kms-hub-branch-chain");
  return quark;
}

// What the tee gets back from a branch: never its failure (the branch's own problem).
GstFlowReturn keepOut(GstPad* pad, GstFlowReturn result) {
  if (result < GST_FLOW_OK) {
    GST_CAT_LOG(kCat, "%s:%s: %s kept from the hub", GST_DEBUG_PAD_NAME(pad),
                gst_flow_get_name(result));
    return GST_FLOW_OK;
  }
  return result;
}

GstFlowReturn isolatedChain(GstPad* pad, GstObject* parent, GstBuffer* buffer) {
  auto* own = static_cast<BranchChain*>(g_object_get_qdata(G_OBJECT(pad), branchChainQuark()));
  return keepOut(pad, own->chain(pad, parent, buffer));
}

GstFlowReturn isolatedChainList(GstPad* pad, GstObject* parent, GstBufferList* list) {
  auto* own = static_cast<BranchChain*>(g_object_get_qdata(G_OBJECT(pad), branchChainQuark()));
  return keepOut(pad, own->chainList(pad, parent, list));
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

void setLiveLatency(GstElement* aggregator) {
  if (g_object_class_find_property(G_OBJECT_GET_CLASS(aggregator), "min-upstream-latency") !=
      nullptr) {
    g_object_set(aggregator, "min-upstream-latency", kUpstreamLatencyNs, nullptr);
  }
  g_object_set(aggregator, "ignore-inactive-pads", TRUE, nullptr);
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
  if (g_object_get_qdata(G_OBJECT(sink), branchChainQuark()) != nullptr) {
    gst_object_unref(sink);
    return;  // isolated already
  }
  auto* own = new BranchChain{GST_PAD_CHAINFUNC(sink), GST_PAD_CHAINLISTFUNC(sink)};
  g_object_set_qdata_full(G_OBJECT(sink), branchChainQuark(), own,
                          [](gpointer data) { delete static_cast<BranchChain*>(data); });
  if (own->chain != nullptr) {
    gst_pad_set_chain_function(sink, &isolatedChain);
  }
  if (own->chainList != nullptr) {
    gst_pad_set_chain_list_function(sink, &isolatedChainList);
  }
  gst_object_unref(sink);
}

void keepSerializedQueriesOut(GstPad* pad) {
  gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM, &answerSerializedQuery, nullptr,
                    nullptr);
}

}  // namespace kurento::hubs
