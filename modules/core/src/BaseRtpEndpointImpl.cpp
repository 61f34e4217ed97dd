#include "BaseRtpEndpointImpl.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>
#include <kms/sdk/ServerContext.hpp>

namespace kurento {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-core-rtp", "BaseRtpEndpoint states");

constexpr int32_t kMinMtu = 500;
constexpr int32_t kMaxMtu = 9000;

void requireNonNegative(int32_t value, const char* name) {
  if (value < 0) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                                std::string(name) + " must be 0 or a positive kbps value, not " +
                                    std::to_string(value));
  }
}
}  // namespace
#define GST_CAT_DEFAULT kCat

BaseRtpEndpointImpl::BaseRtpEndpointImpl(const std::shared_ptr<MediaObjectImpl>& parent,
                                         const std::string& name)
    : BaseRtpEndpointBase(parent, name), rembParams_(std::make_shared<RembParams>()) {
  const Settings settings = readSettings(kms::serverContext().classConfig("BaseRtpEndpoint"));
  minPort_ = settings.minPort;
  maxPort_ = settings.maxPort;
  mtu_ = settings.mtu;
}

BaseRtpEndpointImpl::Settings BaseRtpEndpointImpl::readSettings(const kms::ClassConfig& config) {
  Settings settings{};
  settings.minPort = static_cast<uint16_t>(config.getInt("minPort", 1024, 1024, 65535));
  settings.maxPort = static_cast<uint16_t>(config.getInt("maxPort", 65535, 1024, 65535));
  if (settings.minPort > settings.maxPort) {
    config.fail("minPort", std::to_string(settings.minPort) + " is above maxPort " +
                               std::to_string(settings.maxPort));
  }
  settings.mtu = static_cast<int32_t>(config.getInt("mtu", 1200, kMinMtu, kMaxMtu));
  return settings;
}

int32_t BaseRtpEndpointImpl::getMinVideoRecvBandwidth() { return minVideoRecvKbps_; }

void BaseRtpEndpointImpl::setMinVideoRecvBandwidth(const int32_t& minVideoRecvBandwidth) {
  requireNonNegative(minVideoRecvBandwidth, "minVideoRecvBandwidth");
  minVideoRecvKbps_ = minVideoRecvBandwidth;
}

int32_t BaseRtpEndpointImpl::getMinVideoSendBandwidth() { return minVideoSendKbps_; }

void BaseRtpEndpointImpl::setMinVideoSendBandwidth(const int32_t& minVideoSendBandwidth) {
  requireNonNegative(minVideoSendBandwidth, "minVideoSendBandwidth");
  minVideoSendKbps_ = minVideoSendBandwidth;
}

int32_t BaseRtpEndpointImpl::getMaxVideoSendBandwidth() { return maxVideoSendKbps_; }

void BaseRtpEndpointImpl::setMaxVideoSendBandwidth(const int32_t& maxVideoSendBandwidth) {
  requireNonNegative(maxVideoSendBandwidth, "maxVideoSendBandwidth");
  maxVideoSendKbps_ = maxVideoSendBandwidth;
}

MediaState BaseRtpEndpointImpl::getMediaState() {
  std::lock_guard<std::mutex> lock(stateMutex_);
  return mediaState_;
}

ConnectionState BaseRtpEndpointImpl::getConnectionState() {
  std::lock_guard<std::mutex> lock(stateMutex_);
  return connectionState_;
}

int32_t BaseRtpEndpointImpl::getMtu() { return mtu_; }

void BaseRtpEndpointImpl::setMtu(const int32_t& mtu) {
  if (mtu < kMinMtu || mtu > kMaxMtu) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                                "mtu must be within [" + std::to_string(kMinMtu) + ", " +
                                    std::to_string(kMaxMtu) + "], not " + std::to_string(mtu));
  }
  mtu_ = mtu;
}

std::shared_ptr<RembParams> BaseRtpEndpointImpl::getRembParams() {
  std::lock_guard<std::mutex> lock(stateMutex_);
  return rembParams_;
}

void BaseRtpEndpointImpl::setRembParams(const std::shared_ptr<RembParams>& rembParams) {
  if (!rembParams) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                                "rembParams must be an object");
  }
  std::lock_guard<std::mutex> lock(stateMutex_);
  rembParams_ = rembParams;
}

void BaseRtpEndpointImpl::setMediaState(MediaState state) {
  MediaStateChanged event;
  {
    std::lock_guard<std::mutex> lock(stateMutex_);
    if (mediaState_ == state) {
      return;
    }
    event.oldState = mediaState_;
    event.newState = state;
    mediaState_ = state;
  }
  GST_INFO("%s: media state %s", id().c_str(), toString(state));
  raiseMediaStateChanged(event);
}

void BaseRtpEndpointImpl::setConnectionState(ConnectionState state) {
  ConnectionStateChanged event;
  {
    std::lock_guard<std::mutex> lock(stateMutex_);
    if (connectionState_ == state) {
      return;
    }
    event.oldState = connectionState_;
    event.newState = state;
    connectionState_ = state;
  }
  GST_INFO("%s: connection state %s", id().c_str(), toString(state));
  raiseConnectionStateChanged(event);
}

}  // namespace kurento
