#include "OpenCVFilterImpl.hpp"

namespace kurento {

// Video goes through BgrFrames (decoded, BGR for process(), I420 out); audio passes untouched.
OpenCVFilterImpl::OpenCVFilterImpl(const std::shared_ptr<MediaObjectImpl>& parent,
                                   const std::string& name)
    : OpenCVFilterBase(parent, name),
      frames_(bin(), outputSinkPad(MediaType::VIDEO), name,
              [this](cv::Mat& frame) { process(frame); }) {
  setInput(MediaType::VIDEO, frames_.input());
  setInput(MediaType::AUDIO, outputSinkPad(MediaType::AUDIO));
}

}  // namespace kurento
