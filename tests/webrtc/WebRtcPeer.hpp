// A WebRTC peer on GStreamer's webrtcbin, signalled through a WebRtcEndpoint with the generated
// C++ client: the browser-free peer of tests/webrtc and bench/webrtc. It sends a live VP8 test
// picture (and Opus) and/or receives video, which it decodes and counts.
#pragma once

#include <elementsClient.hpp>

#include <gst/gst.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace kms::test {

class WebRtcPeer {
 public:
  enum class Direction { kSendRecv, kSendOnly, kRecvOnly };
  struct Video {
    int width = 320;
    int height = 240;
    int fps = 15;
    bool decode = true;  // false: received frames are counted after depayloading only
    int keyframeInterval = 30;  // frames between the keyframes the sender makes by itself
    // ICE on 127.0.0.1 only (the test server gathers on `lo` only too): interfaces that other
    // tests create and destroy meanwhile cannot take the call's pair. false: libnice's own
    // choice (every interface but the loopback), for servers that gather elsewhere.
    bool loopbackOnly = true;
    // Receive-only peers: offer and send NACKs for lost video packets (webrtcbin's do-nack).
    bool nack = false;
  };
  // `videoCodec`: "VP8" or "H264" (what the peer offers and sends).
  explicit WebRtcPeer(Direction direction, const std::string& videoCodec = "VP8")
      : WebRtcPeer(direction, videoCodec, Video()) {}
  WebRtcPeer(Direction direction, const std::string& videoCodec, const Video& video);
  ~WebRtcPeer();
  WebRtcPeer(const WebRtcPeer&) = delete;
  WebRtcPeer& operator=(const WebRtcPeer&) = delete;

  // The peer offers: processOffer on `endpoint`, trickle ICE both ways, gatherCandidates.
  // `edit` changes the offer the endpoint gets (the peer keeps its own).
  void offerTo(const std::shared_ptr<kurento::client::WebRtcEndpoint>& endpoint,
               const std::function<std::string(const std::string&)>& edit = nullptr);
  // The endpoint offers (generateOffer); the peer answers (processAnswer).
  void answer(const std::shared_ptr<kurento::client::WebRtcEndpoint>& endpoint);

  // Signalling of another server (bench/webrtc's Janus viewers): the peer answers `offer`
  // and returns its answer; its own candidates go to `onCandidate` (mline, candidate; an
  // empty candidate when gathering is complete), the other side's come in addCandidate.
  using CandidateHandler = std::function<void(guint, const std::string&)>;
  std::string answerOffer(const std::string& offer, CandidateHandler onCandidate);
  void addCandidate(guint mline, const std::string& candidate);
  // The same, the peer offering: its offer (set as its local description), its candidates to
  // `onCandidate`; acceptAnswer takes the other side's answer.
  std::string createOffer(CandidateHandler onCandidate);
  void acceptAnswer(const std::string& answer);

  // Waits until `count` video frames were decoded in all; false on timeout.
  bool waitForFrames(uint64_t count, std::chrono::milliseconds timeout) const;
  uint64_t framesDecoded() const { return frames_; }
  // When the first keyframe arrived (decoding peers: the first decoded frame); the epoch
  // while none has.
  std::chrono::steady_clock::time_point firstKeyframeAt() const;
  // The encoding of the video the peer receives ("VP8", "H264"), "" before any.
  std::string receivedCodec() const;
  // From now on every RTCP packet of the peer carries a REMB of `bps` (0: none), as a
  // browser's receive-side estimate would (webrtcbin sends none by itself).
  void sendRemb(int64_t bps);

 private:
  void watchEndpoint(const std::shared_ptr<kurento::client::WebRtcEndpoint>& endpoint);
  std::string createLocal(bool offer);
  void setRemote(const std::string& sdp, bool offer);
  static void onIceCandidate(GstElement* webrtc, guint mline, gchar* candidate, gpointer self);
  static void onPadAdded(GstElement* webrtc, GstPad* pad, gpointer self);
  static void onGatheringState(GObject* webrtc, GParamSpec*, gpointer self);
  static void onSendingRtcp(GObject* session, GstBuffer* buffer, gboolean early, gpointer self);

  GstElement* pipeline_ = nullptr;
  GstElement* webrtc_ = nullptr;  // owned by pipeline_
  std::weak_ptr<kurento::client::WebRtcEndpoint> endpoint_;
  CandidateHandler candidateHandler_;  // set before the first candidate, then only read
  // The IceCandidateFound subscription, cancelled by the destructor: its handler holds
  // webrtcbin, so a long-lived connection would otherwise keep every peer it ever had.
  std::weak_ptr<kms::client::Connection> connection_;
  std::string endpointId_;
  std::string subscription_;
  Video video_;
  std::atomic<uint64_t> frames_{0};
  std::atomic<int64_t> rembBps_{0};
  GObject* rtpSession_ = nullptr;            // webrtcbin's (a reference), once REMB is sent
  std::atomic<int64_t> firstKeyframeNs_{0};  // steady_clock, 0 = none yet
  mutable std::string receivedCodec_;
  mutable std::atomic<bool> codecKnown_{false};
};

}  // namespace kms::test
