#include "DispatcherOneToManyImpl.hpp"

#include "HubPortImpl.hpp"
#include "MediaPipelineImpl.hpp"

#include <algorithm>

namespace kurento {

DispatcherOneToManyImpl::DispatcherOneToManyImpl(
    const std::shared_ptr<MediaPipelineImpl>& mediaPipeline)
    : DispatcherOneToManyBase(mediaPipeline, "dispatcheronetomany"), board_(bin()) {}

void DispatcherOneToManyImpl::setSource(const std::shared_ptr<HubPortImpl>& source) {
  std::lock_guard<std::mutex> lock(mutex_);
  board_.requirePort(source, id(), "source");
  source_ = source->id();
  routeAll();
}

void DispatcherOneToManyImpl::removeSource() {
  std::lock_guard<std::mutex> lock(mutex_);
  source_.clear();
  routeAll();
}

void DispatcherOneToManyImpl::attachPort(HubPortImpl& port) {
  std::lock_guard<std::mutex> lock(mutex_);
  board_.add(port);
  ports_.push_back(port.id());
  board_.route(port.id(), source_);
}

void DispatcherOneToManyImpl::detachPort(HubPortImpl& port) {
  std::lock_guard<std::mutex> lock(mutex_);
  board_.remove(port);
  ports_.erase(std::remove(ports_.begin(), ports_.end(), port.id()), ports_.end());
  if (source_ == port.id()) {
    source_.clear();
  }
}

void DispatcherOneToManyImpl::routeAll() {
  for (const std::string& port : ports_) {
    board_.route(port, source_);
  }
}

}  // namespace kurento
