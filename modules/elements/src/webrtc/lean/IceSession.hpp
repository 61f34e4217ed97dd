// One lean WebRTC transport's ICE (libnice, one stream of one component: BUNDLE and
// rtcp-mux): its agent runs on the shared IceLoop, so a viewer adds no thread. Trickle both
// ways; the listener hears candidates, gathering's end, state changes, the selected pair and
// every non-STUN packet, always on the loop thread.
#pragma once

#include <glib.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

typedef struct _NiceAgent NiceAgent;
typedef struct _NiceCandidate NiceCandidate;

namespace kurento::webrtc::lean {

enum class IceState {
  kInvalid,
  kDisconnected,
  kGathering,
  kConnecting,
  kConnected,
  kReady,
  kFailed
};

struct IceOptions {
  bool controlling = false;                 // we offered (the offerer controls)
  std::vector<std::string> localAddresses;  // only these, when not empty (networkInterfaces)
  std::string stunAddress;                  // numeric
  uint16_t stunPort = 3478;
  std::string turnAddress;  // numeric; turn off when empty
  uint16_t turnPort = 3478;
  std::string turnUser;
  std::string turnPassword;
  bool turnTcp = false;
  bool iceTcp = true;
  uint16_t minPort = 0;  // UDP port range of the candidates; 0: any
  uint16_t maxPort = 0;
};

class IceListener {
 public:
  virtual ~IceListener() = default;
  virtual void onLocalCandidate(const std::string& candidate) = 0;  // "candidate:..." (no a=)
  virtual void onGatheringDone() = 0;
  virtual void onIceState(IceState state) = 0;
  virtual void onSelectedPair(const std::string& local, const std::string& remote) = 0;
  virtual void onPacket(uint8_t* data, size_t size) = 0;  // may be changed in place
};

class IceSession {
 public:
  // Throws std::runtime_error when libnice refuses the stream.
  IceSession(const IceOptions& options, IceListener& listener);
  // Stops every callback before it returns (the agent is closed on the loop thread).
  ~IceSession();
  IceSession(const IceSession&) = delete;
  IceSession& operator=(const IceSession&) = delete;

  const std::string& localUfrag() const { return ufrag_; }
  const std::string& localPassword() const { return password_; }
  // False when libnice refuses them (empty or too short).
  bool setRemoteCredentials(const std::string& ufrag, const std::string& password);
  void gather();
  // "candidate:..." or "a=candidate:..."; false when it cannot be parsed. mDNS (.local)
  // candidates are refused the same way: this host does not resolve them.
  bool addRemoteCandidate(const std::string& candidate);
  void remoteCandidatesDone();
  // From any thread; false when there is no selected pair yet or the socket refused it.
  bool send(const uint8_t* data, size_t size);
  IceState state() const { return state_; }

 private:
  static void onCandidate(NiceAgent* agent, gpointer candidate, gpointer self);
  static void onGathered(NiceAgent* agent, guint stream, gpointer self);
  static void onState(NiceAgent* agent, guint stream, guint component, guint state, gpointer self);
  static void onPair(NiceAgent* agent, guint stream, guint component, gpointer local,
                     gpointer remote, gpointer self);
  static void onReceive(NiceAgent* agent, guint stream, guint component, guint size, gchar* data,
                        gpointer self);
  void configure(const IceOptions& options);

  IceOptions turn_;  // the relay is set per stream, when gathering starts

  IceListener& listener_;
  NiceAgent* agent_ = nullptr;
  guint stream_ = 0;
  std::string ufrag_;
  std::string password_;
  std::atomic<IceState> state_{IceState::kDisconnected};
  std::atomic<bool> closed_{false};
};

// "candidate:..." (the SDP attribute without "a=") of a libnice candidate, local or remote.
std::string candidateLine(NiceAgent* agent, NiceCandidate* candidate);

}  // namespace kurento::webrtc::lean
