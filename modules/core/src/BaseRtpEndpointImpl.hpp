// BaseRtpEndpoint: what RTP-based endpoints share: bandwidth limits, MTU, port range (from
// BaseRtpEndpoint.conf.ini), REMB parameters, and the media/connection states with their events.
#pragma once

#include "BaseRtpEndpointBase.hpp"

#include <kms/sdk/Config.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

namespace kurento {

class BaseRtpEndpointImpl : public BaseRtpEndpointBase {
 public:
  BaseRtpEndpointImpl(const std::shared_ptr<MediaObjectImpl>& parent, const std::string& name);

  // BaseRtpEndpoint.conf.ini; throws kms::ConfigError naming the file and the key. The core
  // module reads it once at start-up so that a wrong value stops the server there.
  struct Settings {
    uint16_t minPort;
    uint16_t maxPort;
    int32_t mtu;
  };
  static Settings readSettings(const kms::ClassConfig& config);

  int32_t getMinVideoRecvBandwidth() override;
  void setMinVideoRecvBandwidth(const int32_t& minVideoRecvBandwidth) override;
  int32_t getMinVideoSendBandwidth() override;
  void setMinVideoSendBandwidth(const int32_t& minVideoSendBandwidth) override;
  int32_t getMaxVideoSendBandwidth() override;
  void setMaxVideoSendBandwidth(const int32_t& maxVideoSendBandwidth) override;
  MediaState getMediaState() override;
  ConnectionState getConnectionState() override;
  int32_t getMtu() override;
  void setMtu(const int32_t& mtu) override;
  std::shared_ptr<RembParams> getRembParams() override;
  void setRembParams(const std::shared_ptr<RembParams>& rembParams) override;

 protected:
  // Changes the state and raises the event when it really changes; any thread.
  void setMediaState(MediaState state);
  void setConnectionState(ConnectionState state);

  uint16_t minPort() const { return minPort_; }
  uint16_t maxPort() const { return maxPort_; }
  int32_t minVideoSendKbps() const { return minVideoSendKbps_; }
  int32_t maxVideoSendKbps() const { return maxVideoSendKbps_; }

 private:
  uint16_t minPort_;
  uint16_t maxPort_;
  std::atomic<int32_t> mtu_;
  std::atomic<int32_t> minVideoRecvKbps_{0};
  std::atomic<int32_t> minVideoSendKbps_{100};
  std::atomic<int32_t> maxVideoSendKbps_{500};
  std::mutex stateMutex_;
  MediaState mediaState_ = MediaState::DISCONNECTED;
  ConnectionState connectionState_ = ConnectionState::DISCONNECTED;
  std::shared_ptr<RembParams> rembParams_;
};

}  // namespace kurento
