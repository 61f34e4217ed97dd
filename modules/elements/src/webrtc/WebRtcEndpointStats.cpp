// WebRtcEndpoint's getStats: webrtcbin's W3C statistics in Kurento's stats types.
#include "WebRtcEndpointImpl.hpp"

#include "rtp/MediaPaths.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>

#include <cstring>
#include <map>
#include <optional>

namespace kurento {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-webrtc-stats", "WebRtcEndpoint statistics");
}  // namespace
#define GST_CAT_DEFAULT kCat

namespace {

int64_t integerField(const GstStructure* structure, const char* name) {
  const GValue* value = gst_structure_get_value(structure, name);
  if (value == nullptr) {
    return 0;
  }
  switch (G_VALUE_TYPE(value)) {
    case G_TYPE_UINT: return g_value_get_uint(value);
    case G_TYPE_INT: return g_value_get_int(value);
    case G_TYPE_UINT64: return static_cast<int64_t>(g_value_get_uint64(value));
    case G_TYPE_INT64: return g_value_get_int64(value);
    case G_TYPE_DOUBLE: return static_cast<int64_t>(g_value_get_double(value));
    default: return 0;
  }
}

double doubleField(const GstStructure* structure, const char* name) {
  double value = 0;
  return gst_structure_get_double(structure, name, &value) ? value : 0.0;
}

MediaType mediaNamed(const char* name) {
  return name != nullptr && std::strncmp(name, "audio", 5) == 0 ? MediaType::AUDIO
                                                                 : MediaType::VIDEO;
}

struct StatsContext {
  std::map<std::string, std::shared_ptr<Stats>>* out;
  std::optional<MediaType> mediaType;
  int64_t timestampMillis;
  std::map<int64_t, double> roundTripBySsrc;  // from remote-inbound-rtp
  std::map<int64_t, MediaType> kindBySsrc;    // from codec reports and the remote SDP
};

// webrtcbin 1.22 labels every source of the BUNDLE session with the kind of the last pad it
// looked at, so the media of an SSRC comes from the codec reports (our pads' caps) and the
// remote description's a=ssrc lines; the report's own "kind" is the last resort.
MediaType kindOf(const StatsContext& context, const GstStructure* report) {
  auto known = context.kindBySsrc.find(integerField(report, "ssrc"));
  return known != context.kindBySsrc.end() ? known->second
                                           : mediaNamed(gst_structure_get_string(report, "kind"));
}

gboolean collectCodec(GQuark, const GValue* value, gpointer data) {
  auto* context = static_cast<StatsContext*>(data);
  if (!GST_VALUE_HOLDS_STRUCTURE(value)) {
    return TRUE;
  }
  const GstStructure* report = gst_value_get_structure(value);
  GstWebRTCStatsType type = GST_WEBRTC_STATS_PEER_CONNECTION;
  const gchar* mime = gst_structure_get_string(report, "mime-type");
  if (gst_structure_get(report, "type", GST_TYPE_WEBRTC_STATS_TYPE, &type, nullptr) &&
      type == GST_WEBRTC_STATS_CODEC && mime != nullptr && integerField(report, "ssrc") != 0) {
    context->kindBySsrc[integerField(report, "ssrc")] = mediaNamed(mime);
  }
  return TRUE;
}

gboolean collectRemote(GQuark, const GValue* value, gpointer data) {
  auto* context = static_cast<StatsContext*>(data);
  if (!GST_VALUE_HOLDS_STRUCTURE(value)) {
    return TRUE;
  }
  const GstStructure* report = gst_value_get_structure(value);
  GstWebRTCStatsType type = GST_WEBRTC_STATS_CODEC;
  if (gst_structure_get(report, "type", GST_TYPE_WEBRTC_STATS_TYPE, &type, nullptr) &&
      type == GST_WEBRTC_STATS_REMOTE_INBOUND_RTP) {
    context->roundTripBySsrc[integerField(report, "ssrc")] = doubleField(report, "round-trip-time");
  }
  return TRUE;
}

// inbound-rtp and outbound-rtp reports in Kurento's stats types (W3C field meanings).
gboolean collectRtp(GQuark, const GValue* value, gpointer data) {
  auto* context = static_cast<StatsContext*>(data);
  if (!GST_VALUE_HOLDS_STRUCTURE(value)) {
    return TRUE;
  }
  const GstStructure* report = gst_value_get_structure(value);
  GstWebRTCStatsType type = GST_WEBRTC_STATS_CODEC;
  gst_structure_get(report, "type", GST_TYPE_WEBRTC_STATS_TYPE, &type, nullptr);
  if ((type != GST_WEBRTC_STATS_INBOUND_RTP && type != GST_WEBRTC_STATS_OUTBOUND_RTP) ||
      (context->mediaType && *context->mediaType != kindOf(*context, report))) {
    return TRUE;
  }
  const gchar* id = gst_structure_get_string(report, "id");
  const int64_t ssrc = integerField(report, "ssrc");
  std::shared_ptr<RTCRTPStreamStats> stats;
  if (type == GST_WEBRTC_STATS_INBOUND_RTP) {
    auto inbound = std::make_shared<RTCInboundRTPStreamStats>();
    inbound->type = StatsType::inboundrtp;
    inbound->packetsReceived = integerField(report, "packets-received");
    inbound->bytesReceived = integerField(report, "bytes-received");
    inbound->jitter = doubleField(report, "jitter");
    inbound->packetsLost = integerField(report, "packets-lost");
    stats = inbound;
  } else {
    auto outbound = std::make_shared<RTCOutboundRTPStreamStats>();
    outbound->type = StatsType::outboundrtp;
    outbound->packetsSent = integerField(report, "packets-sent");
    outbound->bytesSent = integerField(report, "bytes-sent");
    auto rtt = context->roundTripBySsrc.find(ssrc);
    outbound->roundTripTime = rtt != context->roundTripBySsrc.end() ? rtt->second : 0.0;
    stats = outbound;
  }
  stats->id = id != nullptr ? id : std::to_string(ssrc);
  stats->timestampMillis = context->timestampMillis;
  stats->ssrc = std::to_string(ssrc);
  stats->firCount = integerField(report, "fir-count");
  stats->pliCount = integerField(report, "pli-count");
  stats->nackCount = integerField(report, "nack-count");
  (*context->out)[stats->id] = stats;
  return TRUE;
}

// webrtcbin's candidate-pair report (the pair in use) as Kurento's candidatepair stats; its
// transport is the transport report that names it as selected.
struct PairContext {
  std::map<std::string, std::shared_ptr<Stats>>* out;
  int64_t timestampMillis;
  bool connected;
  bool nominated;
  std::map<std::string, std::string> transportOfPair;
};

gboolean collectTransport(GQuark, const GValue* value, gpointer data) {
  auto* context = static_cast<PairContext*>(data);
  if (!GST_VALUE_HOLDS_STRUCTURE(value)) {
    return TRUE;
  }
  const GstStructure* report = gst_value_get_structure(value);
  GstWebRTCStatsType type = GST_WEBRTC_STATS_CODEC;
  const gchar* pair = gst_structure_get_string(report, "selected-candidate-pair-id");
  const gchar* id = gst_structure_get_string(report, "id");
  if (gst_structure_get(report, "type", GST_TYPE_WEBRTC_STATS_TYPE, &type, nullptr) &&
      type == GST_WEBRTC_STATS_TRANSPORT && pair != nullptr && id != nullptr) {
    context->transportOfPair[pair] = id;
  }
  return TRUE;
}

gboolean collectPair(GQuark, const GValue* value, gpointer data) {
  auto* context = static_cast<PairContext*>(data);
  if (!GST_VALUE_HOLDS_STRUCTURE(value)) {
    return TRUE;
  }
  const GstStructure* report = gst_value_get_structure(value);
  GstWebRTCStatsType type = GST_WEBRTC_STATS_CODEC;
  const gchar* id = gst_structure_get_string(report, "id");
  if (!gst_structure_get(report, "type", GST_TYPE_WEBRTC_STATS_TYPE, &type, nullptr) ||
      type != GST_WEBRTC_STATS_CANDIDATE_PAIR || id == nullptr) {
    return TRUE;
  }
  auto pair = std::make_shared<RTCIceCandidatePairStats>();
  pair->id = id;
  pair->type = StatsType::candidatepair;
  pair->timestampMillis = context->timestampMillis;
  const gchar* local = gst_structure_get_string(report, "local-candidate-id");
  const gchar* remote = gst_structure_get_string(report, "remote-candidate-id");
  pair->localCandidateId = local != nullptr ? local : "";
  pair->remoteCandidateId = remote != nullptr ? remote : "";
  auto transport = context->transportOfPair.find(id);
  pair->transportId = transport != context->transportOfPair.end() ? transport->second : "";
  pair->state = context->connected ? RTCStatsIceCandidatePairState::succeeded
                                   : RTCStatsIceCandidatePairState::inprogress;
  pair->nominated = context->nominated;
  pair->writable = context->connected;
  pair->readable = context->connected;
  (*context->out)[pair->id] = pair;
  return TRUE;
}

}  // namespace

std::map<std::string, std::shared_ptr<Stats>> WebRtcEndpointImpl::getStats(
    const std::optional<MediaType>& mediaType) {
  std::map<std::string, std::shared_ptr<Stats>> result;
  auto endpoint = std::make_shared<EndpointStats>();
  endpoint->id = id();
  endpoint->type = StatsType::endpoint;
  endpoint->timestampMillis = g_get_real_time() / 1000;
  result[endpoint->id] = endpoint;
  GstStructure* reports = webrtc::getStats(webrtc_);
  if (reports != nullptr) {
    StatsContext context{&result, mediaType, endpoint->timestampMillis, {}, {}};
    for (const auto& [ssrc, media] : webrtc::remoteSsrcMedia(webrtc_)) {
      context.kindBySsrc[ssrc] = mediaNamed(media.c_str());
    }
    gst_structure_foreach(reports, &collectCodec, &context);
    gst_structure_foreach(reports, &collectRemote, &context);
    gst_structure_foreach(reports, &collectRtp, &context);
    PairContext pairs{&result, endpoint->timestampMillis, false, false, {}};
    {
      std::lock_guard<std::recursive_mutex> lock(mutex_);
      pairs.connected =
          iceState_ == IceComponentState::CONNECTED || iceState_ == IceComponentState::READY;
      pairs.nominated = !selectedPairs_.empty();
    }
    gst_structure_foreach(reports, &collectTransport, &pairs);
    gst_structure_foreach(reports, &collectPair, &pairs);
    gst_structure_free(reports);
  } else {
    GST_WARNING("%s: webrtcbin gave no statistics", id().c_str());
  }
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  if (videoEncoder_ != nullptr) {
    const double target = static_cast<double>(rtp::encoderBitrate(videoEncoder_));
    for (auto& [key, stats] : result) {
      auto outbound = std::dynamic_pointer_cast<RTCOutboundRTPStreamStats>(stats);
      if (outbound && stats->type == StatsType::outboundrtp && outbound->packetsSent > 0) {
        outbound->targetBitrate = target;  // what our encoder aims at for this peer
      }
    }
  }
  return result;
}

}  // namespace kurento
