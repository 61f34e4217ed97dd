// Offers that Kurento answers but webrtcbin refuses: an old client or a SIP gateway that sends no
// a=fingerprint, no ICE credentials, no a=setup, no a=mid or no direction attribute. webrtcbin
// needs every one of them; Kurento (its own libnice and DTLS stack) answers such offers with its
// own ICE and DTLS attributes. completeOffer() fills in what is missing on the copy webrtcbin
// gets, and refuses what cannot be served with an error that names the m= line and the
// attribute.
#pragma once

#include <gst/sdp/sdp.h>

#include <string>
#include <vector>

namespace kurento::webrtc {

struct OfferRepair {
  // m= lines whose ICE credentials were made up: libnice cannot check the path to the peer
  // with them, so the path is learnt from the peer's own checks (or its c=/m= address).
  std::vector<guint> inventedCredentials;
  std::vector<guint> inventedMids;  // m= lines that had no a=mid
  std::vector<std::string> filled;  // what was filled in, for the log
  bool any() const { return !filled.empty(); }
};

// Completes `offer` in place; throws SDP_END_POINT_PROCESS_OFFER_ERROR for what cannot be
// completed (a k= line, an a=setup value other than actpass/active/passive).
OfferRepair completeOffer(GstSDPMessage* offer);

// RFC 4566: a line without a direction attribute takes the session's, or else is sendrecv (SIP
// gateways leave it out). webrtcbin reads no direction as none: in an offer it leaves the line
// out of its answer's DTLS attributes and then refuses its own answer ("No fingerprint lines in
// sdp for media N"); in an answer, "Cannot intersect dtls setup attributes". Adds the direction
// to each such line of `sdp`; what was taken as sendrecv is said in `filled`.
void completeDirections(GstSDPMessage* sdp, std::vector<std::string>* filled);

// "m=video (media 1, mid 'v')": how errors name a media line of `sdp`.
std::string describeMedia(const GstSDPMessage& sdp, guint index);

// webrtcbin's "media N ..." in `message` followed by describeMedia's words for N.
std::string withMediaNames(const std::string& message, const GstSDPMessage& sdp);

// The answer without the a=mid lines of the m= lines whose mid we made up (the peer never
// named them).
std::string withoutMids(const std::string& answer, const std::vector<guint>& mlines);

// The address and port of the m= line's c= line, when it names a real destination (not
// 0.0.0.0, not the port 9 of a description whose candidates trickle): where an ICE-less peer
// listens. False otherwise.
bool mediaDestination(const GstSDPMessage& sdp, guint index, std::string* address, guint* port);

}  // namespace kurento::webrtc
