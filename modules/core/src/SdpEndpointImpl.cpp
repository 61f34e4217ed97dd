#include "SdpEndpointImpl.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>

#include <cstring>

namespace kurento {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-core-sdp", "SdpEndpoint negotiation");

constexpr size_t kMaxSdpBytes = 64 * 1024;

[[noreturn]] void fail(kms::ErrorCode code, const std::string& message) {
  throw kms::KurentoException(code, message);
}
}  // namespace
#define GST_CAT_DEFAULT kCat

SdpMessagePtr parseSdp(const std::string& text, const char* what) {
  if (text.empty()) {
    fail(kms::ErrorCode::kSdpParseError, std::string("the ") + what + " is empty");
  }
  if (text.size() > kMaxSdpBytes) {
    fail(kms::ErrorCode::kSdpParseError, std::string("the ") + what + " is " +
                                             std::to_string(text.size()) + " bytes; at most " +
                                             std::to_string(kMaxSdpBytes) + " are accepted");
  }
  if (text.compare(0, 2, "v=") != 0) {
    fail(kms::ErrorCode::kSdpParseError,
         std::string("the ") + what + " is not SDP: it must start with \"v=0\"");
  }
  GstSDPMessage* raw = nullptr;
  gst_sdp_message_new(&raw);
  SdpMessagePtr message(raw);
  if (gst_sdp_message_parse_buffer(reinterpret_cast<const guint8*>(text.data()),
                                   static_cast<guint>(text.size()),
                                   message.get()) != GST_SDP_OK) {
    fail(kms::ErrorCode::kSdpParseError, std::string("the ") + what + " cannot be parsed");
  }
  if (gst_sdp_message_medias_len(message.get()) == 0) {
    fail(kms::ErrorCode::kSdpParseError, std::string("the ") + what + " has no m= line");
  }
  // More than one session-level ICE credential aborts webrtcbin 1.22 (a g_assert in its SDP
  // reader, the whole server gone; found by fuzz_sdp_webrtc). RFC 8839 allows one.
  for (const char* key : {"ice-ufrag", "ice-pwd"}) {
    guint count = 0;
    for (guint i = 0; i < gst_sdp_message_attributes_len(message.get()); ++i) {
      const GstSDPAttribute* attribute = gst_sdp_message_get_attribute(message.get(), i);
      count += attribute->key != nullptr && std::strcmp(attribute->key, key) == 0 ? 1 : 0;
    }
    if (count > 1) {
      fail(kms::ErrorCode::kSdpParseError, std::string("the ") + what + " has " +
                                               std::to_string(count) + " session-level a=" + key +
                                               " lines; at most one is allowed (RFC 8839)");
    }
  }
  for (guint i = 0; i < gst_sdp_message_medias_len(message.get()); ++i) {
    const GstSDPMedia* media = gst_sdp_message_get_media(message.get(), i);
    if (gst_sdp_media_get_media(media) == nullptr || gst_sdp_media_get_proto(media) == nullptr ||
        gst_sdp_media_formats_len(media) == 0) {
      fail(kms::ErrorCode::kSdpParseError, std::string("the ") + what + " has an incomplete m= line (#" +
                                               std::to_string(i) + ")");
    }
  }
  return message;
}

std::string sdpToString(const GstSDPMessage& message) {
  gchar* text = gst_sdp_message_as_text(&message);
  std::string result(text != nullptr ? text : "");
  g_free(text);
  return result;
}

std::string SdpEndpointImpl::generateOffer(
    const std::optional<std::shared_ptr<OfferOptions>>& options) {
  std::lock_guard<std::recursive_mutex> lock(negotiationMutex_);
  if (state_ == State::kNegotiated) {
    fail(kms::ErrorCode::kSdpEndPointAlreadyNegotiated,
         id() + " has already negotiated its media; create a new endpoint to renegotiate");
  }
  OfferOptions effective;
  if (options && *options) {
    effective = **options;
  }
  localSdp_ = createOffer(effective);
  state_ = State::kOfferSent;
  GST_INFO("%s: offer generated", id().c_str());
  return localSdp_;
}

std::string SdpEndpointImpl::processOffer(const std::string& offer) {
  std::lock_guard<std::recursive_mutex> lock(negotiationMutex_);
  if (state_ == State::kNegotiated) {
    fail(kms::ErrorCode::kSdpEndPointAlreadyNegotiated,
         id() + " has already negotiated its media; create a new endpoint to renegotiate");
  }
  if (state_ == State::kOfferSent) {
    fail(kms::ErrorCode::kSdpEndPointProcessOfferError,
         id() + " has generated an offer and waits for an answer (processAnswer), not an offer");
  }
  SdpMessagePtr parsed = parseSdp(offer, "offer");
  std::string answer = createAnswer(*parsed);
  remoteSdp_ = offer;
  localSdp_ = answer;
  state_ = State::kNegotiated;
  GST_INFO("%s: offer processed", id().c_str());
  onNegotiated();
  return localSdp_;
}

std::string SdpEndpointImpl::processAnswer(const std::string& answer) {
  std::lock_guard<std::recursive_mutex> lock(negotiationMutex_);
  if (state_ == State::kNew) {
    fail(kms::ErrorCode::kSdpEndPointNotOfferGenerated,
         id() + " has not generated an offer: call generateOffer before processAnswer");
  }
  if (state_ == State::kNegotiated) {
    fail(kms::ErrorCode::kSdpEndPointAnswerAlreadyProcessed,
         id() + " has already processed an answer");
  }
  SdpMessagePtr parsed = parseSdp(answer, "answer");
  applyAnswer(*parsed);
  remoteSdp_ = answer;
  state_ = State::kNegotiated;
  GST_INFO("%s: answer processed", id().c_str());
  onNegotiated();
  return localSdp_;
}

std::string SdpEndpointImpl::getLocalSessionDescriptor() {
  std::lock_guard<std::recursive_mutex> lock(negotiationMutex_);
  if (localSdp_.empty()) {
    fail(kms::ErrorCode::kSdpEndPointNoLocalSdpError,
         id() + " has no local description yet (generateOffer or processOffer first)");
  }
  return localSdp_;
}

std::string SdpEndpointImpl::getRemoteSessionDescriptor() {
  std::lock_guard<std::recursive_mutex> lock(negotiationMutex_);
  if (remoteSdp_.empty()) {
    fail(kms::ErrorCode::kSdpEndPointNoRemoteSdpError,
         id() + " has no remote description yet (processOffer or processAnswer first)");
  }
  return remoteSdp_;
}

int32_t SdpEndpointImpl::getMaxAudioRecvBandwidth() { return maxAudioRecvKbps_; }

void SdpEndpointImpl::setMaxAudioRecvBandwidth(const int32_t& maxAudioRecvBandwidth) {
  if (maxAudioRecvBandwidth < 0) {
    fail(kms::ErrorCode::kMediaObjectIllegalParamError,
         "maxAudioRecvBandwidth must be 0 (no limit) or a positive kbps value");
  }
  maxAudioRecvKbps_ = maxAudioRecvBandwidth;
}

int32_t SdpEndpointImpl::getMaxVideoRecvBandwidth() { return maxVideoRecvKbps_; }

void SdpEndpointImpl::setMaxVideoRecvBandwidth(const int32_t& maxVideoRecvBandwidth) {
  if (maxVideoRecvBandwidth < 0) {
    fail(kms::ErrorCode::kMediaObjectIllegalParamError,
         "maxVideoRecvBandwidth must be 0 (no limit) or a positive kbps value");
  }
  maxVideoRecvKbps_ = maxVideoRecvBandwidth;
}

}  // namespace kurento
