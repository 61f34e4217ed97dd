// Offers without ICE credentials (webrtc/OfferRepair.hpp). webrtcbin got made-up credentials,
// with which libnice's own checks towards the peer cannot succeed; the path is taken from the
// peer instead: the address its first valid check comes from (a peer that does ICE without
// saying so in its offer: it learnt our credentials from the answer), or, for a peer that does
// no ICE at all, the c=/m= address of its offer once our candidates are gathered. A path learnt
// from a check replaces one taken from c=/m=.
#include "WebRtcEndpointImpl.hpp"

#include "webrtc/OfferRepair.hpp"

#include <kms/sdk/Gst.hpp>

#include <nice/agent.h>

#include <algorithm>

namespace kurento {

namespace {
GstDebugCategory* const kCat =
    kms::debugCategory("kms-webrtc-peerpath", "WebRtcEndpoint: paths of offers without ICE");

constexpr guint kRtpComponent = 1;  // webrtcbin multiplexes RTCP (one component per stream)
constexpr guint kMaxStreamId = 64;  // libnice numbers streams from 1
}  // namespace
#define GST_CAT_DEFAULT kCat

void WebRtcEndpointImpl::learnPeerPath(const webrtc::OfferRepair& repair,
                                       const GstSDPMessage& offer) {
  learntLines_ = repair.inventedCredentials;
  peerDestinations_.clear();
  if (learntLines_.empty()) {
    return;
  }
  for (guint mline : learntLines_) {
    std::string address;
    guint port = 0;
    if (webrtc::mediaDestination(offer, mline, &address, &port)) {
      peerDestinations_.emplace_back(address, port);
    }
  }
  GST_INFO("%s: the offer has no ICE credentials: the path to the peer comes from its checks%s",
           id().c_str(), peerDestinations_.empty() ? "" : " or its c=/m= address");
  if (niceAgent_ == nullptr) {
    GST_WARNING("%s: no libnice agent: a peer without ICE credentials cannot be reached",
                id().c_str());
    return;
  }
  g_signal_connect(niceAgent_, "new-remote-candidate-full",
                   G_CALLBACK(&WebRtcEndpointImpl::onPeerCandidate), this);
  if (!peerDestinations_.empty()) {
    g_signal_connect(webrtc_, "notify::ice-gathering-state",
                     G_CALLBACK(&WebRtcEndpointImpl::onGatheredForPeer), this);
  }
}

bool WebRtcEndpointImpl::learnsPathOf(guint mline) const {
  return std::find(learntLines_.begin(), learntLines_.end(), mline) != learntLines_.end();
}

// Returns true when (stream, component) had no path yet, or only one from c=/m= and `learnt`.
bool WebRtcEndpointImpl::takePath(guint stream, bool learnt) {
  std::lock_guard<std::mutex> lock(pathMutex_);
  for (auto& [known, wasLearnt] : peerPaths_) {
    if (known == stream) {
      if (wasLearnt || !learnt) {
        return false;
      }
      wasLearnt = true;
      return true;
    }
  }
  peerPaths_.emplace_back(stream, learnt);
  return true;
}

void WebRtcEndpointImpl::onPeerCandidate(GObject* agent, gpointer candidate, gpointer data) {
  auto* self = static_cast<WebRtcEndpointImpl*>(data);
  auto* remote = static_cast<NiceCandidate*>(candidate);
  if (remote->type != NICE_CANDIDATE_TYPE_PEER_REFLEXIVE || remote->component_id != kRtpComponent ||
      !self->takePath(remote->stream_id, true)) {
    return;
  }
  gchar address[NICE_ADDRESS_STRING_LEN];
  nice_address_to_string(&remote->addr, address);
  const gboolean set = nice_agent_set_selected_remote_candidate(
      NICE_AGENT(agent), remote->stream_id, remote->component_id, remote);
  GST_INFO("%s: stream %u: the peer's check came from %s:%u: %s", self->id().c_str(),
           remote->stream_id, address, nice_address_get_port(&remote->addr),
           set ? "media goes there" : "libnice refused that path");
}

void WebRtcEndpointImpl::onGatheredForPeer(GObject* webrtc, GParamSpec*, gpointer data) {
  auto* self = static_cast<WebRtcEndpointImpl*>(data);
  GstWebRTCICEGatheringState state = GST_WEBRTC_ICE_GATHERING_STATE_NEW;
  g_object_get(webrtc, "ice-gathering-state", &state, nullptr);
  if (state != GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE) {
    return;
  }
  std::lock_guard<std::recursive_mutex> lock(self->mutex_);
  if (self->niceAgent_ == nullptr || self->peerDestinations_.empty()) {
    return;
  }
  NiceAgent* agent = NICE_AGENT(self->niceAgent_);
  size_t next = 0;
  for (guint stream = 1; stream <= kMaxStreamId; ++stream) {
    if (nice_agent_get_stream_name(agent, stream) == nullptr) {
      continue;
    }
    const auto& [address, port] =
        self->peerDestinations_[std::min(next++, self->peerDestinations_.size() - 1)];
    if (!self->takePath(stream, false)) {
      continue;  // the peer's checks came first
    }
    NiceCandidate* remote = nice_candidate_new(NICE_CANDIDATE_TYPE_HOST);
    remote->stream_id = stream;
    remote->component_id = kRtpComponent;
    remote->transport = NICE_CANDIDATE_TRANSPORT_UDP;
    nice_address_set_from_string(&remote->addr, address.c_str());
    nice_address_set_port(&remote->addr, port);
    const gboolean set =
        nice_agent_set_selected_remote_candidate(agent, stream, kRtpComponent, remote);
    nice_candidate_free(remote);
    GST_INFO(
        "%s: stream %u: no check from the peer yet: media goes to its c=/m= address "
        "%s:%u%s",
        self->id().c_str(), stream, address.c_str(), port,
        set ? "" : " (libnice refused that path)");
  }
}

}  // namespace kurento
