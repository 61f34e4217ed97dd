// WebRtcEndpoint's video encoder (when media is transcoded for the peer): what the endpoint
// asks its source for (the negotiated codec), and the encoder's bitrate, which follows the
// peer's REMB within min/maxVideoSendBandwidth. The encoder is the source's shared one
// (FormatAdapter), or the endpoint's own when its source could not adapt. A shared encoder
// runs at the lowest of its viewers' wishes (EncoderBitrate.hpp).
#include "WebRtcEndpointImpl.hpp"

#include "EncoderBitrate.hpp"

#include "rtp/MediaPaths.hpp"
#include "rtp/RembEstimator.hpp"

#include <kms/sdk/Gst.hpp>

#include <algorithm>
#include <cstring>

namespace kurento {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-webrtc-bitrate", "WebRtcEndpoint encoder bitrate");
}  // namespace
#define GST_CAT_DEFAULT kCat

// When we encode video for the peer, its bitrate starts at the element's encoder bitrate and
// then follows the peer's REMB, always within min/maxVideoSendBandwidth.
void WebRtcEndpointImpl::steerEncoder(GstElement* encoder) {
  videoEncoder_ = encoder;
  applyEncoderBitrate();
  if (webrtc_ == nullptr) {
    return;  // the lean transport: its viewer's REMB comes from there
  }
  GstElement* rtpbin = nullptr;
  GstIterator* children = gst_bin_iterate_recurse(GST_BIN(webrtc_));
  GValue item = G_VALUE_INIT;
  while (rtpbin == nullptr && gst_iterator_next(children, &item) == GST_ITERATOR_OK) {
    auto* element = GST_ELEMENT(g_value_get_object(&item));
    GstElementFactory* factory = gst_element_get_factory(element);
    if (factory != nullptr && std::strcmp(GST_OBJECT_NAME(factory), "rtpbin") == 0) {
      rtpbin = GST_ELEMENT(gst_object_ref(element));
    }
    g_value_reset(&item);
  }
  g_value_unset(&item);
  gst_iterator_free(children);
  if (rtpbin == nullptr || rtpSession_ != nullptr) {
    if (rtpbin != nullptr) {
      gst_object_unref(rtpbin);
    }
    return;
  }
  g_signal_emit_by_name(rtpbin, "get-internal-session", 0u, &rtpSession_);  // BUNDLE: one session
  gst_object_unref(rtpbin);
  if (rtpSession_ != nullptr) {
    g_signal_connect(rtpSession_, "on-feedback-rtcp", G_CALLBACK(&WebRtcEndpointImpl::onFeedback),
                     this);
  }
}

// The negotiated codec; video also carries the send bounds, so that viewers with the same
// bounds share an encoder and viewers with other bounds get their own.
GstCaps* WebRtcEndpointImpl::acceptedInput(MediaType type) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  const Line* line = lineOf(type);
  if (line == nullptr || !line->send || line->codec == nullptr) {
    return nullptr;
  }
  GstCaps* caps = gst_caps_new_empty_simple(line->codec->encodedCaps);
  if (type == MediaType::VIDEO) {
    gst_caps_set_simple(caps, "min-send-kbps", G_TYPE_INT, getMinVideoSendBandwidth(),
                        "max-send-kbps", G_TYPE_INT, getMaxVideoSendBandwidth(), nullptr);
  }
  return caps;
}

// Called without our locks: the source's adapter may wait for a buffer in flight to reach
// our input queue, whose streaming thread takes them.
void WebRtcEndpointImpl::onNegotiated() {
  inputFormatChanged(MediaType::AUDIO);
  inputFormatChanged(MediaType::VIDEO);
  awaitSource(false);
}

void WebRtcEndpointImpl::inputEncoderChanged(MediaType type, GstElement* encoder) {
  if (type != MediaType::VIDEO) {
    return;
  }
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  if (videoEncoder_ != nullptr && videoEncoder_ == sharedEncoder_.get()) {
    videoEncoder_ = nullptr;
  }
  withdrawEncoderWish();
  sharedEncoder_ = kms::GRef<GstElement>::share(encoder);
  if (encoder != nullptr) {
    steerEncoder(encoder);
  }
}

void WebRtcEndpointImpl::applyEncoderBitrate() {
  if (videoEncoder_ == nullptr) {
    return;
  }
  int64_t bps = peerRembBps_ > 0 ? peerRembBps_.load() : int64_t{getEncoderBitrate()};
  bps = std::max<int64_t>(bps, int64_t{getMinVideoSendBandwidth()} * 1000);
  if (getMaxVideoSendBandwidth() > 0) {
    bps = std::min<int64_t>(bps, int64_t{getMaxVideoSendBandwidth()} * 1000);
  }
  if (videoEncoder_ == sharedEncoder_.get()) {
    EncoderBitrate::of(videoEncoder_).wish(this, bps);
    GST_DEBUG("%s: asks the shared video encoder for %lld bps", id().c_str(),
              static_cast<long long>(bps));
    return;
  }
  rtp::setEncoderBitrate(videoEncoder_, bps);
  GST_DEBUG("%s: video encoder at %lld bps", id().c_str(), static_cast<long long>(bps));
}

// The shared encoder no longer counts this endpoint among its viewers.
void WebRtcEndpointImpl::withdrawEncoderWish() {
  if (sharedEncoder_.get() != nullptr) {
    EncoderBitrate::of(sharedEncoder_.get()).wish(this, 0);
  }
}

void WebRtcEndpointImpl::onFeedback(GObject*, guint type, guint fbtype, guint, guint,
                                    GstBuffer* fci, gpointer data) {
  GstMapInfo map;
  if (fci == nullptr || !gst_buffer_map(fci, &map, GST_MAP_READ)) {
    return;
  }
  const std::optional<int64_t> bps = rtp::rembFromFeedback(type, fbtype, map.data, map.size);
  gst_buffer_unmap(fci, &map);
  if (bps) {
    auto* self = static_cast<WebRtcEndpointImpl*>(data);
    self->peerRembBps_ = *bps;
    std::lock_guard<std::recursive_mutex> lock(self->mutex_);
    self->applyEncoderBitrate();
  }
}

}  // namespace kurento
