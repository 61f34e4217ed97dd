// The lean send-only transport's RTP pieces on bytes: the rewriting per viewer and the history
// that NACKs are answered from (its RTCP is LeanRtcpTest.cpp's, in the same binary).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "LeanTestBytes.hpp"
#include "webrtc/lean/PacketHistory.hpp"
#include "webrtc/lean/RtpRewriter.hpp"

namespace lean = kurento::webrtc::lean;

namespace {

using namespace lean_test;

struct RtpSpec {
  uint16_t seq = 0;
  uint32_t timestamp = 0;
  uint32_t ssrc = 0x11111111;
  uint8_t payloadType = 96;
  bool marker = false;
  unsigned csrcs = 0;
  unsigned extensionWords = 0;  // 0: no extension
  size_t payloadBytes = 100;
  uint8_t paddingBytes = 0;
};

Bytes makeRtp(const RtpSpec& spec) {
  Bytes p(12 + 4 * spec.csrcs);
  p[0] = 0x80 | spec.csrcs | (spec.extensionWords ? 0x10 : 0) | (spec.paddingBytes ? 0x20 : 0);
  p[1] = (spec.marker ? 0x80 : 0) | spec.payloadType;
  put16(&p[2], spec.seq);
  put32(&p[4], spec.timestamp);
  put32(&p[8], spec.ssrc);
  for (unsigned i = 0; i < spec.csrcs; ++i) {
    put32(&p[12 + 4 * i], 0xC0000000 + i);
  }
  if (spec.extensionWords) {
    const Bytes ext = {0xBE, 0xDE, 0, static_cast<uint8_t>(spec.extensionWords)};
    p.insert(p.end(), ext.begin(), ext.end());
    for (unsigned i = 0; i < spec.extensionWords * 4; ++i) {
      p.push_back(0xE0 + (i & 0xf));
    }
  }
  for (size_t i = 0; i < spec.payloadBytes; ++i) {
    p.push_back(static_cast<uint8_t>(i * 7 + spec.seq));
  }
  for (unsigned i = 0; i + 1 < spec.paddingBytes; ++i) {
    p.push_back(0);
  }
  if (spec.paddingBytes) {
    p.push_back(spec.paddingBytes);
  }
  return p;
}

lean::RtpStreamConfig viewerConfig(uint16_t firstSeq = 1000, uint32_t firstTs = 50000) {
  lean::RtpStreamConfig config;
  config.ssrc = 0xAABBCCDD;
  config.payloadType = 102;
  config.clockRateHz = 90000;
  config.firstSeq = firstSeq;
  config.firstTimestamp = firstTs;
  return config;
}

Bytes rewrite(lean::RtpRewriter& rewriter, const Bytes& in, int64_t nowUs = kWallUs) {
  Bytes out(in.size() + 16);
  size_t size = 0;
  EXPECT_TRUE(rewriter.rewrite(in.data(), in.size(), nowUs, out.data(), out.size(), size));
  out.resize(size);
  return out;
}

}  // namespace

// ---- RtpRewriter ----

TEST(LeanRtpRewriter, RewritesHeaderAndKeepsPayload) {
  lean::RtpRewriter rewriter(viewerConfig(1000, 50000));
  RtpSpec spec;
  spec.seq = 7;
  spec.timestamp = 123456;
  spec.marker = true;
  spec.csrcs = 2;
  const Bytes in = makeRtp(spec);
  const Bytes out = rewrite(rewriter, in);
  ASSERT_EQ(out.size(), in.size());
  EXPECT_EQ(out[0], in[0]);
  EXPECT_EQ(out[1], 0x80 | 102);  // marker kept, viewer's payload type
  EXPECT_EQ(get16(&out[2]), 1000);
  EXPECT_EQ(get32(&out[4]), 50000u);
  EXPECT_EQ(get32(&out[8]), 0xAABBCCDDu);
  EXPECT_TRUE(std::equal(in.begin() + 12, in.end(), out.begin() + 12));  // CSRCs and payload
  EXPECT_EQ(rewriter.counters().packets, 1u);
  EXPECT_EQ(rewriter.counters().octets, 100u);
  EXPECT_EQ(rewriter.counters().lastRtpTimestamp, 50000u);
  EXPECT_EQ(rewriter.counters().lastSentWallUs, kWallUs);
}

TEST(LeanRtpRewriter, KeepsGapsAndTimestampSpacing) {
  lean::RtpRewriter rewriter(viewerConfig(1000, 50000));
  const uint16_t seqs[] = {100, 101, 103, 106, 107};
  const uint16_t expected[] = {1000, 1001, 1003, 1006, 1007};
  for (size_t i = 0; i < 5; ++i) {
    RtpSpec spec;
    spec.seq = seqs[i];
    spec.timestamp = 9000 + 3000 * i;
    const Bytes out = rewrite(rewriter, makeRtp(spec));
    EXPECT_EQ(get16(&out[2]), expected[i]);
    EXPECT_EQ(get32(&out[4]), static_cast<uint32_t>(50000 + 3000 * i));
  }
  EXPECT_EQ(rewriter.counters().packets, 5u);
  EXPECT_EQ(rewriter.counters().octets, 500u);
  EXPECT_EQ(rewriter.lastSeq(), 1007);
}

TEST(LeanRtpRewriter, WrapsAround) {
  // The viewer's numbers wrap while the source's do not, then the source's wrap too.
  lean::RtpRewriter rewriter(viewerConfig(65534, 0xFFFFFFF0u));
  const uint16_t seqs[] = {10, 11, 12, 13};
  const uint16_t expected[] = {65534, 65535, 0, 1};
  for (size_t i = 0; i < 4; ++i) {
    RtpSpec spec;
    spec.seq = seqs[i];
    spec.timestamp = 100 + 10 * i;
    const Bytes out = rewrite(rewriter, makeRtp(spec));
    EXPECT_EQ(get16(&out[2]), expected[i]);
    EXPECT_EQ(get32(&out[4]),
              static_cast<uint32_t>(0xFFFFFFF0u + 10 * i));  // 0xFFFFFFF0, 0xFFFFFFFA, 4, 14
  }
  lean::RtpRewriter second(viewerConfig(500, 0));
  const uint16_t wrapping[] = {65534, 65535, 0, 2};
  const uint16_t shifted[] = {500, 501, 502, 504};
  for (size_t i = 0; i < 4; ++i) {
    RtpSpec spec;
    spec.seq = wrapping[i];
    EXPECT_EQ(get16(&rewrite(second, makeRtp(spec))[2]), shifted[i]);
  }
}

TEST(LeanRtpRewriter, ReorderedPacketKeepsItsPlace) {
  lean::RtpRewriter rewriter(viewerConfig(1000, 0));
  RtpSpec spec;
  for (uint16_t seq : {20, 22}) {
    spec.seq = seq;
    spec.timestamp = seq * 100u;
    rewrite(rewriter, makeRtp(spec));
  }
  spec.seq = 21;
  spec.timestamp = 2100;
  const Bytes late = rewrite(rewriter, makeRtp(spec));
  EXPECT_EQ(get16(&late[2]), 1001);
  EXPECT_EQ(rewriter.lastSeq(), 1002);
  EXPECT_EQ(rewriter.counters().lastRtpTimestamp, 200u);  // still the highest's (2200 - 2000)
  EXPECT_EQ(rewriter.counters().packets, 3u);
}

TEST(LeanRtpRewriter, SourceSwitchContinues) {
  lean::RtpRewriter rewriter(viewerConfig(1000, 50000));
  RtpSpec a;
  a.seq = 300;
  a.timestamp = 7000;
  rewrite(rewriter, makeRtp(a), kWallUs);
  a.seq = 301;
  a.timestamp = 10000;
  rewrite(rewriter, makeRtp(a), kWallUs + 33000);
  // Explicit switch: the new source's numbers are unrelated; 100 ms later: 9000 ticks.
  rewriter.switchSource();
  RtpSpec b;
  b.seq = 40000;
  b.timestamp = 123;
  b.ssrc = 0x22222222;
  Bytes out = rewrite(rewriter, makeRtp(b), kWallUs + 133000);
  EXPECT_EQ(get16(&out[2]), 1002);
  EXPECT_EQ(get32(&out[4]), 53000u + 9000);
  b.seq = 40002;
  b.timestamp = 123 + 6000;
  out = rewrite(rewriter, makeRtp(b), kWallUs + 200000);
  EXPECT_EQ(get16(&out[2]), 1004);  // the new source's gap kept
  EXPECT_EQ(get32(&out[4]), 62000u + 6000);
  // Another SSRC without switchSource(): detected.
  RtpSpec c;
  c.seq = 9;
  c.ssrc = 0x33333333;
  out = rewrite(rewriter, makeRtp(c), kWallUs + 200000);
  EXPECT_EQ(get16(&out[2]), 1005);
  EXPECT_EQ(get32(&out[4]), 68001u);  // no time elapsed: one tick later
  // The same SSRC restarting far away (beyond RFC 3550's MAX_DROPOUT).
  c.seq = 9 + 5000;
  out = rewrite(rewriter, makeRtp(c), kWallUs + 200000);
  EXPECT_EQ(get16(&out[2]), 1006);
}

TEST(LeanRtpRewriter, StripsExtensionsKeepingPayloadAndPadding) {
  lean::RtpRewriter rewriter(viewerConfig());
  RtpSpec spec;
  spec.csrcs = 1;
  spec.extensionWords = 2;
  spec.payloadBytes = 333;
  spec.paddingBytes = 3;
  const Bytes in = makeRtp(spec);
  lean::RtpLayout inLayout;
  ASSERT_TRUE(lean::parseRtpLayout(in.data(), in.size(), inLayout));
  EXPECT_EQ(inLayout.extensionBytes, 12u);
  EXPECT_EQ(inLayout.payloadBytes, 333u);
  EXPECT_EQ(inLayout.paddingBytes, 3u);
  const Bytes out = rewrite(rewriter, in);
  ASSERT_EQ(out.size(), in.size() - 12);
  EXPECT_EQ(out[0] & 0x10, 0);             // X cleared
  EXPECT_EQ(out[0] & 0x2f, in[0] & 0x2f);  // P and CC kept
  EXPECT_EQ(get32(&out[12]), 0xC0000000u);
  EXPECT_TRUE(std::equal(in.begin() + 16 + 12, in.end(), out.begin() + 16));
  lean::RtpLayout outLayout;
  ASSERT_TRUE(lean::parseRtpLayout(out.data(), out.size(), outLayout));
  EXPECT_EQ(outLayout.extensionBytes, 0u);
  EXPECT_EQ(outLayout.payloadBytes, 333u);
  EXPECT_EQ(rewriter.counters().octets, 333u);

  lean::RtpStreamConfig keep = viewerConfig();
  keep.keepExtensions = true;
  lean::RtpRewriter keeper(keep);
  const Bytes kept = rewrite(keeper, in);
  ASSERT_EQ(kept.size(), in.size());
  EXPECT_TRUE(std::equal(in.begin() + 12, in.end(), kept.begin() + 12));
}

TEST(LeanRtpRewriter, InPlaceMatchesCopy) {
  RtpSpec spec;
  spec.csrcs = 3;
  spec.extensionWords = 5;
  spec.payloadBytes = 1000;
  const Bytes in = makeRtp(spec);
  lean::RtpRewriter a(viewerConfig());
  lean::RtpRewriter b(viewerConfig());
  const Bytes copied = rewrite(a, in);
  Bytes inPlace = in;
  size_t size = 0;
  ASSERT_TRUE(
      b.rewrite(inPlace.data(), inPlace.size(), kWallUs, inPlace.data(), inPlace.size(), size));
  inPlace.resize(size);
  EXPECT_EQ(inPlace, copied);
}

TEST(LeanRtpRewriter, RejectsMalformed) {
  lean::RtpRewriter rewriter(viewerConfig());
  uint8_t out[2048];
  size_t size = 0;
  auto rejects = [&](Bytes p) {
    return !rewriter.rewrite(p.data(), p.size(), kWallUs, out, sizeof(out), size);
  };
  RtpSpec spec;
  spec.payloadBytes = 0;
  Bytes p = makeRtp(spec);
  EXPECT_TRUE(rejects(Bytes(p.begin(), p.begin() + 11)));  // short
  Bytes v1 = p;
  v1[0] = (v1[0] & 0x3f) | 0x40;
  EXPECT_TRUE(rejects(v1));
  Bytes cc = p;
  cc[0] |= 0x03;  // 3 CSRCs announced, none there
  EXPECT_TRUE(rejects(cc));
  spec.extensionWords = 2;
  Bytes ext = makeRtp(spec);
  ext[15] = 3;  // one word more than there is
  EXPECT_TRUE(rejects(ext));
  Bytes xNoBlock = p;
  xNoBlock[0] |= 0x10;
  EXPECT_TRUE(rejects(xNoBlock));
  spec.extensionWords = 0;
  spec.payloadBytes = 10;
  spec.paddingBytes = 4;
  Bytes pad = makeRtp(spec);
  pad.back() = 0;
  EXPECT_TRUE(rejects(pad));
  pad.back() = 15;  // more than the payload and padding
  EXPECT_TRUE(rejects(pad));
  pad.back() = 14;  // exactly all of them: an empty payload is fine
  EXPECT_FALSE(rejects(pad));
  const Bytes good = makeRtp(RtpSpec());
  EXPECT_FALSE(rewriter.rewrite(good.data(), good.size(), kWallUs, out, good.size() - 1, size));
  EXPECT_EQ(rewriter.counters().packets, 1u);
}

TEST(LeanRtpRewriter, NanosecondsPerPacket) {
  lean::RtpRewriter rewriter(viewerConfig());
  RtpSpec spec;
  spec.extensionWords = 2;
  spec.payloadBytes = 1150;
  Bytes in = makeRtp(spec);
  uint8_t out[1500];
  constexpr int kPackets = 200000;
  size_t size = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kPackets; ++i) {
    put16(&in[2], static_cast<uint16_t>(i));
    rewriter.rewrite(in.data(), in.size(), kWallUs + i, out, sizeof(out), size);
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const double ns = std::chrono::duration<double, std::nano>(elapsed).count() / kPackets;
  std::printf("[ lean ] rewrite of a %zu-byte packet (extension stripped): %.1f ns/packet\n",
              in.size(), ns);
  EXPECT_EQ(rewriter.counters().packets, static_cast<uint32_t>(kPackets));
  EXPECT_EQ(get16(out + 2), static_cast<uint16_t>(1000 + kPackets - 1));
}

// ---- PacketHistory ----

namespace {

Bytes sentPacket(uint16_t seq, size_t payloadBytes = 100) {
  RtpSpec spec;
  spec.seq = seq;
  spec.payloadBytes = payloadBytes;
  return makeRtp(spec);
}

bool holds(const lean::PacketHistory& history, const Bytes& packet, int64_t nowUs) {
  const auto view = history.fetch(get16(&packet[2]), nowUs);
  return view && view->size == packet.size() &&
         std::memcmp(view->data, packet.data(), packet.size()) == 0;
}

// A NACK names the viewer's number: it maps back to the source's packet, which is written again
// exactly as it was sent, nothing counted; numbers of the source before a switch do not map.
TEST(LeanRtpRewriter, NackedNumbersMapBackToTheSourcePacketUntilTheSourceChanges) {
  lean::RtpRewriter rewriter(viewerConfig(1000, 5000));
  std::vector<Bytes> sources;
  std::vector<Bytes> sent;
  for (uint16_t i = 0; i < 5; ++i) {
    RtpSpec spec;
    spec.seq = static_cast<uint16_t>(65533 + i);  // across 65535 -> 0
    spec.timestamp = 90000 + 3000u * i;
    spec.extensionWords = 1;
    sources.push_back(makeRtp(spec));
    sent.push_back(rewrite(rewriter, sources.back()));
  }
  const uint32_t packets = rewriter.counters().packets;
  for (size_t i = 0; i < sent.size(); ++i) {
    const uint16_t seq = get16(&sent[i][2]);
    const std::optional<uint16_t> source = rewriter.sourceSeq(seq);
    ASSERT_TRUE(source.has_value());
    EXPECT_EQ(*source, static_cast<uint16_t>(65533 + i));
    Bytes again(1500);
    size_t size = 0;
    ASSERT_TRUE(rewriter.rewriteAgain(sources[i].data(), sources[i].size(), again.data(),
                                      again.size(), size));
    again.resize(size);
    EXPECT_EQ(again, sent[i]);
  }
  EXPECT_EQ(rewriter.counters().packets, packets);
  EXPECT_FALSE(rewriter.sourceSeq(static_cast<uint16_t>(get16(&sent.back()[2]) + 1)));  // not yet
  rewriter.switchSource();
  RtpSpec other;
  other.seq = 400;
  other.ssrc = 0x33333333;
  rewrite(rewriter, makeRtp(other));
  EXPECT_FALSE(rewriter.sourceSeq(get16(&sent[0][2])));
  size_t size = 0;
  Bytes again(1500);
  EXPECT_FALSE(rewriter.rewriteAgain(sources[0].data(), sources[0].size(), again.data(),
                                     again.size(), size));
}

}  // namespace

TEST(LeanPacketHistory, KeepsTheLastPacketsAcrossWraparound) {
  lean::PacketHistory history;  // 512 packets, 512 KiB, 1 s
  const int64_t t = 5000000;
  // 600 packets from 65200: the numbers wrap at 65535 -> 0 after 336 of them.
  for (int i = 0; i < 600; ++i) {
    ASSERT_TRUE(history.store(sentPacket(static_cast<uint16_t>(65200 + i)).data(), 112, t));
  }
  for (int i = 0; i < 600; ++i) {
    const auto seq = static_cast<uint16_t>(65200 + i);
    EXPECT_EQ(holds(history, sentPacket(seq), t), i >= 600 - 512) << "seq " << seq;
  }
  EXPECT_FALSE(history.fetch(1234, t));
}

TEST(LeanPacketHistory, ForgetsByAgeAndByBytes) {
  lean::PacketHistoryConfig config;
  config.maxPackets = 64;
  config.maxBytes = 1000;  // fewer than 64 packets of 112 bytes
  config.maxAgeMs = 1000;
  lean::PacketHistory history(config);
  EXPECT_EQ(history.capacityBytes(), 1000u);
  for (uint16_t seq = 0; seq < 20; ++seq) {
    ASSERT_TRUE(history.store(sentPacket(seq).data(), 112, seq * 1000));
  }
  // 1000 bytes hold 8 packets in one piece each; the ring's tail of 104 bytes is skipped.
  for (uint16_t seq = 0; seq < 20; ++seq) {
    EXPECT_EQ(holds(history, sentPacket(seq), 20000), seq >= 12) << "seq " << seq;
  }
  EXPECT_TRUE(holds(history, sentPacket(19), 19000 + 1000000));
  EXPECT_FALSE(holds(history, sentPacket(19), 19000 + 1000001));
  EXPECT_FALSE(history.store(sentPacket(0, 1000).data(), 1012, 0));  // beyond maxBytes
  EXPECT_FALSE(history.store(sentPacket(0).data(), 11, 0));
  history.clear();
  EXPECT_FALSE(history.fetch(19, 20000));
}

TEST(LeanPacketHistory, StoresWhatTheRewriterSent) {
  lean::RtpRewriter rewriter(viewerConfig(65530, 0));
  lean::PacketHistory history;
  std::vector<Bytes> sent;
  for (uint16_t seq = 0; seq < 12; ++seq) {
    RtpSpec spec;
    spec.seq = seq;
    spec.extensionWords = 1;
    sent.push_back(rewrite(rewriter, makeRtp(spec)));
    history.store(sent.back().data(), sent.back().size(), kWallUs);
  }
  for (const Bytes& packet : sent) {
    EXPECT_TRUE(holds(history, packet, kWallUs));
  }
  EXPECT_EQ(get16(&sent.back()[2]), 5);  // 65530 + 11, wrapped
}
