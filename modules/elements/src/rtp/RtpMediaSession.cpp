#include "RtpMediaSession.hpp"

#include "MediaPaths.hpp"

#include "EncoderBitrate.hpp"
#include "FormatAdapter.hpp"

#include <kms/sdk/Error.hpp>

#include <gst/net/gstnetaddressmeta.h>
#include <gst/rtp/gstrtcpbuffer.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace kurento::rtp {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-rtp-session", "RtpEndpoint media lines");

std::string padName(const char* prefix, guint session) {
  return prefix + std::to_string(session);
}

void setClient(GstElement* sink, const std::string& host, int port) {
  g_signal_emit_by_name(sink, "clear");
  if (!host.empty() && port > 0) {
    g_signal_emit_by_name(sink, "add", host.c_str(), port);
  }
}

}  // namespace
#define GST_CAT_DEFAULT kCat

RtpMediaSession::RtpMediaSession(GstBin* bin, GstElement* rtpbin, guint sessionId,
                                 SocketPair sockets, GstPad* output, GstPad* input, int mtu,
                                 Callbacks callbacks)
    : bin_(bin),
      rtpbin_(rtpbin),
      sessionId_(sessionId),
      sockets_(std::move(sockets)),
      output_(output),
      input_(input),
      mtu_(mtu),
      callbacks_(std::move(callbacks)) {
  if (input_ != nullptr) {
    inputProbe_ = gst_pad_add_probe(
        input_, static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
        &RtpMediaSession::onInputData, this, nullptr);
  }
}

RtpMediaSession::~RtpMediaSession() {
  if (input_ != nullptr && inputProbe_ != 0) {
    gst_pad_remove_probe(input_, inputProbe_);
  }
  setSharedEncoder(nullptr);
  if (rtpSession_ != nullptr) {
    g_signal_handlers_disconnect_by_data(rtpSession_, this);
    g_object_unref(rtpSession_);
  }
}

GstElement* RtpMediaSession::add(const char* factory) { return addElement(bin_, factory); }

GstCaps* RtpMediaSession::rtpCaps(bool secure) const {
  GstCaps* caps = gst_caps_new_simple(
      secure ? "application/x-srtp" : "application/x-rtp", "media", G_TYPE_STRING,
      plan_.type == MediaType::AUDIO ? "audio" : "video", "clock-rate", G_TYPE_INT,
      plan_.codec->clockRate, "encoding-name", G_TYPE_STRING, plan_.codec->name, "payload",
      G_TYPE_INT, plan_.payloadType, nullptr);
  GstStructure* structure = gst_caps_get_structure(caps, 0);
  gchar** parameters = g_strsplit(plan_.fmtp.c_str(), ";", -1);
  for (gchar** parameter = parameters; *parameter != nullptr; ++parameter) {
    gchar** pair = g_strsplit(g_strstrip(*parameter), "=", 2);
    if (pair[0] != nullptr && pair[1] != nullptr && *pair[0] != '\0' &&
        !gst_structure_has_field(structure, pair[0])) {
      gst_structure_set(structure, pair[0], G_TYPE_STRING, pair[1], nullptr);
    }
    g_strfreev(pair);
  }
  g_strfreev(parameters);
  return caps;
}

void RtpMediaSession::start(const MediaPlan& plan, const RembSettings& remb) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (started_) {
    return;
  }
  plan_ = plan;
  limits_ = remb;
  buildSend();  // first: the receive side may set the senders' peer (comedia) at once
  if (plan_.type == MediaType::VIDEO) {
    if (plan_.remb && plan_.receive) {
      startRemb(remb);  // rtpbin has created the session for the send pads
    }
    if (plan_.send && internalSession() != nullptr) {
      g_signal_connect(rtpSession_, "on-feedback-rtcp", G_CALLBACK(&RtpMediaSession::onFeedback),
                       this);
    }
  }
  buildReceive();
  started_ = true;
  GST_INFO("session %u: %s %s pt %d, local %u/%u, peer %s:%u/%u%s%s", sessionId_,
           plan_.type == MediaType::AUDIO ? "audio" : "video", plan_.codec->name,
           plan_.payloadType, sockets_.rtpPort, sockets_.rtcpPort, plan_.remoteAddress.c_str(),
           plan_.remoteRtpPort, plan_.remoteRtcpPort, plan_.comedia ? " (comedia)" : "",
           plan_.localKey ? " SRTP" : "");
}

void RtpMediaSession::buildReceive() {
  const bool secure = plan_.remoteKey.has_value();
  GstElement* rtpSrc = add("udpsrc");
  // With rtcp-mux, RTCP arrives on the RTP port: the RTP source's probe hands it to an appsrc.
  GstElement* rtcpSrc = add(plan_.rtcpMux ? "appsrc" : "udpsrc");
  GstCaps* caps = rtpCaps(secure);
  GstCaps* rtcpCaps = gst_caps_new_empty_simple(secure ? "application/x-srtcp" : "application/x-rtcp");
  g_object_set(rtpSrc, "socket", sockets_.rtp.get(), "close-socket", FALSE, "caps", caps, nullptr);
  if (plan_.rtcpMux) {
    g_object_set(rtcpSrc, "caps", rtcpCaps, "is-live", TRUE, "do-timestamp", TRUE, "format",
                 GST_FORMAT_TIME, nullptr);
    rtcpAppsrc_ = rtcpSrc;
  } else {
    g_object_set(rtcpSrc, "socket", sockets_.rtcp.get(), "close-socket", FALSE, "caps", rtcpCaps,
                 nullptr);
  }
  gst_caps_unref(caps);
  gst_caps_unref(rtcpCaps);
  GstPad* pad = gst_element_get_static_pad(rtpSrc, "src");
  gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, &RtpMediaSession::onPeerRtp, this, nullptr);
  gst_object_unref(pad);
  pad = gst_element_get_static_pad(rtcpSrc, "src");
  gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, &RtpMediaSession::onPeerRtcp, this, nullptr);
  gst_object_unref(pad);

  if (secure) {
    GstElement* srtpdec = add("srtpdec");
    g_signal_connect(srtpdec, "request-key", G_CALLBACK(&RtpMediaSession::onRequestKey), this);
    g_signal_connect(srtpdec, "soft-limit", G_CALLBACK(&RtpMediaSession::onDecoderSoftLimit),
                     this);
    linkPads(rtpSrc, "src", srtpdec, "rtp_sink");
    linkPads(rtcpSrc, "src", srtpdec, "rtcp_sink");
    linkPads(srtpdec, "rtp_src", rtpbin_, padName("recv_rtp_sink_", sessionId_));
    linkPads(srtpdec, "rtcp_src", rtpbin_, padName("recv_rtcp_sink_", sessionId_));
    gst_element_sync_state_with_parent(srtpdec);
  } else {
    linkPads(rtpSrc, "src", rtpbin_, padName("recv_rtp_sink_", sessionId_));
    linkPads(rtcpSrc, "src", rtpbin_, padName("recv_rtcp_sink_", sessionId_));
  }
  gst_element_sync_state_with_parent(rtpSrc);
  gst_element_sync_state_with_parent(rtcpSrc);
}

void RtpMediaSession::buildSend() {
  const bool secure = plan_.localKey.has_value();
  const std::string host = plan_.comedia ? std::string() : plan_.remoteAddress;
  rtpSink_ = add("udpsink");
  rtcpSink_ = add("udpsink");
  for (GstElement* sink : {rtpSink_, rtcpSink_}) {
    g_object_set(sink, "sync", FALSE, "async", FALSE, "close-socket", FALSE, nullptr);
  }
  g_object_set(rtpSink_, "socket", sockets_.rtp.get(), nullptr);
  g_object_set(rtcpSink_, "socket", (plan_.rtcpMux ? sockets_.rtp : sockets_.rtcp).get(), nullptr);
  setClient(rtpSink_, plan_.send ? host : std::string(), plan_.remoteRtpPort);
  setClient(rtcpSink_, host, plan_.remoteRtcpPort);

  sendTarget_ = gst_element_request_pad_simple(rtpbin_, padName("send_rtp_sink_", sessionId_).c_str());
  gst_object_unref(sendTarget_);  // rtpbin keeps it; released with rtpbin
  if (secure) {
    GstElement* srtpenc = add("srtpenc");
    configureEncoder(srtpenc, *plan_.localKey);
    g_signal_connect(srtpenc, "soft-limit", G_CALLBACK(&RtpMediaSession::onEncoderSoftLimit),
                     this);
    linkPads(rtpbin_, padName("send_rtp_src_", sessionId_), srtpenc, padName("rtp_sink_", sessionId_));
    linkPads(srtpenc, padName("rtp_src_", sessionId_), rtpSink_, "sink");
    linkPads(rtpbin_, padName("send_rtcp_src_", sessionId_), srtpenc, padName("rtcp_sink_", sessionId_));
    linkPads(srtpenc, padName("rtcp_src_", sessionId_), rtcpSink_, "sink");
    gst_element_sync_state_with_parent(srtpenc);
  } else {
    linkPads(rtpbin_, padName("send_rtp_src_", sessionId_), rtpSink_, "sink");
    linkPads(rtpbin_, padName("send_rtcp_src_", sessionId_), rtcpSink_, "sink");
  }
  gst_element_sync_state_with_parent(rtpSink_);
  gst_element_sync_state_with_parent(rtcpSink_);
}

GstPadProbeReturn RtpMediaSession::onInputData(GstPad* pad, GstPadProbeInfo*, gpointer data) {
  auto* self = static_cast<RtpMediaSession*>(data);
  // Read in this order: the source is told (adapted becomes true) before awaitingSource_
  // becomes false, so that a reader never sees both false in between. `adapted` before our
  // lock: it takes the element's (lock order).
  const bool awaiting = self->awaitingSource_;
  const bool adapted = self->callbacks_.inputAdapted && self->callbacks_.inputAdapted();
  std::lock_guard<std::mutex> lock(self->mutex_);
  if (!self->started_ || !self->plan_.send || self->sendLinked_) {
    return self->sendLinked_ ? GST_PAD_PROBE_PASS : GST_PAD_PROBE_DROP;
  }
  GstCaps* caps = gst_pad_get_current_caps(pad);
  if (caps == nullptr) {
    return GST_PAD_PROBE_DROP;
  }
  // Another format while the source adapts it for us (or is about to be asked to) is what
  // was queued before: dropped. Only a source that cannot adapt leaves the conversion to us.
  if (mediaOf(caps) != self->plan_.codec->encodedCaps && (adapted || awaiting)) {
    gst_caps_unref(caps);
    return GST_PAD_PROBE_DROP;
  }
  try {
    self->linkSendChain(caps);
  } catch (const std::exception& e) {
    GST_ERROR("session %u: cannot send: %s", self->sessionId_, e.what());
    gst_caps_unref(caps);
    return GST_PAD_PROBE_DROP;
  }
  gst_caps_unref(caps);
  self->sendLinked_ = true;
  self->inputProbe_ = 0;
  forwardStickyEvents(pad);
  return GST_PAD_PROBE_REMOVE;
}

void RtpMediaSession::linkSendChain(GstCaps* inputCaps) {
  SendPath path = linkSendPath(bin_, *plan_.codec, plan_.payloadType, mtu_, inputCaps, input_,
                               sendTarget_);
  GST_INFO("session %u: sending %s from %s (%s)", sessionId_, plan_.codec->name,
           path.inputMedia.c_str(), path.transcoding ? "transcoding" : "forwarding");
  encoder_ = path.encoder;
  if (encoder_ != nullptr) {
    setEncoderBitrate(peerRembBps_ > 0 ? peerRembBps_.load() : limits_.sendStartBps);
  }
  if (callbacks_.transcoding) {
    callbacks_.transcoding(path.transcoding);
  }
}

void RtpMediaSession::onRtpbinPad(GstPad* pad) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!started_) {
    return;
  }
  guint session = 0;
  guint ssrc = 0;
  if (std::sscanf(GST_PAD_NAME(pad), "recv_rtp_src_%u_%u", &session, &ssrc) == 2 &&
      remoteSsrc_ == 0) {
    remoteSsrc_ = ssrc;
  }
  if (outputLinked_) {
    discardStream(bin_, pad);
    GST_INFO("session %u: another stream (%s) is discarded", sessionId_, GST_PAD_NAME(pad));
    return;
  }
  depayloader_ = linkReceivePath(bin_, pad, *plan_.codec, output_);
  outputLinked_ = true;
  GST_INFO("session %u: receiving %s on %s", sessionId_, plan_.codec->name, GST_PAD_NAME(pad));
}

void RtpMediaSession::requestKeyframe() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (depayloader_ == nullptr) {
    return;
  }
  gst_element_send_event(depayloader_, newKeyframeRequest());
}

GstPadProbeReturn RtpMediaSession::onPeerRtp(GstPad*, GstPadProbeInfo* info, gpointer data) {
  auto* self = static_cast<RtpMediaSession*>(data);
  GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  if (self->rtcpAppsrc_ != nullptr) {
    // RFC 5761: RTCP packet types 192-223 cannot be RTP payload types.
    guint8 header[2] = {0, 0};
    if (gst_buffer_extract(buffer, 0, header, 2) == 2 && header[1] >= 192 && header[1] <= 223) {
      self->learnPeer(buffer, true);
      GstFlowReturn flow = GST_FLOW_OK;
      g_signal_emit_by_name(self->rtcpAppsrc_, "push-buffer", buffer, &flow);
      return GST_PAD_PROBE_DROP;
    }
  }
  self->learnPeer(buffer, false);
  // Packets that never become a stream: with SRTP, almost always a key that does not match.
  // (The stream appears after the jitter buffer's latency, so wait well beyond it.)
  constexpr gint64 kSuspectAfterUs = 2 * G_USEC_PER_SEC;
  const gint64 now = g_get_monotonic_time();
  gint64 expected = 0;
  self->firstPacketUs_.compare_exchange_strong(expected, now);
  if (self->remoteSsrc_ == 0 && now - self->firstPacketUs_ > kSuspectAfterUs &&
      !self->warnedUnusable_.exchange(true)) {
    GST_WARNING("session %u: %s packets arrive for 2 s but none could be %s; %s",
                self->sessionId_, self->plan_.remoteKey ? "SRTP" : "RTP",
                self->plan_.remoteKey ? "decrypted" : "used",
                self->plan_.remoteKey ? "check that the sender encrypts with the SRTP key of its "
                                        "a=crypto line"
                                      : "check the payload type and codec the sender uses");
  }
  return GST_PAD_PROBE_OK;
}

GstPadProbeReturn RtpMediaSession::onPeerRtcp(GstPad*, GstPadProbeInfo* info, gpointer self) {
  static_cast<RtpMediaSession*>(self)->learnPeer(GST_PAD_PROBE_INFO_BUFFER(info), true);
  return GST_PAD_PROBE_OK;
}

// The first packet marks the media as connected; with comedia, it tells where to send.
void RtpMediaSession::learnPeer(GstBuffer* buffer, bool rtcp) {
  if (!peerSeen_.exchange(true) && callbacks_.mediaArrived) {
    callbacks_.mediaArrived();
  }
  std::atomic<bool>& learned = rtcp ? rtcpPeerLearned_ : rtpPeerLearned_;
  if (!plan_.comedia || learned.exchange(true)) {
    return;
  }
  GstNetAddressMeta* meta = gst_buffer_get_net_address_meta(buffer);
  if (meta == nullptr || !G_IS_INET_SOCKET_ADDRESS(meta->addr)) {
    learned = false;
    return;
  }
  auto* address = G_INET_SOCKET_ADDRESS(meta->addr);
  gchar* host = g_inet_address_to_string(g_inet_socket_address_get_address(address));
  const int port = g_inet_socket_address_get_port(address);
  GST_INFO("session %u: comedia: sending %s to %s:%d", sessionId_, rtcp ? "RTCP" : "RTP", host,
           port);
  if (rtcp || plan_.send) {
    setClient(rtcp ? rtcpSink_ : rtpSink_, host, port);
  }
  if (plan_.rtcpMux && !rtcp && !rtcpPeerLearned_.exchange(true)) {
    setClient(rtcpSink_, host, port);
  }
  g_free(host);
}

// Our SDES key cannot be replaced in this session (no re-negotiation): say so and keep it.
GstCaps* RtpMediaSession::onDecoderSoftLimit(GstElement*, guint ssrc, gpointer data) {
  auto* self = static_cast<RtpMediaSession*>(data);
  GST_WARNING("session %u: the peer's SRTP key for SSRC %u reached its soft limit",
              self->sessionId_, ssrc);
  if (self->callbacks_.keySoftLimit) {
    self->callbacks_.keySoftLimit();
  }
  return nullptr;
}

void RtpMediaSession::onEncoderSoftLimit(GstElement*, gpointer data) {
  auto* self = static_cast<RtpMediaSession*>(data);
  GST_WARNING("session %u: our SRTP key reached its soft limit", self->sessionId_);
  if (self->callbacks_.keySoftLimit) {
    self->callbacks_.keySoftLimit();
  }
}

GstCaps* RtpMediaSession::onRequestKey(GstElement*, guint ssrc, gpointer data) {
  auto* self = static_cast<RtpMediaSession*>(data);
  GST_DEBUG("session %u: SRTP key for SSRC %u", self->sessionId_, ssrc);
  return srtpCaps(*self->plan_.remoteKey);
}

int64_t RtpMediaSession::rembBps() const { return rembBps_; }

namespace {

int64_t uintField(const GstStructure* stats, const char* name) {
  guint64 value64 = 0;
  guint value = 0;
  if (gst_structure_get_uint64(stats, name, &value64)) {
    return static_cast<int64_t>(value64);
  }
  return gst_structure_get_uint(stats, name, &value) ? value : 0;
}

GstStructure* sourceStats(GObject* source) {
  GstStructure* stats = nullptr;
  if (source != nullptr) {
    g_object_get(source, "stats", &stats, nullptr);
    g_object_unref(source);
  }
  return stats;
}

// Our sending source: the payloader picks its own SSRC, so it is not the session's
// internal-ssrc (which only signs receiver reports); look for an internal sender.
GstStructure* senderStats(GObject* session) {
  GValueArray* sources = nullptr;
  g_object_get(session, "sources", &sources, nullptr);
  GstStructure* found = nullptr;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  for (guint i = 0; sources != nullptr && i < sources->n_values && found == nullptr; ++i) {
    GObject* source = G_OBJECT(g_value_get_object(g_value_array_get_nth(sources, i)));
    GstStructure* stats = nullptr;
    g_object_get(source, "stats", &stats, nullptr);
    gboolean internal = FALSE;
    gboolean sender = FALSE;
    if (stats != nullptr && gst_structure_get_boolean(stats, "internal", &internal) &&
        gst_structure_get_boolean(stats, "is-sender", &sender) && internal && sender) {
      found = stats;
    } else if (stats != nullptr) {
      gst_structure_free(stats);
    }
  }
  if (sources != nullptr) {
    g_value_array_free(sources);
  }
  G_GNUC_END_IGNORE_DEPRECATIONS
  return found;
}

}  // namespace

std::vector<std::shared_ptr<Stats>> RtpMediaSession::stats(int64_t timestampMillis) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<Stats>> result;
  if (!started_ || internalSession() == nullptr) {
    return result;
  }
  const std::string kind = plan_.type == MediaType::AUDIO ? "audio" : "video";
  GObject* remote = nullptr;
  if (remoteSsrc_ != 0) {
    g_signal_emit_by_name(rtpSession_, "get-source-by-ssrc", remoteSsrc_.load(), &remote);
  }
  GstStructure* in = sourceStats(remote);
  GstStructure* out = senderStats(rtpSession_);
  if (in != nullptr) {
    auto inbound = std::make_shared<RTCInboundRTPStreamStats>();
    inbound->id = kind + "_inbound_" + std::to_string(remoteSsrc_);
    inbound->type = StatsType::inboundrtp;
    inbound->timestampMillis = timestampMillis;
    inbound->ssrc = std::to_string(remoteSsrc_);
    inbound->packetsReceived = uintField(in, "packets-received");
    inbound->bytesReceived = uintField(in, "octets-received");
    gint lost = 0;
    gst_structure_get_int(in, "packets-lost", &lost);
    inbound->packetsLost = lost;
    inbound->jitter = static_cast<double>(uintField(in, "jitter")) / plan_.codec->clockRate;
    inbound->pliCount = uintField(in, "sent-pli-count");
    inbound->firCount = uintField(in, "sent-fir-count");
    inbound->nackCount = uintField(in, "sent-nack-count");
    inbound->remb = rembBps_;
    result.push_back(inbound);
  }
  if (out != nullptr && plan_.send) {
    auto outbound = std::make_shared<RTCOutboundRTPStreamStats>();
    const int64_t ssrc = uintField(out, "ssrc");
    outbound->id = kind + "_outbound_" + std::to_string(ssrc);
    outbound->type = StatsType::outboundrtp;
    outbound->timestampMillis = timestampMillis;
    outbound->ssrc = std::to_string(ssrc);
    outbound->packetsSent = uintField(out, "packets-sent");
    outbound->bytesSent = uintField(out, "octets-sent");
    outbound->pliCount = uintField(out, "recv-pli-count");
    outbound->firCount = uintField(out, "recv-fir-count");
    outbound->nackCount = uintField(out, "recv-nack-count");
    outbound->remb = peerRembBps_;
    const int64_t encoderBps = sharedEncoder_ != nullptr
                                   ? EncoderBitrate::of(sharedEncoder_).appliedBps()
                                   : encoderBps_.load();
    outbound->targetBitrate =
        static_cast<double>(encoderBps > 0 ? encoderBps : uintField(out, "bitrate"));
    if (in != nullptr) {
      gboolean haveReport = FALSE;
      gst_structure_get_boolean(in, "have-rb", &haveReport);
      if (haveReport) {
        outbound->roundTripTime = static_cast<double>(uintField(in, "rb-round-trip")) / 65536.0;
        outbound->fractionLost = static_cast<double>(uintField(in, "rb-fractionlost")) / 256.0;
      }
    }
    result.push_back(outbound);
  }
  if (in != nullptr) {
    gst_structure_free(in);
  }
  if (out != nullptr) {
    gst_structure_free(out);
  }
  return result;
}

// The peer's REMB (PSFB, FMT 15, "REMB") sets what our encoder produces, within
// min/maxVideoSendBandwidth. When we only forward, the source's sender decides its bitrate.
void RtpMediaSession::onFeedback(GObject*, guint type, guint fbtype, guint, guint,
                                 GstBuffer* fci, gpointer data) {
  GstMapInfo map;
  if (fci == nullptr || !gst_buffer_map(fci, &map, GST_MAP_READ)) {
    return;
  }
  const std::optional<int64_t> bps = rembFromFeedback(type, fbtype, map.data, map.size);
  gst_buffer_unmap(fci, &map);
  if (bps) {
    auto* self = static_cast<RtpMediaSession*>(data);
    self->peerRembBps_ = *bps;
    std::lock_guard<std::mutex> lock(self->mutex_);
    self->setEncoderBitrate(*bps);
  }
}

int64_t RtpMediaSession::boundedBitrate(int64_t bps) const {
  int64_t target = std::max(bps, limits_.sendMinBps);
  if (limits_.sendMaxBps > 0) {
    target = std::min(target, limits_.sendMaxBps);
  }
  return target;
}

void RtpMediaSession::setEncoderBitrate(int64_t bps) {
  if (sharedEncoder_ != nullptr) {
    EncoderBitrate::of(sharedEncoder_).wish(this, boundedBitrate(bps));
    return;
  }
  if (encoder_ == nullptr) {
    return;
  }
  const int64_t target = boundedBitrate(bps);
  if (target == encoderBps_) {
    return;
  }
  rtp::setEncoderBitrate(encoder_, target);
  encoderBps_ = target;
  GST_INFO("session %u: encoder bitrate %lld bps", sessionId_, static_cast<long long>(target));
}

void RtpMediaSession::setSharedEncoder(GstElement* encoder) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (encoder == sharedEncoder_) {
    return;
  }
  if (sharedEncoder_ != nullptr) {
    EncoderBitrate::of(sharedEncoder_).wish(this, 0);  // no longer one of its viewers
    gst_object_unref(sharedEncoder_);
  }
  sharedEncoder_ = encoder != nullptr ? GST_ELEMENT(gst_object_ref(encoder)) : nullptr;
  if (sharedEncoder_ != nullptr) {
    setEncoderBitrate(peerRembBps_ > 0 ? peerRembBps_.load() : limits_.sendStartBps);
    GST_INFO("session %u: sends the source's shared encoder's video", sessionId_);
  }
}

// REMB rides on the RTCP rtpbin sends; its interval drops to 500 ms so that the estimate
// follows the network (RFC 4585 allows it with AVPF).
GObject* RtpMediaSession::internalSession() {
  if (rtpSession_ == nullptr) {
    g_signal_emit_by_name(rtpbin_, "get-internal-session", sessionId_, &rtpSession_);
  }
  return rtpSession_;
}

void RtpMediaSession::startRemb(const RembSettings& settings) {
  if (internalSession() == nullptr) {
    GST_WARNING("session %u: no rtpbin session: REMB is off", sessionId_);
    return;
  }
  g_object_set(rtpSession_, "rtcp-min-interval", static_cast<guint64>(500 * GST_MSECOND), nullptr);
  remb_ = std::make_unique<RembEstimator>(settings);
  rembBps_ = remb_->estimateBps();
  g_signal_connect(rtpSession_, "on-sending-rtcp", G_CALLBACK(&RtpMediaSession::onSendingRtcp),
                   this);
  GST_INFO("session %u: REMB on, starting at %lld bps", sessionId_,
           static_cast<long long>(rembBps_.load()));
}

gboolean RtpMediaSession::onSendingRtcp(GObject* session, GstBuffer* buffer, gboolean,
                                        gpointer data) {
  auto* self = static_cast<RtpMediaSession*>(data);
  const guint ssrc = self->remoteSsrc_;
  if (ssrc == 0) {
    return FALSE;
  }
  GObject* source = nullptr;
  g_signal_emit_by_name(session, "get-source-by-ssrc", ssrc, &source);
  if (source == nullptr) {
    return FALSE;
  }
  GstStructure* stats = nullptr;
  g_object_get(source, "stats", &stats, nullptr);
  g_object_unref(source);
  guint64 received = 0;
  gint lost = 0;
  if (stats != nullptr) {
    gst_structure_get_uint64(stats, "packets-received", &received);
    gst_structure_get_int(stats, "packets-lost", &lost);
    gst_structure_free(stats);
  }
  self->rembBps_ = self->remb_->update(received, lost);
  self->appendRemb(buffer);
  return TRUE;
}

// PSFB, FMT 15 (application layer feedback), "REMB", one SSRC, exponent and 18-bit mantissa.
void RtpMediaSession::appendRemb(GstBuffer* buffer) {
  GstRTCPBuffer rtcp = GST_RTCP_BUFFER_INIT;
  if (!gst_rtcp_buffer_map(buffer, GST_MAP_READWRITE, &rtcp)) {
    return;
  }
  GstRTCPPacket packet;
  guint senderSsrc = 0;
  g_object_get(rtpSession_, "internal-ssrc", &senderSsrc, nullptr);
  if (gst_rtcp_buffer_add_packet(&rtcp, GST_RTCP_TYPE_PSFB, &packet)) {
    gst_rtcp_packet_fb_set_type(&packet, GST_RTCP_PSFB_TYPE_AFB);
    gst_rtcp_packet_fb_set_sender_ssrc(&packet, senderSsrc);
    gst_rtcp_packet_fb_set_media_ssrc(&packet, 0);
    if (gst_rtcp_packet_fb_set_fci_length(&packet, 3)) {
      guint8* fci = gst_rtcp_packet_fb_get_fci(&packet);
      uint64_t mantissa = static_cast<uint64_t>(rembBps_.load());
      guint8 exponent = 0;
      while (mantissa > 0x3FFFF) {
        mantissa >>= 1;
        ++exponent;
      }
      const guint ssrc = remoteSsrc_;
      const guint8 bytes[12] = {'R', 'E', 'M', 'B', 1,
                                static_cast<guint8>((exponent << 2) | (mantissa >> 16)),
                                static_cast<guint8>(mantissa >> 8), static_cast<guint8>(mantissa),
                                static_cast<guint8>(ssrc >> 24), static_cast<guint8>(ssrc >> 16),
                                static_cast<guint8>(ssrc >> 8), static_cast<guint8>(ssrc)};
      std::memcpy(fci, bytes, sizeof bytes);
      GST_DEBUG("session %u: REMB %lld bps for SSRC %u", sessionId_,
                static_cast<long long>(rembBps_.load()), ssrc);
    }
  }
  gst_rtcp_buffer_unmap(&rtcp);
}

}  // namespace kurento::rtp
