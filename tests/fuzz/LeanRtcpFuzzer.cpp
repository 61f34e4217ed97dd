// RTCP from a viewer of the lean send-only WebRTC transport: a compound (or reduced-size)
// packet read by RtcpContext::parse, after SRs of our own were sent so that report blocks can
// match them and get an RTT. Besides the sanitizers: an accepted packet has report blocks and
// feedback that the bytes could hold, and an RTT within what 32 bits of 1/65536 s can express.
#include "webrtc/lean/Rtcp.hpp"

#include <gst/gst.h>

#include <cstdio>
#include <cstdlib>

namespace lean = kurento::webrtc::lean;

namespace {

constexpr int64_t kWallUs = 1700000000LL * 1000000;
constexpr int64_t kMaxRttUs = (1LL << 32) * 1000000 / 65536;

void fail(const char* what, size_t size) {
  std::fprintf(stderr, "fuzz: %s (%zu bytes of RTCP)\n", what, size);
  std::abort();
}

lean::RtcpContext& context() {
  static lean::RtcpContext* context = [] {
    gst_init(nullptr, nullptr);
    auto* c = new lean::RtcpContext("fuzz");
    lean::SenderStream streams[2];
    streams[0].ssrc = 1;
    streams[0].clockRateHz = 48000;
    streams[1].ssrc = 2;
    for (lean::SenderStream& s : streams) {
      s.counters.sent = true;
      s.counters.lastSentWallUs = kWallUs;
    }
    uint8_t sr[1500];
    const size_t size = c->buildSenderReports(streams, 2, kWallUs, sr, sizeof(sr));
    lean::RtcpFeedback own;
    // Our own SRs are valid RTCP: two SRs and two SDES packets.
    if (size == 0 || !c->parse(sr, size, kWallUs, own) || own.otherPackets != 2) {
      fail("our own sender reports do not read back", size);
    }
    return c;
  }();
  return *context;
}

void check(const lean::RtcpFeedback& fb, size_t size) {
  // Each report block takes 24 bytes, each FIR entry 8, each NACK at least 16, a REMB 20.
  if (fb.reports.size() * 24 + fb.firs.size() * 8 + fb.nacks.size() * 16 + fb.rembs.size() * 20 >
      size) {
    fail("more content than the bytes can hold", size);
  }
  for (const lean::ReportBlock& rb : fb.reports) {
    if (rb.rttUs && (*rb.rttUs < 0 || *rb.rttUs > kMaxRttUs)) {
      fail("an RTT out of range", size);
    }
  }
  for (const lean::Nack& nack : fb.nacks) {
    if (nack.seqs.empty() || nack.seqs.size() > 17 * (size / 4)) {
      fail("a NACK without sequence numbers, or more than its entries hold", size);
    }
  }
  for (const lean::Remb& remb : fb.rembs) {
    if (remb.ssrcs.size() > 255 || 20 + 4 * remb.ssrcs.size() > size) {
      fail("a REMB with more SSRCs than it holds", size);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lean::RtcpFeedback fb;
  if (context().parse(data, size, kWallUs + 250000, fb)) {
    check(fb, size);
  } else if (!fb.reports.empty() || !fb.nacks.empty() || !fb.rembs.empty() || fb.otherPackets) {
    fail("a rejected packet left feedback behind", size);
  }
  return 0;
}
