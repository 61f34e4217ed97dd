#include "webrtc/lean/Rtcp.hpp"

#include <gst/gst.h>
#include <gst/rtp/gstrtcpbuffer.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <utility>

namespace kurento::webrtc::lean {

namespace {

constexpr uint64_t kNtpUnixOffsetSec = 2208988800ULL;  // 1900-01-01 to 1970-01-01
constexpr size_t kMaxSsrcsKept = 32;
constexpr size_t kMaxFirSsrcsKept = 16;
constexpr uint32_t kRembMaxMantissa = (1u << 18) - 1;

uint32_t read32(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | p[3];
}

// A GstBuffer over bytes it neither owns nor copies.
class WrappedBuffer {
 public:
  WrappedBuffer(uint8_t* data, size_t maxSize, size_t size, bool readOnly)
      : buffer_(gst_buffer_new_wrapped_full(
            readOnly ? GST_MEMORY_FLAG_READONLY : static_cast<GstMemoryFlags>(0), data, maxSize, 0,
            size, nullptr, nullptr)) {}
  ~WrappedBuffer() { gst_buffer_unref(buffer_); }
  WrappedBuffer(const WrappedBuffer&) = delete;
  WrappedBuffer& operator=(const WrappedBuffer&) = delete;
  GstBuffer* get() const { return buffer_; }

 private:
  GstBuffer* buffer_;
};

uint32_t extrapolatedTimestamp(const SenderStream& stream, int64_t nowWallUs) {
  const SenderCounters& c = stream.counters;
  const int64_t elapsedUs = nowWallUs - c.lastSentWallUs;
  const int64_t ticks = elapsedUs * static_cast<int64_t>(stream.clockRateHz) / 1000000;
  return c.lastRtpTimestamp + static_cast<uint32_t>(ticks);
}

bool addReports(GstRTCPBuffer* rtcp, const SenderStream* streams, size_t count, int64_t nowWallUs,
                uint64_t ntp) {
  GstRTCPPacket packet;
  bool any = false;
  for (size_t i = 0; i < count; ++i) {
    const SenderStream& s = streams[i];
    if (!s.counters.sent) {
      continue;
    }
    if (!gst_rtcp_buffer_add_packet(rtcp, GST_RTCP_TYPE_SR, &packet)) {
      return false;
    }
    gst_rtcp_packet_sr_set_sender_info(&packet, s.ssrc, ntp, extrapolatedTimestamp(s, nowWallUs),
                                       s.counters.packets, s.counters.octets);
    any = true;
  }
  if (any) {
    return true;
  }
  // Nothing sent yet: a compound packet still starts with a report (RFC 3550 6.1).
  if (!gst_rtcp_buffer_add_packet(rtcp, GST_RTCP_TYPE_RR, &packet)) {
    return false;
  }
  gst_rtcp_packet_rr_set_ssrc(&packet, streams[0].ssrc);
  return true;
}

// One SDES packet per SSRC, each with one CNAME chunk: GStreamer 1.22's
// gst_rtcp_packet_sdes_add_item() cannot step over a chunk that is already complete (its next-item
// check wants room the packet does not have yet) and writes the second chunk over the first.
bool addSdes(GstRTCPBuffer* rtcp, const SenderStream* streams, size_t count,
             const std::string& cname) {
  const auto length = static_cast<guint8>(std::min<size_t>(cname.size(), 255));
  const auto* text = reinterpret_cast<const guint8*>(cname.data());
  GstRTCPPacket packet;
  for (size_t i = 0; i < count; ++i) {
    if (!gst_rtcp_buffer_add_packet(rtcp, GST_RTCP_TYPE_SDES, &packet) ||
        !gst_rtcp_packet_sdes_add_item(&packet, streams[i].ssrc) ||
        !gst_rtcp_packet_sdes_add_entry(&packet, GST_RTCP_SDES_CNAME, length, text)) {
      return false;
    }
  }
  return true;
}

}  // namespace

uint64_t ntpFromWallUs(int64_t wallUs) {
  const uint64_t us = wallUs > 0 ? static_cast<uint64_t>(wallUs) : 0;
  const uint64_t seconds = us / 1000000 + kNtpUnixOffsetSec;
  const uint64_t fraction = ((us % 1000000) << 32) / 1000000;
  return (seconds << 32) | fraction;
}

uint64_t rembBitrateBps(uint8_t exponent, uint32_t mantissa) {
  if (mantissa == 0) {
    return 0;
  }
  if (exponent >= 64 || mantissa > (UINT64_MAX >> exponent)) {
    return UINT64_MAX;
  }
  return static_cast<uint64_t>(mantissa) << exponent;
}

void RtcpFeedback::clear() {
  reports.clear();
  pliSsrcs.clear();
  firs.clear();
  rembs.clear();
  nacks.clear();
  otherPackets = 0;
}

RtcpContext::RtcpContext(std::string cname) : cname_(std::move(cname)) {}

size_t RtcpContext::buildSenderReports(const SenderStream* streams, size_t count, int64_t nowWallUs,
                                       uint8_t* out, size_t capacity) {
  if (streams == nullptr || count == 0 || out == nullptr || capacity == 0 || capacity > UINT_MAX) {
    return 0;
  }
  const uint64_t ntp = ntpFromWallUs(nowWallUs);
  WrappedBuffer buffer(out, capacity, 0, false);
  GstRTCPBuffer rtcp = GST_RTCP_BUFFER_INIT;
  gst_rtcp_buffer_map(buffer.get(), GST_MAP_READWRITE, &rtcp);
  const bool ok =
      addReports(&rtcp, streams, count, nowWallUs, ntp) && addSdes(&rtcp, streams, count, cname_);
  gst_rtcp_buffer_unmap(&rtcp);
  if (!ok) {
    return 0;
  }
  for (size_t i = 0; i < count; ++i) {
    if (streams[i].counters.sent) {
      rememberSr(streams[i].ssrc, ntpMiddle32(ntp));
    }
  }
  return gst_buffer_get_size(buffer.get());
}

void RtcpContext::rememberSr(uint32_t ssrc, uint32_t lsr) {
  auto it = std::find_if(sent_.begin(), sent_.end(),
                         [ssrc](const SentReports& s) { return s.ssrc == ssrc; });
  if (it == sent_.end()) {
    if (sent_.size() >= kMaxSsrcsKept) {
      sent_.erase(sent_.begin());
    }
    sent_.push_back(SentReports{ssrc, {}, 0});
    it = sent_.end() - 1;
  }
  it->lsr[it->next] = lsr;
  it->next = (it->next + 1) % kSrsKeptPerSsrc;
}

bool RtcpContext::sentSr(uint32_t ssrc, uint32_t lsr) const {
  for (const SentReports& s : sent_) {
    if (s.ssrc == ssrc) {
      return std::find(s.lsr.begin(), s.lsr.end(), lsr) != s.lsr.end();
    }
  }
  return false;
}

bool RtcpContext::isNewFir(uint32_t ssrc, uint8_t seqNr) {
  for (LastFir& fir : firs_) {
    if (fir.ssrc == ssrc) {
      const bool fresh = fir.seqNr != seqNr;
      fir.seqNr = seqNr;
      return fresh;
    }
  }
  if (firs_.size() >= kMaxFirSsrcsKept) {
    firs_.erase(firs_.begin());
  }
  firs_.push_back(LastFir{ssrc, seqNr});
  return true;
}

// Reads one packet of a validated compound packet; false when it is shorter than its content.
class RtcpReader {
 public:
  RtcpReader(RtcpContext& context, uint32_t arrivalNtp32, RtcpFeedback& out)
      : context_(context), arrivalNtp32_(arrivalNtp32), out_(out) {}

  bool read(GstRTCPPacket* packet) {
    switch (gst_rtcp_packet_get_type(packet)) {
      case GST_RTCP_TYPE_SR:
      case GST_RTCP_TYPE_RR:
        return readReports(packet);
      case GST_RTCP_TYPE_RTPFB:
        return readTransportFeedback(packet);
      case GST_RTCP_TYPE_PSFB:
        return readPayloadFeedback(packet);
      default:
        out_.otherPackets++;
        return true;
    }
  }

 private:
  // The packet's 32-bit words after its header, without the padding.
  static bool contentWords(GstRTCPPacket* packet, unsigned& words) {
    words = gst_rtcp_packet_get_length(packet);
    if (!gst_rtcp_packet_get_padding(packet)) {
      return true;
    }
    const uint8_t* data = packet->rtcp->map.data + packet->offset;
    const unsigned padBytes = data[(words + 1) * 4 - 1];
    if (padBytes == 0 || padBytes % 4 != 0 || padBytes / 4 > words) {
      return false;
    }
    words -= padBytes / 4;
    return true;
  }

  bool readReports(GstRTCPPacket* packet) {
    const bool sr = gst_rtcp_packet_get_type(packet) == GST_RTCP_TYPE_SR;
    const unsigned count = gst_rtcp_packet_get_rb_count(packet);
    unsigned words = 0;
    if (!contentWords(packet, words) || (sr ? 6u : 1u) + 6u * count > words) {
      return false;
    }
    uint32_t reporter = 0;
    if (sr) {
      gst_rtcp_packet_sr_get_sender_info(packet, &reporter, nullptr, nullptr, nullptr, nullptr);
    } else {
      reporter = gst_rtcp_packet_rr_get_ssrc(packet);
    }
    for (unsigned i = 0; i < count; ++i) {
      ReportBlock block;
      block.reporterSsrc = reporter;
      gst_rtcp_packet_get_rb(packet, i, &block.ssrc, &block.fractionLost, &block.cumulativeLost,
                             &block.extendedHighestSeq, &block.jitter, &block.lsr, &block.dlsr);
      if (block.lsr != 0 && context_.sentSr(block.ssrc, block.lsr)) {
        uint32_t rtt = arrivalNtp32_ - block.lsr - block.dlsr;
        rtt = static_cast<int32_t>(rtt) < 0 ? 0 : rtt;
        block.rttUs = static_cast<int64_t>(static_cast<uint64_t>(rtt) * 1000000 / 65536);
      }
      out_.reports.push_back(block);
    }
    return true;
  }

  static bool fciWords(GstRTCPPacket* packet, unsigned& words) {
    if (!contentWords(packet, words) || words < 2) {
      return false;
    }
    words -= 2;  // sender and media SSRC
    return true;
  }

  bool readTransportFeedback(GstRTCPPacket* packet) {
    if (gst_rtcp_packet_fb_get_type(packet) != GST_RTCP_RTPFB_TYPE_NACK) {
      out_.otherPackets++;
      return true;
    }
    unsigned words = 0;
    if (!fciWords(packet, words) || words == 0) {
      return false;
    }
    const uint8_t* fci = gst_rtcp_packet_fb_get_fci(packet);
    Nack nack;
    nack.senderSsrc = gst_rtcp_packet_fb_get_sender_ssrc(packet);
    nack.mediaSsrc = gst_rtcp_packet_fb_get_media_ssrc(packet);
    for (unsigned i = 0; i < words; ++i) {
      const uint8_t* entry = fci + 4 * i;
      const auto pid = static_cast<uint16_t>((entry[0] << 8) | entry[1]);
      const unsigned blp = (entry[2] << 8) | entry[3];
      nack.seqs.push_back(pid);
      for (unsigned bit = 0; bit < 16; ++bit) {
        if (blp & (1u << bit)) {
          nack.seqs.push_back(static_cast<uint16_t>(pid + bit + 1));
        }
      }
    }
    out_.nacks.push_back(std::move(nack));
    return true;
  }

  bool readPayloadFeedback(GstRTCPPacket* packet) {
    unsigned words = 0;
    if (!fciWords(packet, words)) {
      return false;
    }
    const uint8_t* fci = words > 0 ? gst_rtcp_packet_fb_get_fci(packet) : nullptr;
    switch (gst_rtcp_packet_fb_get_type(packet)) {
      case GST_RTCP_PSFB_TYPE_PLI:
        out_.pliSsrcs.push_back(gst_rtcp_packet_fb_get_media_ssrc(packet));
        return true;
      case GST_RTCP_PSFB_TYPE_FIR:
        return readFir(fci, words);
      case GST_RTCP_PSFB_TYPE_AFB:
        if (words >= 1 && std::memcmp(fci, "REMB", 4) == 0) {
          return readRemb(gst_rtcp_packet_fb_get_sender_ssrc(packet), fci, words);
        }
        out_.otherPackets++;
        return true;
      default:
        out_.otherPackets++;
        return true;
    }
  }

  // RFC 5104 4.3.1: entries of SSRC, seq nr and 24 reserved bits.
  bool readFir(const uint8_t* fci, unsigned words) {
    if (words == 0 || words % 2 != 0) {
      return false;
    }
    for (unsigned i = 0; i < words / 2; ++i) {
      const uint8_t* entry = fci + 8 * i;
      const FirRequest fir{read32(entry), entry[4]};
      if (context_.isNewFir(fir.ssrc, fir.seqNr)) {
        out_.firs.push_back(fir);
      }
    }
    return true;
  }

  // draft-alvestrand-rmcat-remb: "REMB", SSRC count, 6-bit exponent, 18-bit mantissa, SSRCs.
  bool readRemb(uint32_t senderSsrc, const uint8_t* fci, unsigned words) {
    if (words < 2 || 2u + fci[4] > words) {
      return false;
    }
    Remb remb;
    remb.senderSsrc = senderSsrc;
    const uint32_t mantissa = (static_cast<uint32_t>(fci[5] & 3) << 16) | (fci[6] << 8) | fci[7];
    remb.bitrateBps = rembBitrateBps(fci[5] >> 2, mantissa & kRembMaxMantissa);
    for (unsigned i = 0; i < fci[4]; ++i) {
      remb.ssrcs.push_back(read32(fci + 8 + 4 * i));
    }
    out_.rembs.push_back(std::move(remb));
    return true;
  }

  RtcpContext& context_;
  uint32_t arrivalNtp32_;
  RtcpFeedback& out_;
};

bool RtcpContext::parse(const uint8_t* data, size_t size, int64_t nowWallUs, RtcpFeedback& out) {
  out.clear();
  auto* bytes = const_cast<uint8_t*>(data);  // only read: GStreamer's API is not const
  if (bytes == nullptr || size < 4 || size > UINT_MAX ||
      !gst_rtcp_buffer_validate_data_reduced(bytes, static_cast<guint>(size))) {
    return false;
  }
  WrappedBuffer buffer(bytes, size, size, true);
  GstRTCPBuffer rtcp = GST_RTCP_BUFFER_INIT;
  gst_rtcp_buffer_map(buffer.get(), GST_MAP_READ, &rtcp);
  RtcpReader reader(*this, ntpMiddle32(ntpFromWallUs(nowWallUs)), out);
  bool ok = true;
  size_t end = 0;
  GstRTCPPacket packet;
  for (gboolean more = gst_rtcp_buffer_get_first_packet(&rtcp, &packet); more && ok;
       more = gst_rtcp_packet_move_to_next(&packet)) {
    ok = reader.read(&packet);
    end = packet.offset + (gst_rtcp_packet_get_length(&packet) + 1u) * 4u;
  }
  gst_rtcp_buffer_unmap(&rtcp);
  // GStreamer stops at a packet shorter than its type's minimum: that is a bad length too.
  if (!ok || end != size) {
    ok = false;
    out.clear();
  }
  return ok;
}

}  // namespace kurento::webrtc::lean
