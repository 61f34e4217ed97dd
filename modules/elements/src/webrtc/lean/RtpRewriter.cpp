#include "webrtc/lean/RtpRewriter.hpp"

#include <cstring>
#include <random>

namespace kurento::webrtc::lean {

namespace {

constexpr size_t kFixedHeaderBytes = 12;
constexpr uint8_t kExtensionBit = 0x10;
constexpr uint8_t kPaddingBit = 0x20;
constexpr uint8_t kMarkerBit = 0x80;

uint16_t read16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

uint32_t read32(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | p[3];
}

void write16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

void write32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

}  // namespace

bool parseRtpLayout(const uint8_t* packet, size_t size, RtpLayout& layout) {
  if (packet == nullptr || size < kFixedHeaderBytes || (packet[0] >> 6) != 2) {
    return false;
  }
  const size_t header = kFixedHeaderBytes + 4u * (packet[0] & 0x0f);
  if (header > size) {
    return false;
  }
  size_t extension = 0;
  if (packet[0] & kExtensionBit) {
    if (header + 4 > size) {
      return false;
    }
    extension = 4 + 4u * read16(packet + header + 2);
    if (header + extension > size) {
      return false;
    }
  }
  size_t padding = 0;
  if (packet[0] & kPaddingBit) {
    padding = packet[size - 1];
    if (padding == 0 || header + extension + padding > size) {
      return false;
    }
  }
  layout.headerBytes = header;
  layout.extensionBytes = extension;
  layout.paddingBytes = padding;
  layout.payloadBytes = size - header - extension - padding;
  return true;
}

RtpRewriter::RtpRewriter(const RtpStreamConfig& config) : config_(config) {
  std::random_device random;
  firstSeq_ = config.firstSeq ? *config.firstSeq : static_cast<uint16_t>(random());
  firstTimestamp_ = config.firstTimestamp ? *config.firstTimestamp : random();
  if (config_.clockRateHz == 0) {
    config_.clockRateHz = 90000;
  }
}

void RtpRewriter::start(uint16_t srcSeq, uint32_t srcTimestamp, uint32_t srcSsrc) {
  started_ = true;
  srcSsrc_ = srcSsrc;
  seqOffset_ = static_cast<uint16_t>(firstSeq_ - srcSeq);
  timestampOffset_ = firstTimestamp_ - srcTimestamp;
  lastSrcSeq_ = static_cast<uint16_t>(srcSeq - 1);
  baseOutSeq_ = firstSeq_;
  lastOutSeq_ = static_cast<uint16_t>(firstSeq_ - 1);
}

void RtpRewriter::rebase(uint16_t srcSeq, uint32_t srcTimestamp, uint32_t srcSsrc,
                         int64_t nowWallUs) {
  rebase_ = false;
  srcSsrc_ = srcSsrc;
  seqOffset_ = static_cast<uint16_t>(lastOutSeq_ + 1 - srcSeq);
  // The new source's first packet comes as much later than the last one as the wall clock says,
  // and at least one tick, so that timestamps never go back.
  int64_t elapsedTicks = 1;
  if (nowWallUs > counters_.lastSentWallUs) {
    elapsedTicks = (nowWallUs - counters_.lastSentWallUs) * config_.clockRateHz / 1000000;
    elapsedTicks = elapsedTicks < 1 ? 1 : elapsedTicks;
  }
  const uint32_t next = counters_.lastRtpTimestamp + static_cast<uint32_t>(elapsedTicks);
  timestampOffset_ = next - srcTimestamp;
  lastSrcSeq_ = static_cast<uint16_t>(srcSeq - 1);
  baseOutSeq_ = static_cast<uint16_t>(lastOutSeq_ + 1);
}

bool RtpRewriter::isRestart(uint16_t srcSeq, uint32_t srcSsrc) const {
  if (srcSsrc != srcSsrc_) {
    return true;
  }
  const int delta = static_cast<int16_t>(static_cast<uint16_t>(srcSeq - lastSrcSeq_));
  return delta > kMaxDropout || delta < -kMaxMisorder;
}

bool RtpRewriter::rewrite(const uint8_t* packet, size_t size, int64_t nowWallUs, uint8_t* out,
                          size_t outCapacity, size_t& outSize) {
  RtpLayout layout;
  if (out == nullptr || !parseRtpLayout(packet, size, layout)) {
    return false;
  }
  const size_t dropped = config_.keepExtensions ? 0 : layout.extensionBytes;
  if (outCapacity < size - dropped) {
    return false;
  }
  const uint16_t srcSeq = read16(packet + 2);
  const uint32_t srcTimestamp = read32(packet + 4);
  const uint32_t srcSsrc = read32(packet + 8);
  if (!started_) {
    start(srcSeq, srcTimestamp, srcSsrc);
  } else if (rebase_ || isRestart(srcSeq, srcSsrc)) {
    rebase(srcSeq, srcTimestamp, srcSsrc, nowWallUs);
  }
  const uint16_t outSeq = static_cast<uint16_t>(srcSeq + seqOffset_);
  const uint32_t outTimestamp = srcTimestamp + timestampOffset_;
  outSize = writeCopy(packet, size, layout, outSeq, outTimestamp, out);

  if (static_cast<int16_t>(static_cast<uint16_t>(srcSeq - lastSrcSeq_)) > 0) {
    lastSrcSeq_ = srcSeq;
    lastOutSeq_ = outSeq;
    counters_.lastRtpTimestamp = outTimestamp;
    counters_.lastSentWallUs = nowWallUs;
  }
  counters_.packets++;
  counters_.octets += static_cast<uint32_t>(layout.payloadBytes);
  counters_.sent = true;
  return true;
}

size_t RtpRewriter::writeCopy(const uint8_t* packet, size_t size, const RtpLayout& layout,
                              uint16_t outSeq, uint32_t outTimestamp, uint8_t* out) const {
  const size_t dropped = config_.keepExtensions ? 0 : layout.extensionBytes;
  const uint8_t first = dropped > 0 ? static_cast<uint8_t>(packet[0] & ~kExtensionBit) : packet[0];
  const uint8_t second =
      static_cast<uint8_t>((packet[1] & kMarkerBit) | (config_.payloadType & 0x7f));
  // memmove: out may be packet itself (the tail then moves back over the dropped block).
  const size_t tail = layout.headerBytes + dropped;
  std::memmove(out + kFixedHeaderBytes, packet + kFixedHeaderBytes,
               layout.headerBytes - kFixedHeaderBytes);
  std::memmove(out + layout.headerBytes, packet + tail, size - tail);
  out[0] = first;
  out[1] = second;
  write16(out + 2, outSeq);
  write32(out + 4, outTimestamp);
  write32(out + 8, config_.ssrc);
  return size - dropped;
}

std::optional<uint16_t> RtpRewriter::sourceSeq(uint16_t seq) const {
  if (!started_) {
    return std::nullopt;
  }
  const int sinceBase = static_cast<int16_t>(static_cast<uint16_t>(seq - baseOutSeq_));
  const int beforeLast = static_cast<int16_t>(static_cast<uint16_t>(lastOutSeq_ - seq));
  if (sinceBase < 0 || beforeLast < 0) {
    return std::nullopt;
  }
  return static_cast<uint16_t>(seq - seqOffset_);
}

bool RtpRewriter::rewriteAgain(const uint8_t* packet, size_t size, uint8_t* out, size_t outCapacity,
                               size_t& outSize) const {
  RtpLayout layout;
  if (!started_ || out == nullptr || !parseRtpLayout(packet, size, layout) ||
      read32(packet + 8) != srcSsrc_) {
    return false;
  }
  const size_t dropped = config_.keepExtensions ? 0 : layout.extensionBytes;
  if (outCapacity < size - dropped) {
    return false;
  }
  const uint16_t outSeq = static_cast<uint16_t>(read16(packet + 2) + seqOffset_);
  const uint32_t outTimestamp = read32(packet + 4) + timestampOffset_;
  outSize = writeCopy(packet, size, layout, outSeq, outTimestamp, out);
  return true;
}

}  // namespace kurento::webrtc::lean
