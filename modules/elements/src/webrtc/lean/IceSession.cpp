// Lean transport ICE over libnice on the shared loop.
#include "webrtc/lean/IceSession.hpp"

#include "webrtc/lean/IceLoop.hpp"

#include <kms/sdk/Gst.hpp>

#include <nice/agent.h>

#include <stdexcept>

namespace kurento::webrtc::lean {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-lean-ice", "Lean WebRTC transport ICE");
#define GST_CAT_DEFAULT kCat

constexpr guint kComponent = 1;  // rtcp-mux: RTP and RTCP share it

IceState toState(guint state) {
  switch (state) {
    case NICE_COMPONENT_STATE_GATHERING:
      return IceState::kGathering;
    case NICE_COMPONENT_STATE_CONNECTING:
      return IceState::kConnecting;
    case NICE_COMPONENT_STATE_CONNECTED:
      return IceState::kConnected;
    case NICE_COMPONENT_STATE_READY:
      return IceState::kReady;
    case NICE_COMPONENT_STATE_FAILED:
      return IceState::kFailed;
    default:
      return IceState::kDisconnected;
  }
}

}  // namespace

IceSession::IceSession(const IceOptions& options, IceListener& listener) : listener_(listener) {
  IceLoop& loop = IceLoop::instance();
  loop.runSync([&] {
    agent_ =
        nice_agent_new_full(loop.context(), NICE_COMPATIBILITY_RFC5245,
                            static_cast<NiceAgentOption>(NICE_AGENT_OPTION_ICE_TRICKLE |
                                                         NICE_AGENT_OPTION_REGULAR_NOMINATION));
    configure(options);
    stream_ = nice_agent_add_stream(agent_, 1);
    if (stream_ == 0) {
      g_object_unref(agent_);
      agent_ = nullptr;
      throw std::runtime_error("libnice refused the ICE stream");
    }
    if (options.minPort > 0 && options.maxPort >= options.minPort) {
      nice_agent_set_port_range(agent_, stream_, kComponent, options.minPort, options.maxPort);
    }
    gchar* ufrag = nullptr;
    gchar* password = nullptr;
    nice_agent_get_local_credentials(agent_, stream_, &ufrag, &password);
    ufrag_ = ufrag != nullptr ? ufrag : "";
    password_ = password != nullptr ? password : "";
    g_free(ufrag);
    g_free(password);
    g_signal_connect(agent_, "new-candidate-full", G_CALLBACK(&IceSession::onCandidate), this);
    g_signal_connect(agent_, "candidate-gathering-done", G_CALLBACK(&IceSession::onGathered), this);
    g_signal_connect(agent_, "component-state-changed", G_CALLBACK(&IceSession::onState), this);
    g_signal_connect(agent_, "new-selected-pair-full", G_CALLBACK(&IceSession::onPair), this);
    nice_agent_attach_recv(agent_, stream_, kComponent, loop.context(), &IceSession::onReceive,
                           this);
  });
}

void IceSession::configure(const IceOptions& options) {
  g_object_set(agent_, "controlling-mode", options.controlling ? TRUE : FALSE, "upnp", FALSE,
               "ice-tcp", options.iceTcp ? TRUE : FALSE, nullptr);
  if (!options.stunAddress.empty()) {
    g_object_set(agent_, "stun-server", options.stunAddress.c_str(), "stun-server-port",
                 static_cast<guint>(options.stunPort), nullptr);
  }
  for (const std::string& address : options.localAddresses) {
    NiceAddress local;
    if (nice_address_set_from_string(&local, address.c_str())) {
      nice_agent_add_local_address(agent_, &local);
    } else {
      GST_WARNING("not an address for ICE: %s", address.c_str());
    }
  }
  turn_ = options;
}

IceSession::~IceSession() {
  closed_ = true;
  IceLoop::instance().runSync([this] {
    if (agent_ == nullptr) {
      return;
    }
    g_signal_handlers_disconnect_by_data(agent_, this);
    nice_agent_attach_recv(agent_, stream_, kComponent, IceLoop::instance().context(), nullptr,
                           nullptr);
    // Closing releases TURN allocations; the agent goes once libnice is done with it.
    nice_agent_close_async(
        agent_, [](GObject* agent, GAsyncResult*, gpointer) { g_object_unref(agent); }, nullptr);
    agent_ = nullptr;
  });
}

bool IceSession::setRemoteCredentials(const std::string& ufrag, const std::string& password) {
  bool accepted = false;
  IceLoop::instance().runSync([&] {
    accepted =
        nice_agent_set_remote_credentials(agent_, stream_, ufrag.c_str(), password.c_str()) == TRUE;
  });
  return accepted;
}

void IceSession::gather() {
  IceLoop::instance().runSync([this] {
    if (!turn_.turnAddress.empty()) {
      nice_agent_set_relay_info(
          agent_, stream_, kComponent, turn_.turnAddress.c_str(), turn_.turnPort,
          turn_.turnUser.c_str(), turn_.turnPassword.c_str(),
          turn_.turnTcp ? NICE_RELAY_TYPE_TURN_TCP : NICE_RELAY_TYPE_TURN_UDP);
    }
    if (!nice_agent_gather_candidates(agent_, stream_)) {
      GST_WARNING("libnice could not start gathering");
      listener_.onIceState(IceState::kFailed);
    }
  });
}

bool IceSession::addRemoteCandidate(const std::string& candidate) {
  const std::string line = candidate.rfind("a=", 0) == 0 ? candidate : "a=" + candidate;
  bool added = false;
  IceLoop::instance().runSync([&] {
    NiceCandidate* parsed = nice_agent_parse_remote_candidate_sdp(agent_, stream_, line.c_str());
    if (parsed == nullptr) {
      return;
    }
    GSList* list = g_slist_append(nullptr, parsed);
    added = nice_agent_set_remote_candidates(agent_, stream_, kComponent, list) == 1;
    g_slist_free(list);
    nice_candidate_free(parsed);
  });
  return added;
}

void IceSession::remoteCandidatesDone() {
  IceLoop::instance().runSync(
      [this] { nice_agent_peer_candidate_gathering_done(agent_, stream_); });
}

bool IceSession::send(const uint8_t* data, size_t size) {
  if (closed_) {
    return false;
  }
  const gint sent = nice_agent_send(agent_, stream_, kComponent, static_cast<guint>(size),
                                    reinterpret_cast<const gchar*>(data));
  return sent == static_cast<gint>(size);
}

void IceSession::onCandidate(NiceAgent* agent, gpointer candidate, gpointer data) {
  auto* self = static_cast<IceSession*>(data);
  self->listener_.onLocalCandidate(candidateLine(agent, static_cast<NiceCandidate*>(candidate)));
}

void IceSession::onGathered(NiceAgent*, guint, gpointer data) {
  static_cast<IceSession*>(data)->listener_.onGatheringDone();
}

void IceSession::onState(NiceAgent*, guint, guint, guint state, gpointer data) {
  auto* self = static_cast<IceSession*>(data);
  self->state_ = toState(state);
  self->listener_.onIceState(self->state_);
}

void IceSession::onPair(NiceAgent* agent, guint, guint, gpointer local, gpointer remote,
                        gpointer data) {
  auto* self = static_cast<IceSession*>(data);
  self->listener_.onSelectedPair(candidateLine(agent, static_cast<NiceCandidate*>(local)),
                                 candidateLine(agent, static_cast<NiceCandidate*>(remote)));
}

void IceSession::onReceive(NiceAgent*, guint, guint, guint size, gchar* data, gpointer self) {
  static_cast<IceSession*>(self)->listener_.onPacket(reinterpret_cast<uint8_t*>(data), size);
}

std::string candidateLine(NiceAgent* agent, NiceCandidate* candidate) {
  gchar* sdp = nice_agent_generate_local_candidate_sdp(agent, candidate);
  std::string line = sdp != nullptr ? sdp : "";
  g_free(sdp);
  if (line.rfind("a=", 0) == 0) {
    line.erase(0, 2);
  }
  return line;
}

}  // namespace kurento::webrtc::lean
