// Dispatcher: connect(source, sink) feeds the sink port's output with the source port's
// input, untouched; a port is fed by one source at a time and can be switched mid-stream
// (hubs/Switchboard: the new source is asked for a keyframe, nothing is sent before it).
#pragma once

#include "DispatcherBase.hpp"
#include "HubImpl.hpp"
#include "hubs/Switchboard.hpp"

#include <mutex>

namespace kurento {

class DispatcherImpl : public DispatcherBase {
 public:
  explicit DispatcherImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline);

  void connect(const std::shared_ptr<HubPortImpl>& source,
               const std::shared_ptr<HubPortImpl>& sink) override;
  void attachPort(HubPortImpl& port) override;
  void detachPort(HubPortImpl& port) override;

 private:
  std::mutex mutex_;
  hubs::Switchboard board_;
};

}  // namespace kurento
