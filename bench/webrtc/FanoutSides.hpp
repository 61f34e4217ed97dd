// The pieces of bench/webrtc/fanout_bench.cpp: the RTP source both servers get, and each
// server's side (how a viewer joins it), measured the same way.
#pragma once

#include "JanusServer.hpp"
#include "TestServer.hpp"
#include "WebRtcPeer.hpp"

#include <gst/gst.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kms::bench {

struct SourceFormat {
  int width = 640;
  int height = 480;
  int fps = 30;
  int bitrateKbps = 1000;
};

// A live VP8 picture (moving, so the encoder keeps its bitrate), payloaded once and sent to
// every port by one multiudpsink; a keyframe every second (neither server gets RTCP back to it).
class RtpSource {
 public:
  RtpSource(const SourceFormat& format, const std::vector<int>& ports);
  ~RtpSource();
  RtpSource(const RtpSource&) = delete;
  RtpSource& operator=(const RtpSource&) = delete;

  uint64_t frames() const { return frames_; }
  double kbps() const;  // since the start

 private:
  GstElement* pipeline_ = nullptr;
  std::atomic<uint64_t> frames_{0};
  std::atomic<uint64_t> bytes_{0};
  std::atomic<int64_t> startNs_{0};
};

struct Measure {
  double cpuPercent = 0;  // of one core, over the window
  long rssKiB = 0;
  int threads = 0;
  int fds = 0;
  double minFps = 0;     // the slowest viewer's
  double sourceFps = 0;  // what the source made in the window
  struct Threads {
    double cpuPercent = 0;
    int count = 0;
  };
  std::map<std::string, Threads> threadGroups;  // by thread name (ProcessUsage.hpp), if asked
};

// One server with N viewers: they join, get frames, then the window is measured; they leave.
class FanoutSide {
 public:
  virtual ~FanoutSide() = default;
  // `byThread`: also the CPU of each group of threads (by name) in the window.
  Measure measure(int viewers, int seconds, const RtpSource& source, bool byThread = false,
                  int holdSeconds = 0);
  virtual int rtpPort() const = 0;
  virtual pid_t pid() const = 0;

 protected:
  virtual void addViewer(test::WebRtcPeer& peer) = 0;
  virtual void removeViewers() = 0;
};

// Ours: RtpEndpoint (the source's) -> WebRtcEndpoint per viewer; the viewer offers.
class OurFanout : public FanoutSide {
 public:
  OurFanout();
  ~OurFanout() override;
  int rtpPort() const override { return rtpPort_; }

 public:
  pid_t pid() const override { return server_.pid(); }

 protected:
  void addViewer(test::WebRtcPeer& peer) override;
  void removeViewers() override;

 private:
  test::TestServer server_;
  kms::client::ConnectionPtr connection_;
  std::shared_ptr<kurento::client::MediaPipeline> pipeline_;
  std::shared_ptr<kurento::client::RtpEndpoint> source_;
  std::vector<std::shared_ptr<kurento::client::WebRtcEndpoint>> endpoints_;
  int rtpPort_ = 0;
};

// Janus: the streaming plugin's RTP mountpoint; Janus offers, the viewer answers.
class JanusFanout : public FanoutSide {
 public:
  JanusFanout();
  int rtpPort() const override { return rtpPort_; }

 public:
  pid_t pid() const override { return server_->pid(); }

 protected:
  void addViewer(test::WebRtcPeer& peer) override;
  void removeViewers() override;

 private:
  int rtpPort_;
  std::unique_ptr<JanusServer> server_;
  std::vector<std::unique_ptr<JanusViewerSession>> sessions_;
};

// Profiling: our server alone with `viewers` viewers, measured over `seconds` and then kept
// for `holdSeconds` more (its pid is printed first); returns the process's exit code.
int holdOurs(const SourceFormat& format, int viewers, int seconds, int holdSeconds);

}  // namespace kms::bench
