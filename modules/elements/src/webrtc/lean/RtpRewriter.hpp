// The RTP header of one outgoing stream of a lean send-only WebRTC transport: a viewer receives a
// source's already payloaded packets, each copy rewritten for that viewer (its SSRC, payload type,
// sequence numbers and timestamps), then protected with SRTP by another component.
//
// Sequence numbers: the first packet gets a random one (unless configured); after that the
// source's numbers are shifted by a fixed offset, so the source's gaps stay gaps and 65535 is
// followed by 0. A new source (switchSource(), another source SSRC, or a jump of more than
// kMaxDropout forward or kMaxMisorder back, as RFC 3550 A.1 counts a restart) continues from the
// last number sent plus one, and its timestamps from the last sent plus the wall time elapsed.
//
// Header extensions: the source's ids are not the viewer's (each viewer negotiates its own), so
// by default the extension block is removed (the X bit cleared, the block dropped); the payload
// and any padding are copied byte for byte. keepExtensions copies the block unchanged instead.
//
// No allocation per packet: rewrite() writes into the caller's buffer (which may be the input).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace kurento::webrtc::lean {

// Where the parts of a valid RTP packet lie.
struct RtpLayout {
  size_t headerBytes = 0;     // fixed header and CSRC list
  size_t extensionBytes = 0;  // the extension block with its 4-byte header; 0 when X is clear
  size_t payloadBytes = 0;
  size_t paddingBytes = 0;  // including the count byte; 0 when P is clear
};

// Checks version 2, the CSRC list, the extension block and the padding against size.
bool parseRtpLayout(const uint8_t* packet, size_t size, RtpLayout& layout);

struct RtpStreamConfig {
  uint32_t ssrc = 0;
  uint8_t payloadType = 0;  // 0..127
  uint32_t clockRateHz = 90000;
  bool keepExtensions = false;
  std::optional<uint16_t> firstSeq;        // random when unset
  std::optional<uint32_t> firstTimestamp;  // random when unset
};

// What a Sender Report needs about the packets sent so far (RFC 3550 6.4.1).
struct SenderCounters {
  uint32_t packets = 0;
  uint32_t octets = 0;            // payload bytes, without headers and padding (wraps as in the SR)
  uint32_t lastRtpTimestamp = 0;  // of the highest sequence number sent
  int64_t lastSentWallUs = 0;     // wall clock (Unix epoch) when that packet was rewritten
  bool sent = false;              // false until the first packet
};

class RtpRewriter {
 public:
  static constexpr int kMaxDropout = 3000;
  static constexpr int kMaxMisorder = 100;

  explicit RtpRewriter(const RtpStreamConfig& config);

  // Writes the viewer's copy of packet into out (out == packet rewrites in place) and sets
  // outSize. False, with nothing counted, when the packet is malformed or out is too small.
  // nowWallUs: wall clock in microseconds since the Unix epoch (g_get_real_time()).
  bool rewrite(const uint8_t* packet, size_t size, int64_t nowWallUs, uint8_t* out,
               size_t outCapacity, size_t& outSize);

  // NACKs: the source's number of the packet sent as `seq` under the current mapping; nullopt
  // for a number not sent since the last rebase (another source's) or not sent yet.
  std::optional<uint16_t> sourceSeq(uint16_t seq) const;
  // The viewer's copy of a source packet sent before (from a history), under the current
  // mapping, nothing counted; false when it is malformed or of another source.
  bool rewriteAgain(const uint8_t* packet, size_t size, uint8_t* out, size_t outCapacity,
                    size_t& outSize) const;

  // The next packet comes from another source (or the same one restarted).
  void switchSource() { rebase_ = true; }

  const SenderCounters& counters() const { return counters_; }
  const RtpStreamConfig& config() const { return config_; }
  uint16_t lastSeq() const { return lastOutSeq_; }

 private:
  void start(uint16_t srcSeq, uint32_t srcTimestamp, uint32_t srcSsrc);
  void rebase(uint16_t srcSeq, uint32_t srcTimestamp, uint32_t srcSsrc, int64_t nowWallUs);
  bool isRestart(uint16_t srcSeq, uint32_t srcSsrc) const;
  // Writes the viewer's copy of `packet` (parsed as `layout`) with `outSeq`; returns its size.
  size_t writeCopy(const uint8_t* packet, size_t size, const RtpLayout& layout, uint16_t outSeq,
                   uint32_t outTimestamp, uint8_t* out) const;

  RtpStreamConfig config_;
  SenderCounters counters_;
  bool started_ = false;
  bool rebase_ = false;
  uint32_t srcSsrc_ = 0;
  uint16_t lastSrcSeq_ = 0;  // highest source number seen since the last rebase
  uint16_t seqOffset_ = 0;
  uint32_t timestampOffset_ = 0;
  uint16_t lastOutSeq_ = 0;
  uint16_t baseOutSeq_ = 0;  // the first number sent since the last start or rebase
  uint16_t firstSeq_ = 0;
  uint32_t firstTimestamp_ = 0;
};

}  // namespace kurento::webrtc::lean
