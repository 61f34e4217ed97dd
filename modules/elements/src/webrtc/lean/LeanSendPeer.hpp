// A lean send-only WebRTC transport for one viewer: libnice ICE and the DTLS handshake on the
// shared IceLoop (no thread of its own), and on the source's thread, for each RTP packet the
// source payloaded once for every viewer: a rewritten copy (this viewer's SSRC, payload type,
// sequence numbers), SRTP, and libnice's socket. RTCP: a sender report per stream every
// second; the viewer's PLI/FIR become keyframe requests, its NACKs are answered from the
// packets kept, its REMB and receiver reports are kept for the stats.
#pragma once

#include "webrtc/lean/DtlsSrtp.hpp"
#include "webrtc/lean/IceSession.hpp"
#include "webrtc/lean/LeanAnswer.hpp"
#include "webrtc/lean/PacketHistory.hpp"
#include "webrtc/lean/Rtcp.hpp"
#include "webrtc/lean/RtpRewriter.hpp"

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace kurento::webrtc::lean {

class LeanPeerListener {
 public:
  virtual ~LeanPeerListener() = default;
  // All on the IceLoop thread.
  virtual void onLocalCandidate(const std::string& candidate) = 0;
  virtual void onGatheringDone() = 0;
  virtual void onIceState(IceState state) = 0;
  virtual void onSelectedPair(const std::string& local, const std::string& remote) = 0;
  virtual void onDtlsState(DtlsState state) = 0;
  virtual void onKeyframeRequest() = 0;
  virtual void onRemb(uint64_t bitrateBps) = 0;
  // Nothing (no RTCP, no DTLS) came from the viewer for kPeerSilenceMs, or it came back.
  virtual void onPeerSilent(bool silent) = 0;
};

// What one stream sent and what the viewer reported about it.
struct LeanStreamStats {
  MediaType type = MediaType::kInvalid;
  uint32_t ssrc = 0;
  uint64_t packetsSent = 0;
  uint64_t bytesSent = 0;  // payload bytes
  uint64_t nacksReceived = 0;
  uint64_t packetsResent = 0;
  uint64_t plisReceived = 0;
  uint64_t firsReceived = 0;
  std::optional<ReportBlock> lastReport;  // the viewer's latest, with its round trip
  uint64_t rembBps = 0;                   // the viewer's latest estimate, 0 before any
};

class LeanSendPeer : private IceListener {
 public:
  // A viewer sends RTCP at least every few seconds (RFC 3550): silence this long means it is
  // gone, long before ICE consent would expire.
  static constexpr int64_t kPeerSilenceMs = 5000;

  LeanSendPeer(const IceOptions& ice, std::string certificatePem, std::string fingerprint,
               LeanPeerListener& listener);
  // Stops every callback, sends DTLS close_notify.
  ~LeanSendPeer() override;

  // Our answer to `offer` (see LeanAnswer.hpp); the offer's candidates are added.
  std::string answer(const GstSDPMessage& offer);
  void gather() { ice_->gather(); }
  bool addRemoteCandidate(const std::string& candidate) {
    return ice_->addRemoteCandidate(candidate);
  }
  void remoteCandidatesDone() { ice_->remoteCandidatesDone(); }

  // Whether a line of `type` was agreed (it will send what sendRtp gets).
  bool sends(MediaType type) const;
  const std::vector<LeanLine>& lines() const { return lines_; }
  // One RTP packet of `type` as the source payloaded it; from the source's thread. Dropped
  // until DTLS is connected.
  void sendRtp(MediaType type, const uint8_t* packet, size_t size);
  std::vector<LeanStreamStats> stats() const;
  DtlsState dtlsState() const { return dtls_ ? dtls_->state() : DtlsState::kNew; }

 private:
  struct Stream {
    LeanLine line;
    std::unique_ptr<RtpRewriter> rewriter;
    // The source's packets of the last second, for the viewer's NACKs (null: none negotiated).
    std::unique_ptr<PacketHistory> history;
    mutable std::mutex mutex;  // all of the stream: its source's thread, the loop's
    LeanStreamStats stats;
  };

  void onLocalCandidate(const std::string& candidate) override {
    if (!closing_) {
      listener_.onLocalCandidate(candidate);
    }
  }
  void onGatheringDone() override {
    if (!closing_) {
      listener_.onGatheringDone();
    }
  }
  void onIceState(IceState state) override;
  void onSelectedPair(const std::string& local, const std::string& remote) override {
    if (!closing_) {
      listener_.onSelectedPair(local, remote);
    }
  }
  void onPacket(uint8_t* data, size_t size) override;
  void onDtlsChanged(DtlsState state);
  void scheduleDtlsTimer();
  void onRtcp(uint8_t* data, size_t size);
  void onFeedback(const RtcpFeedback& feedback);
  void resend(Stream& stream, const std::vector<uint16_t>& seqs);
  void sendReports();
  void checkSilence();
  bool protectAndSend(uint8_t* packet, size_t size, size_t capacity, bool rtcp);
  Stream* streamOf(MediaType type) const;
  Stream* streamOfSsrc(uint32_t ssrc) const;

  const std::string certificatePem_;
  const std::string fingerprint_;
  LeanPeerListener& listener_;
  std::unique_ptr<IceSession> ice_;
  std::unique_ptr<DtlsSrtpSession> dtls_;
  std::vector<LeanLine> lines_;
  std::vector<std::unique_ptr<Stream>> streams_;
  std::string cname_;
  RtcpContext rtcp_;          // loop thread
  RtcpFeedback feedback_;     // loop thread: reused, parsed into
  bool dtlsStarted_ = false;  // loop thread
  guint dtlsTimer_ = 0;       // loop thread
  guint reportTimer_ = 0;     // loop thread
  int64_t lastPacketUs_ = 0;  // loop thread: monotonic time of the viewer's last packet
  bool silent_ = false;       // loop thread
  std::atomic<bool> closing_{false};
};

}  // namespace kurento::webrtc::lean
