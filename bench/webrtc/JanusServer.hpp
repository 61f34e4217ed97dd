// Janus (Debian's `janus`, 1.1.x) for the fan-out comparison: started with a configuration
// written at run time into a temporary directory (HTTP transport on loopback, the streaming
// plugin only, one RTP mountpoint for a VP8 video stream), and its HTTP API for viewers.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace kms::bench {

class JanusServer {
 public:
  // Starts janus (JANUS_BINARY or `janus` on PATH) with an RTP mountpoint (id 1) taking VP8
  // (payload type 96) on `rtpPort`; waits until its HTTP API answers. Throws
  // std::runtime_error with its output when it does not start.
  explicit JanusServer(int rtpPort);
  ~JanusServer();
  JanusServer(const JanusServer&) = delete;
  JanusServer& operator=(const JanusServer&) = delete;

  pid_t pid() const { return pid_; }
  int httpPort() const { return httpPort_; }
  // The last lines janus printed (for error messages).
  std::string logTail() const;

 private:
  void writeConfig(int rtpPort);
  void waitUntilUp();

  std::string dir_;
  std::string logPath_;
  int httpPort_ = 0;
  pid_t pid_ = -1;
};

// One viewer's signalling with the streaming plugin over the HTTP API (one session and handle
// per viewer, so each long poll sees only its own events).
class JanusViewerSession {
 public:
  explicit JanusViewerSession(int httpPort);
  ~JanusViewerSession();
  JanusViewerSession(const JanusViewerSession&) = delete;
  JanusViewerSession& operator=(const JanusViewerSession&) = delete;

  // "watch" mountpoint `id`: returns Janus's offer (SDP).
  std::string watch(int id);
  // "start" with the viewer's answer.
  void start(const std::string& answerSdp);
  // Trickles one of the viewer's candidates; an empty one says gathering is complete.
  void trickle(unsigned mline, const std::string& candidate);

 private:
  std::string post(const std::string& path, const std::string& body);
  std::string nextEvent();

  int port_;
  uint64_t session_ = 0;
  uint64_t handle_ = 0;
  int transaction_ = 0;
};

}  // namespace kms::bench
