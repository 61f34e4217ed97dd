#include "WebRtcPeer.hpp"

#include "webrtc/NetworkInterfaces.hpp"

#include <gst/rtp/gstrtcpbuffer.h>
#include <gst/sdp/sdp.h>
#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

#include <stdexcept>
#include <thread>

namespace kms::test {

namespace kc = kurento::client;

namespace {

std::string sendDescription(const std::string& codec, const WebRtcPeer::Video& format) {
  const std::string video =
      codec == "H264"
          ? "openh264enc gop-size=" + std::to_string(format.keyframeInterval) +
            " ! video/x-h264,profile=constrained-baseline ! "
            "rtph264pay config-interval=-1 pt=102 ! "
            "application/x-rtp,media=video,encoding-name=H264,payload=102,clock-rate=90000 ! "
          : "vp8enc deadline=1 keyframe-max-dist=" + std::to_string(format.keyframeInterval) +
            " ! rtpvp8pay pt=96 ! "
            "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000 ! ";
  return "webrtcbin name=peer bundle-policy=max-bundle "
         "videotestsrc is-live=true pattern=ball ! video/x-raw,width=" +
         std::to_string(format.width) + ",height=" + std::to_string(format.height) +
         ",framerate=" + std::to_string(format.fps) + "/1 ! videoconvert ! queue ! " + video +
         "peer. "
         "audiotestsrc is-live=true wave=sine ! audioconvert ! audioresample ! queue ! opusenc ! "
         "rtpopuspay pt=111 ! application/x-rtp,media=audio,encoding-name=OPUS,payload=111,"
         "clock-rate=48000 ! peer.";
}

GstStructure* waitReply(GstPromise* promise) {
  if (gst_promise_wait(promise) != GST_PROMISE_RESULT_REPLIED) {
    throw std::runtime_error("webrtcbin did not answer a promise");
  }
  return const_cast<GstStructure*>(gst_promise_get_reply(promise));
}

}  // namespace

WebRtcPeer::WebRtcPeer(Direction direction, const std::string& videoCodec, const Video& video)
    : video_(video) {
  if (direction == Direction::kRecvOnly) {
    pipeline_ = gst_pipeline_new(nullptr);
    webrtc_ = gst_element_factory_make("webrtcbin", "peer");
    if (webrtc_ == nullptr) {
      throw std::runtime_error("cannot make webrtcbin (gstreamer1.0-plugins-bad, -nice)");
    }
    gst_util_set_object_arg(G_OBJECT(webrtc_), "bundle-policy", "max-bundle");
    gst_bin_add(GST_BIN(pipeline_), webrtc_);
  } else {
    GError* error = nullptr;
    pipeline_ = gst_parse_launch(sendDescription(videoCodec, video).c_str(), &error);
    if (pipeline_ == nullptr) {
      const std::string reason = error != nullptr ? error->message : "unknown";
      g_clear_error(&error);
      throw std::runtime_error("cannot build the webrtcbin peer: " + reason);
    }
    webrtc_ = gst_bin_get_by_name(GST_BIN(pipeline_), "peer");
    gst_object_unref(webrtc_);  // the pipeline keeps it
  }
  kurento::webrtc::disableUpnp(webrtc_);
  if (video.loopbackOnly) {
    kurento::webrtc::restrictIceAddresses(webrtc_, {"127.0.0.1"});
  }
  if (direction == Direction::kRecvOnly) {
    const std::string caps = videoCodec == "H264"
                                 ? "application/x-rtp,media=video,encoding-name=H264,payload=102,"
                                   "clock-rate=90000,packetization-mode=(string)1,"
                                   "profile-level-id=(string)42e01f"
                                 : "application/x-rtp,media=video,encoding-name=VP8,payload=96,"
                                   "clock-rate=90000";
    GstCaps* parsed =
        gst_caps_from_string((caps + (video.nack ? ",rtcp-fb-nack=(boolean)true" : "")).c_str());
    GstWebRTCRTPTransceiver* transceiver = nullptr;
    g_signal_emit_by_name(webrtc_, "add-transceiver",
                          GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY, parsed, &transceiver);
    gst_caps_unref(parsed);
    if (transceiver != nullptr) {
      if (video.nack) {
        g_object_set(transceiver, "do-nack", TRUE, nullptr);
      }
      gst_object_unref(transceiver);
    }
  } else if (direction == Direction::kSendOnly) {
    GArray* transceivers = nullptr;
    g_signal_emit_by_name(webrtc_, "get-transceivers", &transceivers);
    for (guint i = 0; transceivers != nullptr && i < transceivers->len; ++i) {
      g_object_set(g_array_index(transceivers, GObject*, i), "direction",
                   GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY, nullptr);
    }
    if (transceivers != nullptr) {
      g_array_unref(transceivers);
    }
  }
  g_signal_connect(webrtc_, "on-ice-candidate", G_CALLBACK(&WebRtcPeer::onIceCandidate), this);
  g_signal_connect(webrtc_, "pad-added", G_CALLBACK(&WebRtcPeer::onPadAdded), this);
  gst_element_set_state(pipeline_, GST_STATE_PLAYING);
}

WebRtcPeer::~WebRtcPeer() {
  if (auto connection = connection_.lock(); connection && !subscription_.empty()) {
    try {
      connection->unsubscribe(endpointId_, subscription_);
    } catch (const std::exception&) {
      // released with its pipeline, or the connection is closed: the handler is gone anyway
    }
  }
  g_signal_handlers_disconnect_by_data(webrtc_, this);
  if (rtpSession_ != nullptr) {
    g_signal_handlers_disconnect_by_data(rtpSession_, this);
    g_object_unref(rtpSession_);
  }
  gst_element_set_state(pipeline_, GST_STATE_NULL);
  gst_object_unref(pipeline_);
}

void WebRtcPeer::watchEndpoint(const std::shared_ptr<kc::WebRtcEndpoint>& endpoint) {
  endpoint_ = endpoint;
  // The handler keeps webrtcbin alive for as long as the subscription (the connection's).
  std::shared_ptr<GstElement> webrtc(GST_ELEMENT(gst_object_ref(webrtc_)), &gst_object_unref);
  connection_ = endpoint->connection();
  endpointId_ = endpoint->id();
  subscription_ = endpoint->subscribeIceCandidateFound([webrtc](const kc::IceCandidateFoundEvent& event) {
    g_signal_emit_by_name(webrtc.get(), "add-ice-candidate",
                          static_cast<guint>(event.candidate->sdpMLineIndex),
                          event.candidate->candidate.c_str());
  });
}

std::string WebRtcPeer::createLocal(bool offer) {
  GstPromise* promise = gst_promise_new();
  g_signal_emit_by_name(webrtc_, offer ? "create-offer" : "create-answer", nullptr, promise);
  GstWebRTCSessionDescription* description = nullptr;
  gst_structure_get(waitReply(promise), offer ? "offer" : "answer",
                    GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &description, nullptr);
  gst_promise_unref(promise);
  if (description == nullptr) {
    throw std::runtime_error(std::string("webrtcbin made no ") + (offer ? "offer" : "answer"));
  }
  promise = gst_promise_new();
  g_signal_emit_by_name(webrtc_, "set-local-description", description, promise);
  gst_promise_wait(promise);
  gst_promise_unref(promise);
  gchar* text = gst_sdp_message_as_text(description->sdp);
  std::string sdp = text;
  g_free(text);
  gst_webrtc_session_description_free(description);
  return sdp;
}

void WebRtcPeer::setRemote(const std::string& sdp, bool offer) {
  GstSDPMessage* message = nullptr;
  gst_sdp_message_new_from_text(sdp.c_str(), &message);
  GstWebRTCSessionDescription* description = gst_webrtc_session_description_new(
      offer ? GST_WEBRTC_SDP_TYPE_OFFER : GST_WEBRTC_SDP_TYPE_ANSWER, message);
  GstPromise* promise = gst_promise_new();
  g_signal_emit_by_name(webrtc_, "set-remote-description", description, promise);
  gst_promise_wait(promise);
  gst_promise_unref(promise);
  gst_webrtc_session_description_free(description);
}

void WebRtcPeer::offerTo(const std::shared_ptr<kc::WebRtcEndpoint>& endpoint,
                         const std::function<std::string(const std::string&)>& edit) {
  watchEndpoint(endpoint);
  const std::string offer = createLocal(true);
  const std::string answer = endpoint->processOffer(edit ? edit(offer) : offer);
  setRemote(answer, false);
  endpoint->gatherCandidates();
}

void WebRtcPeer::answer(const std::shared_ptr<kc::WebRtcEndpoint>& endpoint) {
  watchEndpoint(endpoint);
  setRemote(endpoint->generateOffer(), true);
  endpoint->processAnswer(createLocal(false));
  endpoint->gatherCandidates();
}

std::string WebRtcPeer::answerOffer(const std::string& offer, CandidateHandler onCandidate) {
  candidateHandler_ = std::move(onCandidate);
  g_signal_connect(webrtc_, "notify::ice-gathering-state",
                   G_CALLBACK(&WebRtcPeer::onGatheringState), this);
  setRemote(offer, true);
  return createLocal(false);
}

std::string WebRtcPeer::createOffer(CandidateHandler onCandidate) {
  candidateHandler_ = std::move(onCandidate);
  g_signal_connect(webrtc_, "notify::ice-gathering-state",
                   G_CALLBACK(&WebRtcPeer::onGatheringState), this);
  return createLocal(true);
}

void WebRtcPeer::acceptAnswer(const std::string& answer) { setRemote(answer, false); }

void WebRtcPeer::addCandidate(guint mline, const std::string& candidate) {
  g_signal_emit_by_name(webrtc_, "add-ice-candidate", mline, candidate.c_str());
}

void WebRtcPeer::onGatheringState(GObject* webrtc, GParamSpec*, gpointer data) {
  GstWebRTCICEGatheringState state = GST_WEBRTC_ICE_GATHERING_STATE_NEW;
  g_object_get(webrtc, "ice-gathering-state", &state, nullptr);
  auto* self = static_cast<WebRtcPeer*>(data);
  if (state == GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE && self->candidateHandler_) {
    self->candidateHandler_(0, "");
  }
}

void WebRtcPeer::onIceCandidate(GstElement*, guint mline, gchar* candidate, gpointer data) {
  auto* self = static_cast<WebRtcPeer*>(data);
  if (self->candidateHandler_) {
    self->candidateHandler_(mline, candidate != nullptr ? candidate : "");
    return;
  }
  if (auto endpoint = self->endpoint_.lock()) {
    auto ice = std::make_shared<kc::IceCandidate>();
    ice->candidate = candidate;
    ice->sdpMLineIndex = static_cast<int32_t>(mline);
    ice->sdpMid = std::to_string(mline);
    try {
      endpoint->addIceCandidate(ice);
    } catch (const std::exception&) {
      // the endpoint is gone (test over): nothing to tell
    }
  }
}

// Received video: depayload, decode and count; audio is dropped.
void WebRtcPeer::onPadAdded(GstElement*, GstPad* pad, gpointer data) {
  auto* self = static_cast<WebRtcPeer*>(data);
  if (GST_PAD_DIRECTION(pad) != GST_PAD_SRC) {
    return;
  }
  GstCaps* caps = gst_pad_get_current_caps(pad);
  const GstStructure* structure = caps != nullptr ? gst_caps_get_structure(caps, 0) : nullptr;
  const gchar* media = structure != nullptr ? gst_structure_get_string(structure, "media") : nullptr;
  const gchar* encoding =
      structure != nullptr ? gst_structure_get_string(structure, "encoding-name") : nullptr;
  const bool video = media != nullptr && std::string(media) == "video";
  const std::string codec = encoding != nullptr ? encoding : "";
  if (caps != nullptr) {
    gst_caps_unref(caps);
  }
  const bool decode = self->video_.decode;
  const char* description =
      !video            ? "fakesink"
      : codec == "H264" ? (decode ? "rtph264depay ! h264parse ! openh264dec ! fakesink name=frames"
                                  : "rtph264depay ! fakesink name=frames")
      : codec == "VP9"  ? (decode ? "rtpvp9depay ! vp9dec ! fakesink name=frames"
                                  : "rtpvp9depay ! fakesink name=frames")
                        : (decode ? "rtpvp8depay ! vp8dec ! fakesink name=frames"
                                  : "rtpvp8depay ! fakesink name=frames");
  if (video && !self->codecKnown_) {
    self->receivedCodec_ = codec;
    self->codecKnown_ = true;
  }
  GstElement* sink = gst_parse_bin_from_description(description, TRUE, nullptr);
  gst_bin_add(GST_BIN(self->pipeline_), sink);
  gst_element_sync_state_with_parent(sink);
  GstPad* input = gst_element_get_static_pad(sink, "sink");
  gst_pad_link(pad, input);
  gst_object_unref(input);
  if (video) {
    GstElement* frames = gst_bin_get_by_name(GST_BIN(sink), "frames");
    GstPad* counted = gst_element_get_static_pad(frames, "sink");
    gst_pad_add_probe(counted, GST_PAD_PROBE_TYPE_BUFFER,
                      [](GstPad*, GstPadProbeInfo* info, gpointer data) {
                        auto* peer = static_cast<WebRtcPeer*>(data);
                        const bool keyframe = !GST_BUFFER_FLAG_IS_SET(
                            GST_PAD_PROBE_INFO_BUFFER(info), GST_BUFFER_FLAG_DELTA_UNIT);
                        if (keyframe && peer->firstKeyframeNs_ == 0) {
                          peer->firstKeyframeNs_ =
                              std::chrono::steady_clock::now().time_since_epoch().count();
                        }
                        ++peer->frames_;
                        return GST_PAD_PROBE_OK;
                      },
                      self, nullptr);
    gst_object_unref(counted);
    gst_object_unref(frames);
  }
}

bool WebRtcPeer::waitForFrames(uint64_t count, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (frames_ < count && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return frames_ >= count;
}

std::chrono::steady_clock::time_point WebRtcPeer::firstKeyframeAt() const {
  return std::chrono::steady_clock::time_point(
      std::chrono::steady_clock::duration(firstKeyframeNs_.load()));
}

std::string WebRtcPeer::receivedCodec() const {
  return codecKnown_ ? receivedCodec_ : "";
}

void WebRtcPeer::sendRemb(int64_t bps) {
  rembBps_ = bps;
  if (rtpSession_ != nullptr) {
    return;
  }
  GstElement* rtpbin = gst_bin_get_by_name(GST_BIN(webrtc_), "rtpbin");
  if (rtpbin == nullptr) {
    throw std::runtime_error("webrtcbin has no rtpbin to send REMB from");
  }
  g_signal_emit_by_name(rtpbin, "get-internal-session", 0u, &rtpSession_);  // BUNDLE: one
  gst_object_unref(rtpbin);
  if (rtpSession_ == nullptr) {
    throw std::runtime_error("webrtcbin has no RTP session yet (negotiate first)");
  }
  g_signal_connect(rtpSession_, "on-sending-rtcp", G_CALLBACK(&WebRtcPeer::onSendingRtcp), this);
}

// A PSFB/AFB "REMB" packet (draft-alvestrand-rmcat-remb) appended to the compound packet.
void WebRtcPeer::onSendingRtcp(GObject*, GstBuffer* buffer, gboolean, gpointer data) {
  const auto* self = static_cast<WebRtcPeer*>(data);
  const int64_t bps = self->rembBps_;
  if (bps <= 0) {
    return;
  }
  uint32_t exponent = 0;
  uint64_t mantissa = static_cast<uint64_t>(bps);
  while (mantissa > 0x3FFFF) {
    mantissa >>= 1;
    ++exponent;
  }
  GstRTCPBuffer rtcp = GST_RTCP_BUFFER_INIT;
  if (!gst_rtcp_buffer_map(buffer, GST_MAP_READWRITE, &rtcp)) {
    return;
  }
  GstRTCPPacket packet;
  if (gst_rtcp_buffer_add_packet(&rtcp, GST_RTCP_TYPE_PSFB, &packet)) {
    gst_rtcp_packet_fb_set_type(&packet, GST_RTCP_PSFB_TYPE_AFB);
    gst_rtcp_packet_fb_set_sender_ssrc(&packet, 1);
    gst_rtcp_packet_fb_set_media_ssrc(&packet, 0);
    if (gst_rtcp_packet_fb_set_fci_length(&packet, 3)) {  // "REMB", bitrate, one SSRC
      guint8* fci = gst_rtcp_packet_fb_get_fci(&packet);
      fci[0] = 'R', fci[1] = 'E', fci[2] = 'M', fci[3] = 'B';
      fci[4] = 1;
      fci[5] = static_cast<guint8>((exponent << 2) | ((mantissa >> 16) & 3));
      fci[6] = static_cast<guint8>((mantissa >> 8) & 0xFF);
      fci[7] = static_cast<guint8>(mantissa & 0xFF);
      fci[8] = fci[9] = fci[10] = fci[11] = 0;
    }
  }
  gst_rtcp_buffer_unmap(&rtcp);
}

}  // namespace kms::test
