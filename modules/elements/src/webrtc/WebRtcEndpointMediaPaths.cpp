// WebRtcEndpoint's media paths: what it sends (its input linked to webrtcbin's transceiver on
// the first buffer, forwarded or transcoded to the negotiated codec) and what it receives
// (webrtcbin's source pads depayloaded to the element's output).
#include "WebRtcEndpointImpl.hpp"

#include "rtp/MediaPaths.hpp"
#include "rtp/RtpNegotiation.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>

#include <cstring>
#include <mutex>
#include <string>

namespace kurento {

namespace {
GstDebugCategory* const kCat =
    kms::debugCategory("kms-webrtc-paths", "WebRtcEndpoint send and receive paths");
}  // namespace
#define GST_CAT_DEFAULT kCat

GstPadProbeReturn WebRtcEndpointImpl::onInputData(GstPad* pad, GstPadProbeInfo*, gpointer data) {
  auto* watch = static_cast<InputWatch*>(data);
  WebRtcEndpointImpl* self = watch->self;
  // `adapted` is read before our lock (lock order), so it may be older than what the lock
  // shows; read under the lock, `awaiting` could then be cleared after a stale `adapted` (a
  // loaded machine did it): the endpoint built a transcoder of its own for media its source
  // was about to convert. In this order instead: onNegotiated tells the source (adapted
  // becomes true) before it clears awaitingSource_, so once `awaiting` reads false, `adapted`
  // is current; and a negotiation that starts meanwhile changes negotiation_.
  const unsigned negotiation = self->negotiation_;
  const bool awaiting = self->awaitingSource_[slotOf(watch->type)];
  const bool adapted = self->inputAdapted(watch->type);
  // This is the source's thread: it never waits for our lock (a request holding it may be
  // waiting for the source). Busy: this buffer is dropped and the next one tries again.
  std::unique_lock<std::recursive_mutex> lock(self->mutex_, std::try_to_lock);
  if (!lock.owns_lock()) {
    return GST_PAD_PROBE_DROP;
  }
  if (negotiation != self->negotiation_) {
    return GST_PAD_PROBE_DROP;  // what we read belongs to the previous negotiation
  }
  Line* line = self->lineOf(watch->type);
  GstCaps* caps = gst_pad_get_current_caps(pad);
  const bool leanSends = self->lean_ != nullptr && line != nullptr && line->send;
  if (line == nullptr || (line->sinkPad == nullptr && !leanSends) || caps == nullptr) {
    if (caps != nullptr) {
      gst_caps_unref(caps);
    }
    return GST_PAD_PROBE_DROP;  // nothing negotiated to send this on (yet)
  }
  // Another format while the source adapts it for us (or is about to be told our format,
  // in onNegotiated) is what was queued before: dropped. Only a source that cannot adapt
  // leaves the conversion to us.
  if (mediaOf(caps) != line->codec->encodedCaps && (adapted || awaiting)) {
    gst_caps_unref(caps);
    return GST_PAD_PROBE_DROP;
  }
  GstPad* target = nullptr;
  GstElement* encoderQueue = nullptr;
  try {
    target = self->lean_ != nullptr ? self->leanTarget(watch->type) : self->payloaderTarget(*line);
    // We transcode for ourselves (the source cannot): in a thread of our own, not the source's.
    GstPad* input = pad;
    if (mediaOf(caps) != line->codec->encodedCaps) {
      encoderQueue = self->queueAfter(pad);
      input = gst_element_get_static_pad(encoderQueue, "src");
      gst_object_unref(input);  // the queue keeps its pad
    }
    rtp::SendPath path = rtp::linkSendPath(self->bin(), *line->codec, line->payloadType,
                                           self->getMtu(), caps, input, target);
    gst_object_unref(target);
    target = nullptr;
    self->reportTranscoding(watch->type, std::string("sender_") + lowerName(watch->type),
                            path.transcoding);
    if (path.encoder != nullptr) {
      self->steerEncoder(path.encoder);
    }
    GST_INFO("%s: sending %s %s from %s (%s)", self->id().c_str(), lowerName(watch->type),
             line->codec->name, path.inputMedia.c_str(),
             path.transcoding ? "transcoding" : "forwarding");
  } catch (const std::exception& e) {
    // Tried again with the next buffer: said once, not for every buffer.
    if (watch->failures++ == 0) {
      GST_ERROR("%s: cannot send %s: %s", self->id().c_str(), lowerName(watch->type), e.what());
    } else {
      GST_DEBUG("%s: cannot send %s: %s", self->id().c_str(), lowerName(watch->type), e.what());
    }
    if (target != nullptr && self->lean_ != nullptr) {
      self->dropLeanTarget(target);
    } else if (target != nullptr) {
      self->dropPayloaderTarget(*line, target);  // the next buffer tries again from scratch
    }
    if (encoderQueue != nullptr) {
      self->dropQueueAfter(pad, encoderQueue);
    }
    gst_caps_unref(caps);
    return GST_PAD_PROBE_DROP;
  }
  gst_caps_unref(caps);
  rtp::forwardStickyEvents(pad);
  lock.unlock();
  // What came before this buffer was dropped, and it may be a delta frame: the viewer decodes
  // from the next keyframe, asked for now (the source's own request travels without our lock).
  GstPad* input = gst_element_get_static_pad(self->inputs_[slotOf(watch->type)], "sink");
  gst_pad_push_event(input, rtp::newKeyframeRequest());
  gst_object_unref(input);
  return GST_PAD_PROBE_REMOVE;
}

// Where the payloader sends (a reference). The H.264 payloader describes the stream from its
// own headers (profile-level-id from the SPS) while the transceiver expects the negotiated
// values: a capssetter sets them over it. The other codecs' payloaders already describe what
// was negotiated and go straight to webrtcbin: a capssetter (a basetransform) would split each
// frame's list of RTP packets into single buffers through rtpbin, SRTP and the socket.
GstPad* WebRtcEndpointImpl::payloaderTarget(const Line& line) {
  if (std::strcmp(line.codec->name, "H264") != 0) {
    return GST_PAD(gst_object_ref(line.sinkPad));
  }
  GstElement* setter = rtp::addElement(bin(), "capssetter");
  GstCaps* negotiated = webrtc::codecCaps(*line.codec, line.payloadType, line.fmtp);
  g_object_set(setter, "caps", negotiated, "join", TRUE, "replace", FALSE, nullptr);
  gst_caps_unref(negotiated);
  GstPad* setterSrc = gst_element_get_static_pad(setter, "src");
  gst_pad_link(setterSrc, line.sinkPad);
  gst_object_unref(setterSrc);
  gst_element_sync_state_with_parent(setter);
  return gst_element_get_static_pad(setter, "sink");
}

// Undoes payloaderTarget (takes `target`): a capssetter left linked to the transceiver would
// keep the next attempt's from linking, and that send path would go nowhere.
void WebRtcEndpointImpl::dropPayloaderTarget(const Line& line, GstPad* target) {
  if (target != line.sinkPad) {
    GstElement* setter = gst_pad_get_parent_element(target);
    if (setter != nullptr) {
      GstPad* setterSrc = gst_element_get_static_pad(setter, "src");
      gst_pad_unlink(setterSrc, line.sinkPad);
      gst_object_unref(setterSrc);
      gst_element_set_locked_state(setter, TRUE);
      gst_element_set_state(setter, GST_STATE_NULL);
      gst_bin_remove(bin(), setter);
      gst_object_unref(setter);
    }
  }
  gst_object_unref(target);
}

// A queue linked after `pad` (started): a transcoding send path runs in its thread.
GstElement* WebRtcEndpointImpl::queueAfter(GstPad* pad) {
  GstElement* queue = rtp::addElement(bin(), "queue");
  gst_element_sync_state_with_parent(queue);
  GstPad* sink = gst_element_get_static_pad(queue, "sink");
  const GstPadLinkReturn linked = gst_pad_link(pad, sink);
  gst_object_unref(sink);
  if (linked != GST_PAD_LINK_OK) {
    dropQueueAfter(pad, queue);
    throw kms::KurentoException(kms::ErrorCode::kUnexpectedError,
                                std::string("cannot link the encoder's queue: ") +
                                    gst_pad_link_get_name(linked));
  }
  return queue;
}

// Undoes queueAfter (a send path that could not be linked).
void WebRtcEndpointImpl::dropQueueAfter(GstPad* pad, GstElement* queue) {
  GstPad* sink = gst_element_get_static_pad(queue, "sink");
  gst_pad_unlink(pad, sink);
  gst_object_unref(sink);
  gst_element_set_locked_state(queue, TRUE);
  gst_element_set_state(queue, GST_STATE_NULL);
  gst_bin_remove(bin(), queue);
}

void WebRtcEndpointImpl::onPadAdded(GstElement*, GstPad* pad, gpointer data) {
  auto* self = static_cast<WebRtcEndpointImpl*>(data);
  if (GST_PAD_DIRECTION(pad) != GST_PAD_SRC) {
    return;
  }
  GstCaps* caps = gst_pad_get_current_caps(pad);
  if (caps == nullptr) {
    caps = gst_pad_query_caps(pad, nullptr);
  }
  const GstStructure* structure = gst_caps_get_structure(caps, 0);
  const gchar* media = gst_structure_get_string(structure, "media");
  const gchar* name = gst_structure_get_string(structure, "encoding-name");
  gint clockRate = 0;
  gst_structure_get_int(structure, "clock-rate", &clockRate);
  const MediaType type = media != nullptr && std::strcmp(media, "audio") == 0 ? MediaType::AUDIO
                                                                             : MediaType::VIDEO;
  const rtp::CodecInfo* codec = name != nullptr ? rtp::findCodec(type, name, clockRate) : nullptr;
  std::lock_guard<std::recursive_mutex> lock(self->mutex_);
  try {
    if (codec == nullptr || self->outputLinked_[slotOf(type)]) {
      rtp::discardStream(self->bin(), pad);
    } else {
      self->depayloaders_[slotOf(type)] =
          rtp::linkReceivePath(self->bin(), pad, *codec, self->outputSinkPad(type));
      self->outputLinked_[slotOf(type)] = true;
      GST_INFO("%s: receiving %s %s", self->id().c_str(), lowerName(type), codec->name);
      self->setMediaState(MediaState::CONNECTED);
    }
  } catch (const std::exception& e) {
    GST_ERROR("%s: cannot receive %s: %s", self->id().c_str(), lowerName(type), e.what());
  }
  gst_caps_unref(caps);
}

}  // namespace kurento
