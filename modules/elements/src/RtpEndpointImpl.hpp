// RtpEndpoint: plain RTP or SDES-SRTP over UDP with rtpbin, without ICE; symmetric RTP
// (comedia) when the peer's offer says a=direction:active. Its input takes the agreed codec:
// the source's shared FormatAdapter converts for it.
#pragma once

#include "RtpEndpointBase.hpp"
#include "rtp/RtpMediaSession.hpp"
#include "rtp/RtpNegotiation.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <optional>

namespace kurento {

class RtpEndpointImpl : public RtpEndpointBase {
 public:
  RtpEndpointImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline,
                  const std::shared_ptr<SDES>& crypto, bool useIpv6);
  ~RtpEndpointImpl() override;

  void requestKeyframe() override;
  std::map<std::string, std::shared_ptr<Stats>> getStats(
      const std::optional<MediaType>& mediaType) override;
  void releaseResources() override;

 protected:
  std::string createOffer(const OfferOptions& options) override;
  std::string createAnswer(const GstSDPMessage& offer) override;
  void applyAnswer(const GstSDPMessage& answer) override;
  void onNegotiated() override;
  GstCaps* acceptedInput(MediaType type) override;
  void inputEncoderChanged(MediaType type, GstElement* encoder) override;

 private:
  rtp::LocalPorts reserve(MediaType type);
  rtp::RembSettings rembSettings();
  void start(const std::vector<rtp::MediaPlan>& plans);
  static void onRtpbinPadAdded(GstElement* rtpbin, GstPad* pad, gpointer self);
  static void onRtpbinTimeout(GstElement* rtpbin, guint session, guint ssrc, gpointer self);

  const bool useIpv6_;
  std::optional<rtp::SrtpKey> key_;
  GstElement* rtpbin_ = nullptr;  // owned by bin()
  std::array<GstElement*, 2> inputQueues_{};
  // Drops what a source sends before the media line exists: pushed out of an unlinked pad,
  // it would pause the input queue for good (NOT_LINKED), and the line would never send.
  std::array<gulong, 2> inputHolds_{};
  std::unique_ptr<rtp::RtpNegotiation> negotiation_;
  std::mutex sessionsMutex_;
  std::map<MediaType, std::unique_ptr<rtp::RtpMediaSession>> sessions_;
  mutable std::mutex plansMutex_;  // a leaf lock: acceptedInput is called under others
  std::vector<rtp::MediaPlan> plans_;
};

}  // namespace kurento
