// The elements module's start-up: its settings files are read once here, so that a wrong value
// stops the server at start with the file and the key rather than failing every create later.
#include "HttpEndpointImpl.hpp"
#include "PlayerEndpointImpl.hpp"
#include "player/NetworkCheck.hpp"
#include "webrtc/Certificates.hpp"
#include "webrtc/WebRtcSettings.hpp"

#include <kms/sdk/ServerContext.hpp>

namespace kurento {

void elementsModuleInit(kms::ServerContext& context) {
  const kms::ClassConfig& webRtc = context.classConfig("WebRtcEndpoint");
  webrtc::readSettings(webRtc);
  webrtc::loadConfiguredCertificates(webRtc);
  webrtc::checkExternalAddresses(context.classConfig("RtpEndpoint"));
  PlayerEndpointImpl::readReconnectAttempts(context.classConfig("PlayerEndpoint"));
  player::readCaFileSetting(context.classConfig("PlayerEndpoint"));
  player::readCaFileSetting(context.classConfig("RecorderEndpoint"));
  HttpEndpointImpl::readAnnouncedAddress(context.classConfig("HttpEndpoint"));
}

}  // namespace kurento
