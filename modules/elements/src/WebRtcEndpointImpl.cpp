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
#include <memory>
#include <optional>

namespace kurento {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-webrtc", "WebRtcEndpoint");

constexpr guint kJitterBufferLatencyMs = 100;
constexpr int kOfferError = static_cast<int>(kms::ErrorCode::kSdpEndPointProcessOfferError);
constexpr int kAnswerError = static_cast<int>(kms::ErrorCode::kSdpEndPointProcessAnswerError);
constexpr int kGenerateError = static_cast<int>(kms::ErrorCode::kSdpEndPointGenerateOfferError);
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

  leanAllowed_ = settings.leanSendTransport && !useDataChannels_ && !recvonly_;
  if (!leanAllowed_) {
    ensureWebRtcBin();
  }
  for (MediaType type : {MediaType::AUDIO, MediaType::VIDEO}) {
    // No queue (and no thread) of ours per endpoint: the source's thread sends through to the
    // socket. webrtcbin holds RTP back, blocking the pushing thread, until the line's DTLS
    // keys are known: the gate drops media until then, so that a viewer whose handshake is
    // slow or never ends costs the source's other viewers nothing.
    GstElement* input = gst_element_factory_make("identity", nullptr);
    g_object_set(input, "silent", TRUE, nullptr);
    gst_bin_add(bin(), input);
    GstPad* sink = gst_element_get_static_pad(input, "sink");
    setInput(type, sink);
    inputs_[slotOf(type)] = input;
    inputWatches_[slotOf(type)] = {this, type, 0};
    gst_pad_add_probe(sink,
                      static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER |
                                                   GST_PAD_PROBE_TYPE_BUFFER_LIST),
                      &WebRtcEndpointImpl::onInputGate, &inputWatches_[slotOf(type)], nullptr);
    gst_object_unref(sink);
    GstPad* src = gst_element_get_static_pad(input, "src");
    gst_pad_add_probe(src,
                      static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER |
                                                   GST_PAD_PROBE_TYPE_BUFFER_LIST),
                      &WebRtcEndpointImpl::onInputData, &inputWatches_[slotOf(type)], nullptr);
    gst_object_unref(src);
  }
}

void WebRtcEndpointImpl::ensureWebRtcBin() {
  if (webrtc_ != nullptr) {
    return;
  }
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
  if (GST_STATE(GST_ELEMENT(bin())) != GST_STATE_NULL) {
    gst_element_sync_state_with_parent(webrtc_);  // made after the endpoint started
  }
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
  closeInputs();
  releaseLean();
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
    // One line of each kind, as Kurento serves; later ones get no transceiver of ours (webrtcbin
    // answers them recvonly and their media is discarded). A sendonly endpoint given two video
    // lines of different codecs crashed webrtcbin: found by fuzz.sdp_webrtc.
    if (std::any_of(lines.begin(), lines.end(),
                    [&](const Line& served) { return served.type == line.type; })) {
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
  if (std::string answer; leanAllowed_ && answerLean(original, answer)) {
    return answer;
  }
  ensureWebRtcBin();
  GstSDPMessage* copy = nullptr;
  gst_sdp_message_copy(&original, &copy);
  std::unique_ptr<GstSDPMessage, decltype(&gst_sdp_message_free)> offer(copy,
                                                                        &gst_sdp_message_free);
  const webrtc::OfferRepair repair = webrtc::completeOffer(offer.get());
  for (const std::string& filled : repair.filled) {
    GST_INFO("%s: the offer is answered although %s", id().c_str(), filled.c_str());
  }
  chooseLines(*offer, true);
  awaitSource(true);  // until onNegotiated has told the source
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
  ensureWebRtcBin();
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

void WebRtcEndpointImpl::applyAnswer(const GstSDPMessage& original) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  GstSDPMessage* copy = nullptr;
  gst_sdp_message_copy(&original, &copy);
  std::unique_ptr<GstSDPMessage, decltype(&gst_sdp_message_free)> answer(copy,
                                                                         &gst_sdp_message_free);
  std::vector<std::string> filled;
  webrtc::completeDirections(answer.get(), &filled);
  for (const std::string& line : filled) {
    GST_INFO("%s: the answer is taken although %s", id().c_str(), line.c_str());
  }
  chooseLines(*answer, false);
  awaitSource(true);  // until onNegotiated has told the source
  webrtc::setDescription(webrtc_, true, GST_WEBRTC_SDP_TYPE_ANSWER, *answer, kAnswerError);
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
