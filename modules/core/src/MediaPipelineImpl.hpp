// MediaPipeline: one GStreamer pipeline holding the elements created in it.
#pragma once

#include "MediaObjectImpl.hpp"
#include "MediaPipelineBase.hpp"

#include <kms/sdk/Gst.hpp>

#include <atomic>

namespace kurento {

class MediaPipelineImpl : public MediaPipelineBase {
 public:
  MediaPipelineImpl();
  ~MediaPipelineImpl() override;

  std::string getGstreamerDot(const std::optional<GstreamerDotDetails>& details) override;
  void dumpGstreamerDot(const std::optional<GstreamerDotDetails>& details) override;
  bool getLatencyStats() override;
  void setLatencyStats(const bool& latencyStats) override;

  void postConstructor() override;
  void releaseResources() override;

  // The pipeline element; elements add their bins to it.
  GstBin* bin() const { return GST_BIN(pipeline_.get()); }

 private:
  static GstBusSyncReply onBusMessage(GstBus* bus, GstMessage* message, gpointer self);
  void handleError(GstMessage* message) const;

  kms::GRef<GstElement> pipeline_;
  std::atomic<bool> latencyStats_{false};
};

}  // namespace kurento
