#include "RtpEndpointImpl.hpp"

#include "MediaPipelineImpl.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/ServerContext.hpp>

#include <chrono>

namespace kurento {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-rtp-endpoint", "RtpEndpoint");

constexpr guint kJitterBufferLatencyMs = 100;
constexpr int kProfileAvpf = 3;  // GST_RTP_PROFILE_AVPF: immediate RTCP feedback

size_t slotOf(MediaType type) { return type == MediaType::AUDIO ? 0 : 1; }

std::string configuredAddress(bool ipv6) {
  const kms::ServerContext& context = kms::serverContext();
  const char* key = ipv6 ? "externalIPv6" : "externalIPv4";
  std::string address = context.classConfig("RtpEndpoint").getString(key, "");
  if (address.empty()) {
    address = context.classConfig("WebRtcEndpoint").getString(key, "");
  }
  return address;
}

GstPadProbeReturn dropAll(GstPad*, GstPadProbeInfo*, gpointer) { return GST_PAD_PROBE_DROP; }

}  // namespace
#define GST_CAT_DEFAULT kCat

RtpEndpointImpl::RtpEndpointImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline,
                                 const std::shared_ptr<SDES>& crypto, bool useIpv6)
    : RtpEndpointBase(mediaPipeline, "rtpendpoint"), useIpv6_(useIpv6) {
  if (crypto) {
    key_ = rtp::localKeyFrom(*crypto);
  }
  negotiation_ = std::make_unique<rtp::RtpNegotiation>(
      rtp::advertisedAddress(configuredAddress(useIpv6_), useIpv6_), key_);
  rtpbin_ = gst_element_factory_make("rtpbin", nullptr);
  if (rtpbin_ == nullptr) {
    throw kms::KurentoException(kms::ErrorCode::kNotEnoughResources,
                                "GStreamer element 'rtpbin' is missing (gstreamer1.0-plugins-good)");
  }
  g_object_set(rtpbin_, "latency", kJitterBufferLatencyMs, "rtp-profile", kProfileAvpf, nullptr);
  gst_bin_add(bin(), rtpbin_);
  g_signal_connect(rtpbin_, "pad-added", G_CALLBACK(&RtpEndpointImpl::onRtpbinPadAdded), this);
  g_signal_connect(rtpbin_, "on-timeout", G_CALLBACK(&RtpEndpointImpl::onRtpbinTimeout), this);
  g_signal_connect(rtpbin_, "on-bye-ssrc", G_CALLBACK(&RtpEndpointImpl::onRtpbinTimeout), this);
  for (MediaType type : {MediaType::AUDIO, MediaType::VIDEO}) {
    GstElement* queue = gst_element_factory_make("queue", nullptr);
    gst_bin_add(bin(), queue);
    GstPad* sink = gst_element_get_static_pad(queue, "sink");
    setInput(type, sink);
    gst_object_unref(sink);
    inputQueues_[slotOf(type)] = queue;
    GstPad* src = gst_element_get_static_pad(queue, "src");
    inputHolds_[slotOf(type)] = gst_pad_add_probe(
        src, static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
        &dropAll, nullptr, nullptr);
    gst_object_unref(src);
  }
}

RtpEndpointImpl::~RtpEndpointImpl() {
  if (rtpbin_ != nullptr) {
    g_signal_handlers_disconnect_by_data(rtpbin_, this);
  }
  std::lock_guard<std::mutex> lock(sessionsMutex_);
  sessions_.clear();
}

void RtpEndpointImpl::releaseResources() {
  g_signal_handlers_disconnect_by_data(rtpbin_, this);
  RtpEndpointBase::releaseResources();  // stops the graph: no streaming thread runs after this
  std::lock_guard<std::mutex> lock(sessionsMutex_);
  sessions_.clear();
}

rtp::LocalPorts RtpEndpointImpl::reserve(MediaType type) {
  std::lock_guard<std::mutex> lock(sessionsMutex_);
  if (sessions_.count(type) != 0) {
    throw kms::KurentoException(kms::ErrorCode::kSdpEndPointProcessOfferError,
                                std::string("only one ") + toString(type) +
                                    " line is supported per RtpEndpoint");
  }
  rtp::SocketPair sockets = rtp::bindSocketPair(minPort(), maxPort(), useIpv6_);
  rtp::LocalPorts ports{sockets.rtpPort, sockets.rtcpPort};
  GstPad* input = gst_element_get_static_pad(inputQueues_[slotOf(type)], "src");
  rtp::RtpMediaSession::Callbacks callbacks;
  callbacks.mediaArrived = [this] { setMediaState(MediaState::CONNECTED); };
  callbacks.transcoding = [this, type](bool on) {
    reportTranscoding(type, std::string("sender_") + (type == MediaType::AUDIO ? "audio" : "video"), on);
  };
  callbacks.inputAdapted = [this, type] { return inputAdapted(type); };
  callbacks.keySoftLimit = [this, type] {
    OnKeySoftLimit event;
    event.mediaType = type;
    raiseOnKeySoftLimit(event);
  };
  const guint sessionId = static_cast<guint>(sessions_.size());
  sessions_[type] = std::make_unique<rtp::RtpMediaSession>(
      bin(), rtpbin_, sessionId, std::move(sockets), outputSinkPad(type), input, getMtu(),
      std::move(callbacks));
  // The session's own probe (added first) takes over: it drops until it links the send path.
  gst_pad_remove_probe(input, inputHolds_[slotOf(type)]);
  inputHolds_[slotOf(type)] = 0;
  gst_object_unref(input);
  return ports;
}

std::string RtpEndpointImpl::createOffer(const OfferOptions& options) {
  std::vector<MediaType> types;
  if (options.offerToReceiveAudio.value_or(true)) {
    types.push_back(MediaType::AUDIO);
  }
  if (options.offerToReceiveVideo.value_or(true)) {
    types.push_back(MediaType::VIDEO);
  }
  if (types.empty()) {
    throw kms::KurentoException(kms::ErrorCode::kSdpEndPointGenerateOfferError,
                                "the offer options exclude both audio and video");
  }
  return negotiation_->createOffer(types, [this](MediaType type) { return reserve(type); });
}

std::string RtpEndpointImpl::createAnswer(const GstSDPMessage& offer) {
  std::vector<rtp::MediaPlan> plans;
  std::string answer = negotiation_->createAnswer(
      offer, [this](MediaType type) { return reserve(type); }, plans);
  std::lock_guard<std::mutex> lock(plansMutex_);
  plans_ = std::move(plans);
  return answer;
}

void RtpEndpointImpl::applyAnswer(const GstSDPMessage& answer) {
  std::vector<rtp::MediaPlan> plans = negotiation_->applyAnswer(answer);
  std::lock_guard<std::mutex> lock(plansMutex_);
  plans_ = std::move(plans);
}

rtp::RembSettings RtpEndpointImpl::rembSettings() {
  const std::shared_ptr<RembParams> params = getRembParams();
  rtp::RembSettings settings;
  settings.packetsPerUpdate = params->packetsRecvIntervalTop.value_or(settings.packetsPerUpdate);
  settings.exponentialFactor = params->exponentialFactor.value_or(settings.exponentialFactor);
  if (params->linealFactorMin) {
    settings.linearStepCapBps = *params->linealFactorMin;
  }
  settings.linearGrade = params->linealFactorGrade.value_or(settings.linearGrade);
  settings.decrementFactor = params->decrementFactor.value_or(settings.decrementFactor);
  settings.thresholdFactor = params->thresholdFactor.value_or(settings.thresholdFactor);
  settings.upLosses = params->upLosses.value_or(settings.upLosses);
  settings.initialBps = params->rembOnConnect.value_or(settings.initialBps);
  settings.minBps = int64_t{getMinVideoRecvBandwidth()} * 1000;
  settings.maxBps = int64_t{maxVideoRecvKbps()} * 1000;
  settings.sendMinBps = int64_t{minVideoSendKbps()} * 1000;
  settings.sendMaxBps = int64_t{maxVideoSendKbps()} * 1000;
  settings.sendStartBps = getEncoderBitrate();
  return settings;
}

void RtpEndpointImpl::onNegotiated() {
  const rtp::RembSettings remb = rembSettings();
  std::vector<rtp::MediaPlan> plans;
  {
    std::lock_guard<std::mutex> lock(plansMutex_);
    plans = plans_;
  }
  {
    std::lock_guard<std::mutex> lock(sessionsMutex_);
    for (const rtp::MediaPlan& plan : plans) {
      auto session = sessions_.find(plan.type);
      if (session != sessions_.end()) {
        session->second->start(plan, remb);
      }
    }
  }
  // The source now converts to the agreed codecs (without our locks: its adapter may wait
  // for a buffer in flight to reach our input queue, whose streaming thread takes them).
  inputFormatChanged(MediaType::AUDIO);
  inputFormatChanged(MediaType::VIDEO);
  {
    std::lock_guard<std::mutex> lock(sessionsMutex_);
    for (auto& [type, session] : sessions_) {
      session->sourceTold();
    }
  }
  setConnectionState(ConnectionState::CONNECTED);
}

// The agreed codec of the line that sends `type`; video also carries the send bounds, so that
// sinks with the same bounds share an encoder at the source (as WebRtcEndpoint's do).
GstCaps* RtpEndpointImpl::acceptedInput(MediaType type) {
  std::lock_guard<std::mutex> lock(plansMutex_);
  for (const rtp::MediaPlan& plan : plans_) {
    if (plan.type != type || !plan.send || plan.codec == nullptr) {
      continue;
    }
    GstCaps* caps = gst_caps_new_empty_simple(plan.codec->encodedCaps);
    if (type == MediaType::VIDEO) {
      gst_caps_set_simple(caps, "min-send-kbps", G_TYPE_INT, minVideoSendKbps(), "max-send-kbps",
                          G_TYPE_INT, maxVideoSendKbps(), nullptr);
    }
    return caps;
  }
  return nullptr;
}

void RtpEndpointImpl::inputEncoderChanged(MediaType type, GstElement* encoder) {
  std::lock_guard<std::mutex> lock(sessionsMutex_);
  auto session = sessions_.find(type);
  if (type == MediaType::VIDEO && session != sessions_.end()) {
    session->second->setSharedEncoder(encoder);
  }
}

std::map<std::string, std::shared_ptr<Stats>> RtpEndpointImpl::getStats(
    const std::optional<MediaType>& mediaType) {
  std::map<std::string, std::shared_ptr<Stats>> result;
  auto endpoint = std::make_shared<EndpointStats>();
  endpoint->id = id();
  endpoint->type = StatsType::endpoint;
  endpoint->timestampMillis = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
  result[endpoint->id] = endpoint;
  std::lock_guard<std::mutex> lock(sessionsMutex_);
  for (auto& [type, session] : sessions_) {
    if (mediaType && *mediaType != type) {
      continue;
    }
    for (const std::shared_ptr<Stats>& stats : session->stats(endpoint->timestampMillis)) {
      result[stats->id] = stats;
    }
  }
  return result;
}

void RtpEndpointImpl::requestKeyframe() {
  std::lock_guard<std::mutex> lock(sessionsMutex_);
  auto session = sessions_.find(MediaType::VIDEO);
  if (session == sessions_.end()) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectOperationNotSupported,
                                id() + " has no video line to request a keyframe on");
  }
  session->second->requestKeyframe();
}

void RtpEndpointImpl::onRtpbinPadAdded(GstElement*, GstPad* pad, gpointer data) {
  auto* self = static_cast<RtpEndpointImpl*>(data);
  guint session = 0;
  guint ssrc = 0;
  guint pt = 0;
  if (std::sscanf(GST_PAD_NAME(pad), "recv_rtp_src_%u_%u_%u", &session, &ssrc, &pt) != 3) {
    return;
  }
  std::lock_guard<std::mutex> lock(self->sessionsMutex_);
  for (auto& [type, mediaSession] : self->sessions_) {
    if (mediaSession->sessionId() == session) {
      mediaSession->onRtpbinPad(pad);
    }
  }
}

void RtpEndpointImpl::onRtpbinTimeout(GstElement*, guint session, guint ssrc, gpointer data) {
  auto* self = static_cast<RtpEndpointImpl*>(data);
  GST_INFO("%s: session %u SSRC %u timed out or said BYE", self->id().c_str(), session, ssrc);
  self->setMediaState(MediaState::DISCONNECTED);
}

}  // namespace kurento
