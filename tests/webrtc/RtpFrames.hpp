// Plain RTP for the webrtcbin-peer tests: a loopback UDP socket, a gst-launch pipeline, and a
// receiver that decodes what an RtpEndpoint sends and counts the frames.
#pragma once

#include <gst/gst.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace kms::test {

// A UDP socket on 127.0.0.1 with a port of the system's choice (in `port`); throws on failure.
int boundUdpSocket(int& port);

// gst_parse_launch that throws std::runtime_error with the reason.
GstElement* launchPipeline(const std::string& description);

// Receives RTP on a socket of its own: "udpsrc caps=<caps> ! rtpjitterbuffer ! <decoding> !
// fakesink", counting the frames that reach the sink.
class RtpFrameReceiver {
 public:
  RtpFrameReceiver(const std::string& caps, const std::string& decoding);
  ~RtpFrameReceiver();
  RtpFrameReceiver(const RtpFrameReceiver&) = delete;
  RtpFrameReceiver& operator=(const RtpFrameReceiver&) = delete;

  int port() const { return port_; }
  uint64_t frames() const { return frames_; }
  // True once `count` frames arrived, false after `timeout`.
  bool waitForFrames(uint64_t count, std::chrono::seconds timeout) const;

 private:
  int fd_ = -1;
  int port_ = 0;
  GstElement* pipeline_ = nullptr;
  std::atomic<uint64_t> frames_{0};
};

}  // namespace kms::test
