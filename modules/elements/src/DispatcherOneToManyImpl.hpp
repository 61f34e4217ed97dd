// DispatcherOneToMany: the input of the port given to setSource goes, untouched, to every
// port's output (ports that join later too); removeSource stops it. Switching sources
// mid-stream asks the new one for a keyframe (hubs/Switchboard).
#pragma once

#include "DispatcherOneToManyBase.hpp"
#include "HubImpl.hpp"
#include "hubs/Switchboard.hpp"

#include <mutex>
#include <string>
#include <vector>

namespace kurento {

class DispatcherOneToManyImpl : public DispatcherOneToManyBase {
 public:
  explicit DispatcherOneToManyImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline);

  void setSource(const std::shared_ptr<HubPortImpl>& source) override;
  void removeSource() override;
  void attachPort(HubPortImpl& port) override;
  void detachPort(HubPortImpl& port) override;

 private:
  void routeAll();

  std::mutex mutex_;
  hubs::Switchboard board_;
  std::vector<std::string> ports_;
  std::string source_;  // "" when none
};

}  // namespace kurento
