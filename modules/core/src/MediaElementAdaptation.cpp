// MediaElement's side of format adaptation (FormatAdapter.hpp): what an element's input takes,
// telling its source when that changes, the transcoding state it reports, and the formats and
// encoder bitrates its encoders use.
#include "MediaElementConnection.hpp"
#include "MediaElementImpl.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>

#include <algorithm>
#include <string>

namespace kurento {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-core-transcoding", "MediaElement transcoding");

const char* lowerName(MediaType type) { return type == MediaType::AUDIO ? "audio" : "video"; }
}  // namespace
#define GST_CAT_DEFAULT kCat

bool MediaElementImpl::isMediaTranscoding(const MediaType& mediaType, const std::string& binName) {
  std::lock_guard<std::mutex> lock(transcodingMutex_);
  for (const auto& [key, transcoding] : transcoding_) {
    if (key.first == mediaType && (binName == "default" || binName.empty() || binName == key.second) &&
        transcoding) {
      return true;
    }
  }
  return false;
}

void MediaElementImpl::reportTranscoding(MediaType type, const std::string& binName,
                                         bool transcoding) {
  {
    std::lock_guard<std::mutex> lock(transcodingMutex_);
    auto [entry, added] = transcoding_.emplace(std::make_pair(type, binName), transcoding);
    if (!added && entry->second == transcoding) {
      return;
    }
    entry->second = transcoding;
  }
  GST_INFO("%s: %s %s (%s)", id().c_str(), transcoding ? "transcoding" : "not transcoding",
           lowerName(type), binName.c_str());
  MediaTranscodingStateChanged event;
  event.state = transcoding ? MediaTranscodingState::TRANSCODING
                            : MediaTranscodingState::NOT_TRANSCODING;
  event.binName = binName;
  event.mediaType = type;
  raiseMediaTranscodingStateChanged(event);
}

GstCaps* MediaElementImpl::acceptedInput(MediaType) { return nullptr; }

void MediaElementImpl::inputEncoderChanged(MediaType, GstElement*) {}

std::shared_ptr<MediaElementImpl::Connection> MediaElementImpl::sourceConnection(
    MediaType type) const {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  for (const auto& weak : sources_) {
    auto connection = weak.lock();
    if (connection && connection->type == type) {
      return connection;
    }
  }
  return nullptr;
}

void MediaElementImpl::inputFormatChanged(MediaType type) {
  if (type == MediaType::DATA) {
    return;
  }
  std::shared_ptr<Connection> connection = sourceConnection(type);
  std::shared_ptr<MediaElementImpl> source = connection ? connection->source.lock() : nullptr;
  if (!source) {
    return;
  }
  kms::MiniRef<GstCaps> wanted(acceptedInput(type));
  source->adapters_[slot(type)]->setWanted(connection->ghostPad, wanted.get());
}

bool MediaElementImpl::inputAdapted(MediaType type) const {
  std::shared_ptr<Connection> connection = type == MediaType::DATA ? nullptr : sourceConnection(type);
  return connection && connection->adapted;
}

EncoderBitrate::Bounds MediaElementImpl::bitrateBounds() const {
  EncoderBitrate::Bounds bounds;
  bounds.startBps = encoderBitrateBps_;
  bounds.minBps = minEncoderBitrateBps_;
  bounds.maxBps = maxEncoderBitrateBps_;
  return bounds;
}

void MediaElementImpl::setAudioFormat(const std::shared_ptr<AudioCaps>& caps) {
  if (caps->codec == AudioCodec::kInvalid || caps->bitrate < 0) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                                "setAudioFormat: caps need a codec and a bitrate >= 0");
  }
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  audioFormat_ = caps;
}

void MediaElementImpl::setVideoFormat(const std::shared_ptr<VideoCaps>& caps) {
  if (caps->codec == VideoCodec::kInvalid || !caps->framerate ||
      caps->framerate->numerator <= 0 || caps->framerate->denominator <= 0) {
    throw kms::KurentoException(
        kms::ErrorCode::kMediaObjectIllegalParamError,
        "setVideoFormat: caps need a codec and a framerate with positive terms");
  }
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  videoFormat_ = caps;
}

std::shared_ptr<AudioCaps> MediaElementImpl::audioFormat() const {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  return audioFormat_;
}

std::shared_ptr<VideoCaps> MediaElementImpl::videoFormat() const {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  return videoFormat_;
}

namespace {

void checkBitrate(const char* name, int32_t bitrateBps) {
  if (bitrateBps < 0) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                                std::string(name) + " must be >= 0 bps, got " +
                                    std::to_string(bitrateBps));
  }
}

}  // namespace

int32_t MediaElementImpl::getEncoderBitrate() { return encoderBitrateBps_; }

void MediaElementImpl::setEncoderBitrate(const int32_t& encoderBitrate) {
  checkBitrate("encoderBitrate", encoderBitrate);
  encoderBitrateBps_ = encoderBitrate;
  adapters_[slot(MediaType::VIDEO)]->refreshBitrateBounds();
}

int32_t MediaElementImpl::getMinEncoderBitrate() { return minEncoderBitrateBps_; }

void MediaElementImpl::setMinEncoderBitrate(const int32_t& minEncoderBitrate) {
  checkBitrate("minEncoderBitrate", minEncoderBitrate);
  minEncoderBitrateBps_ = minEncoderBitrate;
  adapters_[slot(MediaType::VIDEO)]->refreshBitrateBounds();
}

int32_t MediaElementImpl::getMaxEncoderBitrate() { return maxEncoderBitrateBps_; }

void MediaElementImpl::setMaxEncoderBitrate(const int32_t& maxEncoderBitrate) {
  checkBitrate("maxEncoderBitrate", maxEncoderBitrate);
  maxEncoderBitrateBps_ = maxEncoderBitrate;
  adapters_[slot(MediaType::VIDEO)]->refreshBitrateBounds();
}

}  // namespace kurento
