// PlayerEndpoint: plays a file://, http(s):// or rtsp:// URI into the pipeline, in real time,
// decoded (Kurento's default) or still encoded (useEncodedMedia). The media is read in a
// private pipeline (player/SourcePipeline) so that pause, seek, end and errors stay there.
#pragma once

#include "PlayerEndpointBase.hpp"
#include "player/OutputFeed.hpp"
#include "player/SourcePipeline.hpp"

#include <kms/sdk/Config.hpp>

#include <memory>
#include <string>

namespace kurento {

class PlayerEndpointImpl : public PlayerEndpointBase {
 public:
  PlayerEndpointImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline,
                     const std::string& uri, bool useEncodedMedia, int32_t networkCache);
  ~PlayerEndpointImpl() override;

  // PlayerEndpoint.conf.ini: `rtspReconnectAttempts` (default 10). Throws kms::ConfigError.
  static int readReconnectAttempts(const kms::ClassConfig& config);

  void play() override;
  void pause() override;
  void stop() override;
  std::shared_ptr<VideoInfo> getVideoInfo() override;
  std::string getElementGstreamerDot() override;
  int64_t getPosition() override;
  void setPosition(const int64_t& position) override;

  void postConstructor() override;
  void releaseResources() override;

 private:
  player::SourceOptions sourceOptions(bool useEncodedMedia, int32_t networkCacheMs) const;
  void onEnd();
  void onError(const player::SourceError& error);

  const player::SourceOptions options_;
  player::OutputFeed audio_;
  player::OutputFeed video_;
  std::shared_ptr<player::SourcePipeline> source_;
};

}  // namespace kurento
