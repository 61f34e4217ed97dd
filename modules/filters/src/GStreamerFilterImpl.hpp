// GStreamerFilter: one GStreamer element, or a chain of them, given in gst-launch syntax, on
// the decoded audio or video of the element (the other media type passes untouched). Elements
// that reach outside the pipeline are refused unless the operator allows them (ElementPolicy).
#pragma once

#include "GStreamerFilterBase.hpp"

#include <memory>
#include <string>

namespace kurento {

class GStreamerFilterImpl : public GStreamerFilterBase {
 public:
  // Throws KurentoException(kMediaObjectIllegalParamError) with GStreamer's message when the
  // command does not parse, uses a refused element, or lacks one sink and one source pad of
  // raw media of `filterType`.
  GStreamerFilterImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline,
                      const std::string& command, const FilterType& filterType);

  // Sets the property on the first element of the chain that has it; the value is read as
  // gst-launch would (numbers, booleans, enum nicks, caps, ...).
  void setElementProperty(const std::string& propertyName,
                          const std::string& propertyValue) override;
  std::string getCommand() override { return command_; }

 protected:
  // Raw media of the filtered type: the source decodes (once, shared by its raw consumers).
  GstCaps* acceptedInput(MediaType type) override;

 private:
  GstElement* findElementWith(const std::string& propertyName) const;

  const std::string command_;
  GstElement* filter_ = nullptr;  // the parsed bin; owned by bin()
  MediaType filtered_ = MediaType::VIDEO;
};

}  // namespace kurento
