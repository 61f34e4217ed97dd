// MediaElement's DATA connections: the sinks a source relays DataChannel messages to
// (connect/disconnect with MediaType DATA), in the order they were connected.
#include "MediaElementImpl.hpp"

#include <kms/sdk/Gst.hpp>

#include <algorithm>

namespace kurento {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-core-data", "MediaElement data connections");
}  // namespace
#define GST_CAT_DEFAULT kCat

void MediaElementImpl::connectData(MediaElementImpl& sink, const std::string& sourceDescription,
                                   const std::string& sinkDescription) {
  {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    for (const auto& existing : dataSinks_) {
      if (existing.lock().get() == &sink) {
        return;  // already connected
      }
    }
    dataSinks_.push_back(std::static_pointer_cast<MediaElementImpl>(sink.shared_from_this()));
  }
  GST_INFO("%s connected to %s (data)", id().c_str(), sink.id().c_str());
  ElementConnected event;
  event.sink = std::static_pointer_cast<MediaElementImpl>(sink.shared_from_this());
  event.mediaType = MediaType::DATA;
  event.sourceMediaDescription = sourceDescription;
  event.sinkMediaDescription = sinkDescription;
  raiseElementConnected(event);
}

void MediaElementImpl::disconnectData(MediaElementImpl& sink) {
  bool removed = false;
  {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    auto it = std::remove_if(dataSinks_.begin(), dataSinks_.end(), [&](const auto& weak) {
      auto element = weak.lock();
      return !element || element.get() == &sink;
    });
    removed = it != dataSinks_.end();
    dataSinks_.erase(it, dataSinks_.end());
  }
  if (removed) {
    ElementDisconnected event;
    event.sink = std::static_pointer_cast<MediaElementImpl>(sink.shared_from_this());
    event.mediaType = MediaType::DATA;
    event.sourceMediaDescription = "default";
    event.sinkMediaDescription = "default";
    raiseElementDisconnected(event);
  }
}

void MediaElementImpl::sendData(const std::string& label, const std::string& payload,
                                bool binary) {
  std::vector<std::shared_ptr<MediaElementImpl>> sinks;
  {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    for (const auto& weak : dataSinks_) {
      if (auto sink = weak.lock()) {
        sinks.push_back(sink);
      }
    }
  }
  for (const auto& sink : sinks) {
    sink->receiveData(label, payload, binary);
  }
}

void MediaElementImpl::receiveData(const std::string&, const std::string&, bool) {}

}  // namespace kurento
