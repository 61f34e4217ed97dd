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
  // The format a port's input of `type` takes (a new caps reference; null: any). Mixing hubs
  // take raw media, so that their sources decode it once for every raw consumer.
  virtual GstCaps* portInput(MediaType type);

  // A link from a pad inside one bin to a pad inside another (both children of the same
  // pipeline), through a ghost pad on each bin.
  struct BinLink {
    GstElement* srcBin = nullptr;
    GstPad* srcGhost = nullptr;
    GstElement* sinkBin = nullptr;
    GstPad* sinkGhost = nullptr;
  };
  // Throws UNEXPECTED_ERROR when the pads do not link.
  static BinLink linkAcross(GstElement* srcBin, GstPad* src, GstElement* sinkBin, GstPad* sink);
  static void unlinkAcross(BinLink& link);

  GstBin* bin() const { return GST_BIN(bin_.get()); }

 private:
  kms::GRef<GstElement> bin_;
  std::shared_ptr<MediaPipelineImpl> pipeline_;
};

}  // namespace kurento
