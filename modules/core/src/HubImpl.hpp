// Hub: the base of mixers and dispatchers; owns a bin in the pipeline and its ports.
#pragma once

#include "HubBase.hpp"

#include <kms/sdk/Gst.hpp>

#include <memory>
#include <string>

namespace kurento {

class HubPortImpl;
class MediaPipelineImpl;

class HubImpl : public HubBase {
 public:
  HubImpl(const std::shared_ptr<MediaPipelineImpl>& pipeline, const std::string& name);

  std::string getGstreamerDot(const std::optional<GstreamerDotDetails>& details) override;
  void dumpGstreamerDot(const std::optional<GstreamerDotDetails>& details) override;

  void postConstructor() override;
  void releaseResources() override;

  // Concrete hubs wire a new port into their mixing or dispatching graph, and out again.
  virtual void attachPort(HubPortImpl& port) = 0;
  virtual void detachPort(HubPortImpl& port) = 0;

  GstBin* bin() const { return GST_BIN(bin_.get()); }

 private:
  kms::GRef<GstElement> bin_;
  std::shared_ptr<MediaPipelineImpl> pipeline_;
};

}  // namespace kurento
