// OpenCVFilter: the base of filters that work on decoded video frames with OpenCV. A subclass
// implements process(), which sees every frame as a BGR cv::Mat it may change in place; audio
// passes through untouched.
#pragma once

#include "OpenCVFilterBase.hpp"
#include "opencv/BgrFrames.hpp"

#include <opencv2/core.hpp>

#include <cstdint>
#include <string>

namespace kurento {

class OpenCVFilterImpl : public OpenCVFilterBase {
 public:
  // `name` names the GstBin in dot dumps.
  OpenCVFilterImpl(const std::shared_ptr<MediaObjectImpl>& parent, const std::string& name);

  // Frames given to process() so far.
  uint64_t processedFrames() const { return frames_.processedFrames(); }

 protected:
  // Raw video: the source decodes (once, shared; BgrFrames.hpp).
  GstCaps* acceptedInput(MediaType type) override {
    return type == MediaType::VIDEO ? filters::BgrFrames::acceptedCaps() : nullptr;
  }

  // Called from a GStreamer streaming thread for every video frame (8-bit BGR, the frame's
  // own size); the changes made to `frame` go downstream. Keep it fast: the video waits.
  virtual void process(cv::Mat& frame) = 0;

 private:
  filters::BgrFrames frames_;
};

}  // namespace kurento
