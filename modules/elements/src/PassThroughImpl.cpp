#include "PassThroughImpl.hpp"

#include "MediaPipelineImpl.hpp"

namespace kurento {

PassThroughImpl::PassThroughImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline)
    : PassThroughBase(mediaPipeline, "passthrough") {
  // The input of each media type feeds the output tee directly: no copy, no transcoding.
  for (MediaType type : {MediaType::AUDIO, MediaType::VIDEO}) {
    setInput(type, outputSinkPad(type));
  }
}

}  // namespace kurento
