// AlphaBlending: the master port's video is the background, at its own size (640x480 until it
// is known); the other ports' pictures are blended over it (their alpha channel kept) where
// setPortProperties puts them, in fractions of the master's size, in z-order. A port is not
// drawn until it is placed. Every port's output is the blended picture. Video only.
#pragma once

#include "AlphaBlendingBase.hpp"
#include "HubImpl.hpp"

#include <map>
#include <mutex>
#include <string>

namespace kurento {

class AlphaBlendingImpl : public AlphaBlendingBase {
 public:
  explicit AlphaBlendingImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline);
  ~AlphaBlendingImpl() override;

  void setMaster(const std::shared_ptr<HubPortImpl>& source, const int32_t& zOrder) override;
  void setPortProperties(const double& relativeX, const double& relativeY, const int32_t& zOrder,
                         const double& relativeWidth, const double& relativeHeight,
                         const std::shared_ptr<HubPortImpl>& port) override;
  void attachPort(HubPortImpl& port) override;
  void detachPort(HubPortImpl& port) override;
  GstCaps* portInput(MediaType type) override;

 private:
  struct Placement {
    double x = 0, y = 0, width = 0, height = 0;
    int zOrder = 0;
    bool placed = false;
  };
  struct Port {
    BinLink in;
    BinLink out;
    GstElement* input = nullptr;  // queue ! videoconvert ! AYUV, into the compositor
    // Request pads, held until the port leaves or the hub goes.
    kms::GRef<GstPad> compositorPad;
    kms::GRef<GstPad> teePad;
    GstElement* outQueue = nullptr;
    Placement placement;
  };

  Port& portOf(const std::shared_ptr<HubPortImpl>& port, const char* role);
  void apply(const std::string& id, Port& port);
  void resize(int width, int height);
  static GstPadProbeReturn onMasterCaps(GstPad* pad, GstPadProbeInfo* info, gpointer self);

  GstElement* compositor_ = nullptr;  // owned by bin()
  GstElement* output_ = nullptr;  // capsfilter: the output's size
  GstElement* tee_ = nullptr;
  GstPad* backgroundPad_ = nullptr;  // a reference
  std::mutex mutex_;
  std::map<std::string, Port> ports_;
  std::string master_;
  gulong masterProbe_ = 0;
  int masterWidth_ = 0;  // the output's size: the master's once known
  int masterHeight_ = 0;
};

}  // namespace kurento
