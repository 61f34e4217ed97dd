// Offer/answer for plain RTP and SDES-SRTP (RFC 3264, 4568): builds our offers and answers
// and turns the peer's description into one MediaPlan per media line we will use.
#pragma once

#include "RtpCodecs.hpp"
#include "SdesKeys.hpp"

#include <gst/sdp/gstsdpmessage.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kurento::rtp {

// Ports the endpoint reserved for one media line.
struct LocalPorts {
  uint16_t rtp = 0;
  uint16_t rtcp = 0;
};

// What was agreed for one media line.
struct MediaPlan {
  MediaType type = MediaType::kInvalid;
  const CodecInfo* codec = nullptr;
  int payloadType = 0;
  std::string fmtp;
  LocalPorts local;
  std::string remoteAddress;
  uint16_t remoteRtpPort = 0;
  uint16_t remoteRtcpPort = 0;
  bool send = true;       // we send media on this line
  bool receive = true;    // we accept media on this line
  bool comedia = false;   // send to where the peer's media comes from (a=direction:active)
  bool rtcpMux = false;   // RTCP shares the RTP port (a=rtcp-mux, RFC 5761)
  bool remb = false;      // a=rtcp-fb goog-remb agreed
  std::optional<SrtpKey> localKey;   // SRTP: what we encrypt with
  std::optional<SrtpKey> remoteKey;  // SRTP: what the peer encrypts with
};

// The codec we use for one m= line of a peer's offer: the first of its formats we support.
struct ChosenCodec {
  const CodecInfo* codec = nullptr;
  int payloadType = 0;
  std::string fmtp;
};
// `offeredNames` receives the names of what the line offers (for error messages).
ChosenCodec chooseCodec(const GstSDPMedia* media, MediaType type, std::string* offeredNames);
// The media type of an m= line (kInvalid for anything but audio and video).
MediaType mediaTypeOfLine(const GstSDPMedia* media);
// Whether the line offers `feedback` ("nack pli", "goog-remb", ...) for payload `pt` (or "*").
bool hasFeedback(const GstSDPMedia* media, int pt, const char* feedback);

class RtpNegotiation {
 public:
  RtpNegotiation(std::string localAddress, std::optional<SrtpKey> configuredKey);

  // Our offer with an m= line per entry of `types`, on the ports `reserve` gives.
  std::string createOffer(const std::vector<MediaType>& types,
                          const std::function<LocalPorts(MediaType)>& reserve);
  // The answer to the peer's offer; `plans` receives the accepted lines. Throws 40205 naming
  // the cause when nothing in the offer can be served.
  std::string createAnswer(const GstSDPMessage& offer,
                           const std::function<LocalPorts(MediaType)>& reserve,
                           std::vector<MediaPlan>& plans);
  // The plans from the peer's answer to our offer. Throws 40206 naming the cause.
  std::vector<MediaPlan> applyAnswer(const GstSDPMessage& answer);

 private:
  std::string localAddress_;
  std::optional<SrtpKey> configuredKey_;
  std::vector<MediaPlan> offered_;  // our offer, one per m= line
  std::vector<std::optional<SrtpKey>> offeredKeys_;
};

// The address put in our descriptions: the first non-loopback IPv4 (or global IPv6) address of
// the host (or 127.0.0.1 / ::1 when there is none), unless `configured` names one.
std::string advertisedAddress(const std::string& configured, bool ipv6);

}  // namespace kurento::rtp
