// The record of one connection between two elements (internal to MediaElementImpl's files).
#pragma once

#include "MediaElementImpl.hpp"

#include <atomic>
#include <memory>
#include <string>

namespace kurento {

struct MediaElementImpl::Connection {
  std::weak_ptr<MediaElementImpl> source;
  std::weak_ptr<MediaElementImpl> sink;
  std::string sourceId;
  std::string sinkId;
  MediaType type = MediaType::kInvalid;
  std::string sourceDescription;
  std::string sinkDescription;
  GstPad* ghostPad = nullptr;   // the source bin's output to the sink, fed by its adapter
  std::atomic<bool> adapted{false};  // the adapter delivers what the sink accepts
  GstElement* loop = nullptr;   // connection to itself: a queue in the pipeline between them
};

}  // namespace kurento
