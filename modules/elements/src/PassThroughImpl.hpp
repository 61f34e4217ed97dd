// PassThrough: forwards audio and video unchanged from its input to its output.
#pragma once

#include "PassThroughBase.hpp"

namespace kurento {

class PassThroughImpl : public PassThroughBase {
 public:
  explicit PassThroughImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline);
};

}  // namespace kurento
