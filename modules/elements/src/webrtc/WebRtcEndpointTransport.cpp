// WebRtcEndpoint's view of its transport: the ICE candidate pair libnice selects
// (NewCandidatePairSelected, getICECandidatePairs), the DTLS state of webrtcbin's transports
// (DtlsConnectionStateChange, getDtlsConnectionState) and the send gates that state opens.
#include "WebRtcEndpointImpl.hpp"

#include "rtp/MediaPaths.hpp"
#include "webrtc/lean/IceSession.hpp"

#include <kms/sdk/Gst.hpp>

#include <nice/agent.h>

#include <algorithm>
#include <cstring>

namespace kurento {

namespace {
GstDebugCategory* const kCat =
    kms::debugCategory("kms-webrtc-transport", "WebRtcEndpoint ICE pair and DTLS state");

DtlsConnectionState dtlsState(GObject* transport) {
  GstWebRTCDTLSTransportState state = GST_WEBRTC_DTLS_TRANSPORT_STATE_NEW;
  g_object_get(transport, "state", &state, nullptr);
  switch (state) {
    case GST_WEBRTC_DTLS_TRANSPORT_STATE_CLOSED: return DtlsConnectionState::CLOSED;
    case GST_WEBRTC_DTLS_TRANSPORT_STATE_FAILED: return DtlsConnectionState::FAILED;
    case GST_WEBRTC_DTLS_TRANSPORT_STATE_CONNECTING: return DtlsConnectionState::CONNECTING;
    case GST_WEBRTC_DTLS_TRANSPORT_STATE_CONNECTED: return DtlsConnectionState::CONNECTED;
    default: return DtlsConnectionState::NEW;
  }
}

// A WebRTC peer sends RTCP at least every ~6 s even without media (RFC 3550's 5 s minimum,
// randomized), and RTP or RTCP feedback much more often in a call: nothing at all from it for
// this long means it is gone (killed, unplugged), long before ICE consent would expire. The
// lean transport's viewers are held to the same.
constexpr uint32_t kPeerSilenceMs = webrtc::lean::LeanSendPeer::kPeerSilenceMs;

}  // namespace
#define GST_CAT_DEFAULT kCat

void WebRtcEndpointImpl::watchIce() {
  if (niceAgent_ != nullptr) {
    return;
  }
  GObject* ice = nullptr;
  g_object_get(webrtc_, "ice-agent", &ice, nullptr);
  if (ice != nullptr && g_object_class_find_property(G_OBJECT_GET_CLASS(ice), "agent") != nullptr) {
    g_object_get(ice, "agent", &niceAgent_, nullptr);
  }
  if (ice != nullptr) {
    g_object_unref(ice);
  }
  if (niceAgent_ == nullptr) {
    GST_WARNING("%s: webrtcbin's ICE agent is not libnice: no candidate pair events", id().c_str());
    return;
  }
  g_signal_connect(niceAgent_, "new-selected-pair-full", G_CALLBACK(&WebRtcEndpointImpl::onSelectedPair),
                   this);
}

void WebRtcEndpointImpl::onSelectedPair(GObject* agent, guint stream, guint component,
                                        gpointer local, gpointer remote, gpointer data) {
  static_cast<WebRtcEndpointImpl*>(data)->reportSelectedPair(
      std::to_string(stream), static_cast<int32_t>(component),
      webrtc::lean::candidateLine(NICE_AGENT(agent), static_cast<NiceCandidate*>(local)),
      webrtc::lean::candidateLine(NICE_AGENT(agent), static_cast<NiceCandidate*>(remote)));
}

void WebRtcEndpointImpl::reportSelectedPair(const std::string& stream, int32_t component,
                                            const std::string& local, const std::string& remote) {
  auto pair = std::make_shared<IceCandidatePair>();
  pair->streamId = stream;
  pair->componentId = component;
  pair->localCandidate = local;
  pair->remoteCandidate = remote;
  GST_INFO("%s: ICE pair %s <-> %s", id().c_str(), pair->localCandidate.c_str(),
           pair->remoteCandidate.c_str());
  {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    selectedPairs_.erase(std::remove_if(selectedPairs_.begin(), selectedPairs_.end(),
                                        [&](const auto& known) {
                                          return known->streamId == pair->streamId &&
                                                 known->componentId == pair->componentId;
                                        }),
                         selectedPairs_.end());
    selectedPairs_.push_back(pair);
  }
  NewCandidatePairSelected event;
  event.candidatePair = pair;
  raiseNewCandidatePairSelected(event);
}

// The DTLS transports of the transceivers (one with BUNDLE), watched once each.
void WebRtcEndpointImpl::watchDtls() {
  GArray* list = webrtc::transceivers(webrtc_);
  for (guint i = 0; list != nullptr && i < list->len; ++i) {
    // The receiver's and the sender's (the same one in webrtcbin 1.22; the gates use the latter).
    for (const char* side : {"receiver", "sender"}) {
      GObject* owner = nullptr;
      GObject* transport = nullptr;
      g_object_get(g_array_index(list, GObject*, i), side, &owner, nullptr);
      if (owner != nullptr) {
        g_object_get(owner, "transport", &transport, nullptr);
        g_object_unref(owner);
      }
      if (transport == nullptr) {
        continue;
      }
      if (std::find(dtlsTransports_.begin(), dtlsTransports_.end(), transport) !=
          dtlsTransports_.end()) {
        g_object_unref(transport);
        continue;
      }
      dtlsTransports_.push_back(transport);  // keeps the reference
      g_signal_connect(transport, "notify::state", G_CALLBACK(&WebRtcEndpointImpl::onDtlsState),
                       this);
    }
  }
  if (list != nullptr) {
    g_array_unref(list);
  }
  updateSendGates();
}

GstPadProbeReturn WebRtcEndpointImpl::onInputGate(GstPad*, GstPadProbeInfo*, gpointer data) {
  auto* watch = static_cast<InputWatch*>(data);
  WebRtcEndpointImpl* self = watch->self;
  return !self->inputsClosed_ && self->sendOpen_[slotOf(watch->type)] ? GST_PAD_PROBE_OK
                                                                       : GST_PAD_PROBE_DROP;
}

// Release: the gates close for good, then each input's stream lock is taken once, so that a
// buffer already past its gate (the source's thread, inside webrtcbin) has left before the
// endpoint is unlinked and stopped. Called with no lock held: that buffer may need one.
void WebRtcEndpointImpl::closeInputs() {
  inputsClosed_ = true;
  for (GstElement* input : inputs_) {
    GstPad* sink = gst_element_get_static_pad(input, "sink");
    GST_PAD_STREAM_LOCK(sink);
    GST_PAD_STREAM_UNLOCK(sink);
    gst_object_unref(sink);
  }
}

// Which DTLS transport each negotiated line sends on (under our lock, after each description).
void WebRtcEndpointImpl::updateSendGates() {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  for (MediaType type : {MediaType::AUDIO, MediaType::VIDEO}) {
    const size_t slot = slotOf(type);
    const Line* line = lineOf(type);
    GObject* transport = nullptr;
    GArray* list = line != nullptr ? webrtc::transceivers(webrtc_) : nullptr;
    for (guint i = 0; list != nullptr && i < list->len && transport == nullptr; ++i) {
      auto* transceiver = g_array_index(list, GstWebRTCRTPTransceiver*, i);
      guint mline = G_MAXUINT;
      g_object_get(transceiver, "mlineindex", &mline, nullptr);
      GObject* sender = nullptr;
      if (mline == line->mline) {
        g_object_get(transceiver, "sender", &sender, nullptr);
      }
      if (sender != nullptr) {
        GObject* candidate = nullptr;
        g_object_get(sender, "transport", &candidate, nullptr);
        g_object_unref(sender);
        // Only a transport we watch (and hold): onDtlsState keeps the gate current.
        if (candidate != nullptr &&
            std::find(dtlsTransports_.begin(), dtlsTransports_.end(), candidate) !=
                dtlsTransports_.end()) {
          transport = candidate;
        }
        if (candidate != nullptr) {
          g_object_unref(candidate);
        }
      }
    }
    if (list != nullptr) {
      g_array_unref(list);
    }
    sendTransports_[slot] = transport;
    setSendGate(slot, transport != nullptr && dtlsState(transport) == DtlsConnectionState::CONNECTED);
  }
}

// Opening a gate asks the source for a keyframe: what came before was dropped.
void WebRtcEndpointImpl::setSendGate(size_t slot, bool open) {
  if (sendOpen_[slot].exchange(open) == open || !open || inputsClosed_) {
    return;
  }
  GST_INFO("%s: %s may be sent", id().c_str(), slot == 0 ? "audio" : "video");
  GstPad* sink = gst_element_get_static_pad(inputs_[slot], "sink");
  gst_pad_push_event(sink, rtp::newKeyframeRequest());
  gst_object_unref(sink);
}

void WebRtcEndpointImpl::onDtlsState(GObject* transport, GParamSpec*, gpointer data) {
  auto* self = static_cast<WebRtcEndpointImpl*>(data);
  for (size_t slot = 0; slot < self->sendTransports_.size(); ++slot) {
    if (self->sendTransports_[slot] == transport) {
      self->setSendGate(slot, dtlsState(transport) == DtlsConnectionState::CONNECTED);
    }
  }
  self->reportDtlsState(GST_OBJECT_NAME(transport), dtlsState(transport));
}

void WebRtcEndpointImpl::reportDtlsState(const std::string& connectionId,
                                         DtlsConnectionState state) {
  DtlsConnectionStateChange event;
  event.streamId = "0";
  event.componentId = "1";
  event.connectionId = connectionId;
  event.state = state;
  GST_INFO("%s: DTLS %s is %s", id().c_str(), event.connectionId.c_str(), toString(event.state));
  raiseDtlsConnectionStateChange(event);
}

std::vector<std::shared_ptr<IceCandidatePair>> WebRtcEndpointImpl::getICECandidatePairs() {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  return selectedPairs_;
}

std::vector<std::shared_ptr<DtlsConnection>> WebRtcEndpointImpl::getDtlsConnectionState() {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  if (lean_ != nullptr) {
    return leanDtlsConnections();
  }
  std::vector<std::shared_ptr<DtlsConnection>> connections;
  for (GObject* transport : dtlsTransports_) {
    auto connection = std::make_shared<DtlsConnection>();
    connection->streamId = "0";
    connection->componentId = "1";
    connection->connectionId = GST_OBJECT_NAME(transport);
    connection->state = dtlsState(transport);
    connections.push_back(connection);
  }
  return connections;
}

void WebRtcEndpointImpl::watchPeerPackets(GstElement* niceSource) {
  GstPad* pad = gst_element_get_static_pad(niceSource, "src");
  if (pad == nullptr) {
    return;
  }
  std::weak_ptr<WebRtcEndpointImpl> weak;
  try {
    weak = std::static_pointer_cast<WebRtcEndpointImpl>(shared_from_this());
  } catch (const std::bad_weak_ptr&) {
    gst_object_unref(pad);
    return;  // not yet (or no longer) owned: nothing to report to
  }
  auto monitor = std::make_unique<MediaFlowMonitor>(
      pad,
      [weak](bool arriving) {
        if (auto self = weak.lock()) {
          self->onPeerPackets(arriving);
        }
      },
      kPeerSilenceMs);
  gst_object_unref(pad);
  // Not mutex_: webrtcbin adds its nicesrc on its own thread while ours, holding mutex_, waits
  // for the description it is setting.
  std::lock_guard<std::mutex> lock(livenessMutex_);
  peerPackets_.push_back(std::move(monitor));
}

// Called per nicesrc: the peer is lost once every transport has gone silent, and back with
// the first packet after that.
void WebRtcEndpointImpl::onPeerPackets(bool arriving) {
  {
    std::lock_guard<std::mutex> lock(livenessMutex_);
    if (!arriving) {
      silentSources_ = std::min(silentSources_ + 1, peerPackets_.size());
      if (peerLost_ || silentSources_ < peerPackets_.size()) {
        return;
      }
      peerLost_ = true;
    } else {
      silentSources_ = silentSources_ > 0 ? silentSources_ - 1 : 0;
      if (!peerLost_) {
        return;
      }
      peerLost_ = false;
    }
  }
  IceComponentStateChanged event;
  event.streamId = 0;
  event.componentId = 1;
  event.state = arriving ? IceComponentState::CONNECTED : IceComponentState::DISCONNECTED;
  GST_WARNING("%s: %s", id().c_str(),
              arriving ? "packets from the peer again"
                       : "nothing from the peer for 5 s: it is gone (ICE DISCONNECTED)");
  raiseIceComponentStateChanged(event);
  setConnectionState(arriving ? ConnectionState::CONNECTED : ConnectionState::DISCONNECTED);
  setMediaState(arriving ? MediaState::CONNECTED : MediaState::DISCONNECTED);
}

void WebRtcEndpointImpl::unwatchTransport() {
  {
    std::lock_guard<std::mutex> lock(livenessMutex_);
    peerPackets_.clear();
  }
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  if (niceAgent_ != nullptr) {
    g_signal_handlers_disconnect_by_data(niceAgent_, this);
    g_object_unref(niceAgent_);
    niceAgent_ = nullptr;
  }
  for (size_t slot = 0; slot < sendTransports_.size(); ++slot) {
    sendTransports_[slot] = nullptr;
    sendOpen_[slot] = false;
  }
  for (GObject* transport : dtlsTransports_) {
    g_signal_handlers_disconnect_by_data(transport, this);
    g_object_unref(transport);
  }
  dtlsTransports_.clear();
}

}  // namespace kurento
