#include <kms/sdk/Gst.hpp>

namespace kms {

namespace {

// A pad's own chain functions, under its qdata, while keepFailuresDownstream's replace them.
struct OwnChain {
  GstPadChainFunction chain;
  GstPadChainListFunction chainList;
};

GQuark ownChainQuark() {
  static const GQuark quark = g_quark_from_static_string("kms-own-chain");
  return quark;
}

OwnChain* ownChain(GstPad* pad) {
  return static_cast<OwnChain*>(g_object_get_qdata(G_OBJECT(pad), ownChainQuark()));
}

GstFlowReturn keptDownstream(GstFlowReturn result) {
  return result < GST_FLOW_OK ? GST_FLOW_OK : result;
}

GstFlowReturn chainKeepingFailures(GstPad* pad, GstObject* parent, GstBuffer* buffer) {
  return keptDownstream(ownChain(pad)->chain(pad, parent, buffer));
}

GstFlowReturn chainListKeepingFailures(GstPad* pad, GstObject* parent, GstBufferList* list) {
  return keptDownstream(ownChain(pad)->chainList(pad, parent, list));
}

}  // namespace

GstDebugCategory* debugCategory(const char* name, const char* description) {
  return _gst_debug_category_new(name, 0, description);
}

void keepFailuresDownstream(GstPad* sinkPad) {
  if (ownChain(sinkPad) != nullptr) {
    return;
  }
  auto* own = new OwnChain{GST_PAD_CHAINFUNC(sinkPad), GST_PAD_CHAINLISTFUNC(sinkPad)};
  g_object_set_qdata_full(G_OBJECT(sinkPad), ownChainQuark(), own,
                          [](gpointer data) { delete static_cast<OwnChain*>(data); });
  if (own->chain != nullptr) {
    gst_pad_set_chain_function(sinkPad, &chainKeepingFailures);
  }
  if (own->chainList != nullptr) {
    gst_pad_set_chain_list_function(sinkPad, &chainListKeepingFailures);
  }
}

}  // namespace kms
