// RTCP of a lean send-only WebRTC transport, built and read with GStreamer's GstRTCPBuffer over
// the caller's bytes (wrapped, not copied).
//
// Sending: one compound packet for all the streams of a viewer (audio and video): an SR per SSRC
// that has sent (RFC 8108 allows several SRs in one compound packet; browsers accept it), then an
// SDES packet with the CNAME per SSRC (one chunk each; see Rtcp.cpp for why not one SDES). Before
// any packet was sent the compound starts with an empty RR instead. The middle 32 bits of each SR's
// NTP time are kept per SSRC to compute the RTT.
//
// Receiving: the viewer's compound (or reduced-size, RFC 5506) packet: report blocks (with the RTT
// from LSR/DLSR, RFC 3550 6.4.1), PLI, FIR (a repeated sequence number is not a new request),
// REMB, generic NACK; everything else is counted in otherPackets.
//
// GStreamer must be initialized (gst_init) first: both wrap the bytes in a GstBuffer.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "webrtc/lean/RtpRewriter.hpp"

namespace kurento::webrtc::lean {

// 64-bit NTP time (seconds since 1900 in the upper 32 bits) of a Unix wall clock in microseconds.
uint64_t ntpFromWallUs(int64_t wallUs);
// The compact form that LSR and DLSR use: 16.16 fixed point seconds.
inline uint32_t ntpMiddle32(uint64_t ntp) { return static_cast<uint32_t>(ntp >> 16); }
// A REMB bitrate: mantissa * 2^exponent, saturated to UINT64_MAX.
uint64_t rembBitrateBps(uint8_t exponent, uint32_t mantissa);

struct SenderStream {
  uint32_t ssrc = 0;
  uint32_t clockRateHz = 90000;
  SenderCounters counters;
};

struct ReportBlock {
  uint32_t reporterSsrc = 0;  // the RR's (or SR's) sender
  uint32_t ssrc = 0;          // the stream reported on (ours)
  uint8_t fractionLost = 0;   // in 1/256
  int32_t cumulativeLost = 0;
  uint32_t extendedHighestSeq = 0;
  uint32_t jitter = 0;  // in RTP timestamp units
  uint32_t lsr = 0;
  uint32_t dlsr = 0;             // in 1/65536 s
  std::optional<int64_t> rttUs;  // when LSR is one of the SRs we sent for ssrc
};

struct FirRequest {
  uint32_t ssrc = 0;  // the media sender asked for a keyframe
  uint8_t seqNr = 0;
};

struct Remb {
  uint32_t senderSsrc = 0;
  uint64_t bitrateBps = 0;
  std::vector<uint32_t> ssrcs;
};

struct Nack {
  uint32_t senderSsrc = 0;
  uint32_t mediaSsrc = 0;
  std::vector<uint16_t> seqs;  // PID and every seq its BLP marks, in FCI order
};

struct RtcpFeedback {
  std::vector<ReportBlock> reports;
  std::vector<uint32_t> pliSsrcs;  // the media SSRC of each PLI
  std::vector<FirRequest> firs;    // new requests only
  std::vector<Remb> rembs;
  std::vector<Nack> nacks;
  unsigned otherPackets = 0;  // SDES, BYE, APP, XR, other feedback types, unknown types

  void clear();
};

class RtcpContext {
 public:
  static constexpr size_t kSrsKeptPerSsrc = 8;

  explicit RtcpContext(std::string cname);

  // Writes the compound packet into out; returns its size, 0 when out is too small (it needs a
  // byte more than the packet: GstRTCPBuffer wants room left) or streams is empty.
  size_t buildSenderReports(const SenderStream* streams, size_t count, int64_t nowWallUs,
                            uint8_t* out, size_t capacity);

  // Reads a compound packet from the viewer into out (cleared first). False, with out cleared,
  // when it is not valid RTCP: a wrong version, lengths that do not add up, a packet shorter
  // than its type needs (report blocks, FCI) or a REMB whose SSRC count overruns.
  bool parse(const uint8_t* data, size_t size, int64_t nowWallUs, RtcpFeedback& out);

 private:
  struct SentReports {
    uint32_t ssrc = 0;
    std::array<uint32_t, kSrsKeptPerSsrc> lsr{};
    size_t next = 0;
  };
  struct LastFir {
    uint32_t ssrc = 0;
    uint8_t seqNr = 0;
  };

  void rememberSr(uint32_t ssrc, uint32_t lsr);
  bool sentSr(uint32_t ssrc, uint32_t lsr) const;
  bool isNewFir(uint32_t ssrc, uint8_t seqNr);
  friend class RtcpReader;

  std::string cname_;
  std::vector<SentReports> sent_;
  std::vector<LastFir> firs_;
};

}  // namespace kurento::webrtc::lean
