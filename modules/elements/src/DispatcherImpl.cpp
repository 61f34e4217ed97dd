#include "DispatcherImpl.hpp"

#include "HubPortImpl.hpp"
#include "MediaPipelineImpl.hpp"

namespace kurento {

DispatcherImpl::DispatcherImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline)
    : DispatcherBase(mediaPipeline, "dispatcher"), board_(bin()) {}

void DispatcherImpl::connect(const std::shared_ptr<HubPortImpl>& source,
                             const std::shared_ptr<HubPortImpl>& sink) {
  std::lock_guard<std::mutex> lock(mutex_);
  board_.requirePort(source, id(), "source");
  board_.requirePort(sink, id(), "sink");
  board_.route(sink->id(), source->id());
}

void DispatcherImpl::attachPort(HubPortImpl& port) {
  std::lock_guard<std::mutex> lock(mutex_);
  board_.add(port);
}

void DispatcherImpl::detachPort(HubPortImpl& port) {
  std::lock_guard<std::mutex> lock(mutex_);
  board_.remove(port);
}

}  // namespace kurento
