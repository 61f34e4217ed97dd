// The lean send-only transport's RTCP: our SRs read back with GStreamer's GstRTCPBuffer reader,
// and the viewer's feedback written with GStreamer's GstRTCPBuffer builder, so both directions
// are checked against an implementation other than the one under test.
#include <gst/gst.h>
#include <gst/rtp/gstrtcpbuffer.h>
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "LeanTestBytes.hpp"
#include "webrtc/lean/Rtcp.hpp"

namespace lean = kurento::webrtc::lean;

namespace {

using namespace lean_test;

constexpr uint32_t kAudioSsrc = 0x0A0A0A0A;
constexpr uint32_t kVideoSsrc = 0x0B0B0B0B;
constexpr uint32_t kViewerSsrc = 0x12345678;

void ensureGst() {
  static const bool initialized = [] {
    gst_init(nullptr, nullptr);
    // A GStreamer call outside its contract (g_return_if_fail) fails the test run.
    g_log_set_always_fatal(static_cast<GLogLevelFlags>(G_LOG_LEVEL_CRITICAL));
    return true;
  }();
  (void)initialized;
}

// gtest_discover_tests runs each test alone: GStreamer is initialized before any of them.
class GstEnvironment : public testing::Environment {
 public:
  void SetUp() override { ensureGst(); }
};
testing::Environment* const gstEnvironment = testing::AddGlobalTestEnvironment(new GstEnvironment);

// The viewer's side: RTCP written with GStreamer's own builder.
class RtcpWriter {
 public:
  RtcpWriter() {
    ensureGst();
    buffer_ = gst_rtcp_buffer_new(1500);
    gst_rtcp_buffer_map(buffer_, GST_MAP_READWRITE, &rtcp_);
  }
  ~RtcpWriter() { gst_buffer_unref(buffer_); }

  GstRTCPPacket* add(GstRTCPType type) {
    EXPECT_TRUE(gst_rtcp_buffer_add_packet(&rtcp_, type, &packet_));
    return &packet_;
  }
  GstRTCPPacket* rr() {
    GstRTCPPacket* p = add(GST_RTCP_TYPE_RR);
    gst_rtcp_packet_rr_set_ssrc(p, kViewerSsrc);
    return p;
  }
  uint8_t* feedback(GstRTCPType type, GstRTCPFBType fmt, uint32_t media, uint16_t fciWords) {
    GstRTCPPacket* p = add(type);
    gst_rtcp_packet_fb_set_type(p, fmt);
    gst_rtcp_packet_fb_set_sender_ssrc(p, kViewerSsrc);
    gst_rtcp_packet_fb_set_media_ssrc(p, media);
    EXPECT_TRUE(gst_rtcp_packet_fb_set_fci_length(p, fciWords));
    return fciWords ? gst_rtcp_packet_fb_get_fci(p) : nullptr;
  }
  void remb(uint8_t exponent, uint32_t mantissa, const std::vector<uint32_t>& ssrcs) {
    uint8_t* fci = feedback(GST_RTCP_TYPE_PSFB, GST_RTCP_PSFB_TYPE_AFB, 0, 2 + ssrcs.size());
    std::memcpy(fci, "REMB", 4);
    fci[4] = static_cast<uint8_t>(ssrcs.size());
    fci[5] = static_cast<uint8_t>((exponent << 2) | (mantissa >> 16));
    put16(fci + 6, mantissa & 0xffff);
    for (size_t i = 0; i < ssrcs.size(); ++i) {
      put32(fci + 8 + 4 * i, ssrcs[i]);
    }
  }
  void fir(const std::vector<std::pair<uint32_t, uint8_t>>& entries) {
    uint8_t* fci = feedback(GST_RTCP_TYPE_PSFB, GST_RTCP_PSFB_TYPE_FIR, 0, 2 * entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
      put32(fci + 8 * i, entries[i].first);
      fci[8 * i + 4] = entries[i].second;
      std::memset(fci + 8 * i + 5, 0, 3);
    }
  }
  void nack(uint32_t media, const std::vector<std::pair<uint16_t, uint16_t>>& pidBlp) {
    uint8_t* fci = feedback(GST_RTCP_TYPE_RTPFB, GST_RTCP_RTPFB_TYPE_NACK, media, pidBlp.size());
    for (size_t i = 0; i < pidBlp.size(); ++i) {
      put16(fci + 4 * i, pidBlp[i].first);
      put16(fci + 4 * i + 2, pidBlp[i].second);
    }
  }
  void cname(const char* text) {
    GstRTCPPacket* p = add(GST_RTCP_TYPE_SDES);
    gst_rtcp_packet_sdes_add_item(p, kViewerSsrc);
    gst_rtcp_packet_sdes_add_entry(p, GST_RTCP_SDES_CNAME, std::strlen(text),
                                   reinterpret_cast<const guint8*>(text));
  }
  Bytes finish() {
    gst_rtcp_buffer_unmap(&rtcp_);
    GstMapInfo map;
    gst_buffer_map(buffer_, &map, GST_MAP_READ);
    Bytes bytes(map.data, map.data + map.size);
    gst_buffer_unmap(buffer_, &map);
    return bytes;
  }

 private:
  GstBuffer* buffer_;
  GstRTCPBuffer rtcp_ = GST_RTCP_BUFFER_INIT;
  GstRTCPPacket packet_;
};

void forEachPacket(const Bytes& bytes, const std::function<void(GstRTCPPacket*)>& visit) {
  ensureGst();
  GstBuffer* buffer = gst_buffer_new_memdup(bytes.data(), bytes.size());
  EXPECT_TRUE(gst_rtcp_buffer_validate(buffer));  // a full compound packet, not reduced size
  GstRTCPBuffer rtcp = GST_RTCP_BUFFER_INIT;
  gst_rtcp_buffer_map(buffer, GST_MAP_READ, &rtcp);
  GstRTCPPacket packet;
  for (gboolean more = gst_rtcp_buffer_get_first_packet(&rtcp, &packet); more;
       more = gst_rtcp_packet_move_to_next(&packet)) {
    visit(&packet);
  }
  gst_rtcp_buffer_unmap(&rtcp);
  gst_buffer_unref(buffer);
}

lean::SenderStream stream(uint32_t ssrc, uint32_t clockRateHz, uint32_t packets, uint32_t octets,
                          uint32_t lastTs, int64_t lastSentUs) {
  lean::SenderStream s;
  s.ssrc = ssrc;
  s.clockRateHz = clockRateHz;
  s.counters.packets = packets;
  s.counters.octets = octets;
  s.counters.lastRtpTimestamp = lastTs;
  s.counters.lastSentWallUs = lastSentUs;
  s.counters.sent = true;
  return s;
}

Bytes buildSrs(lean::RtcpContext& context, const std::vector<lean::SenderStream>& streams,
               int64_t nowUs) {
  Bytes out(1500);
  const size_t size =
      context.buildSenderReports(streams.data(), streams.size(), nowUs, out.data(), out.size());
  out.resize(size);
  return out;
}

lean::RtcpFeedback parse(lean::RtcpContext& context, const Bytes& bytes, bool valid = true,
                         int64_t nowUs = kWallUs) {
  lean::RtcpFeedback feedback;
  EXPECT_EQ(context.parse(bytes.data(), bytes.size(), nowUs, feedback), valid);
  return feedback;
}

}  // namespace

TEST(LeanRtcp, NtpTime) {
  EXPECT_EQ(lean::ntpFromWallUs(kWallUs), (1700000000ULL + 2208988800ULL) << 32);
  EXPECT_EQ(lean::ntpFromWallUs(kWallUs + 250000) & 0xffffffffu, 1ULL << 30);
  ensureGst();
  EXPECT_EQ(gst_rtcp_ntp_to_unix(lean::ntpFromWallUs(kWallUs + 500000)),
            static_cast<uint64_t>(kWallUs + 500000) * 1000);
  EXPECT_EQ(lean::ntpMiddle32(lean::ntpFromWallUs(kWallUs + 500000)),
            static_cast<uint32_t>(((1700000000ULL + 2208988800ULL) << 16) | 0x8000));
}

TEST(LeanRtcp, SenderReportsReadBackWithGStreamer) {
  lean::RtcpContext context("viewer-7@kms");
  const int64_t now = kWallUs + 500000;
  const Bytes bytes = buildSrs(context,
                               {stream(kAudioSsrc, 48000, 50, 5000, 1000, kWallUs),
                                stream(kVideoSsrc, 90000, 300, 300000, 450000, kWallUs - 20000)},
                               now);
  ASSERT_FALSE(bytes.empty());
  struct Sr {
    uint32_t ssrc, rtp, packets, octets;
    uint64_t ntp;
  };
  std::vector<Sr> srs;
  std::vector<std::pair<uint32_t, std::string>> cnames;
  forEachPacket(bytes, [&](GstRTCPPacket* p) {
    if (gst_rtcp_packet_get_type(p) == GST_RTCP_TYPE_SR) {
      Sr sr{};
      gst_rtcp_packet_sr_get_sender_info(p, &sr.ssrc, &sr.ntp, &sr.rtp, &sr.packets, &sr.octets);
      EXPECT_EQ(gst_rtcp_packet_get_rb_count(p), 0u);
      srs.push_back(sr);
      return;
    }
    ASSERT_EQ(gst_rtcp_packet_get_type(p), GST_RTCP_TYPE_SDES);
    for (gboolean item = gst_rtcp_packet_sdes_first_item(p); item;
         item = gst_rtcp_packet_sdes_next_item(p)) {
      ASSERT_TRUE(gst_rtcp_packet_sdes_first_entry(p));
      GstRTCPSDESType type;
      guint8 length = 0;
      guint8* data = nullptr;
      ASSERT_TRUE(gst_rtcp_packet_sdes_get_entry(p, &type, &length, &data));
      EXPECT_EQ(type, GST_RTCP_SDES_CNAME);
      cnames.emplace_back(gst_rtcp_packet_sdes_get_ssrc(p),
                          std::string(reinterpret_cast<char*>(data), length));
    }
  });
  ASSERT_EQ(srs.size(), 2u);
  EXPECT_EQ(srs[0].ssrc, kAudioSsrc);
  EXPECT_EQ(srs[0].ntp, lean::ntpFromWallUs(now));
  EXPECT_EQ(srs[0].rtp, 1000u + 24000);  // 0.5 s at 48 kHz after the last packet
  EXPECT_EQ(srs[0].packets, 50u);
  EXPECT_EQ(srs[0].octets, 5000u);
  EXPECT_EQ(srs[1].ssrc, kVideoSsrc);
  EXPECT_EQ(srs[1].ntp, lean::ntpFromWallUs(now));
  EXPECT_EQ(srs[1].rtp, 450000u + 46800);  // 0.52 s at 90 kHz
  EXPECT_EQ(srs[1].packets, 300u);
  EXPECT_EQ(srs[1].octets, 300000u);
  ASSERT_EQ(cnames.size(), 2u);
  EXPECT_EQ(cnames[0], std::make_pair(kAudioSsrc, std::string("viewer-7@kms")));
  EXPECT_EQ(cnames[1], std::make_pair(kVideoSsrc, std::string("viewer-7@kms")));
}

TEST(LeanRtcp, NothingSentYetIsAnEmptyReceiverReport) {
  lean::RtcpContext context("c");
  lean::SenderStream idle;
  idle.ssrc = kVideoSsrc;
  const Bytes bytes = buildSrs(context, {idle}, kWallUs);
  std::vector<GstRTCPType> types;
  forEachPacket(bytes, [&](GstRTCPPacket* p) {
    types.push_back(gst_rtcp_packet_get_type(p));
    if (types.size() == 1) {
      EXPECT_EQ(gst_rtcp_packet_rr_get_ssrc(p), kVideoSsrc);
      EXPECT_EQ(gst_rtcp_packet_get_rb_count(p), 0u);
    }
  });
  EXPECT_EQ(types, (std::vector<GstRTCPType>{GST_RTCP_TYPE_RR, GST_RTCP_TYPE_SDES}));
  uint8_t small[40];
  const lean::SenderStream s = stream(kVideoSsrc, 90000, 1, 1, 0, kWallUs);
  EXPECT_EQ(context.buildSenderReports(&s, 1, kWallUs, small, sizeof(small)), 0u);
  EXPECT_EQ(context.buildSenderReports(nullptr, 0, kWallUs, small, sizeof(small)), 0u);
}

TEST(LeanRtcp, RoundTripFromLsrAndDlsr) {
  lean::RtcpContext context("c");
  buildSrs(context, {stream(kVideoSsrc, 90000, 10, 1000, 0, kWallUs)}, kWallUs);
  const uint32_t lsr = lean::ntpMiddle32(lean::ntpFromWallUs(kWallUs));
  RtcpWriter viewer;
  GstRTCPPacket* rr = viewer.rr();
  // Sent at T, held 1 s by the viewer (DLSR 65536), back at T + 1.5 s: 0.5 s in flight.
  gst_rtcp_packet_add_rb(rr, kVideoSsrc, 25, -3, 70000, 33, lsr, 65536);
  gst_rtcp_packet_add_rb(rr, kVideoSsrc, 0, 7, 1, 2, lsr + 1, 100);  // not an SR we sent
  gst_rtcp_packet_add_rb(rr, kAudioSsrc, 0, 0, 0, 0, 0, 0);          // no SR received yet
  viewer.cname("browser");
  const lean::RtcpFeedback fb = parse(context, viewer.finish(), true, kWallUs + 1500000);
  ASSERT_EQ(fb.reports.size(), 3u);
  const lean::ReportBlock& rb = fb.reports[0];
  EXPECT_EQ(rb.reporterSsrc, kViewerSsrc);
  EXPECT_EQ(rb.ssrc, kVideoSsrc);
  EXPECT_EQ(rb.fractionLost, 25);
  EXPECT_EQ(rb.cumulativeLost, -3);
  EXPECT_EQ(rb.extendedHighestSeq, 70000u);
  EXPECT_EQ(rb.jitter, 33u);
  EXPECT_EQ(rb.lsr, lsr);
  EXPECT_EQ(rb.dlsr, 65536u);
  ASSERT_TRUE(rb.rttUs.has_value());
  EXPECT_EQ(*rb.rttUs, 500000);
  EXPECT_FALSE(fb.reports[1].rttUs.has_value());
  EXPECT_EQ(fb.reports[1].cumulativeLost, 7);
  EXPECT_FALSE(fb.reports[2].rttUs.has_value());
  EXPECT_EQ(fb.otherPackets, 1u);  // the SDES
  // A DLSR longer than the time since the SR (clocks apart) reads as 0, not as negative.
  RtcpWriter late;
  gst_rtcp_packet_add_rb(late.rr(), kVideoSsrc, 0, 0, 0, 0, lsr, 3 * 65536);
  const lean::RtcpFeedback fb2 = parse(context, late.finish(), true, kWallUs + 1500000);
  ASSERT_TRUE(fb2.reports.at(0).rttUs.has_value());
  EXPECT_EQ(*fb2.reports[0].rttUs, 0);
}

namespace {

Bytes feedbackCompound() {
  RtcpWriter viewer;
  gst_rtcp_packet_add_rb(viewer.rr(), kVideoSsrc, 1, 2, 3, 4, 0, 0);
  viewer.cname("browser");
  viewer.feedback(GST_RTCP_TYPE_PSFB, GST_RTCP_PSFB_TYPE_PLI, kVideoSsrc, 0);
  viewer.fir({{kVideoSsrc, 7}, {kAudioSsrc, 200}});
  viewer.remb(4, 150000, {kVideoSsrc, kAudioSsrc});
  viewer.nack(kVideoSsrc, {{100, 0x0005}, {65530, 0x8001}});
  viewer.feedback(GST_RTCP_TYPE_RTPFB, GST_RTCP_RTPFB_TYPE_TWCC, kVideoSsrc, 1);  // not ours
  viewer.feedback(GST_RTCP_TYPE_PSFB, GST_RTCP_PSFB_TYPE_SLI, kVideoSsrc, 1);
  return viewer.finish();
}

}  // namespace

TEST(LeanRtcp, FeedbackFromTheViewer) {
  lean::RtcpContext context("c");
  const lean::RtcpFeedback fb = parse(context, feedbackCompound());
  ASSERT_EQ(fb.reports.size(), 1u);
  EXPECT_EQ(fb.reports[0].extendedHighestSeq, 3u);
  EXPECT_EQ(fb.pliSsrcs, std::vector<uint32_t>{kVideoSsrc});
  ASSERT_EQ(fb.firs.size(), 2u);
  EXPECT_EQ(fb.firs[0].ssrc, kVideoSsrc);
  EXPECT_EQ(fb.firs[0].seqNr, 7);
  EXPECT_EQ(fb.firs[1].ssrc, kAudioSsrc);
  EXPECT_EQ(fb.firs[1].seqNr, 200);
  ASSERT_EQ(fb.rembs.size(), 1u);
  EXPECT_EQ(fb.rembs[0].senderSsrc, kViewerSsrc);
  EXPECT_EQ(fb.rembs[0].bitrateBps, 2400000u);
  EXPECT_EQ(fb.rembs[0].ssrcs, (std::vector<uint32_t>{kVideoSsrc, kAudioSsrc}));
  ASSERT_EQ(fb.nacks.size(), 1u);
  EXPECT_EQ(fb.nacks[0].senderSsrc, kViewerSsrc);
  EXPECT_EQ(fb.nacks[0].mediaSsrc, kVideoSsrc);
  // BLP bit i marks PID + i + 1; 65530 + 16 wraps to 10.
  EXPECT_EQ(fb.nacks[0].seqs, (std::vector<uint16_t>{100, 101, 103, 65530, 65531, 10}));
  EXPECT_EQ(fb.otherPackets, 3u);  // SDES, transport-wide CC, SLI
}

TEST(LeanRtcp, RepeatedFirIsNotANewRequest) {
  lean::RtcpContext context("c");
  auto firs = [&](uint8_t seqNr) {
    RtcpWriter viewer;
    viewer.rr();
    viewer.fir({{kVideoSsrc, seqNr}});
    return parse(context, viewer.finish()).firs.size();
  };
  EXPECT_EQ(firs(1), 1u);
  EXPECT_EQ(firs(1), 0u);  // the same request again (RFC 5104 4.3.1.2)
  EXPECT_EQ(firs(2), 1u);
  EXPECT_EQ(firs(2), 0u);
  EXPECT_EQ(firs(1), 1u);  // a wrapped seq nr is new again
}

TEST(LeanRtcp, RembBitrates) {
  struct Case {
    uint8_t exponent;
    uint32_t mantissa;
    uint64_t bps;
  };
  const Case cases[] = {{0, 0, 0},
                        {0, 262143, 262143},
                        {4, 150000, 2400000},
                        {10, 1000, 1024000},
                        {13, 122070, 999997440},
                        {46, 262143, (262143ULL << 46)},
                        {47, 262143, UINT64_MAX},
                        {63, 1, 1ULL << 63},
                        {63, 2, UINT64_MAX}};
  lean::RtcpContext context("c");
  for (const Case& c : cases) {
    EXPECT_EQ(lean::rembBitrateBps(c.exponent, c.mantissa), c.bps);
    RtcpWriter viewer;
    viewer.rr();
    viewer.remb(c.exponent, c.mantissa, {kVideoSsrc});
    const lean::RtcpFeedback fb = parse(context, viewer.finish());
    ASSERT_EQ(fb.rembs.size(), 1u);
    EXPECT_EQ(fb.rembs[0].bitrateBps, c.bps) << int(c.exponent) << " " << c.mantissa;
  }
}

TEST(LeanRtcp, NackBitmaskExpansion) {
  lean::RtcpContext context("c");
  RtcpWriter viewer;
  viewer.nack(kAudioSsrc, {{0, 0xFFFF}, {500, 0}});  // reduced size: feedback alone (RFC 5506)
  const lean::RtcpFeedback fb = parse(context, viewer.finish());
  ASSERT_EQ(fb.nacks.size(), 1u);
  std::vector<uint16_t> expected;
  for (uint16_t seq = 0; seq <= 16; ++seq) {
    expected.push_back(seq);
  }
  expected.push_back(500);
  EXPECT_EQ(fb.nacks[0].seqs, expected);
  EXPECT_EQ(fb.nacks[0].mediaSsrc, kAudioSsrc);
}

TEST(LeanRtcp, RejectsMalformed) {
  lean::RtcpContext context("c");
  const Bytes good = feedbackCompound();
  parse(context, good);
  Bytes version = good;
  version[0] = (version[0] & 0x3f) | 0x40;
  parse(context, version, false);
  Bytes extra = good;
  extra.push_back(0);
  parse(context, extra, false);
  parse(context, Bytes(good.begin(), good.end() - 4), false);
  parse(context, Bytes(), false);
  // An RR announcing two blocks with room for one.
  RtcpWriter one;
  gst_rtcp_packet_add_rb(one.rr(), kVideoSsrc, 0, 0, 0, 0, 0, 0);
  Bytes rr = one.finish();
  rr[0] = (rr[0] & 0xe0) | 2;
  parse(context, rr, false);
  // A FIR of one word, a REMB listing more SSRCs than it holds, a NACK without FCI.
  RtcpWriter fir;
  fir.feedback(GST_RTCP_TYPE_PSFB, GST_RTCP_PSFB_TYPE_FIR, 0, 1);
  parse(context, fir.finish(), false);
  RtcpWriter remb;
  remb.remb(1, 1, {kVideoSsrc});
  Bytes rembBytes = remb.finish();
  rembBytes[12 + 4] = 2;
  parse(context, rembBytes, false);
  RtcpWriter nack;
  nack.feedback(GST_RTCP_TYPE_RTPFB, GST_RTCP_RTPFB_TYPE_NACK, kVideoSsrc, 0);
  const lean::RtcpFeedback fb = parse(context, nack.finish(), false);
  EXPECT_TRUE(fb.reports.empty() && fb.nacks.empty());
  // An SR shorter than its sender info (GStreamer stops reading there).
  const Bytes shortSr = {0x80, 200, 0, 1, 0, 0, 0, 1};
  parse(context, shortSr, false);
}

TEST(LeanRtcp, SurvivesTruncationsAndRandomBytes) {
  lean::RtcpContext context("c");
  buildSrs(context, {stream(kVideoSsrc, 90000, 10, 1000, 0, kWallUs)}, kWallUs);
  const Bytes good = feedbackCompound();
  lean::RtcpFeedback fb;
  size_t accepted = 0;
  for (size_t size = 0; size <= good.size(); ++size) {
    const Bytes cut(good.begin(), good.begin() + size);  // its own allocation: ASan sees the end
    accepted += context.parse(cut.data(), cut.size(), kWallUs, fb) ? 1 : 0;
  }
  EXPECT_EQ(accepted, 8u);  // the cuts at each of the 8 packets' ends
  std::mt19937 random(1234);
  for (int i = 0; i < 20000; ++i) {
    Bytes bytes(random() % 160);
    for (uint8_t& b : bytes) {
      b = static_cast<uint8_t>(random());
    }
    if (bytes.size() >= 2 && i % 2 == 0) {
      bytes[0] = 0x80 | (bytes[0] & 0x3f);  // version 2: reach past the first check
      bytes[1] = 200 + random() % 8;
    }
    context.parse(bytes.data(), bytes.size(), kWallUs, fb);
  }
  for (int i = 0; i < 20000; ++i) {
    Bytes flipped = good;
    for (int flips = 1 + i % 3; flips > 0; --flips) {
      flipped[random() % flipped.size()] ^= static_cast<uint8_t>(1u << (random() % 8));
    }
    if (context.parse(flipped.data(), flipped.size(), kWallUs, fb)) {
      for (const lean::Remb& remb : fb.rembs) {
        EXPECT_LE(remb.ssrcs.size(), 255u);
      }
    }
  }
}
