// The GStreamer graph of one negotiated media line of an RtpEndpoint: UDP in and out (from
// the same ports), optional SRTP, an rtpbin session, the depayloader that feeds the element's
// output and the payloader that takes the element's input. The element's source delivers the
// agreed codec (its shared FormatAdapter converts); only when it cannot does the send path
// have an encoder of its own.
#pragma once

#include "RembEstimator.hpp"
#include "RtpNegotiation.hpp"
#include "RtpSockets.hpp"

#include <gst/gst.h>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>
#include <mutex>

namespace kurento::rtp {

class RtpMediaSession {
 public:
  struct Callbacks {
    std::function<void()> mediaArrived;     // first RTP or RTCP packet from the peer
    std::function<void(bool)> transcoding;  // the send path encodes (true) or forwards
    std::function<void()> keySoftLimit;     // SRTP: the key is near the end of its life
    // Whether the element's source delivers (or will) the agreed codec; called without the
    // session's lock.
    std::function<bool()> inputAdapted;
  };

  // `bin` holds the endpoint's graph, `rtpbin` its rtpbin; `output` is the sink pad that
  // receives the depayloaded media; `input` is the src pad the element's input arrives on.
  RtpMediaSession(GstBin* bin, GstElement* rtpbin, guint sessionId, SocketPair sockets,
                  GstPad* output, GstPad* input, int mtu, Callbacks callbacks);
  ~RtpMediaSession();
  RtpMediaSession(const RtpMediaSession&) = delete;
  RtpMediaSession& operator=(const RtpMediaSession&) = delete;

  uint16_t rtpPort() const { return sockets_.rtpPort; }
  uint16_t rtcpPort() const { return sockets_.rtcpPort; }
  guint sessionId() const { return sessionId_; }

  // Builds the graph for `plan` (once); REMB is sent with `remb` when the plan agreed on it.
  // Until sourceTold(), input in another format than the agreed one is dropped: it is what
  // was queued before the source was asked for the agreed codec.
  void start(const MediaPlan& plan, const RembSettings& remb);
  // The element's source was told the agreed codec (MediaElementImpl::inputFormatChanged).
  void sourceTold() { awaitingSource_ = false; }
  // The source's shared encoder that now feeds this line (null: none); our peer's REMB
  // becomes our wish for its bitrate (EncoderBitrate.hpp).
  void setSharedEncoder(GstElement* encoder);
  // The last REMB estimate sent (0 when REMB is off).
  int64_t rembBps() const;
  // The last REMB the peer sent us (0 when none), and what our encoder targets (0: no encoder).
  int64_t peerRembBps() const { return peerRembBps_; }
  int64_t encoderBps() const { return encoderBps_; }
  // rtpbin's pad-added for this session: links the first stream to the output.
  void onRtpbinPad(GstPad* pad);
  // The inbound (peer's stream) and outbound (ours) RTP statistics of this line.
  std::vector<std::shared_ptr<Stats>> stats(int64_t timestampMillis);
  MediaType type() const { return plan_.type; }
  // Asks the peer for a keyframe (RTCP PLI/FIR through rtpbin).
  void requestKeyframe();

 private:
  GstElement* add(const char* factory);
  void buildReceive();
  void buildSend();
  GstCaps* rtpCaps(bool secure) const;
  void linkSendChain(GstCaps* inputCaps);
  static GstPadProbeReturn onInputData(GstPad* pad, GstPadProbeInfo* info, gpointer self);
  static GstPadProbeReturn onPeerRtp(GstPad* pad, GstPadProbeInfo* info, gpointer self);
  static GstPadProbeReturn onPeerRtcp(GstPad* pad, GstPadProbeInfo* info, gpointer self);
  void learnPeer(GstBuffer* buffer, bool rtcp);
  static GstCaps* onRequestKey(GstElement* srtpdec, guint ssrc, gpointer self);
  static GstCaps* onDecoderSoftLimit(GstElement* srtpdec, guint ssrc, gpointer self);
  static void onEncoderSoftLimit(GstElement* srtpenc, gpointer self);
  void startRemb(const RembSettings& settings);
  static gboolean onSendingRtcp(GObject* session, GstBuffer* buffer, gboolean early,
                                gpointer self);
  void appendRemb(GstBuffer* buffer);
  GObject* internalSession();
  static void onFeedback(GObject* session, guint type, guint fbtype, guint sender, guint media,
                         GstBuffer* fci, gpointer self);
  void setEncoderBitrate(int64_t bps);
  int64_t boundedBitrate(int64_t bps) const;

  GstBin* bin_;
  GstElement* rtpbin_;
  const guint sessionId_;
  SocketPair sockets_;
  GstPad* output_;
  GstPad* input_;
  const int mtu_;
  Callbacks callbacks_;

  std::mutex mutex_;
  MediaPlan plan_;
  bool started_ = false;
  bool outputLinked_ = false;
  bool sendLinked_ = false;
  GstElement* depayloader_ = nullptr;
  GstElement* rtpSink_ = nullptr;   // udpsink of RTP
  GstElement* rtcpSink_ = nullptr;  // udpsink of RTCP
  GstElement* rtcpAppsrc_ = nullptr;  // with rtcp-mux: where RTCP from the RTP port goes
  GstPad* sendTarget_ = nullptr;    // where the send chain ends (rtpbin send_rtp_sink)
  gulong inputProbe_ = 0;
  std::atomic<bool> peerSeen_{false};
  std::atomic<guint> remoteSsrc_{0};
  std::atomic<gint64> firstPacketUs_{0};
  std::atomic<bool> warnedUnusable_{false};
  GObject* rtpSession_ = nullptr;  // rtpbin's internal session, when REMB is on (a ref)
  std::unique_ptr<RembEstimator> remb_;
  std::atomic<int64_t> rembBps_{0};
  RembSettings limits_;
  GstElement* encoder_ = nullptr;  // in the send chain when transcoding video (owned by bin_)
  GstElement* sharedEncoder_ = nullptr;  // the source's, when it encodes for us (a reference)
  std::atomic<bool> awaitingSource_{true};
  std::atomic<int64_t> peerRembBps_{0};
  std::atomic<int64_t> encoderBps_{0};
  std::atomic<bool> rtpPeerLearned_{false};
  std::atomic<bool> rtcpPeerLearned_{false};
};

}  // namespace kurento::rtp
