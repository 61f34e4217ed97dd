// MediaElement's side of format adaptation (FormatAdapter.hpp): what an element's input takes,
// telling its source when that changes, and the transcoding state it reports.
#include "MediaElementConnection.hpp"
#include "MediaElementImpl.hpp"

#include <kms/sdk/Gst.hpp>

#include <algorithm>

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

}  // namespace kurento
