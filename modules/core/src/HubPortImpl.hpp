// HubPort: a media element that connects other elements to a hub. Media entering the port
// goes to the hub (toHubPad); what the hub produces for this port enters fromHubPad.
#pragma once

#include "HubPortBase.hpp"

#include <memory>

namespace kurento {

class HubImpl;

class HubPortImpl : public HubPortBase {
 public:
  explicit HubPortImpl(const std::shared_ptr<HubImpl>& hub);

  void postConstructor() override;
  void releaseResources() override;

  // The pad carrying media of `type` that entered the port (a src pad inside bin()).
  GstPad* toHubPad(MediaType type) const;
  // The pad where the hub delivers media of `type` for this port's output.
  GstPad* fromHubPad(MediaType type) const { return outputSinkPad(type); }

 protected:
  GstCaps* acceptedInput(MediaType type) override;

 private:
  std::shared_ptr<HubImpl> hub_;
  GstElement* audioIn_ = nullptr;  // owned by bin()
  GstElement* videoIn_ = nullptr;
};

}  // namespace kurento
