#include "WebRtcEndpointImpl.hpp"

#include "MediaPipelineImpl.hpp"
#include "rtp/MediaPaths.hpp"
#include "rtp/RtpNegotiation.hpp"
#include "webrtc/Certificates.hpp"
#include "webrtc/NetworkInterfaces.hpp"
#include "webrtc/WebRtcBin.hpp"
#include "webrtc/WebRtcSettings.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/ServerContext.hpp>

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>

namespace kurento {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-webrtc", "WebRtcEndpoint");

constexpr guint kJitterBufferLatencyMs = 100;
constexpr int kOfferError = static_cast<int>(kms::ErrorCode::kSdpEndPointProcessOfferError);
constexpr int kAnswerError = static_cast<int>(kms::ErrorCode::kSdpEndPointProcessAnswerError);
constexpr int kGenerateError = static_cast<int>(kms::ErrorCode::kSdpEndPointGenerateOfferError);

size_t slotOf(MediaType type) { return type == MediaType::AUDIO ? 0 : 1; }
const char* lowerName(MediaType type) { return type == MediaType::AUDIO ? "audio" : "video"; }

IceComponentState toComponentState(GstWebRTCICEConnectionState state) {
  switch (state) {
    case GST_WEBRTC_ICE_CONNECTION_STATE_CHECKING: return IceComponentState::CONNECTING;
    case GST_WEBRTC_ICE_CONNECTION_STATE_CONNECTED: return IceComponentState::CONNECTED;
    case GST_WEBRTC_ICE_CONNECTION_STATE_COMPLETED: return IceComponentState::READY;
    case GST_WEBRTC_ICE_CONNECTION_STATE_FAILED: return IceComponentState::FAILED;
    case GST_WEBRTC_ICE_CONNECTION_STATE_NEW: return IceComponentState::GATHERING;
    default: return IceComponentState::DISCONNECTED;
  }
}

// Throws MEDIA_OBJECT_ILLEGAL_PARAM_ERROR "<property>: <problem>" unless `problem` is empty.
void requireValid(const char* property, const std::string& problem) {
  if (!problem.empty()) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                                std::string(property) + ": " + problem);
  }
}
}  // namespace
#define GST_CAT_DEFAULT kCat

WebRtcEndpointImpl::WebRtcEndpointImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline,
                                       bool recvonly, bool sendonly, bool useDataChannels,
                                       CertificateKeyType certificateKeyType, DSCPValue)
    : WebRtcEndpointBase(mediaPipeline, "webrtcendpoint"),
      recvonly_(recvonly),
      sendonly_(sendonly),
      useDataChannels_(useDataChannels),
      certificatePem_(webrtc::certificatePem(certificateKeyType)),
      fingerprint_(webrtc::certificateFingerprint(certificatePem_)) {
  if (recvonly_ && sendonly_) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                                "recvonly and sendonly cannot both be true");
  }
  const webrtc::WebRtcSettings settings =
      webrtc::readSettings(kms::serverContext().classConfig("WebRtcEndpoint"));
  stunAddress_ = settings.stunServerAddress;
  stunPort_ = settings.stunServerPort;
  turnUrl_ = settings.turnUrl;
  networkInterfaces_ = settings.networkInterfaces;
  externalIPv4_ = settings.externalIPv4;
  externalIPv6_ = settings.externalIPv6;
  iceTcp_ = settings.iceTcp;

  webrtc_ = gst_element_factory_make("webrtcbin", nullptr);
  if (webrtc_ == nullptr) {
    throw kms::KurentoException(kms::ErrorCode::kNotEnoughResources,
                                "GStreamer element 'webrtcbin' is missing (gstreamer1.0-plugins-bad)");
  }
  // webrtcbin checks its own dependencies (libnice, DTLS, SRTP) when it gets ready: fail the
  // create with the reason rather than every later call with "webrtcbin is closed".
  if (gst_element_set_state(webrtc_, GST_STATE_READY) == GST_STATE_CHANGE_FAILURE) {
    gst_element_set_state(webrtc_, GST_STATE_NULL);
    gst_object_unref(webrtc_);
    webrtc_ = nullptr;
    throw kms::KurentoException(kms::ErrorCode::kNotEnoughResources,
                                "webrtcbin cannot start: are gstreamer1.0-nice and "
                                "gstreamer1.0-plugins-bad (dtls, srtp) installed?");
  }
  gst_util_set_object_arg(G_OBJECT(webrtc_), "bundle-policy", "max-bundle");
  webrtc::disableUpnp(webrtc_);
  g_object_set(webrtc_, "latency", kJitterBufferLatencyMs, nullptr);
  gst_bin_add(bin(), webrtc_);
  g_signal_connect(webrtc_, "on-ice-candidate", G_CALLBACK(&WebRtcEndpointImpl::onIceCandidate), this);
  g_signal_connect(webrtc_, "pad-added", G_CALLBACK(&WebRtcEndpointImpl::onPadAdded), this);
  g_signal_connect(webrtc_, "deep-element-added",
                   G_CALLBACK(&WebRtcEndpointImpl::onElementAdded), this);
  g_signal_connect(webrtc_, "on-data-channel", G_CALLBACK(&WebRtcEndpointImpl::onDataChannel),
                   this);
  g_signal_connect(webrtc_, "notify::ice-gathering-state",
                   G_CALLBACK(&WebRtcEndpointImpl::onGatheringState), this);
  g_signal_connect(webrtc_, "notify::ice-connection-state",
                   G_CALLBACK(&WebRtcEndpointImpl::onIceState), this);
  g_signal_connect(webrtc_, "notify::connection-state",
                   G_CALLBACK(&WebRtcEndpointImpl::onConnectionState), this);
  for (MediaType type : {MediaType::AUDIO, MediaType::VIDEO}) {
    // The queue's thread is what webrtcbin blocks until DTLS is up (its transport holds RTP
    // back until the keys are known): leaky, so a viewer whose handshake is slow or never
    // ends drops its own oldest frames instead of blocking the source's tee, and with it
    // every other viewer of the source.
    GstElement* queue = gst_element_factory_make("queue", nullptr);
    gst_util_set_object_arg(G_OBJECT(queue), "leaky", "downstream");
    gst_bin_add(bin(), queue);
    GstPad* sink = gst_element_get_static_pad(queue, "sink");
    setInput(type, sink);
    gst_object_unref(sink);
    inputQueues_[slotOf(type)] = queue;
    inputWatches_[slotOf(type)] = {this, type};
    GstPad* src = gst_element_get_static_pad(queue, "src");
    gst_pad_add_probe(src,
                      static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER |
                                                   GST_PAD_PROBE_TYPE_BUFFER_LIST),
                      &WebRtcEndpointImpl::onInputData, &inputWatches_[slotOf(type)], nullptr);
    gst_object_unref(src);
  }
}

WebRtcEndpointImpl::~WebRtcEndpointImpl() {
  if (webrtc_ != nullptr) {
    g_signal_handlers_disconnect_by_data(webrtc_, this);
  }
  if (rtpSession_ != nullptr) {
    g_signal_handlers_disconnect_by_data(rtpSession_, this);
    g_object_unref(rtpSession_);
  }
  for (GstWebRTCDataChannel* channel : channels_) {
    g_signal_handlers_disconnect_by_data(channel, this);
    g_object_unref(channel);
  }
}

void WebRtcEndpointImpl::releaseResources() {
  if (webrtc_ != nullptr) {
    g_signal_handlers_disconnect_by_data(webrtc_, this);
  }
  {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    for (GstWebRTCDataChannel* channel : channels_) {
      g_signal_handlers_disconnect_by_data(channel, this);
    }
  }
  unwatchTransport();
  {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    withdrawEncoderWish();
  }
  WebRtcEndpointBase::releaseResources();
}

// STUN, TURN and the UDP port range apply to the gathering that the first description starts.
void WebRtcEndpointImpl::configureIce() {
  if (!stunAddress_.empty()) {
    const std::string stun = "stun://" + stunAddress_ + ":" + std::to_string(stunPort_);
    g_object_set(webrtc_, "stun-server", stun.c_str(), nullptr);
  }
  if (!turnUrl_.empty()) {
    const std::string turn = "turn://" + turnUrl_;
    gboolean added = FALSE;
    g_signal_emit_by_name(webrtc_, "add-turn-server", turn.c_str(), &added);
    if (!added) {
      throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                                  "turnUrl '" + turnUrl_ +
                                      "' is not user:password@host:port[?transport=udp|tcp]");
    }
  }
  restrictInterfaces();
  watchIce();
  GObject* ice = nullptr;
  g_object_get(webrtc_, "ice-agent", &ice, nullptr);
  if (ice != nullptr) {
    if (g_object_class_find_property(G_OBJECT_GET_CLASS(ice), "min-rtp-port") != nullptr) {
      g_object_set(ice, "min-rtp-port", static_cast<guint>(minPort()), "max-rtp-port",
                   static_cast<guint>(maxPort()), nullptr);
    }
    if (g_object_class_find_property(G_OBJECT_GET_CLASS(ice), "ice-tcp") != nullptr) {
      g_object_set(ice, "ice-tcp", iceTcp_, nullptr);
    }
    g_object_unref(ice);
  }
}

// The codec of each audio/video line of the peer's description, or why there is none.
void WebRtcEndpointImpl::chooseLines(const GstSDPMessage& remote, bool remoteIsOffer) {
  std::vector<Line> lines;
  std::string refused;
  for (guint i = 0; i < gst_sdp_message_medias_len(&remote); ++i) {
    const GstSDPMedia* media = gst_sdp_message_get_media(&remote, i);
    Line line;
    line.type = rtp::mediaTypeOfLine(media);
    line.mline = i;
    if (line.type == MediaType::kInvalid || gst_sdp_media_get_port(media) == 0) {
      continue;
    }
    std::string offered;
    const rtp::ChosenCodec chosen = rtp::chooseCodec(media, line.type, &offered);
    if (chosen.codec == nullptr) {
      refused += (refused.empty() ? "" : "; ") + std::string("offer has only ") + offered +
                 " for " + lowerName(line.type) + "; supported " + lowerName(line.type) +
                 " codecs: " + rtp::codecNames(line.type);
      continue;
    }
    line.codec = chosen.codec;
    line.payloadType = chosen.payloadType;
    line.fmtp = chosen.fmtp;
    const bool peerReceives = gst_sdp_media_get_attribute_val(media, "sendonly") == nullptr &&
                              gst_sdp_media_get_attribute_val(media, "inactive") == nullptr;
    line.send = !recvonly_ && peerReceives;
    lines.push_back(line);
  }
  if (lines.empty()) {
    throw kms::KurentoException(
        static_cast<kms::ErrorCode>(remoteIsOffer ? kOfferError : kAnswerError),
        refused.empty() ? std::string("the description has no audio or video line to serve")
                        : "nothing in the " + std::string(remoteIsOffer ? "offer" : "answer") +
                              " can be served: " + refused);
  }
  lines_ = std::move(lines);
}

// Each line we send on has its transceiver (behind its sink pad): it gets the one codec we chose
// and its direction. Lines we only receive on get webrtcbin's own (recvonly) transceivers.
void WebRtcEndpointImpl::configureTransceivers() {
  for (const Line& line : lines_) {
    if (line.sinkPad == nullptr) {
      continue;
    }
    GstWebRTCRTPTransceiver* transceiver = nullptr;
    g_object_get(line.sinkPad, "transceiver", &transceiver, nullptr);
    if (transceiver == nullptr) {
      continue;
    }
    GstCaps* caps = webrtc::codecCaps(*line.codec, line.payloadType, line.fmtp);
    const GstWebRTCRTPTransceiverDirection direction =
        sendonly_ ? GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY
                  : GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV;
    g_object_set(transceiver, "codec-preferences", caps, "direction", direction, nullptr);
    gst_caps_unref(caps);
    gst_object_unref(transceiver);
  }
}

// A webrtcbin sink pad per line we send on, requested before the descriptions are set so that
// webrtcbin gives its transceiver the line of the same kind. The input is linked to it on its
// first buffer, once its format is known.
GstPad* WebRtcEndpointImpl::requestSinkPad(GstCaps* caps) {
  GstPadTemplate* templ =
      gst_element_class_get_pad_template(GST_ELEMENT_GET_CLASS(webrtc_), "sink_%u");
  GstPad* pad = gst_element_request_pad(webrtc_, templ, nullptr, caps);
  if (pad == nullptr) {
    throw kms::KurentoException(kms::ErrorCode::kSdpEndPointCannotCreateSession,
                                "webrtcbin gives no pad to send on");
  }
  // webrtcbin 1.22 offers a transceiver only when it knows its codecs: the pad is not linked
  // yet, so they go into the transceiver's codec-preferences.
  GstWebRTCRTPTransceiver* transceiver = nullptr;
  g_object_get(pad, "transceiver", &transceiver, nullptr);
  if (transceiver != nullptr) {
    g_object_set(transceiver, "codec-preferences", caps, nullptr);
    gst_object_unref(transceiver);
  }
  gst_object_unref(pad);  // webrtcbin keeps it
  return pad;
}

void WebRtcEndpointImpl::requestSinkPads() {
  for (Line& line : lines_) {
    if (line.send && line.sinkPad == nullptr) {
      GstCaps* caps = webrtc::codecCaps(*line.codec, line.payloadType, line.fmtp);
      line.sinkPad = requestSinkPad(caps);
      gst_caps_unref(caps);
    }
  }
}

void WebRtcEndpointImpl::rememberMids(const std::string& localSdp) {
  GstSDPMessage* message = nullptr;
  gst_sdp_message_new_from_text(localSdp.c_str(), &message);
  mids_.clear();
  for (guint i = 0; message != nullptr && i < gst_sdp_message_medias_len(message); ++i) {
    const gchar* mid = gst_sdp_media_get_attribute_val(gst_sdp_message_get_media(message, i), "mid");
    mids_.emplace_back(mid != nullptr ? mid : "");
  }
  if (message != nullptr) {
    gst_sdp_message_free(message);
  }
}

// What webrtcbin needs and the offer lacks (fingerprint, ICE credentials, setup, mid) is filled
// in first (webrtc/OfferRepair.hpp); our answer carries our own ICE and DTLS attributes.
std::string WebRtcEndpointImpl::createAnswer(const GstSDPMessage& original) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  GstSDPMessage* copy = nullptr;
  gst_sdp_message_copy(&original, &copy);
  std::unique_ptr<GstSDPMessage, decltype(&gst_sdp_message_free)> offer(copy,
                                                                        &gst_sdp_message_free);
  const webrtc::OfferRepair repair = webrtc::completeOffer(offer.get());
  for (const std::string& filled : repair.filled) {
    GST_INFO("%s: the offer is answered although %s", id().c_str(), filled.c_str());
  }
  chooseLines(*offer, true);
  awaitingSource_ = {true, true};  // until onNegotiated has told the source
  configureIce();
  requestSinkPads();
  try {
    webrtc::setDescription(webrtc_, true, GST_WEBRTC_SDP_TYPE_OFFER, *offer, kOfferError);
  } catch (const kms::KurentoException& error) {
    throw kms::KurentoException(error.code(), webrtc::withMediaNames(error.what(), *offer));
  }
  learnPeerPath(repair, *offer);
  configureTransceivers();
  std::string answer = webrtc::createAndSetLocal(webrtc_, false, kOfferError, fingerprint_);
  watchDtls();
  rememberMids(answer);
  remoteSet_ = true;
  applyPendingCandidates();
  return webrtc::withVideoBandwidth(webrtc::withoutMids(answer, repair.inventedMids),
                                    maxVideoRecvKbps());
}

std::string WebRtcEndpointImpl::createOffer(const OfferOptions& options) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  configureIce();
  const GstWebRTCRTPTransceiverDirection direction =
      recvonly_ ? GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY
      : sendonly_ ? GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY
                  : GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV;
  bool any = false;
  for (MediaType type : {MediaType::AUDIO, MediaType::VIDEO}) {
    const bool wanted = type == MediaType::AUDIO ? options.offerToReceiveAudio.value_or(true)
                                                 : options.offerToReceiveVideo.value_or(true);
    if (!wanted) {
      continue;
    }
    GstCaps* caps = gst_caps_new_empty();
    for (const rtp::CodecInfo* codec : rtp::supportedCodecs(type)) {
      gst_caps_append(caps, webrtc::codecCaps(*codec, codec->defaultPayloadType, codec->fmtp));
    }
    Line line;
    line.type = type;
    line.send = !recvonly_;
    if (line.send) {
      line.sinkPad = requestSinkPad(caps);  // its transceiver offers every codec of `caps`
    } else {
      GstWebRTCRTPTransceiver* transceiver = nullptr;
      g_signal_emit_by_name(webrtc_, "add-transceiver", direction, caps, &transceiver);
      if (transceiver != nullptr) {
        gst_object_unref(transceiver);
      }
    }
    gst_caps_unref(caps);
    offered_.push_back(line);
    any = true;
  }
  if (!any) {
    throw kms::KurentoException(kms::ErrorCode::kSdpEndPointGenerateOfferError,
                                "the offer options exclude both audio and video");
  }
  GArray* list = webrtc::transceivers(webrtc_);
  for (guint i = 0; list != nullptr && i < list->len; ++i) {
    g_object_set(g_array_index(list, GstWebRTCRTPTransceiver*, i), "direction", direction, nullptr);
  }
  if (list != nullptr) {
    g_array_unref(list);
  }
  std::string offer = webrtc::createAndSetLocal(webrtc_, true, kGenerateError, fingerprint_);
  rememberMids(offer);
  return webrtc::withVideoBandwidth(offer, maxVideoRecvKbps());
}

void WebRtcEndpointImpl::applyAnswer(const GstSDPMessage& answer) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  chooseLines(answer, false);
  awaitingSource_ = {true, true};  // until onNegotiated has told the source
  webrtc::setDescription(webrtc_, true, GST_WEBRTC_SDP_TYPE_ANSWER, answer, kAnswerError);
  watchDtls();
  // The pads requested for the offer send what the answer chose.
  for (Line& line : lines_) {
    for (const Line& offered : offered_) {
      if (offered.type == line.type) {
        line.sinkPad = offered.sinkPad;
        line.send = offered.send && (line.send || sendonly_);
      }
    }
  }
  remoteSet_ = true;
  applyPendingCandidates();
}

WebRtcEndpointImpl::Line* WebRtcEndpointImpl::lineOf(MediaType type) {
  for (Line& line : lines_) {
    if (line.type == type) {
      return &line;
    }
  }
  return nullptr;
}

GstPadProbeReturn WebRtcEndpointImpl::onInputData(GstPad* pad, GstPadProbeInfo*, gpointer data) {
  auto* watch = static_cast<InputWatch*>(data);
  WebRtcEndpointImpl* self = watch->self;
  const bool adapted = self->inputAdapted(watch->type);  // before our lock (lock order)
  std::lock_guard<std::recursive_mutex> lock(self->mutex_);
  Line* line = self->lineOf(watch->type);
  GstCaps* caps = gst_pad_get_current_caps(pad);
  if (line == nullptr || line->sinkPad == nullptr || caps == nullptr) {
    if (caps != nullptr) {
      gst_caps_unref(caps);
    }
    return GST_PAD_PROBE_DROP;  // nothing negotiated to send this on (yet)
  }
  // Another format while the source adapts it for us (or is about to be told our format,
  // in onNegotiated) is what was queued before: dropped. Only a source that cannot adapt
  // leaves the conversion to us.
  if (mediaOf(caps) != line->codec->encodedCaps &&
      (adapted || self->awaitingSource_[slotOf(watch->type)])) {
    gst_caps_unref(caps);
    return GST_PAD_PROBE_DROP;
  }
  try {
    GstPad* target = self->payloaderTarget(*line);
    rtp::SendPath path = rtp::linkSendPath(self->bin(), *line->codec, line->payloadType,
                                           self->getMtu(), caps, pad, target);
    gst_object_unref(target);
    self->reportTranscoding(watch->type, std::string("sender_") + lowerName(watch->type),
                            path.transcoding);
    if (path.encoder != nullptr) {
      self->steerEncoder(path.encoder);
    }
    GST_INFO("%s: sending %s %s from %s (%s)", self->id().c_str(), lowerName(watch->type),
             line->codec->name, path.inputMedia.c_str(),
             path.transcoding ? "transcoding" : "forwarding");
  } catch (const std::exception& e) {
    GST_ERROR("%s: cannot send %s: %s", self->id().c_str(), lowerName(watch->type), e.what());
    gst_caps_unref(caps);
    return GST_PAD_PROBE_DROP;
  }
  gst_caps_unref(caps);
  rtp::forwardStickyEvents(pad);
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

namespace {
// "candidate:1 1 UDP 2015363327 192.168.1.2 56853 typ host": the address is the 5th word.
std::string withAddress(const std::string& candidate, const std::string& external) {
  size_t start = 0;
  for (int word = 0; word < 4 && start != std::string::npos; ++word) {
    start = candidate.find(' ', start);
    start = start == std::string::npos ? start : start + 1;
  }
  if (start == std::string::npos) {
    return candidate;
  }
  const size_t end = candidate.find(' ', start);
  const std::string address = candidate.substr(start, end - start);
  const bool ipv6 = address.find(':') != std::string::npos;
  if (ipv6 != (external.find(':') != std::string::npos)) {
    return candidate;  // only replace an address of the same family
  }
  return candidate.substr(0, start) + external + candidate.substr(end);
}

// Runs `work` with the endpoint's lock on the GLib main loop, later, in order. webrtcbin emits
// candidates and gathering states on its own thread, which also runs the operations a request
// waits for under the endpoint's lock (set-remote-description in processAnswer): taking the
// lock there deadlocked the request, and with it the server (fuzz_sdp_webrtc found it).
void deferLocked(const std::weak_ptr<kms::RemoteObject>& weak,
                 std::function<void(WebRtcEndpointImpl&)> work) {
  struct Job {
    std::weak_ptr<kms::RemoteObject> endpoint;
    std::function<void(WebRtcEndpointImpl&)> work;
  };
  g_idle_add_full(
      G_PRIORITY_DEFAULT,
      [](gpointer data) -> gboolean {
        auto* job = static_cast<Job*>(data);
        if (auto endpoint = std::static_pointer_cast<WebRtcEndpointImpl>(job->endpoint.lock())) {
          job->work(*endpoint);
        }
        return G_SOURCE_REMOVE;
      },
      new Job{weak, std::move(work)}, [](gpointer data) { delete static_cast<Job*>(data); });
}
}  // namespace

// Each DTLS decoder webrtcbin makes (they hold the transports' certificate) gets ours, and our
// descriptions announce its fingerprint.
void WebRtcEndpointImpl::onElementAdded(GstBin*, GstBin*, GstElement* element, gpointer data) {
  GstElementFactory* factory = gst_element_get_factory(element);
  if (factory != nullptr && std::strcmp(GST_OBJECT_NAME(factory), "dtlssrtpdec") == 0) {
    g_object_set(element, "pem", static_cast<WebRtcEndpointImpl*>(data)->certificatePem_.c_str(),
                 nullptr);
  } else if (factory != nullptr && std::strcmp(GST_OBJECT_NAME(factory), "nicesrc") == 0) {
    static_cast<WebRtcEndpointImpl*>(data)->watchPeerPackets(element);
  }
}

void WebRtcEndpointImpl::emitCandidate(guint mline, const std::string& candidate) {
  IceCandidateFound event;
  event.candidate = std::make_shared<IceCandidate>();
  // Behind 1:1 NAT (cloud VMs, Docker), host candidates announce the public address.
  std::string announced = candidate;
  if (candidate.find(" typ host") != std::string::npos) {
    for (const std::string& external : {externalIPv4_, externalIPv6_}) {
      if (!external.empty()) {
        announced = withAddress(announced, external);
      }
    }
  }
  event.candidate->candidate = announced;
  event.candidate->sdpMLineIndex = static_cast<int32_t>(mline);
  event.candidate->sdpMid = mline < mids_.size() ? mids_[mline] : std::to_string(mline);
  raiseIceCandidateFound(event);
}

void WebRtcEndpointImpl::onIceCandidate(GstElement*, guint mline, gchar* candidate, gpointer data) {
  auto* self = static_cast<WebRtcEndpointImpl*>(data);
  if (candidate == nullptr || *candidate == '\0') {
    return;
  }
  std::string text = candidate;
  if (text.rfind("a=", 0) == 0) {
    text = text.substr(2);
  }
  deferLocked(self->weak_from_this(), [mline, text](WebRtcEndpointImpl& endpoint) {
    std::lock_guard<std::recursive_mutex> lock(endpoint.mutex_);
    if (!endpoint.gathering_) {
      endpoint.pendingLocal_.emplace_back(mline, text);  // Kurento sends them after gatherCandidates
      return;
    }
    endpoint.emitCandidate(mline, text);
  });
}

void WebRtcEndpointImpl::onGatheringState(GObject* webrtc, GParamSpec*, gpointer data) {
  auto* self = static_cast<WebRtcEndpointImpl*>(data);
  GstWebRTCICEGatheringState state = GST_WEBRTC_ICE_GATHERING_STATE_NEW;
  g_object_get(webrtc, "ice-gathering-state", &state, nullptr);
  if (state != GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE) {
    return;
  }
  deferLocked(self->weak_from_this(), [](WebRtcEndpointImpl& endpoint) {  // after the candidates
    std::lock_guard<std::recursive_mutex> lock(endpoint.mutex_);
    endpoint.gatheringDone_ = true;
    if (endpoint.gathering_ && !endpoint.gatheringDoneSent_) {
      endpoint.gatheringDoneSent_ = true;
      endpoint.raiseIceGatheringDone(IceGatheringDone());
    }
  });
}

void WebRtcEndpointImpl::onIceState(GObject* webrtc, GParamSpec*, gpointer data) {
  auto* self = static_cast<WebRtcEndpointImpl*>(data);
  GstWebRTCICEConnectionState state = GST_WEBRTC_ICE_CONNECTION_STATE_NEW;
  g_object_get(webrtc, "ice-connection-state", &state, nullptr);
  IceComponentStateChanged event;
  event.streamId = 0;
  event.componentId = 1;
  event.state = toComponentState(state);
  {
    std::lock_guard<std::recursive_mutex> lock(self->mutex_);
    self->iceState_ = event.state;
  }
  GST_INFO("%s: ICE %s", self->id().c_str(), toString(event.state));
  self->raiseIceComponentStateChanged(event);
}

void WebRtcEndpointImpl::onConnectionState(GObject* webrtc, GParamSpec*, gpointer data) {
  auto* self = static_cast<WebRtcEndpointImpl*>(data);
  GstWebRTCPeerConnectionState state = GST_WEBRTC_PEER_CONNECTION_STATE_NEW;
  g_object_get(webrtc, "connection-state", &state, nullptr);
  if (state == GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED) {
    self->setConnectionState(ConnectionState::CONNECTED);
  } else if (state == GST_WEBRTC_PEER_CONNECTION_STATE_FAILED ||
             state == GST_WEBRTC_PEER_CONNECTION_STATE_DISCONNECTED ||
             state == GST_WEBRTC_PEER_CONNECTION_STATE_CLOSED) {
    self->setConnectionState(ConnectionState::DISCONNECTED);
    self->setMediaState(MediaState::DISCONNECTED);
  }
}

void WebRtcEndpointImpl::gatherCandidates() {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  if (gathering_) {
    return;
  }
  gathering_ = true;
  for (const auto& [mline, candidate] : pendingLocal_) {
    emitCandidate(mline, candidate);
  }
  pendingLocal_.clear();
  if (gatheringDone_ && !gatheringDoneSent_) {
    gatheringDoneSent_ = true;
    raiseIceGatheringDone(IceGatheringDone());
  }
}

void WebRtcEndpointImpl::addIceCandidate(const std::shared_ptr<IceCandidate>& candidate) {
  if (!candidate || candidate->sdpMLineIndex < 0) {
    throw kms::KurentoException(kms::ErrorCode::kIceAddCandidateError,
                                "the candidate needs sdpMLineIndex >= 0");
  }
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  pendingRemote_.emplace_back(static_cast<guint>(candidate->sdpMLineIndex), candidate->candidate);
  if (remoteSet_) {
    applyPendingCandidates();
  }
}

// Candidates may arrive before the offer (trickle ICE): they wait for the remote description.
void WebRtcEndpointImpl::applyPendingCandidates() {
  for (const auto& [mline, candidate] : pendingRemote_) {
    if (candidate.empty()) {
      continue;  // end of candidates
    }
    if (learnsPathOf(mline)) {
      GST_INFO(
          "%s: candidate of m= line %u not used: its path comes from the peer's checks "
          "(the offer had no ICE credentials)",
          id().c_str(), mline);
      continue;
    }
    g_signal_emit_by_name(webrtc_, "add-ice-candidate", mline, candidate.c_str());
  }
  pendingRemote_.clear();
}

std::string WebRtcEndpointImpl::getNetworkInterfaces() { return networkInterfaces_; }
void WebRtcEndpointImpl::setNetworkInterfaces(const std::string& value) {
  const webrtc::InterfaceAddresses found = webrtc::interfaceAddresses(value);
  if (!found.unknown.empty()) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                                "networkInterfaces: no interface named " +
                                    webrtc::joined(found.unknown) + " on this host (it has " +
                                    webrtc::joined(found.available) + ")");
  }
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  networkInterfaces_ = value;
}

// networkInterfaces: host candidates on those interfaces' addresses only (once; names this host
// lacks are logged, and with no address left every interface is used).
void WebRtcEndpointImpl::restrictInterfaces() {
  if (networkInterfaces_.empty() || interfacesApplied_) {
    return;
  }
  interfacesApplied_ = true;
  const webrtc::InterfaceAddresses found = webrtc::interfaceAddresses(networkInterfaces_);
  if (!found.unknown.empty()) {
    GST_WARNING("%s: networkInterfaces names %s, which this host does not have (it has %s)",
                id().c_str(), webrtc::joined(found.unknown).c_str(), webrtc::joined(found.available).c_str());
  }
  if (found.addresses.empty()) {
    GST_WARNING("%s: networkInterfaces '%s' gives no address; gathering on every interface",
                id().c_str(), networkInterfaces_.c_str());
    return;
  }
  if (!webrtc::restrictIceAddresses(webrtc_, found.addresses)) {
    GST_WARNING("%s: webrtcbin's ICE agent is not libnice; networkInterfaces not applied",
                id().c_str());
    return;
  }
  GST_INFO("%s: ICE host candidates on %s (%s)", id().c_str(), networkInterfaces_.c_str(),
           webrtc::joined(found.addresses).c_str());
}
bool WebRtcEndpointImpl::getIceTcp() { return iceTcp_; }
void WebRtcEndpointImpl::setIceTcp(const bool& value) { iceTcp_ = value; }
std::string WebRtcEndpointImpl::getStunServerAddress() { return stunAddress_; }
void WebRtcEndpointImpl::setStunServerAddress(const std::string& value) { stunAddress_ = value; }
int32_t WebRtcEndpointImpl::getStunServerPort() { return stunPort_; }

void WebRtcEndpointImpl::setStunServerPort(const int32_t& value) {
  if (value < 1 || value > 65535) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                                "stunServerPort must be within [1, 65535]");
  }
  stunPort_ = value;
}

std::string WebRtcEndpointImpl::getTurnUrl() { return turnUrl_; }
void WebRtcEndpointImpl::setTurnUrl(const std::string& value) {
  requireValid("turnUrl", webrtc::turnUrlProblem(value));
  turnUrl_ = value;
}

std::string WebRtcEndpointImpl::getExternalIPv4() { return externalIPv4_; }

void WebRtcEndpointImpl::setExternalIPv4(const std::string& value) {
  requireValid("externalIPv4", webrtc::addressProblem(value, false));
  externalIPv4_ = value;
}

std::string WebRtcEndpointImpl::getExternalIPv6() { return externalIPv6_; }

void WebRtcEndpointImpl::setExternalIPv6(const std::string& value) {
  requireValid("externalIPv6", webrtc::addressProblem(value, true));
  externalIPv6_ = value;
}

std::vector<std::shared_ptr<IceConnection>> WebRtcEndpointImpl::getIceConnectionState() {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  auto connection = std::make_shared<IceConnection>();
  connection->streamId = "0";
  connection->componentId = 1;
  connection->state = iceState_;
  return {connection};
}

void WebRtcEndpointImpl::requestKeyframe() {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  GstElement* depayloader = depayloaders_[slotOf(MediaType::VIDEO)];
  if (depayloader == nullptr) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectOperationNotSupported,
                                id() + " receives no video to request a keyframe of");
  }
  gst_element_send_event(depayloader, rtp::newKeyframeRequest());
}

}  // namespace kurento
