// SdpEndpoint: the offer/answer state machine shared by RtpEndpoint and WebRtcEndpoint. It
// checks the order of calls and the SDP text, and leaves media decisions to the subclass.
#pragma once

#include "SdpEndpointBase.hpp"

#include <gst/sdp/gstsdpmessage.h>

#include <memory>
#include <mutex>
#include <string>

namespace kurento {

// An owned, parsed SDP message.
struct SdpMessageFree {
  void operator()(GstSDPMessage* message) const { gst_sdp_message_free(message); }
};
using SdpMessagePtr = std::unique_ptr<GstSDPMessage, SdpMessageFree>;

// Parses `text`; throws SDP_PARSE_ERROR (40201) naming what is wrong when it is not a usable
// session description (`what` is "offer" or "answer").
SdpMessagePtr parseSdp(const std::string& text, const char* what);
std::string sdpToString(const GstSDPMessage& message);

class SdpEndpointImpl : public SdpEndpointBase {
 public:
  using SdpEndpointBase::SdpEndpointBase;

  std::string generateOffer(const std::optional<std::shared_ptr<OfferOptions>>& options) override;
  std::string processOffer(const std::string& offer) override;
  std::string processAnswer(const std::string& answer) override;
  std::string getLocalSessionDescriptor() override;
  std::string getRemoteSessionDescriptor() override;
  int32_t getMaxAudioRecvBandwidth() override;
  void setMaxAudioRecvBandwidth(const int32_t& maxAudioRecvBandwidth) override;
  int32_t getMaxVideoRecvBandwidth() override;
  void setMaxVideoRecvBandwidth(const int32_t& maxVideoRecvBandwidth) override;

 protected:
  // Subclass hooks, called under the negotiation lock. Each throws KurentoException with an
  // SDP code (and a message naming the cause) when it cannot do what is asked.
  virtual std::string createOffer(const OfferOptions& options) = 0;
  virtual std::string createAnswer(const GstSDPMessage& offer) = 0;
  virtual void applyAnswer(const GstSDPMessage& answer) = 0;
  // Called once negotiation completes (after processOffer or processAnswer succeeded).
  virtual void onNegotiated() {}

  int32_t maxAudioRecvKbps() const { return maxAudioRecvKbps_; }
  int32_t maxVideoRecvKbps() const { return maxVideoRecvKbps_; }

 private:
  enum class State { kNew, kOfferSent, kNegotiated };

  std::recursive_mutex negotiationMutex_;
  State state_ = State::kNew;
  std::string localSdp_;
  std::string remoteSdp_;
  int32_t maxAudioRecvKbps_ = 0;  // 0: no limit
  int32_t maxVideoRecvKbps_ = 0;
};

}  // namespace kurento
