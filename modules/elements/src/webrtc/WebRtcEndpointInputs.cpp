// WebRtcEndpoint's inputs: a leaky queue per media type between the source's tee and what the
// endpoint sends, made once a line of its type is to be sent. Until then the input has no
// target (the tee's push returns NOT_LINKED, which it ignores, and keeps the sticky events for
// later): a video-only or a receive-only peer never runs the other queues' threads, each ~50 KB
// of RSS (its stack pages) beside the six webrtcbin runs per peer (docs/performance.md).
#include "WebRtcEndpointImpl.hpp"

namespace kurento {

namespace {
GstDebugCategory* const kCat =
    kms::debugCategory("kms-webrtc-inputs", "WebRtcEndpoint input queues");

size_t slotOf(MediaType type) { return type == MediaType::AUDIO ? 0 : 1; }
}  // namespace
#define GST_CAT_DEFAULT kCat

void WebRtcEndpointImpl::addInput(MediaType type) {
  setInput(type, nullptr);
  inputWatches_[slotOf(type)] = {this, type};
}

void WebRtcEndpointImpl::startInput(MediaType type) {
  const size_t slot = slotOf(type);
  if (inputQueues_[slot] != nullptr) {
    return;
  }
  // The queue's thread is what webrtcbin blocks until DTLS is up (its transport holds RTP
  // back until the keys are known): leaky, so a viewer whose handshake is slow or never
  // ends drops its own oldest frames instead of blocking the source's tee, and with it
  // every other viewer of the source.
  GstElement* queue = gst_element_factory_make("queue", nullptr);
  gst_util_set_object_arg(G_OBJECT(queue), "leaky", "downstream");
  gst_bin_add(bin(), queue);
  inputQueues_[slot] = queue;
  GstPad* src = gst_element_get_static_pad(queue, "src");
  gst_pad_add_probe(src,
                    static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER |
                                                 GST_PAD_PROBE_TYPE_BUFFER_LIST),
                    &WebRtcEndpointImpl::onInputData, &inputWatches_[slot], nullptr);
  gst_object_unref(src);
  if (!gst_element_sync_state_with_parent(queue)) {
    GST_WARNING("%s: the %s input queue did not start", id().c_str(),
                type == MediaType::AUDIO ? "audio" : "video");
  }
  GstPad* sink = gst_element_get_static_pad(queue, "sink");
  gst_ghost_pad_set_target(GST_GHOST_PAD(inputPad(type)), sink);
  gst_object_unref(sink);
  GST_DEBUG("%s: %s input started", id().c_str(), type == MediaType::AUDIO ? "audio" : "video");
}

}  // namespace kurento
