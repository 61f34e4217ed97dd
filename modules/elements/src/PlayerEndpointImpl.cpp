#include "PlayerEndpointImpl.hpp"

#include "BaseRtpEndpointImpl.hpp"
#include "GstDot.hpp"
#include "MediaPipelineImpl.hpp"
#include "player/NetworkCheck.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/ServerContext.hpp>

namespace kurento {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-player", "PlayerEndpoint");

const std::vector<std::string> kSchemes = {"file", "http", "https", "rtsp", "rtsps"};
constexpr int32_t kMaxNetworkCacheMs = 60000;

int32_t checkedNetworkCache(int32_t networkCacheMs) {
  if (networkCacheMs < 0 || networkCacheMs > kMaxNetworkCacheMs) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                                "networkCache must be within 0-" +
                                    std::to_string(kMaxNetworkCacheMs) + " ms, got " +
                                    std::to_string(networkCacheMs));
  }
  return networkCacheMs;
}

}  // namespace
#define GST_CAT_DEFAULT kCat

int PlayerEndpointImpl::readReconnectAttempts(const kms::ClassConfig& config) {
  return static_cast<int>(config.getInt("rtspReconnectAttempts", 10, 0, 1000));
}

PlayerEndpointImpl::PlayerEndpointImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline,
                                       const std::string& uri, bool useEncodedMedia,
                                       int32_t networkCache)
    : PlayerEndpointBase(mediaPipeline, "player", uri, kSchemes),
      options_(sourceOptions(useEncodedMedia, checkedNetworkCache(networkCache))),
      audio_(bin(), outputSinkPad(MediaType::AUDIO), "player_audio"),
      video_(bin(), outputSinkPad(MediaType::VIDEO), "player_video") {}

PlayerEndpointImpl::~PlayerEndpointImpl() { source_.reset(); }

player::SourceOptions PlayerEndpointImpl::sourceOptions(bool useEncodedMedia,
                                                        int32_t networkCacheMs) const {
  player::SourceOptions options;
  options.uri = uri();
  options.encoded = useEncodedMedia;
  options.networkCacheMs = networkCacheMs;
  options.caFile = player::readCaFileSetting(kms::serverContext().classConfig("PlayerEndpoint"));
  if (scheme() == "rtsp" || scheme() == "rtsps") {
    const auto ports = BaseRtpEndpointImpl::readSettings(
        kms::serverContext().classConfig("BaseRtpEndpoint"));
    options.rtpPortRange = std::to_string(ports.minPort) + "-" + std::to_string(ports.maxPort);
    options.reconnectAttempts =
        readReconnectAttempts(kms::serverContext().classConfig("PlayerEndpoint"));
  }
  return options;
}

void PlayerEndpointImpl::postConstructor() {
  PlayerEndpointBase::postConstructor();
  GstElement* decoder = gst_element_factory_make("uridecodebin", nullptr);
  if (decoder == nullptr) {
    throw kms::KurentoException(kms::ErrorCode::kNotEnoughResources,
                                "GStreamer element 'uridecodebin' is missing "
                                "(gstreamer1.0-plugins-base)");
  }
  g_object_set(decoder, "uri", uri().c_str(), nullptr);
  std::weak_ptr<PlayerEndpointImpl> weak =
      std::static_pointer_cast<PlayerEndpointImpl>(shared_from_this());
  player::SourceEvents events;
  events.onEnd = [weak] {
    if (auto self = weak.lock()) {
      self->onEnd();
    }
  };
  events.onError = [weak](const player::SourceError& error) {
    if (auto self = weak.lock()) {
      self->onError(error);
    }
  };
  source_ = player::SourcePipeline::create(id() + "_source", nullptr, decoder, options_, &audio_,
                                           &video_, GST_ELEMENT(getMediaPipeline()->bin()),
                                           std::move(events));
}

void PlayerEndpointImpl::releaseResources() {
  if (source_) {
    source_->stop();
  }
  PlayerEndpointBase::releaseResources();
}

void PlayerEndpointImpl::play() {
  GST_INFO("%s: play %s", id().c_str(), uri().c_str());
  // START first: a source that fails at once (a missing file) reports STOP from the main loop
  // while play() still runs, and must not be overwritten.
  setState(UriEndpointState::START);
  source_->play();
}

void PlayerEndpointImpl::pause() {
  if (getState() != UriEndpointState::START) {
    return;  // pausing a stopped player changes nothing (as in Kurento)
  }
  source_->pause();
  setState(UriEndpointState::PAUSE);
}

void PlayerEndpointImpl::stop() {
  source_->stop();
  setState(UriEndpointState::STOP);
}

void PlayerEndpointImpl::onEnd() {
  // The state first: an application that asks getState() on EndOfStream must see STOP.
  setState(UriEndpointState::STOP);
  EndOfStream event;
  raiseEndOfStream(event);
}

void PlayerEndpointImpl::onError(const player::SourceError& error) {
  setState(UriEndpointState::STOP);
  raiseMediaError(error.type, error.description, error.code);
}

std::shared_ptr<VideoInfo> PlayerEndpointImpl::getVideoInfo() {
  const player::SourceInfo info = source_->info();
  auto result = std::make_shared<VideoInfo>();
  result->isSeekable = info.seekable;
  result->seekableInit = info.seekableStartMs;
  result->seekableEnd = info.seekableEndMs;
  result->duration = info.durationMs;
  return result;
}

std::string PlayerEndpointImpl::getElementGstreamerDot() {
  return binToDot(GST_BIN(source_->pipeline()), std::nullopt);
}

int64_t PlayerEndpointImpl::getPosition() { return source_->positionMs(); }

void PlayerEndpointImpl::setPosition(const int64_t& position) {
  GST_INFO("%s: seek to %" G_GINT64_FORMAT " ms", id().c_str(), static_cast<gint64>(position));
  source_->seek(position);
}

}  // namespace kurento
