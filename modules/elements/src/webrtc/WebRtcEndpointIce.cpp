// WebRtcEndpoint's ICE: the gathering it starts (STUN, TURN, port range, networkInterfaces),
// the candidates it announces (externalIPv4/6 over host candidates, after gatherCandidates as
// Kurento does) and receives (trickled before the remote description), and the ICE and
// connection states it reports.
#include "WebRtcEndpointImpl.hpp"

#include "webrtc/NetworkInterfaces.hpp"
#include "webrtc/WebRtcSettings.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>

#include <functional>
#include <memory>

namespace kurento {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-webrtc-ice", "WebRtcEndpoint ICE");

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

}  // namespace
#define GST_CAT_DEFAULT kCat

// Runs `work` with the endpoint's lock on the GLib main loop, later, in order. webrtcbin emits
// candidates and gathering states on its own thread, which also runs the operations a request
// waits for under the endpoint's lock (set-remote-description in processAnswer): taking the
// lock there deadlocked the request, and with it the server (fuzz_sdp_webrtc found it).
void WebRtcEndpointImpl::deferLocked(const std::weak_ptr<kms::RemoteObject>& weak,
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
  self->onLocalCandidate(mline, text);
}

// Each of our candidates, from webrtcbin's thread or the lean transport's: announced on the main
// loop, and only after gatherCandidates, as Kurento does.
void WebRtcEndpointImpl::onLocalCandidate(guint mline, const std::string& text) {
  deferLocked(weak_from_this(), [mline, text](WebRtcEndpointImpl& endpoint) {
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
  if (state == GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE) {
    self->gatheringComplete();
  }
}

void WebRtcEndpointImpl::gatheringComplete() {
  deferLocked(weak_from_this(), [](WebRtcEndpointImpl& endpoint) {  // after the candidates
    std::lock_guard<std::recursive_mutex> lock(endpoint.mutex_);
    endpoint.gatheringDone_ = true;
    if (endpoint.gathering_ && !endpoint.gatheringDoneSent_) {
      endpoint.gatheringDoneSent_ = true;
      endpoint.raiseIceGatheringDone(IceGatheringDone());
    }
  });
}

void WebRtcEndpointImpl::onIceState(GObject* webrtc, GParamSpec*, gpointer data) {
  GstWebRTCICEConnectionState state = GST_WEBRTC_ICE_CONNECTION_STATE_NEW;
  g_object_get(webrtc, "ice-connection-state", &state, nullptr);
  static_cast<WebRtcEndpointImpl*>(data)->reportIceState(toComponentState(state));
}

void WebRtcEndpointImpl::reportIceState(IceComponentState state) {
  IceComponentStateChanged event;
  event.streamId = 0;
  event.componentId = 1;
  event.state = state;
  {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    iceState_ = event.state;
  }
  GST_INFO("%s: ICE %s", id().c_str(), toString(event.state));
  raiseIceComponentStateChanged(event);
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
    if (lean_ != nullptr) {
      if (!lean_->addRemoteCandidate(candidate)) {
        GST_INFO("%s: candidate not usable: %s", id().c_str(), candidate.c_str());
      }
      continue;
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

}  // namespace kurento
