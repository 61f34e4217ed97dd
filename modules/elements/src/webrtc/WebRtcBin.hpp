// Synchronous helpers over webrtcbin's action signals (set descriptions, create offers and
// answers), and the RTP caps that steer its codec choice.
#pragma once

#include "rtp/RtpCodecs.hpp"

#include <gst/gst.h>
#include <gst/sdp/gstsdpmessage.h>
#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kurento::webrtc {

// Sets the remote or local description (a copy of `sdp`); throws with `code` and webrtcbin's
// reason on failure.
void setDescription(GstElement* webrtcbin, bool remote, GstWebRTCSDPType type,
                    const GstSDPMessage& sdp, int code);
// Runs create-offer or create-answer and returns the description's SDP text after setting it
// as the local description; every a=fingerprint is made "sha-256 <fingerprint>" (our own
// certificate's) when `fingerprint` is not empty.
std::string createAndSetLocal(GstElement* webrtcbin, bool offer, int code,
                              const std::string& fingerprint);

// application/x-rtp caps for `codec` with payload `pt`, the offer's fmtp parameters and the
// RTCP feedback we support (nack, pli, fir, goog-remb for video).
GstCaps* codecCaps(const rtp::CodecInfo& codec, int payloadType, const std::string& fmtp);

// The transceivers of webrtcbin, in m= line order (references held by the caller's array).
GArray* transceivers(GstElement* webrtcbin);

// webrtcbin's get-stats reply (W3C-shaped structures by id); the caller frees it.
GstStructure* getStats(GstElement* webrtcbin);

// SSRC -> media ("audio", "video") from the a=ssrc lines of the remote description.
std::map<uint32_t, std::string> remoteSsrcMedia(GstElement* webrtcbin);

// `sdp` with "b=AS:<kbps>" in every video section (after its c= line, where SDP wants it):
// how a peer learns maxVideoRecvBandwidth. Unchanged when kbps <= 0.
std::string withVideoBandwidth(const std::string& sdp, int kbps);

// a=mid of m= line `index` of webrtcbin's local description ("" when none).
std::string localMid(GstElement* webrtcbin, guint index);

}  // namespace kurento::webrtc
