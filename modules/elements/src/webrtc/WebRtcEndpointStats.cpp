// WebRtcEndpoint's getStats: webrtcbin's W3C statistics in Kurento's stats types.
#include "WebRtcEndpointImpl.hpp"

#include "rtp/MediaPaths.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>

#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <vector>

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

// webrtcbin's reply, its reports grouped by type (they refer to each other by SSRC and id).
using Reports = std::map<GstWebRTCStatsType, std::vector<const GstStructure*>>;

Reports reportsByType(const GstStructure* reply) {
  Reports reports;
  for (int i = 0; i < gst_structure_n_fields(reply); ++i) {
    const GValue* value = gst_structure_get_value(reply, gst_structure_nth_field_name(reply, i));
    GstWebRTCStatsType type = GST_WEBRTC_STATS_PEER_CONNECTION;
    if (GST_VALUE_HOLDS_STRUCTURE(value) &&
        gst_structure_get(gst_value_get_structure(value), "type", GST_TYPE_WEBRTC_STATS_TYPE,
                          &type, nullptr)) {
      reports[type].push_back(gst_value_get_structure(value));
    }
  }
  return reports;
}

const std::vector<const GstStructure*>& ofType(const Reports& reports, GstWebRTCStatsType type) {
  static const std::vector<const GstStructure*> kNone;
  auto found = reports.find(type);
  return found != reports.end() ? found->second : kNone;
}

std::string stringField(const GstStructure* report, const char* name) {
  const gchar* value = gst_structure_get_string(report, name);
  return value != nullptr ? value : "";
}

// webrtcbin 1.22 labels every source of the BUNDLE session with the kind of the last pad it
// looked at, so the media of an SSRC comes from the codec reports (our pads' caps) and the
// remote description's a=ssrc lines; a report's own "kind" is the last resort.
std::map<int64_t, MediaType> kindBySsrc(const Reports& reports,
                                        const std::map<uint32_t, std::string>& remoteMedia) {
  std::map<int64_t, MediaType> kinds;
  for (const auto& [ssrc, media] : remoteMedia) {
    kinds[ssrc] = mediaNamed(media.c_str());
  }
  for (const GstStructure* codec : ofType(reports, GST_WEBRTC_STATS_CODEC)) {
    const gchar* mime = gst_structure_get_string(codec, "mime-type");
    if (mime != nullptr && integerField(codec, "ssrc") != 0) {
      kinds[integerField(codec, "ssrc")] = mediaNamed(mime);
    }
  }
  return kinds;
}

// inbound-rtp and outbound-rtp reports in Kurento's stats types (W3C field meanings); the RTT
// of an outbound stream comes from the remote-inbound-rtp report of its SSRC.
std::vector<std::shared_ptr<RTCRTPStreamStats>> rtpStats(
    const Reports& reports, const std::map<int64_t, MediaType>& kinds,
    const std::optional<MediaType>& mediaType) {
  std::map<int64_t, double> roundTripBySsrc;
  for (const GstStructure* remote : ofType(reports, GST_WEBRTC_STATS_REMOTE_INBOUND_RTP)) {
    roundTripBySsrc[integerField(remote, "ssrc")] = doubleField(remote, "round-trip-time");
  }
  std::vector<std::shared_ptr<RTCRTPStreamStats>> result;
  for (GstWebRTCStatsType type : {GST_WEBRTC_STATS_INBOUND_RTP, GST_WEBRTC_STATS_OUTBOUND_RTP}) {
    for (const GstStructure* report : ofType(reports, type)) {
      const int64_t ssrc = integerField(report, "ssrc");
      auto known = kinds.find(ssrc);
      const MediaType kind = known != kinds.end()
                                 ? known->second
                                 : mediaNamed(gst_structure_get_string(report, "kind"));
      if (mediaType && *mediaType != kind) {
        continue;
      }
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
        auto rtt = roundTripBySsrc.find(ssrc);
        outbound->roundTripTime = rtt != roundTripBySsrc.end() ? rtt->second : 0.0;
        stats = outbound;
      }
      const std::string id = stringField(report, "id");
      stats->id = !id.empty() ? id : std::to_string(ssrc);
      stats->ssrc = std::to_string(ssrc);
      stats->firCount = integerField(report, "fir-count");
      stats->pliCount = integerField(report, "pli-count");
      stats->nackCount = integerField(report, "nack-count");
      result.push_back(stats);
    }
  }
  return result;
}

// webrtcbin 1.22 reports only the SSRCs of its own SSRC table, from which every RTCP BYE and
// source timeout in the session removes entries (rtpbin's on-bye-ssrc, on-bye-timeout,
// on-timeout, on-sender-timeout), and nothing puts them back while the stream goes on: after
// such an event (the session's placeholder source saying BYE once the real senders start, a
// peer's old SSRC timing out) flowing streams vanished from getStats, the more often the more
// calls ran. The streams it left out are read from the RTP session's own source table.
void addSessionStats(GObject* session, const std::map<int64_t, MediaType>& kinds,
                     const std::optional<MediaType>& mediaType,
                     std::vector<std::shared_ptr<RTCRTPStreamStats>>& result) {
  std::map<int64_t, bool> reported;
  for (const auto& stats : result) {
    reported[std::stoll(stats->ssrc)] = true;
  }
  GstStructure* sessionStats = nullptr;
  g_object_get(session, "stats", &sessionStats, nullptr);
  const GValue* sources =
      sessionStats != nullptr ? gst_structure_get_value(sessionStats, "source-stats") : nullptr;
  GValueArray* array = sources != nullptr && G_VALUE_HOLDS_BOXED(sources)
                           ? static_cast<GValueArray*>(g_value_get_boxed(sources))
                           : nullptr;
  std::vector<const GstStructure*> all;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS  // rtpsession's "source-stats" is a GValueArray
  for (guint i = 0; array != nullptr && i < array->n_values; ++i) {
    all.push_back(gst_value_get_structure(g_value_array_get_nth(array, i)));
  }
  G_GNUC_END_IGNORE_DEPRECATIONS
  for (const GstStructure* source : all) {
    const int64_t ssrc = integerField(source, "ssrc");
    gboolean internal = FALSE;
    gboolean bye = FALSE;
    gst_structure_get_boolean(source, "internal", &internal);
    gst_structure_get_boolean(source, "received-bye", &bye);
    // The kind from our pads' caps or the remote description, else from the clock rate (an
    // SSRC the peer announced differently from the one it sends with).
    auto known = kinds.find(ssrc);
    const int64_t clockRate = integerField(source, "clock-rate");
    const MediaType kind = known != kinds.end() ? known->second
                           : clockRate == 90000 ? MediaType::VIDEO
                           : clockRate > 0      ? MediaType::AUDIO
                                                : MediaType::kInvalid;
    const int64_t packets =
        integerField(source, internal ? "packets-sent" : "packets-received");
    if (reported.count(ssrc) != 0 || kind == MediaType::kInvalid || packets == 0 || bye ||
        (mediaType && *mediaType != kind)) {
      continue;
    }
    std::shared_ptr<RTCRTPStreamStats> stats;
    if (internal) {
      auto outbound = std::make_shared<RTCOutboundRTPStreamStats>();
      outbound->type = StatsType::outboundrtp;
      outbound->packetsSent = packets;
      outbound->bytesSent = integerField(source, "octets-sent");
      for (const GstStructure* remote : all) {  // the peer's report block about this SSRC
        gboolean haveReport = FALSE;
        gst_structure_get_boolean(remote, "have-rb", &haveReport);
        if (haveReport && integerField(remote, "rb-ssrc") == ssrc) {
          const auto fixed16 = static_cast<double>(integerField(remote, "rb-round-trip"));
          outbound->roundTripTime = fixed16 / 65536.0;  // 16.16 fixed point seconds
        }
      }
      stats = outbound;
      stats->id = "rtp-outbound-stream-stats_" + std::to_string(ssrc);
    } else {
      auto inbound = std::make_shared<RTCInboundRTPStreamStats>();
      inbound->type = StatsType::inboundrtp;
      inbound->packetsReceived = packets;
      inbound->bytesReceived = integerField(source, "octets-received");
      inbound->packetsLost = integerField(source, "packets-lost");
      inbound->jitter = clockRate > 0 ? static_cast<double>(integerField(source, "jitter")) /
                                            static_cast<double>(clockRate)
                                      : 0.0;
      stats = inbound;
      stats->id = "rtp-inbound-stream-stats_" + std::to_string(ssrc);
    }
    const char* prefix = internal ? "recv-" : "sent-";
    stats->ssrc = std::to_string(ssrc);
    stats->firCount = integerField(source, (std::string(prefix) + "fir-count").c_str());
    stats->pliCount = integerField(source, (std::string(prefix) + "pli-count").c_str());
    stats->nackCount = integerField(source, (std::string(prefix) + "nack-count").c_str());
    GST_DEBUG("SSRC %" G_GINT64_FORMAT " from the RTP session (webrtcbin forgot it)", ssrc);
    result.push_back(stats);
  }
  if (sessionStats != nullptr) {
    gst_structure_free(sessionStats);
  }
}

// webrtcbin's RTP session (BUNDLE: session 0), a new reference; nullptr before it has one.
GObject* internalSession(GstElement* webrtcbin) {
  GstElement* rtpbin = nullptr;
  GstIterator* children = gst_bin_iterate_recurse(GST_BIN(webrtcbin));
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
  GObject* session = nullptr;
  if (rtpbin != nullptr) {
    g_signal_emit_by_name(rtpbin, "get-internal-session", 0u, &session);
    gst_object_unref(rtpbin);
  }
  return session;
}

// The candidate-pair report (the pair in use) as Kurento's candidatepair stats; its transport
// is the transport report that names it as selected.
std::vector<std::shared_ptr<RTCIceCandidatePairStats>> pairStats(const Reports& reports,
                                                                 bool connected, bool nominated) {
  std::map<std::string, std::string> transportOfPair;
  for (const GstStructure* transport : ofType(reports, GST_WEBRTC_STATS_TRANSPORT)) {
    transportOfPair[stringField(transport, "selected-candidate-pair-id")] =
        stringField(transport, "id");
  }
  std::vector<std::shared_ptr<RTCIceCandidatePairStats>> result;
  for (const GstStructure* report : ofType(reports, GST_WEBRTC_STATS_CANDIDATE_PAIR)) {
    auto pair = std::make_shared<RTCIceCandidatePairStats>();
    pair->id = stringField(report, "id");
    pair->type = StatsType::candidatepair;
    pair->localCandidateId = stringField(report, "local-candidate-id");
    pair->remoteCandidateId = stringField(report, "remote-candidate-id");
    auto transport = transportOfPair.find(pair->id);
    pair->transportId = transport != transportOfPair.end() ? transport->second : "";
    pair->state = connected ? RTCStatsIceCandidatePairState::succeeded
                            : RTCStatsIceCandidatePairState::inprogress;
    pair->nominated = nominated;
    pair->writable = connected;
    pair->readable = connected;
    result.push_back(pair);
  }
  return result;
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
  if (webrtc_ == nullptr) {  // the lean transport, or nothing negotiated yet
    addLeanStats(mediaType, endpoint->timestampMillis, result);
    return result;
  }
  GstStructure* reply = webrtc::getStats(webrtc_);
  if (reply == nullptr) {
    GST_WARNING("%s: webrtcbin gave no statistics", id().c_str());
  } else {
    const Reports reports = reportsByType(reply);
    const auto kinds = kindBySsrc(reports, webrtc::remoteSsrcMedia(webrtc_));
    auto streams = rtpStats(reports, kinds, mediaType);
    std::unique_lock<std::recursive_mutex> lock(mutex_);
    GObject* session = rtpSession_ != nullptr ? G_OBJECT(g_object_ref(rtpSession_)) : nullptr;
    lock.unlock();
    session = session != nullptr ? session : internalSession(webrtc_);
    if (session != nullptr) {  // not under mutex_: the session's lock comes first elsewhere
      addSessionStats(session, kinds, mediaType, streams);
      g_object_unref(session);
    }
    std::vector<std::shared_ptr<Stats>> found(streams.begin(), streams.end());
    lock.lock();
    const bool connected =
        iceState_ == IceComponentState::CONNECTED || iceState_ == IceComponentState::READY;
    const bool nominated = !selectedPairs_.empty();
    lock.unlock();
    for (auto& stats : pairStats(reports, connected, nominated)) {
      found.push_back(stats);
    }
    for (auto& stats : found) {
      stats->timestampMillis = endpoint->timestampMillis;
      result[stats->id] = stats;
    }
    gst_structure_free(reply);
  }
  addTargetBitrate(result);
  return result;
}

void WebRtcEndpointImpl::addTargetBitrate(std::map<std::string, std::shared_ptr<Stats>>& result) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  if (videoEncoder_ == nullptr) {
    return;
  }
  const double target = static_cast<double>(rtp::encoderBitrate(videoEncoder_));
  for (auto& [key, stats] : result) {
    auto outbound = std::dynamic_pointer_cast<RTCOutboundRTPStreamStats>(stats);
    if (outbound && stats->type == StatsType::outboundrtp && outbound->packetsSent > 0) {
      outbound->targetBitrate = target;  // what our encoder aims at for this peer
    }
  }
}

}  // namespace kurento
