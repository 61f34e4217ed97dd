// The answer of a lean send-only transport to a peer's WebRTC offer: every audio and video line
// bundled on one ICE/DTLS transport with rtcp-mux, answered sendonly with the first codec of
// ours the line offers (and the feedback both sides support). Offers it cannot serve (data
// channels, lines outside BUNDLE, media the peer would send us) are told apart by
// leanProblem, so that the endpoint can serve them with webrtcbin instead.
#pragma once

#include "rtp/RtpCodecs.hpp"

#include <gst/sdp/gstsdpmessage.h>

#include <cstdint>
#include <string>
#include <vector>

namespace kurento::webrtc::lean {

struct LeanLine {
  MediaType type = MediaType::kInvalid;
  guint mline = 0;
  std::string mid;
  const rtp::CodecInfo* codec = nullptr;  // null: line rejected (port 0)
  int payloadType = 0;
  std::string fmtp;
  uint32_t ssrc = 0;  // ours
  bool nack = false;
  bool pli = false;
  bool fir = false;
  bool remb = false;
};

struct LeanRemote {
  std::string ufrag;
  std::string password;
  std::string fingerprint;              // "sha-256 AB:CD:..."
  bool weAreDtlsClient = true;          // offer's setup actpass or passive
  std::vector<std::string> candidates;  // a=candidate lines of the offer ("candidate:...")
};

struct LeanLocal {
  std::string ufrag;
  std::string password;
  std::string fingerprint;  // "AB:CD:..." sha-256 of our certificate
  std::string cname;
  uint64_t sessionId = 0;
};

// "" when `offer` can be served by the lean transport, else why not (for the log).
std::string leanProblem(const GstSDPMessage& offer);

// The answer's SDP; `lines` gets one entry per m= line, `remote` the offer's transport.
// Throws kms::KurentoException (SDP_END_POINT_PROCESS_OFFER_ERROR) naming what is missing or
// when no line can be served.
std::string createLeanAnswer(const GstSDPMessage& offer, const LeanLocal& local,
                             std::vector<LeanLine>& lines, LeanRemote& remote);

}  // namespace kurento::webrtc::lean
