// RTCP feedback from a peer: a compound RTCP packet split by GStreamer's RTCP reader as
// rtpsession does before its on-feedback-rtcp signal, and each feedback message's FCI given to
// the REMB parser that RtpEndpoint and WebRtcEndpoint connect to that signal. A REMB bitrate
// must be the mantissa times two to the exponent (draft-alvestrand-rmcat-remb), never negative.
#include "rtp/RembEstimator.hpp"

#include <gst/gst.h>
#include <gst/rtp/gstrtcpbuffer.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>

namespace {

void checkRemb(const uint8_t* fci, size_t size, int64_t bps) {
  const uint64_t mantissa = (static_cast<uint64_t>(fci[5] & 3) << 16) |
                            (static_cast<uint64_t>(fci[6]) << 8) | fci[7];
  const unsigned exponent = fci[5] >> 2;
  long double expected = static_cast<long double>(mantissa);
  for (unsigned i = 0; i < exponent; ++i) {
    expected *= 2;
  }
  const long double limit = static_cast<long double>(std::numeric_limits<int64_t>::max());
  if (bps < 0 || (expected <= limit && static_cast<long double>(bps) != expected) ||
      (expected > limit && bps != std::numeric_limits<int64_t>::max())) {
    std::fprintf(stderr, "fuzz: REMB of %llu * 2^%u read as %lld bps (%zu bytes of FCI)\n",
                 static_cast<unsigned long long>(mantissa), exponent,
                 static_cast<long long>(bps), size);
    std::abort();
  }
}

void feedback(GstRTCPPacket* packet) {
  const GstRTCPType type = gst_rtcp_packet_get_type(packet);
  if (type != GST_RTCP_TYPE_PSFB && type != GST_RTCP_TYPE_RTPFB) {
    return;
  }
  const unsigned fbtype = gst_rtcp_packet_fb_get_type(packet);
  const uint8_t* fci = gst_rtcp_packet_fb_get_fci(packet);
  const size_t size = gst_rtcp_packet_fb_get_fci_length(packet) * 4u;
  // rtpsession hands the FCI over as a buffer of its own; a copy lets ASan see its end.
  std::unique_ptr<uint8_t[]> copy(size > 0 ? new uint8_t[size] : nullptr);
  if (size > 0 && fci != nullptr) {
    std::memcpy(copy.get(), fci, size);
  }
  const std::optional<int64_t> bps =
      kurento::rtp::rembFromFeedback(type, fbtype, size > 0 ? copy.get() : nullptr, size);
  if (bps) {
    checkRemb(copy.get(), size, *bps);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool initialized = (gst_init(nullptr, nullptr), true);
  (void)initialized;
  GstBuffer* buffer = gst_buffer_new_memdup(data, size);
  // rtpsession accepts reduced-size RTCP (RFC 5506) when the peer negotiated it.
  if (gst_rtcp_buffer_validate_reduced(buffer)) {
    GstRTCPBuffer rtcp = GST_RTCP_BUFFER_INIT;
    gst_rtcp_buffer_map(buffer, GST_MAP_READ, &rtcp);
    GstRTCPPacket packet;
    for (gboolean more = gst_rtcp_buffer_get_first_packet(&rtcp, &packet); more;
         more = gst_rtcp_packet_move_to_next(&packet)) {
      feedback(&packet);
    }
    gst_rtcp_buffer_unmap(&rtcp);
  }
  gst_buffer_unref(buffer);
  return 0;
}
