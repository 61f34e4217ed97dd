// WebRtcEndpoint on GStreamer's webrtcbin (ICE with libnice, DTLS-SRTP, BUNDLE, RTCP feedback):
// offer/answer through the SdpEndpoint state machine, trickle ICE both ways (candidates that
// arrive before the offer are queued), and the same send/receive paths as RtpEndpoint, so media
// is forwarded without transcoding whenever the codecs match.
#pragma once

#include "MediaFlowMonitor.hpp"
#include "WebRtcEndpointBase.hpp"
#include "rtp/RtpCodecs.hpp"
#include "webrtc/OfferRepair.hpp"
#include "webrtc/WebRtcBin.hpp"
#include "webrtc/lean/LeanSendPeer.hpp"

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace kurento {

class WebRtcEndpointImpl : public WebRtcEndpointBase {
 public:
  WebRtcEndpointImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline, bool recvonly,
                     bool sendonly, bool useDataChannels, CertificateKeyType certificateKeyType,
                     DSCPValue qosDscp);
  ~WebRtcEndpointImpl() override;

  void gatherCandidates() override;
  void addIceCandidate(const std::shared_ptr<IceCandidate>& candidate) override;
  void createDataChannel(const std::string& label, const bool& ordered,
                         const int32_t& maxPacketLifeTime, const int32_t& maxRetransmits,
                         const std::string& protocol) override;
  void closeDataChannel(const int32_t& channelId) override;
  std::string getNetworkInterfaces() override;
  void setNetworkInterfaces(const std::string& networkInterfaces) override;
  bool getIceTcp() override;
  void setIceTcp(const bool& iceTcp) override;
  std::string getStunServerAddress() override;
  void setStunServerAddress(const std::string& stunServerAddress) override;
  int32_t getStunServerPort() override;
  void setStunServerPort(const int32_t& stunServerPort) override;
  std::string getTurnUrl() override;
  void setTurnUrl(const std::string& turnUrl) override;
  std::string getExternalIPv4() override;
  void setExternalIPv4(const std::string& externalIPv4) override;
  std::string getExternalIPv6() override;
  void setExternalIPv6(const std::string& externalIPv6) override;
  std::vector<std::shared_ptr<IceCandidatePair>> getICECandidatePairs() override;
  std::vector<std::shared_ptr<IceConnection>> getIceConnectionState() override;
  std::vector<std::shared_ptr<DtlsConnection>> getDtlsConnectionState() override;
  void requestKeyframe() override;
  std::map<std::string, std::shared_ptr<Stats>> getStats(
      const std::optional<MediaType>& mediaType) override;
  void releaseResources() override;
  bool handlesData() const override { return useDataChannels_; }
  void receiveData(const std::string& label, const std::string& payload, bool binary) override;

 protected:
  std::string createOffer(const OfferOptions& options) override;
  std::string createAnswer(const GstSDPMessage& offer) override;
  void applyAnswer(const GstSDPMessage& answer) override;
  void onNegotiated() override;
  // The source sends the negotiated codec (webrtc/WebRtcEndpointBitrate.cpp).
  GstCaps* acceptedInput(MediaType type) override;
  void inputEncoderChanged(MediaType type, GstElement* encoder) override;

 private:
  // One audio or video m= line.
  struct Line {
    MediaType type = MediaType::kInvalid;
    guint mline = 0;
    const rtp::CodecInfo* codec = nullptr;
    int payloadType = 0;
    std::string fmtp;
    bool send = true;
    GstPad* sinkPad = nullptr;  // webrtcbin's, once requested
  };
  struct InputWatch {
    WebRtcEndpointImpl* self;
    MediaType type;
    unsigned failures = 0;  // attempts to link a send path that failed
  };

  // webrtcbin, made when the endpoint needs it (at once unless the lean transport may serve).
  void ensureWebRtcBin();
  void configureIce();
  void restrictInterfaces();
  void chooseLines(const GstSDPMessage& remote, bool remoteIsOffer);
  void configureTransceivers();
  void requestSinkPads();
  GstPad* requestSinkPad(GstCaps* caps);
  void rememberMids(const std::string& localSdp);
  void applyPendingCandidates();
  void emitCandidate(guint mline, const std::string& candidate);
  static size_t slotOf(MediaType type) { return type == MediaType::AUDIO ? 0 : 1; }
  static const char* lowerName(MediaType type) {
    return type == MediaType::AUDIO ? "audio" : "video";
  }
  Line* lineOf(MediaType type);
  GstPad* payloaderTarget(const Line& line);
  void dropPayloaderTarget(const Line& line, GstPad* target);
  GstElement* queueAfter(GstPad* pad);
  void dropQueueAfter(GstPad* pad, GstElement* queue);
  // Whether the input probes wait for onNegotiated to tell the source (see onInputData).
  void awaitSource(bool awaiting) {
    for (std::atomic<bool>& slot : awaitingSource_) {
      slot = awaiting;
    }
    if (awaiting) {
      ++negotiation_;  // after the flags: a probe that sees the new count sees them set
    }
  }

  // Runs `work` with the endpoint's lock on the GLib main loop, later, in order
  // (webrtc/WebRtcEndpointIce.cpp).
  static void deferLocked(const std::weak_ptr<kms::RemoteObject>& weak,
                          std::function<void(WebRtcEndpointImpl&)> work);
  // What webrtcbin's and the lean transport's events share (webrtc/WebRtcEndpointIce.cpp,
  // webrtc/WebRtcEndpointTransport.cpp).
  void onLocalCandidate(guint mline, const std::string& candidate);
  void gatheringComplete();
  void reportIceState(IceComponentState state);
  void reportSelectedPair(const std::string& stream, int32_t component, const std::string& local,
                          const std::string& remote);
  void reportDtlsState(const std::string& connectionId, DtlsConnectionState state);

  // The lean send-only transport (webrtc/WebRtcEndpointLean.cpp): serves offers of viewers
  // that only receive audio/video, when WebRtcEndpoint.conf.ini's leanSendTransport allows it.
  class LeanEvents;
  bool answerLean(const GstSDPMessage& offer, std::string& answer);
  webrtc::lean::IceOptions leanIceOptions();
  GstPad* leanTarget(MediaType type);
  void dropLeanTarget(GstPad* target);
  void onLeanDtls(webrtc::lean::DtlsState state);
  void requestInputKeyframe(MediaType type);
  void addLeanStats(const std::optional<MediaType>& type, int64_t timestampMillis,
                    std::map<std::string, std::shared_ptr<Stats>>& result);
  // The outbound reports' targetBitrate when we encode for the peer (webrtc/WebRtcEndpointStats.cpp).
  void addTargetBitrate(std::map<std::string, std::shared_ptr<Stats>>& result);
  std::vector<std::shared_ptr<DtlsConnection>> leanDtlsConnections();
  void releaseLean();

  static GstPadProbeReturn onInputData(GstPad* pad, GstPadProbeInfo* info, gpointer watch);
  // Send gates (webrtc/WebRtcEndpointTransport.cpp): media reaches a line's transceiver only
  // once that line's DTLS transport is connected; before, webrtcbin would block the source's
  // thread, which has no queue of ours in front of it.
  static GstPadProbeReturn onInputGate(GstPad* pad, GstPadProbeInfo* info, gpointer watch);
  void updateSendGates();
  void setSendGate(size_t slot, bool open);
  void closeInputs();
  static void onIceCandidate(GstElement* webrtc, guint mline, gchar* candidate, gpointer self);
  static void onPadAdded(GstElement* webrtc, GstPad* pad, gpointer self);
  static void onGatheringState(GObject* webrtc, GParamSpec*, gpointer self);
  static void onIceState(GObject* webrtc, GParamSpec*, gpointer self);
  // ICE pair and DTLS state (webrtc/WebRtcEndpointTransport.cpp)
  void watchIce();
  void watchDtls();
  void unwatchTransport();
  // Packets from the peer (webrtc/WebRtcEndpointTransport.cpp): a peer that sends nothing at
  // all (no RTP, no RTCP) for a while is gone, which libnice alone notices only much later.
  void watchPeerPackets(GstElement* niceSource);
  void onPeerPackets(bool arriving);
  static void onSelectedPair(GObject* agent, guint stream, guint component, gpointer local,
                             gpointer remote, gpointer self);
  static void onDtlsState(GObject* transport, GParamSpec*, gpointer self);
  // Offers without ICE credentials (webrtc/WebRtcEndpointPeerPath.cpp)
  void learnPeerPath(const webrtc::OfferRepair& repair, const GstSDPMessage& offer);
  bool learnsPathOf(guint mline) const;
  bool takePath(guint stream, bool learnt);
  static void onPeerCandidate(GObject* agent, gpointer candidate, gpointer self);
  static void onGatheredForPeer(GObject* webrtc, GParamSpec*, gpointer self);
  static void onConnectionState(GObject* webrtc, GParamSpec*, gpointer self);
  static void onElementAdded(GstBin* webrtc, GstBin* parent, GstElement* element, gpointer self);
  void steerEncoder(GstElement* encoder);
  void applyEncoderBitrate();
  void withdrawEncoderWish();
  static void onFeedback(GObject* session, guint type, guint fbtype, guint sender, guint media,
                         GstBuffer* fci, gpointer self);
  void watchChannel(GstWebRTCDataChannel* channel);
  static void onDataChannel(GstElement* webrtc, GstWebRTCDataChannel* channel, gpointer self);
  static void onChannelOpen(GstWebRTCDataChannel* channel, gpointer self);
  static void onChannelClose(GstWebRTCDataChannel* channel, gpointer self);
  static void onChannelString(GstWebRTCDataChannel* channel, gchar* text, gpointer self);
  static void onChannelData(GstWebRTCDataChannel* channel, GBytes* data, gpointer self);

  const bool recvonly_;
  const bool sendonly_;
  const bool useDataChannels_;
  bool leanAllowed_ = false;  // the lean transport may serve this endpoint's viewer
  std::unique_ptr<webrtc::lean::LeanPeerListener> leanEvents_;  // a LeanEvents
  std::unique_ptr<webrtc::lean::LeanSendPeer> lean_;  // when it serves it
  std::string certificatePem_;
  std::string fingerprint_;
  GstElement* webrtc_ = nullptr;  // owned by bin()
  std::array<GstElement*, 2> inputs_{};  // the identity each media type's input goes to
  std::array<InputWatch, 2> inputWatches_{};
  // Each media type's DTLS transport (one of dtlsTransports_, which holds the reference) and
  // whether it is connected: read by the input gates and onDtlsState without our lock.
  std::array<std::atomic<GObject*>, 2> sendTransports_{};
  std::array<std::atomic<bool>, 2> sendOpen_{};
  std::atomic<bool> inputsClosed_{false};  // released: no media goes in any more
  std::array<bool, 2> outputLinked_{};
  // Negotiated, the source not told yet; read by the input probes without our lock.
  std::array<std::atomic<bool>, 2> awaitingSource_{};
  std::atomic<unsigned> negotiation_{0};
  std::array<GstElement*, 2> depayloaders_{};
  GstElement* videoEncoder_ = nullptr;  // in the send path when transcoding video
  kms::GRef<GstElement> sharedEncoder_;  // the source's encoder that feeds us, if any
  GObject* rtpSession_ = nullptr;       // webrtcbin's RTP session (a ref), for the peer's REMB
  std::atomic<int64_t> peerRembBps_{0};

  std::recursive_mutex mutex_;
  std::vector<Line> lines_;
  std::vector<Line> offered_;  // our offer's lines (generateOffer)
  std::vector<std::string> mids_;
  bool remoteSet_ = false;
  std::vector<std::pair<guint, std::string>> pendingRemote_;
  bool gathering_ = false;
  bool gatheringDone_ = false;
  bool gatheringDoneSent_ = false;
  std::vector<std::pair<guint, std::string>> pendingLocal_;
  IceComponentState iceState_ = IceComponentState::DISCONNECTED;
  GObject* niceAgent_ = nullptr;              // libnice's agent inside webrtcbin (a reference)
  std::vector<GObject*> dtlsTransports_;      // webrtcbin's DTLS transports (references)
  std::vector<std::shared_ptr<IceCandidatePair>> selectedPairs_;
  std::vector<guint> learntLines_;  // m= lines whose path comes from the peer (no credentials)
  std::vector<std::pair<std::string, guint>> peerDestinations_;  // their c=/m= addresses
  std::mutex pathMutex_;
  std::vector<std::pair<guint, bool>> peerPaths_;  // stream -> path chosen (learnt from a check)
  std::mutex livenessMutex_;  // guards the three below
  std::vector<std::unique_ptr<MediaFlowMonitor>> peerPackets_;  // one per nicesrc
  size_t silentSources_ = 0;
  bool peerLost_ = false;

  std::vector<GstWebRTCDataChannel*> channels_;  // references we hold

  std::string networkInterfaces_;
  bool interfacesApplied_ = false;
  bool iceTcp_ = true;
  std::string stunAddress_;
  int32_t stunPort_ = 3478;
  std::string turnUrl_;
  std::string externalIPv4_;
  std::string externalIPv6_;
};

}  // namespace kurento
