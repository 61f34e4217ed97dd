// Composite: a grid of every port's video (hubs/GridLayout: 1..N inputs, aspect ratio kept,
// black where there is no picture) at the size and frame rate given at creation, and an audio
// mix per port that leaves out the port's own audio (hubs/AudioMixBus). Every port's output is
// the grid and its mix. Ports take raw media: their sources decode once for all raw consumers.
#pragma once

#include "CompositeBase.hpp"
#include "HubImpl.hpp"
#include "hubs/AudioMixBus.hpp"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kurento {

class CompositeImpl : public CompositeBase {
 public:
  CompositeImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline, int32_t width,
                int32_t height, int32_t framerate);

  void attachPort(HubPortImpl& port) override;
  void detachPort(HubPortImpl& port) override;
  GstCaps* portInput(MediaType type) override;

 private:
  struct Port {
    std::string id;
    BinLink videoIn;
    BinLink videoOut;
    BinLink audioIn;
    BinLink audioOut;
    GstElement* videoInput = nullptr;  // queue ! videoconvert, into the compositor
    // Request pads, held until the port leaves or the hub goes (a hub dropped with ports
    // still attached gave its references back to no one: GstTeePads left at exit).
    kms::GRef<GstPad> compositorPad;
    kms::GRef<GstPad> teePad;          // of the grid's tee
    GstElement* videoQueue = nullptr;  // from the grid's tee to the port
  };

  void relayout();

  const int width_;
  const int height_;
  const int framerate_;
  GstElement* compositor_ = nullptr;  // all owned by bin()
  GstElement* videoTee_ = nullptr;
  hubs::AudioMixBus audio_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Port>> ports_;
};

}  // namespace kurento
