// WebRtcEndpoint on the lean send-only transport (webrtc/lean/): a viewer whose offer only
// receives audio/video is answered without webrtcbin, and its events, states and statistics
// are the ones webrtcbin's path reports.
#include "WebRtcEndpointImpl.hpp"

#include "rtp/MediaPaths.hpp"
#include "webrtc/NetworkInterfaces.hpp"

#include <kms/sdk/Gst.hpp>

#include <cstdlib>

namespace kurento {

namespace {
GstDebugCategory* const kCat =
    kms::debugCategory("kms-webrtc-lean", "WebRtcEndpoint on the lean send-only transport");
#define GST_CAT_DEFAULT kCat

using webrtc::lean::DtlsState;
using webrtc::lean::IceState;

IceComponentState toComponentState(IceState state) {
  switch (state) {
    case IceState::kGathering:
      return IceComponentState::GATHERING;
    case IceState::kConnecting:
      return IceComponentState::CONNECTING;
    case IceState::kConnected:
      return IceComponentState::CONNECTED;
    case IceState::kReady:
      return IceComponentState::READY;
    case IceState::kFailed:
      return IceComponentState::FAILED;
    default:
      return IceComponentState::DISCONNECTED;
  }
}

DtlsConnectionState toConnectionState(DtlsState state) {
  switch (state) {
    case DtlsState::kConnecting:
      return DtlsConnectionState::CONNECTING;
    case DtlsState::kConnected:
      return DtlsConnectionState::CONNECTED;
    case DtlsState::kFailed:
      return DtlsConnectionState::FAILED;
    case DtlsState::kClosed:
      return DtlsConnectionState::CLOSED;
    default:
      return DtlsConnectionState::NEW;
  }
}

constexpr const char* kDtlsConnectionId = "lean-dtls";

// Kurento's turnUrl, user:password@host:port[?transport=udp|tcp] (checked by its setter).
void applyTurnUrl(const std::string& url, webrtc::lean::IceOptions& options) {
  const size_t at = url.rfind('@');
  const size_t colon = url.find(':');
  if (url.empty() || at == std::string::npos || colon > at) {
    return;
  }
  options.turnUser = url.substr(0, colon);
  options.turnPassword = url.substr(colon + 1, at - colon - 1);
  std::string server = url.substr(at + 1);
  const size_t query = server.find('?');
  options.turnTcp = query != std::string::npos && server.substr(query) == "?transport=tcp";
  server = server.substr(0, query);
  const size_t port = server.rfind(':');
  options.turnAddress = server.substr(0, port);
  options.turnPort = static_cast<uint16_t>(std::atoi(server.c_str() + port + 1));
}
}  // namespace

// The transport's events, from its loop thread, to the endpoint, which raises them from the main
// loop in order, as webrtcbin's: never under the endpoint's lock on the loop thread, which a
// request holding that lock may be waiting for (gathering, candidates, release).
class WebRtcEndpointImpl::LeanEvents : public webrtc::lean::LeanPeerListener {
 public:
  explicit LeanEvents(WebRtcEndpointImpl& endpoint) : endpoint_(endpoint) {}

  void onLocalCandidate(const std::string& candidate) override {
    endpoint_.onLocalCandidate(0, candidate);  // BUNDLE: every line's candidates are the first's
  }
  void onGatheringDone() override { endpoint_.gatheringComplete(); }
  void onIceState(IceState state) override {
    later([state](WebRtcEndpointImpl& endpoint) {
      endpoint.reportIceState(toComponentState(state));
      if (state == IceState::kFailed) {
        endpoint.setConnectionState(ConnectionState::DISCONNECTED);
        endpoint.setMediaState(MediaState::DISCONNECTED);
      }
    });
  }
  void onSelectedPair(const std::string& local, const std::string& remote) override {
    later([local, remote](WebRtcEndpointImpl& endpoint) {
      endpoint.reportSelectedPair("1", 1, local, remote);
    });
  }
  void onDtlsState(DtlsState state) override {
    later([state](WebRtcEndpointImpl& endpoint) { endpoint.onLeanDtls(state); });
  }
  void onPeerSilent(bool silent) override {
    later([silent](WebRtcEndpointImpl& endpoint) { endpoint.onPeerPackets(!silent); });
  }
  void onKeyframeRequest() override { endpoint_.requestInputKeyframe(MediaType::VIDEO); }
  void onRemb(uint64_t bitrateBps) override {
    endpoint_.peerRembBps_ = static_cast<int64_t>(bitrateBps);
    later([](WebRtcEndpointImpl& endpoint) {
      std::lock_guard<std::recursive_mutex> lock(endpoint.mutex_);
      endpoint.applyEncoderBitrate();
    });
  }

 private:
  void later(std::function<void(WebRtcEndpointImpl&)> work) {
    deferLocked(endpoint_.weak_from_this(), std::move(work));
  }

  WebRtcEndpointImpl& endpoint_;
};

// True, with `answer`, when the lean transport serves `offer`; false leaves it to webrtcbin.
bool WebRtcEndpointImpl::answerLean(const GstSDPMessage& offer, std::string& answer) {
  if (const std::string problem = webrtc::lean::leanProblem(offer); !problem.empty()) {
    GST_INFO("%s: webrtcbin serves this offer: %s", id().c_str(), problem.c_str());
    return false;
  }
  if (lean_ != nullptr || webrtc_ != nullptr) {
    GST_INFO("%s: renegotiation is served by webrtcbin", id().c_str());
    return false;
  }
  chooseLines(offer, true);
  awaitSource(true);  // until onNegotiated has told the source
  leanEvents_ = std::make_unique<LeanEvents>(*this);
  auto peer = std::make_unique<webrtc::lean::LeanSendPeer>(leanIceOptions(), certificatePem_,
                                                           fingerprint_, *leanEvents_);
  answer = peer->answer(offer);
  lean_ = std::move(peer);
  rememberMids(answer);
  for (Line& line : lines_) {
    line.send = line.send && lean_->sends(line.type);
  }
  // The transport drops media until DTLS is connected: the gates stay open.
  for (size_t slot = 0; slot < sendOpen_.size(); ++slot) {
    sendOpen_[slot] = true;
  }
  remoteSet_ = true;
  applyPendingCandidates();
  lean_->gather();
  GST_INFO("%s: served by the lean send-only transport", id().c_str());
  return true;
}

webrtc::lean::IceOptions WebRtcEndpointImpl::leanIceOptions() {
  webrtc::lean::IceOptions options;
  options.controlling = false;  // the viewer offered
  options.iceTcp = iceTcp_;
  options.stunAddress = stunAddress_;
  options.stunPort = static_cast<uint16_t>(stunPort_);
  applyTurnUrl(turnUrl_, options);
  options.minPort = minPort();
  options.maxPort = maxPort();
  if (!networkInterfaces_.empty()) {
    const webrtc::InterfaceAddresses found = webrtc::interfaceAddresses(networkInterfaces_);
    options.localAddresses = found.addresses;  // none: every interface, as with webrtcbin
  }
  return options;
}

void WebRtcEndpointImpl::onLeanDtls(DtlsState state) {
  reportDtlsState(kDtlsConnectionId, toConnectionState(state));
  if (state == DtlsState::kConnected) {
    setConnectionState(ConnectionState::CONNECTED);
    setMediaState(MediaState::CONNECTED);
  } else if (state == DtlsState::kFailed || state == DtlsState::kClosed) {
    setConnectionState(ConnectionState::DISCONNECTED);
    setMediaState(MediaState::DISCONNECTED);
  }
}

void WebRtcEndpointImpl::requestInputKeyframe(MediaType type) {
  if (inputsClosed_) {
    return;
  }
  GstPad* sink = gst_element_get_static_pad(inputs_[slotOf(type)], "sink");
  gst_pad_push_event(sink, rtp::newKeyframeRequest());
  gst_object_unref(sink);
}

// Where a lean line's payloader sends: a sink whose probe hands each packet to the transport,
// on the source's thread.
GstPad* WebRtcEndpointImpl::leanTarget(MediaType type) {
  GstElement* sink = rtp::addElement(bin(), "fakesink");
  g_object_set(sink, "sync", FALSE, "async", FALSE, "enable-last-sample", FALSE, "silent", TRUE,
               nullptr);
  GstPad* pad = gst_element_get_static_pad(sink, "sink");
  struct Target {
    webrtc::lean::LeanSendPeer* peer;
    MediaType type;
  };
  gst_pad_add_probe(
      pad, static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
      [](GstPad*, GstPadProbeInfo* info, gpointer data) -> GstPadProbeReturn {
        auto* target = static_cast<Target*>(data);
        auto send = [](GstBuffer** buffer, guint, gpointer user) -> gboolean {
          auto* to = static_cast<Target*>(user);
          GstMapInfo map;
          if (gst_buffer_map(*buffer, &map, GST_MAP_READ)) {
            to->peer->sendRtp(to->type, map.data, map.size);
            gst_buffer_unmap(*buffer, &map);
          }
          return TRUE;
        };
        if (GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
          gst_buffer_list_foreach(GST_PAD_PROBE_INFO_BUFFER_LIST(info), send, target);
        } else {
          GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
          send(&buffer, 0, target);
        }
        return GST_PAD_PROBE_DROP;  // the transport sent it
      },
      new Target{lean_.get(), type}, [](gpointer data) { delete static_cast<Target*>(data); });
  gst_element_sync_state_with_parent(sink);
  return pad;
}

void WebRtcEndpointImpl::dropLeanTarget(GstPad* target) {
  GstElement* sink = gst_pad_get_parent_element(target);
  gst_object_unref(target);
  if (sink != nullptr) {
    gst_element_set_locked_state(sink, TRUE);
    gst_element_set_state(sink, GST_STATE_NULL);
    gst_bin_remove(bin(), sink);
    gst_object_unref(sink);
  }
}

std::vector<std::shared_ptr<DtlsConnection>> WebRtcEndpointImpl::leanDtlsConnections() {
  auto connection = std::make_shared<DtlsConnection>();
  connection->streamId = "0";
  connection->componentId = "1";
  connection->connectionId = kDtlsConnectionId;
  connection->state = toConnectionState(lean_->dtlsState());
  return {connection};
}

void WebRtcEndpointImpl::addLeanStats(const std::optional<MediaType>& type,
                                      int64_t timestampMillis,
                                      std::map<std::string, std::shared_ptr<Stats>>& result) {
  std::unique_lock<std::recursive_mutex> lock(mutex_);
  if (lean_ == nullptr) {
    return;
  }
  const std::vector<webrtc::lean::LeanStreamStats> streams = lean_->stats();
  if (!selectedPairs_.empty()) {  // the pair in use, as webrtcbin's candidatepair report
    const bool connected =
        iceState_ == IceComponentState::CONNECTED || iceState_ == IceComponentState::READY;
    auto pair = std::make_shared<RTCIceCandidatePairStats>();
    pair->id = "candidate-pair-lean";
    pair->type = StatsType::candidatepair;
    pair->timestampMillis = timestampMillis;
    pair->localCandidateId = selectedPairs_.back()->localCandidate;
    pair->remoteCandidateId = selectedPairs_.back()->remoteCandidate;
    pair->transportId = kDtlsConnectionId;
    pair->state = connected ? RTCStatsIceCandidatePairState::succeeded
                            : RTCStatsIceCandidatePairState::inprogress;
    pair->nominated = true;
    pair->writable = connected;
    pair->readable = connected;
    result[pair->id] = pair;
  }
  lock.unlock();
  for (const webrtc::lean::LeanStreamStats& stream : streams) {
    if (type && *type != stream.type) {
      continue;
    }
    auto outbound = std::make_shared<RTCOutboundRTPStreamStats>();
    outbound->type = StatsType::outboundrtp;
    outbound->id = "rtp-outbound-stream-stats_" + std::to_string(stream.ssrc);
    outbound->timestampMillis = timestampMillis;
    outbound->ssrc = std::to_string(stream.ssrc);
    outbound->packetsSent = static_cast<int64_t>(stream.packetsSent);
    outbound->bytesSent = static_cast<int64_t>(stream.bytesSent);
    outbound->pliCount = static_cast<int64_t>(stream.plisReceived);
    outbound->firCount = static_cast<int64_t>(stream.firsReceived);
    outbound->nackCount = static_cast<int64_t>(stream.nacksReceived);
    if (stream.lastReport) {  // the viewer's receiver report about this stream
      outbound->packetsLost = stream.lastReport->cumulativeLost;
      outbound->fractionLost = stream.lastReport->fractionLost / 256.0;
      if (stream.lastReport->rttUs) {
        outbound->roundTripTime = static_cast<double>(*stream.lastReport->rttUs) / 1e6;
      }
    }
    if (stream.rembBps > 0) {
      outbound->remb = static_cast<int64_t>(stream.rembBps);
    }
    result[outbound->id] = outbound;
  }
  addTargetBitrate(result);
}

// After closeInputs: no buffer is on its way to the transport any more.
void WebRtcEndpointImpl::releaseLean() {
  std::unique_ptr<webrtc::lean::LeanSendPeer> peer;
  {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    peer = std::move(lean_);
  }
  peer.reset();  // its loop stops calling leanEvents_
}

}  // namespace kurento
